"""Event types and scheduled events: plain types. The numbers and rules live in sim/data/codebook.yaml."""

from __future__ import annotations

from dataclasses import dataclass

# How onlookers respond to an event (docs/model.md, "Audience rules"); the codebook picks one per type.
DIPLOMATIC = "diplomatic"
CAPABILITY = "capability"
HOSTILE = "hostile"
AUDIENCE_RULES = (DIPLOMATIC, CAPABILITY, HOSTILE)


@dataclass(frozen=True)
class EventType:
    name: str
    cameo: str
    label: str
    goldstein: float
    durable: float
    duration: int
    description: str
    audience: str = DIPLOMATIC  # one of AUDIENCE_RULES
    military_tie: bool = False  # gives a party a military partner: its rivals may seek a counter-patron
    one_way: bool = False  # only the target gains (supplier -> client)
    counter_move: str | None = None  # the type an actor answers with (a counter-patron's tie, a riposte)
    restorative: bool = False  # de-escalation: its lasting part moves the baseline back towards the prior

    @property
    def weight(self) -> float:
        """The Goldstein score rescaled to [-1, 1]: the unit the dynamics work in."""
        return self.goldstein / 10.0


@dataclass(frozen=True)
class ScheduledEvent:
    """One directed event, after multilateral and multi-target events are split into pairs."""

    month: int
    type: str
    source: str
    target: str
    intensity: float = 1.0
    note: str = ""
    audience_share: float = 1.0  # 1/(m-1) for a meeting of m actors: one event's worth of audience each
    place: str = ""  # e.g. "events[3]", for messages
    event_id: str = ""  # the scenario file's `id:` of the event (a slug, unique in its scenario), or ""
    mutual: bool = False  # one half of a mutual hostile act (`between:`): neither side the sole aggressor


@dataclass(frozen=True)
class LoggedEvent:
    """An event as it happened, with where it came from and why."""

    month: int
    type: str
    source: str
    target: str
    intensity: float
    origin: str  # "scenario" or "reaction"
    reason: str  # a reaction's why; a scheduled event's place in the scenario ("events[3]": Summary.notes)
    audience_share: float = 1.0
    actor: str = ""  # who decided: the reacting actor for a reaction, the source for a scenario event
    probability: float = 1.0  # the chance the decision had when it was drawn (1 for scripted events)
