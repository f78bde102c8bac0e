"""The model's parameters: each has a name, a default, a unit and a sentence on what it means in the world.

A scenario's `parameters:` mapping overrides them by name. docs/model.md explains how each enters the
equations and how the defaults were calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Spec:
    name: str
    unit: str
    low: float | None
    high: float | None
    meaning: str
    choices: tuple[str, ...] = ()

    @property
    def default(self):
        return getattr(Parameters(), self.name)


SPECS: tuple[Spec, ...] = (
    Spec("memory", "per month", 0.0, 1.0,
         "How fast a relationship returns to its structural baseline after a shock: the share of the gap "
         "between today's score and the baseline that closes each month (institutions, habits, interests)."),
    Spec("balance", "per month", 0.0, 1.0,
         "Strength of structural balance: how much each month an actor adjusts its view of another to "
         "agree with the friend-of-my-friend, enemy-of-my-enemy logic (Heider; Kulakowski et al. 2005)."),
    Spec("balance_mode", "choice", None, None,
         "Which balance rule: 'triad' pulls a_ij towards the sum over k of a_ik*a_kj (how I see k times how "
         "k sees j); 'opinion' pulls it towards the sum of a_ik*a_jk (whether i and j agree about third "
         "parties; Traag et al. 2013), which reaches balance more reliably with directed scores.",
         choices=("triad", "opinion")),
    Spec("reciprocity", "per month", 0.0, 1.0,
         "How fast one side's regard drifts towards the other side's regard for it: cold shoulders and warm "
         "gestures tend to be returned."),
    Spec("event_scale", "score per unit weight", 0.0, 2.0,
         "How far an event moves the two parties' scores: a unit-intensity event of Goldstein weight G moves "
         "them by event_scale * G/10 before saturation."),
    Spec("audience_scale", "score per unit weight", 0.0, 2.0,
         "How strongly third parties react to an event between others, by the event type's audience rule: "
         "friend of my friend for diplomatic signals, balance of threat for military ties, sympathy with "
         "the victim for hostile acts (docs/model.md)."),
    Spec("competition_scale", "score per unit weight", 0.0, 2.0,
         "How sharply a patron cools, briefly, on a client that buys arms from the patron's rival (and on "
         "that rival), per unit of the smaller of its regard for the client and its hostility to the "
         "supplier; the cooling is not durable, so it fades with memory."),
    Spec("noise", "score per month (s.d.)", 0.0, 0.5,
         "Month-to-month random fluctuation of every score (standard deviation): domestic politics, "
         "incidents, personalities. 0 makes a run deterministic apart from the order in which actors react."),
    Spec("reactions", "on/off", None, None,
         "Whether actors respond on their own to events: an actor whose rival gains a military partner may "
         "seek a counter-patron, and an actor hit by a hostile act may answer it, the following month."),
    Spec("reaction_midpoint", "concern", 0.0, 2.0,
         "The concern (hostility towards the actor that gained, or the weight of a hostile act, times how "
         "much the event matters to the onlooker) at which the chance of reacting passes its midpoint."),
    Spec("reaction_spread", "concern", 0.01, 1.0,
         "How gradually the chance of reacting rises with concern (the scale of the logistic curve): small "
         "values approach a threshold, large ones a nearly even chance whatever the concern."),
    Spec("concern_bonus", "multiplier", 0.0, 3.0,
         "How much more an event matters to an onlooker when its own partner is involved (its partner arms "
         "its rival): concern is multiplied by 1 + this."),
    Spec("reaction_intensity", "intensity", 0.0, 3.0,
         "Intensity of the counter-move an actor makes when it reacts (1 = a full event of that type)."),
    Spec("reaction_cooldown", "months", 0, 120,
         "After reacting, how many months an actor waits before it reacts again: counter-moves take time "
         "to negotiate."),
)

SPEC_BY_NAME = {spec.name: spec for spec in SPECS}


@dataclass(frozen=True)
class Parameters:
    memory: float = 0.10
    balance: float = 0.04
    balance_mode: str = "triad"
    reciprocity: float = 0.05
    event_scale: float = 0.6
    audience_scale: float = 0.5
    competition_scale: float = 1.0
    noise: float = 0.0
    reactions: bool = True
    reaction_midpoint: float = 0.3
    reaction_spread: float = 0.1
    concern_bonus: float = 0.5
    reaction_intensity: float = 0.6
    reaction_cooldown: int = 12

    def with_overrides(self, overrides: dict) -> "Parameters":
        """A copy with some values replaced; numbers take the type of the default (YAML's 12.0 is 12)."""
        def typed(name, value):
            default = getattr(self, name)
            if isinstance(default, bool) or isinstance(default, str):
                return value
            return type(default)(value)

        return replace(self, **{name: typed(name, value) for name, value in overrides.items()})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
