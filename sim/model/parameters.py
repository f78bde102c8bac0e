"""The model's parameters, each declared once: name, default, unit, range and what it means in the world.

A scenario's `parameters:` mapping overrides them by name. `specs()` reads the declarations back for the
command line (`sim list parameters`), the JSON Schema and the docs tests; `rates()` hands the kernel the
ones it needs as one object. docs/model.md explains how each enters the equations and how the defaults
were calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from ..links import cite
from .dynamics import Rates


@dataclass(frozen=True)
class Spec:
    """One parameter as the command line, the schema and the docs show it."""

    name: str
    default: object
    unit: str
    low: float | None
    high: float | None
    meaning: str
    choices: tuple[str, ...] = ()


def _declare(default, unit: str, meaning: str, low=None, high=None, choices: tuple[str, ...] = ()):
    return field(default=default, metadata={"unit": unit, "low": low, "high": high, "meaning": meaning,
                                            "choices": choices})


@dataclass(frozen=True)
class Parameters:
    memory: float = _declare(
        0.10, "per month",
        "How fast a relationship returns to its structural baseline after a shock: the share of the gap "
        "between today's score and the baseline that closes each month (institutions, habits, interests).",
        0.0, 1.0)
    balance: float = _declare(
        0.04, "per month",
        "Strength of structural balance: how much each month an actor adjusts its view of another to "
        "agree with the friend-of-my-friend, enemy-of-my-enemy logic (Heider; Kulakowski et al. 2005).",
        0.0, 1.0)
    balance_mode: str = _declare(
        "triad", "choice",
        "Which balance rule: 'triad' pulls a_ij towards the sum over k of a_ik*a_kj (how I see k times how "
        "k sees j); 'opinion' pulls it towards the sum of a_ik*a_jk (whether i and j agree about third "
        "parties; Traag et al. 2013), which reaches balance more reliably with directed scores.",
        choices=("triad", "opinion"))
    reciprocity: float = _declare(
        0.05, "per month",
        "How fast one side's regard drifts towards the other side's regard for it: cold shoulders and warm "
        "gestures tend to be returned.",
        0.0, 1.0)
    event_scale: float = _declare(
        0.27, "score per unit weight",
        "How far an event moves the two parties' scores: a unit-intensity event of Goldstein weight G moves "
        "them by event_scale * G/10 before saturation. The default is the median of the recorded "
        f"calibration on the training episodes ({cite('model', 'Calibration by rejection ABC')}).",
        0.0, 2.0)
    audience_scale: float = _declare(
        0.2, "share of the parties' response",
        "How strongly third parties respond to an event between others, as a share of the parties' own "
        "response (an onlooker moves by audience_scale * event_scale * G/10 times its audience-rule term): "
        "friend of my friend for diplomatic signals, balance of threat for military ties, sympathy with the "
        "victim for hostile acts, and a patron's client competition. Goldstein & Pevehouse (1997) estimate "
        f"triangular responses well below direct ones. 0 switches every onlooker response off "
        f"({cite('model', 'Audience rules')}).",
        0.0, 2.0)
    rival_sympathy: float = _declare(
        1.0, "share of a friend's response",
        "How far an onlooker hostile to the attacker of a hostile act sides with its victim (the enemy of my "
        "enemy: Heider 1946; Cartwright & Harary 1956), per unit of its hostility to the attacker, relative "
        "to a friend of the victim's sympathy per unit of friendship: after a mutual act each side is the "
        "victim of the other's half. 1 weighs the two alike (the training episodes cannot tell values apart; "
        f"adopted on held-out episodes, {cite('model', 'Audience rules')}); 0: only the victim's friends "
        "respond.",
        0.0, 2.0)
    competition_scale: float = _declare(
        2.0, "multiplier",
        "How sharply a patron cools, briefly, on a client that buys arms from the patron's rival (and on "
        "that rival), per unit of the smaller of its regard for the client and its hostility to the "
        "supplier, relative to the other onlooker responses (it is scaled by audience_scale and event_scale "
        "too; 2 keeps the ratio of the earlier calibration, so a patron's displeasure outweighs its warming "
        "to a client that gained); the cooling is not durable, so it fades with memory.",
        0.0, 4.0)
    friendship_buffer: float = _declare(
        1.0, "share",
        "How much a friendly history shields a relationship from lasting damage: the lasting share of a "
        "hostile act's cooling of a_ij is multiplied by 1 - friendship_buffer * max(0, b0_ij), with b0 the "
        "starting (long-run) baseline, so a single clash between friends heals while one between rivals "
        "lasts (Diehl & Goertz 2000: most disputes stay isolated). 0 makes every clash last in full.",
        0.0, 1.0)
    lasting_scale: float = _declare(
        1.0, "multiplier",
        "How much of every event stays in the pair's baseline, relative to the codebook: each event type's "
        "lasting share (its `durable`, from 0.1 for a visit to 0.9 for an alliance) is multiplied by this, "
        "up to the whole event. 1 keeps the codebook's shares, 0 makes every event fade with memory. The "
        "recorded calibration cannot tell values from 0.5 to 1.9 apart, so the default keeps the codebook's "
        f"shares ({cite('model', 'Calibration by rejection ABC')}).",
        0.0, 2.0)
    noise: float = _declare(
        0.0, "score per month (s.d.)",
        "Month-to-month random fluctuation of every score (standard deviation): domestic politics, "
        "incidents, personalities. 0 makes a run deterministic apart from the order in which actors react.",
        0.0, 0.5)
    reactions: bool = _declare(
        True, "on/off",
        "Whether actors respond on their own to events: an actor whose rival gains a military partner may "
        "seek a counter-patron, and an actor hit by a one-way hostile act may answer it, reaction_lag months "
        "later. false switches every reaction off.")
    reaction_midpoint: float = _declare(
        0.3, "concern",
        "The concern (hostility towards the actor that gained, or the weight of a hostile act, times how "
        "much the event matters to the onlooker) at which the chance of reacting passes half its ceiling.",
        0.0, 2.0)
    reaction_spread: float = _declare(
        0.1, "concern",
        "How gradually the chance of reacting rises with concern (the scale of the logistic curve): small "
        "values approach a threshold, large ones a nearly even chance whatever the concern.",
        0.01, 1.0)
    concern_bonus: float = _declare(
        0.5, "multiplier",
        "How much more an event matters to an onlooker when its own partner is involved (its partner arms "
        "its rival): concern is multiplied by 1 + this.",
        0.0, 3.0)
    reaction_ceiling: float = _declare(
        0.35, "probability",
        "The highest chance that one piece of news leads an actor to a counter-move: the logistic curve in "
        "concern is scaled by it. New defence agreements and arms deals are rare per dyad-year (Kinne 2020: "
        "1,872 agreements in 1980-2010; SIPRI), and most disputes are not answered in kind (Diehl & Goertz "
        "2000).",
        0.0, 1.0)
    reaction_lag: int = _declare(
        2, "months",
        "How many months after the news an actor decides and makes its counter-move: a deal or a reply takes "
        "time to prepare. A riposte is dropped when the two sides cooperated in between.",
        1, 24)
    reaction_intensity: float = _declare(
        0.6, "intensity",
        "Intensity of the counter-move an actor makes when it reacts (1 = a full event of that type).",
        0.0, 3.0)
    reaction_cooldown: int = _declare(
        12, "months",
        "After reacting, how many months an actor waits before it reacts again: counter-moves take time "
        "to negotiate.",
        0, 120)

    def with_overrides(self, overrides: dict) -> Parameters:
        """A copy with some values replaced; numbers take the type of the default (YAML's 12.0 is 12)."""
        def typed(name, value):
            default = getattr(self, name)
            if isinstance(default, bool) or isinstance(default, str):
                return value
            return type(default)(value)

        return replace(self, **{name: typed(name, value) for name, value in overrides.items()})

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def rates(self, anchoring=None) -> Rates:
        """The kernel's monthly rates; anchoring (one multiplier per actor) makes memory a column (n, 1)."""
        memory = self.memory if anchoring is None else self.memory * np.asarray(anchoring, dtype=float)[:, None]
        return Rates(memory=memory, balance=self.balance, reciprocity=self.reciprocity,
                     balance_mode=self.balance_mode)


def outside_range(spec: Spec, value) -> str | None:
    """None for a value the parameter takes, else what it takes ('0.0 to 1.0 (per month)')."""
    if spec.choices:
        ok = value in spec.choices
    elif isinstance(spec.default, bool):
        ok = isinstance(value, bool)
    else:
        ok = bool(isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
                  and np.isfinite(value) and spec.low <= value <= spec.high)  # type: ignore[operator]
    if ok:
        return None
    allowed = spec.choices or ("True or False" if isinstance(spec.default, bool) else f"{spec.low} to {spec.high}")
    return f"{allowed} ({spec.unit})"


def specs() -> tuple[Spec, ...]:
    """Every parameter's declaration, in declaration order."""
    return tuple(
        Spec(f.name, f.default, f.metadata["unit"], f.metadata["low"], f.metadata["high"], f.metadata["meaning"],
             f.metadata["choices"])
        for f in fields(Parameters)
    )
