"""The actors: Mesa agents that hold their row of the alignment matrix and decide their own reactions."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..core.events import HOSTILE, LoggedEvent
from .mesa_import import mesa

if TYPE_CHECKING:
    from .model import AlignmentModel

ARMED_GROUP = "armed_group"


def reaction_probability(concern: float, midpoint: float, spread: float) -> float:
    """The chance of reacting: a logistic curve in concern, shifted so that no concern means no reaction.

    p(c) = (L((c - m)/s) - L(-m/s)) / (1 - L(-m/s)) with L the logistic function: 0 at c = 0, one half
    near c = m, approaching 1 beyond; smooth, so no single coded score decides whether a move happens.
    """
    if concern <= 0:
        return 0.0

    def logistic(x: float) -> float:
        return 1.0 / (1.0 + math.exp(-x))

    floor = logistic(-midpoint / spread)
    return max(0.0, (logistic((concern - midpoint) / spread) - floor) / (1.0 - floor))


def patron_supplies(actor_exports: float, patron_exports: float, actor_kind: str) -> bool:
    """Which way a counter-move runs when an actor turns to a counter-patron: True for patron -> actor.

    The tie runs from the larger arms exporter of the two (share of world arms exports, SIPRI; World.
    arms_exports) to the other: China turning to Pakistan arms Pakistan, India turning to Russia buys from
    Russia. On a tie the patron supplies; an armed group always receives its patron's covert support.
    Both engines call this, so they cannot disagree.
    """
    return actor_kind == ARMED_GROUP or patron_exports >= actor_exports


def counter_patron_choice(before: np.ndarray, partners: np.ndarray, i: int, rival: int, partner: int,
                          armed: np.ndarray) -> np.ndarray:
    """The state actor i turns to when its rival gains `partner`, as an index, -1 when none qualifies;
    over any leading axes (the batch's runs), so both engines make the one choice.

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
    """Why an actor turned to a counter-patron: the text of events.csv's reason column (one wording for
    the per-run and the batched engine)."""
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


@dataclass(frozen=True)
class Option:
    """One reason to react this month, with its chance and the move it calls for."""

    probability: float
    kind: str
    source: str  # who performs the counter-move (for a counter-patron: the supplier, patron_supplies)
    target: str
    reason: str


class Actor(mesa.Agent):
    """A state or an armed group. Holds its own row of the alignment matrix and decides its reactions."""

    def __init__(self, model: "AlignmentModel", name: str, index: int, capability: float,
                 kind: str = "state") -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.capability = capability
        self.kind = kind
        self.last_reaction: int | None = None

    @property
    def scores(self) -> dict[str, float]:
        """How this actor regards every other actor now."""
        row = self.model.scores[self.index]
        return {a.name: float(row[a.index]) for a in self.model.actors if a is not self}

    def regard_before(self, other: "Actor") -> float:
        """Regard at the start of this month, before its events: reactions answer news, judged by old ties."""
        return float(self.model.scores_before[self.index, other.index])

    def react(self) -> None:
        """Answer this month's news, perhaps: the most pressing reason wins, and this month's draw decides.

        Two kinds of reason: a rival gained a military partner (seek a counter-patron), or this actor was
        the target of a hostile act (answer it with the codebook's counter-move). Each has a chance that
        rises smoothly with concern (reaction_probability); one uniform draw per actor per month, taken
        from the run's chance stream (sim/core/draws.py), decides whether the most likely one happens.
        """
        model = self.model
        params = model.parameters
        month = model.steps
        if not params.reactions or params.reaction_intensity <= 0:
            return
        if self.last_reaction is not None and month - self.last_reaction < params.reaction_cooldown:
            return
        if month >= model.months:
            return  # a counter-move next month would fall outside the horizon
        options = [*self._counter_patron_options(), *self._riposte_options()]
        if not options:
            return
        best = max(options, key=lambda option: option.probability)
        if model.reaction_draws[self.index] >= best.probability:
            return
        self.last_reaction = month
        if model.reaction_scheduled(month + 1, best.kind, best.source, best.target):
            return  # another actor chose the same deal this month (China arming Pakistan, Pakistan seeking it)
        model.schedule_reaction(LoggedEvent(
            month + 1, best.kind, best.source, best.target, params.reaction_intensity, "reaction",
            f"{best.reason}; chance {best.probability:.2f}", actor=self.name,
            probability=round(best.probability, 4)))

    def probability(self, concern: float) -> float:
        params = self.model.parameters
        return reaction_probability(concern, params.reaction_midpoint, params.reaction_spread)

    def _concerns(self, *parties: "Actor") -> bool:
        """An armed group answers only what involves it or its partners; a state answers any rival's gain."""
        if self.kind != ARMED_GROUP:
            return True
        mine = self.model.partners[self.index]
        return any(party is self or mine[party.index] for party in parties)

    def _counter_patron_options(self):
        model = self.model
        params = model.parameters
        for event in model.events_this_month:
            kind = model.codebook[event.type]
            if not kind.military_tie or kind.weight <= 0 or kind.counter_move is None:
                continue
            supplier, client = model.actor(event.source), model.actor(event.target)
            if self in (supplier, client) or not self._concerns(supplier, client):
                continue
            pairs = [(client, supplier)] if kind.one_way else [(client, supplier), (supplier, client)]
            for rival, partner in pairs:
                hostility = max(0.0, -self.regard_before(rival))
                own_partner = bool(model.partners[self.index, partner.index]) or self.regard_before(partner) >= 0.5
                concern = hostility * (1.0 + params.concern_bonus * own_partner)
                probability = self.probability(concern)
                if probability <= 0:
                    continue
                patron = self._counter_patron(rival, partner)
                if patron is None:
                    continue
                move = "covert_support" if self.kind == ARMED_GROUP else kind.counter_move
                exports = model.arms_exports
                supplied = patron_supplies(float(exports[self.index]), float(exports[patron.index]), self.kind)
                source, target = (patron.name, self.name) if supplied else (self.name, patron.name)
                yield Option(probability, move, source, target, counter_patron_reason(
                    self.name, rival.name, self.regard_before(rival), partner.name, event.type, event.month,
                    own_partner, patron.name, bool(model.partners[self.index, patron.index]),
                    (self.regard_before(patron) + patron.regard_before(self)) / 2, patron.regard_before(rival),
                    not supplied))

    def _riposte_options(self):
        model = self.model
        for event in model.events_this_month:
            kind = model.codebook[event.type]
            if kind.audience != HOSTILE or event.target != self.name or kind.counter_move is None:
                continue
            attacker = model.actor(event.source)
            hostility = max(0.0, -self.regard_before(attacker))
            severity = abs(kind.weight) * event.intensity
            concern = severity * (1.0 + hostility)
            probability = self.probability(concern)
            if probability <= 0:
                continue
            yield Option(probability, kind.counter_move, self.name, attacker.name, riposte_reason(
                self.name, event.type, attacker.name, event.month, kind.weight, event.intensity,
                self.regard_before(attacker), kind.counter_move))

    def _counter_patron(self, rival: "Actor", partner: "Actor"):
        """The state this actor turns to (counter_patron_choice), or None."""
        model = self.model
        armed = np.array([other.kind == ARMED_GROUP for other in model.actors])
        choice = int(counter_patron_choice(model.scores_before, model.partners, self.index, rival.index,
                                           partner.index, armed))
        return None if choice < 0 else model.actors[choice]
