"""A scenario as plain data: its settings, added actors, overrides of starting scores and events."""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import ScheduledEvent
from .parameters import Parameters

DEFAULT_MONTHS = 36


@dataclass(frozen=True)
class AddedActor:
    name: str
    capability: float
    relations: dict[str, float] = field(default_factory=dict)
    kind: str = "state"
    anchoring: float = 1.0
    attention: float = 1.0


@dataclass(frozen=True)
class ActorChange:
    """An actor changing what it is during a scenario, from month `month` on (e.g. the Taliban taking Kabul)."""

    month: int
    actor: str
    kind: str | None = None
    capability: float | None = None
    note: str = ""


CHANGES = ("up", "down", "not_up", "not_down")
MEASURES = ("effect", "peak", "share_left")  # what a sized band bounds (sim/results/expectations.py)
SPLITS = ("train", "test")  # hindcast episodes up to 2016 calibrate (train); 2017 on check (test)


@dataclass(frozen=True)
class Expectation:
    """What a credible model must show (hindcasts): a directed pair's change, or two actors in one bloc.

    A pair's change is measured as the events' effect: (score at by_month - score at from_month) in the run,
    minus the same in the run without the scenario's events. A direction (`change`): `up` needs more than
    tolerance, `not_up` at most tolerance. A sized band (`measure` with `low`..`high`, both inclusive) bounds
    the effect at by_month, its peak (the largest in size between from_month and by_month, with its sign) or
    the share of that peak left at by_month.
    """

    pair: tuple[str, str] | None = None
    change: str | None = None
    from_month: int = 0
    by_month: int | None = None  # None: the last month
    tolerance: float = 0.01
    bloc_together: tuple[str, str] | None = None
    at: int | None = None  # None: the last month
    note: str = ""
    measure: str | None = None  # one of MEASURES for a sized band; None for a direction or a bloc check
    low: float | None = None
    high: float | None = None


OBSERVED_MEASURES = ("net_cooperation", "goldstein_mean")  # columns of `sim data events` an episode may score


@dataclass(frozen=True)
class Observed:
    """An episode's observed target: a monthly event-data series (`sim data events` writes it) that the
    model's scores are compared with through the observation model of sim/results/observation.py.

    Month 1 of the episode is the calendar month `start` ("YYYY-MM"); the `before` months preceding it fit
    the observation model; the episode's months score it. `pairs` are directed: [A, B] reads the events
    A did to B against how A regards B. A month with fewer than `min_events` events of a pair is no
    observation (a month without events is missing, not zero).
    """

    file: str
    start: str
    pairs: tuple[tuple[str, str], ...]
    measure: str = "net_cooperation"
    before: int = 12
    min_events: int = 1


@dataclass(frozen=True)
class RelationOverride:
    source: str
    target: str
    score: float
    directed: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    months: int = DEFAULT_MONTHS
    seed: int = 0
    runs: int = 1
    parameters: Parameters = field(default_factory=Parameters)
    added_actors: tuple[AddedActor, ...] = ()
    relations: tuple[RelationOverride, ...] = ()
    events: tuple[ScheduledEvent, ...] = ()
    actor_parameters: dict[str, dict[str, float]] = field(default_factory=dict)  # {actor: {anchoring: x}}
    changes: tuple[ActorChange, ...] = ()
    expectations: tuple[Expectation, ...] = ()
    split: str | None = None  # a hindcast's place in the scorecard: one of SPLITS, or None
    observed: Observed | None = None  # a hindcast's event-data target (`observed:`), or None
    file: str | None = None
    relations_file: str | None = None

    def event_ids(self) -> dict[str, int]:
        """Each event `id:` of the scenario file and its place in the file's events: list (from 0): sweep
        variants and `sim.sweep` name events by either (sim.experiments.sweep_file)."""
        out: dict[str, int] = {}
        for event in self.events:
            if event.event_id and event.place.startswith("events["):
                out[event.event_id] = int(event.place[len("events["):-1])
        return out
