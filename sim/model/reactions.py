"""The actors' decision rules, as functions over arrays: when an actor reacts, to whom it turns, and why.

The engine's agents (sim/model/agents.py) call these for every run at once; nothing here holds state.
docs/model.md, "Reactions", states the rules and their sources.
"""

from __future__ import annotations

import math

import numpy as np

ARMED_GROUP = "armed_group"


def reaction_probability(concern: float, midpoint: float, spread: float, ceiling: float = 1.0) -> float:
    """The chance of reacting: a logistic curve in concern, shifted so that no concern means no reaction,
    and scaled to the ceiling (the base rate of counter-moves: most news is not answered by a deal).

    p(c) = q (L((c - m)/s) - L(-m/s)) / (1 - L(-m/s)) with L the logistic function and q the ceiling: 0 at
    c = 0, q/2 near c = m, approaching q beyond; smooth, so no single coded score decides whether a move
    happens.
    """
    if concern <= 0:
        return 0.0

    def logistic(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x))

    floor = logistic(-midpoint / spread)
    return ceiling * max(0.0, (logistic((concern - midpoint) / spread) - floor) / (1.0 - floor))


def reaction_probabilities(concern: np.ndarray, valid: np.ndarray, midpoint, spread, ceiling=1.0) -> np.ndarray:
    """reaction_probability for each run (0 where not valid): the scalar function, so every run's chance is
    the same number whatever the batch it is in. midpoint, spread and ceiling: one value, or one per run."""
    out = np.zeros(concern.shape)
    midpoints = np.broadcast_to(np.asarray(midpoint, dtype=float), concern.shape)
    spreads = np.broadcast_to(np.asarray(spread, dtype=float), concern.shape)
    ceilings = np.broadcast_to(np.asarray(ceiling, dtype=float), concern.shape)
    for run in np.flatnonzero(valid & (concern > 0)):
        out[run] = reaction_probability(float(concern[run]), float(midpoints[run]), float(spreads[run]),
                                        float(ceilings[run]))
    return out


def patron_supplies(actor_exports: float, patron_exports: float, actor_kind: str) -> bool:
    """Which way a counter-move runs when an actor turns to a counter-patron: True for patron -> actor.

    The tie runs from the larger arms exporter of the two (share of world arms exports, SIPRI; World.
    arms_exports) to the other: China turning to Pakistan arms Pakistan, India turning to Russia buys from
    Russia. On a tie the patron supplies; an armed group always receives its patron's covert support.
    """
    return actor_kind == ARMED_GROUP or patron_exports >= actor_exports


def counter_patron_choice(before: np.ndarray, partners: np.ndarray, i: int, rival: int, partner: int,
                          armed: np.ndarray) -> np.ndarray:
    """The state actor i turns to when its rival gains `partner`, as an index, -1 when none qualifies;
    over any leading axes (the runs).

    A candidate must be a state (armed: which actors are armed groups) on good terms with i (mutual regard
    above 0) or already its military partner, and not close to the rival (its regard for the rival below
    0.5); an existing partner outranks any other, then the best (mutual regard - regard for the rival),
    the first of equals in actor order. Capability does not rank them, so great powers can balance one
    another. before: the month's scores before events (..., n, n); partners: military ties (..., n, n).
    """
    mutual = (before[..., i, :] + before[..., :, i]) / 2
    to_rival = before[..., :, rival]
    tied = partners[..., i, :]
    excluded = np.array(armed, dtype=bool)
    excluded[[i, rival, partner]] = True
    eligible = ~(((mutual <= 0) & ~tied) | (to_rival >= 0.5) | excluded)
    preferred = eligible & tied
    eligible = np.where(preferred.any(axis=-1, keepdims=True), preferred, eligible)
    value = np.where(eligible, mutual - to_rival, -np.inf)
    return np.where(eligible.any(axis=-1), np.argmax(value, axis=-1), -1)


def counter_patron_reason(actor: str, rival: str, regard_rival: float, partner: str, event_type: str,
                          event_month: int, own_partner: bool, patron: str, tied: bool, mutual: float,
                          patron_to_rival: float, actor_supplies: bool = False) -> str:
    """Why an actor turned to a counter-patron: the text of events.csv's reason column."""
    tie = "an existing military partner" if tied else "the state it is closest to"
    return (
        f"{actor} regards {rival} as a rival ({regard_rival:+.2f}) and "
        f"{rival} gained {partner} as a military partner ({event_type}, month {event_month})"
        f"{'; its own partner ' + partner + ' is involved' if own_partner else ''}; "
        f"{actor} turns to {patron}, {tie} (mutual regard "
        f"{mutual:+.2f}, {patron} towards {rival} {patron_to_rival:+.2f})"
        f"{'; ' + actor + ', the larger arms exporter, supplies ' + patron if actor_supplies else ''}")


def riposte_reason(actor: str, event_type: str, attacker: str, event_month: int, weight: float,
                   intensity: float, regard: float, counter_move: str) -> str:
    """Why an actor answered a hostile act (events.csv's reason column)."""
    return (f"{actor} was the target of {event_type} by {attacker} (month {event_month}, weight "
            f"{weight:+.2f} x {intensity:g}; regard {regard:+.2f}) and answers with {counter_move}")
