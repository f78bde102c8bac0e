"""The actors: Mesa agents that decide their reactions in every run at once, through sim/model/reactions.py.

Activation is simultaneous (mesa-frames' idea): each month every actor reads the scores as they were
before the month's events and decides for all runs as array operations; no decision reads another's, so
the order agents are called in changes nothing. The engine then schedules each run's reactions in that
run's own shuffled actor order (sim/model/engine.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .events import HOSTILE
from .mesa_import import mesa
from .reactions import ARMED_GROUP, counter_patron_choice, reaction_probabilities

if TYPE_CHECKING:
    from .engine import AlignmentModel, Slot


class Actor(mesa.Agent):
    """A state or an armed group: one row of the alignment matrix in every run, and its own reactions."""

    def __init__(self, model: AlignmentModel, name: str, index: int, kind: str) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.kind = kind

    def regard(self, other: str, run: int | None = None) -> float:
        """How this actor regards `other` now: in one run (from 0), or the mean over runs."""
        row = self.model.scores[:, self.index, self.model.index[other]]
        return float(row.mean() if run is None else row[run])

    def react(self) -> None:
        """Answer this month's news, perhaps, in every run: the most pressing reason wins (the first on ties),
        and the run's draw decides.

        Two kinds of reason: a rival gained a military partner (seek a counter-patron), or this actor was
        the target of a one-way hostile act (answer it with the codebook's counter-move). The news is
        reaction_lag - 1 months old (model.reaction_news); another actor's counter-move is never news to react
        to, a mutual act calls for no riposte, and neither does an act the two sides have cooperated since. Each
        option has a chance that rises smoothly with concern up to reaction_ceiling
        (reactions.reaction_probability); one uniform draw per actor per month and run, from the run's
        chance stream (sim/model/draws.py), decides whether the most likely happens. Options are examined
        counter-patrons first (by event), then ripostes.
        """
        model = self.model
        month = model.steps
        if not model.reacting.any() or month >= model.months:
            return
        news = model.reaction_news()
        if not news:
            return  # most months: nothing to weigh
        ready = model.reacting & (month - model.last_reaction[:, self.index] >= model.each("reaction_cooldown"))
        if not ready.any():
            return
        best_p = np.full(model.runs, -np.inf)
        best_option = np.full(model.runs, -1)
        best_patron = np.full(model.runs, -1)
        options: list[tuple] = []
        candidates = [option for slot, runs in news for option in self._counter_patron_options(slot, runs)]
        candidates += [option for slot, runs in news for option in self._riposte_options(slot, runs)]
        for option in candidates:
            options.append(option[:-2])
            valid, probability, patron = option[-2], option[-1], option[2]
            better = valid & (probability > best_p)
            best_p = np.where(better, probability, best_p)
            best_option = np.where(better, len(options) - 1, best_option)
            if patron is not None:
                best_patron = np.where(better, patron, best_patron)
        acting = ready & (best_option >= 0) & (model.chances[:, self.index] < best_p)
        for run in np.flatnonzero(acting):
            model.decide(run, self, options[best_option[run]], int(best_patron[run]), float(best_p[run]))
        model.last_reaction[acting, self.index] = month

    def _probability(self, concern: np.ndarray, valid: np.ndarray) -> np.ndarray:
        each = self.model.each
        return reaction_probabilities(concern, valid, each("reaction_midpoint"), each("reaction_spread"),
                                      each("reaction_ceiling"))

    def _counter_patron_options(self, slot: Slot, runs: np.ndarray):
        """Yields (what, move, patron per run, slot, rival, partner, own partner per run, valid, probability)."""
        model = self.model
        kind = model.codebook[slot.type]
        if not kind.military_tie or kind.weight <= 0 or kind.counter_move is None:
            return
        i, supplier, client = self.index, slot.source, slot.target
        if i in (supplier, client):
            return
        valid = runs.copy()
        if self.kind == ARMED_GROUP:  # an armed group answers only what involves its partners
            valid &= model.partners[:, i, supplier] | model.partners[:, i, client]
        if not valid.any():
            return
        before = model.scores_before
        pairs = [(client, supplier)] if kind.one_way else [(client, supplier), (supplier, client)]
        for rival, partner in pairs:
            hostility = np.maximum(0.0, -before[:, i, rival])
            own_partner = model.partners[:, i, partner] | (before[:, i, partner] >= 0.5)
            concern = hostility * (1.0 + model.each("concern_bonus") * own_partner.astype(float))
            probability = self._probability(concern, valid)
            if not (valid & (probability > 0)).any():
                continue  # no run could take this option: no patron to look for (it would never be chosen)
            armed = np.array([other.kind == ARMED_GROUP for other in model.actor_list])
            patron = counter_patron_choice(model.scores_before, model.partners, i, rival, partner, armed)
            ok = valid & (probability > 0) & (patron >= 0)
            move = "covert_support" if self.kind == ARMED_GROUP else kind.counter_move
            yield ("patron", move, patron, slot, rival, partner, own_partner, ok, probability)

    def _riposte_options(self, slot: Slot, runs: np.ndarray):
        model = self.model
        kind = model.codebook[slot.type]
        if kind.audience != HOSTILE or slot.target != self.index or kind.counter_move is None or slot.mutual:
            return
        valid = runs & ~model.cooperated(self.index, slot.source, slot.month)
        hostility = np.maximum(0.0, -model.scores_before[:, self.index, slot.source])
        concern = abs(kind.weight) * slot.intensity * (1.0 + hostility)
        probability = self._probability(concern, valid)
        yield ("riposte", kind.counter_move, None, slot, None, None, None, valid & (probability > 0), probability)
