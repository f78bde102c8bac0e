"""A run's change, split by cause month by month (dynamics.step_parts) and added up: exact attribution."""

from __future__ import annotations

import numpy as np

from . import dynamics

MECHANISMS = ("memory", "balance", "reciprocity", "noise")
EVENT, COMPETITION = "event", "competition"  # the channels of a logged event: its impulse, its client competition


class PartsLedger:
    """The running totals of one run's attribution.

    mechanisms: name -> (n, n) total of that drift term (memory: the pull towards the starting baseline).
    sources: (log position, channel) -> (n, n) total of that event's part, how far it has moved the scores
    (its impulses' shares, plus memory's pull on its footprint); through_memory: that last piece alone;
    shifts: how far each source has moved the baseline. All totals over the months stepped so far.
    """

    def __init__(self, n: int) -> None:
        self.mechanisms = {name: np.zeros((n, n)) for name in MECHANISMS}
        self.sources: dict[tuple[int, str], np.ndarray] = {}
        self.through_memory: dict[tuple[int, str], np.ndarray] = {}
        self.shifts: dict[tuple[int, str], np.ndarray] = {}
        self._zeros = np.zeros((n, n))

    def step(self, scores, baseline, impulse, durable, noise, rates,
             month_sources: list[tuple[tuple[int, str], np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
        """Advance one month as dynamics.step does (same scores), recording its parts; month_sources lists
        (key, impulse, durable impulse) for each source active this month, in the order they were summed."""
        this_month = {key: (delta, lasting) for key, delta, lasting in month_sources}
        keys = list(self.shifts) + [key for key in this_month if key not in self.shifts]
        zero = (self._zeros, self._zeros)
        parts = dynamics.step_parts(
            scores, baseline, impulse, durable, noise, rates,
            impulses=np.array([this_month.get(key, zero)[0] for key in keys]).reshape(-1, *scores.shape),
            durables=np.array([this_month.get(key, zero)[1] for key in keys]).reshape(-1, *scores.shape),
            baseline_shifts=np.array([self.shifts.get(key, self._zeros) for key in keys]).reshape(-1, *scores.shape),
            score_shifts=np.array([self.sources.get(key, self._zeros) for key in keys]).reshape(-1, *scores.shape),
        )
        for name in MECHANISMS:
            self.mechanisms[name] = self.mechanisms[name] + getattr(parts, name)
        for index, key in enumerate(keys):
            self.sources[key] = self.sources.get(key, self._zeros) + parts.sources[index]
            self.through_memory[key] = self.through_memory.get(key, self._zeros) + parts.through_memory[index]
            self.shifts[key] = self.shifts.get(key, self._zeros) + parts.baseline_moves[index]
        return parts.scores, parts.baseline
