"""What the Monte Carlo runs say about uncertainty: bands over runs and how often each outcome happened.

Read from a Result's arrays (every run, every month), so nothing is recomputed. With one run every band
collapses onto that run and every probability is 0 or 1.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..model import landscape
from .result import Result
from .summary import switched

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
BAND_COLUMNS = ("month", "source", "target", "median", "low_90", "low_50", "high_50", "high_90")
DIGITS = 6


def _r(value: float) -> float:
    return round(float(value), DIGITS) + 0.0


def band_arrays(result: Result, of: str = "alignment") -> np.ndarray:
    """The quantiles QUANTILES over runs, shape (5, months + 1, n, n): 5%, 25%, median, 75%, 95%."""
    if of not in ("alignment", "baseline", "effect"):
        raise ValueError(f"bands of {of!r}: use 'alignment', 'baseline' or 'effect'")
    scores = result.score_array(baseline=of == "baseline")
    baseline = result.score_array(baseline=True) if of == "effect" else None
    # A month at a time: each pair's quantiles are its own, and np.quantile copies what it sorts (the whole
    # ensemble's scores at once: 145 MB for 10,000 runs of seven actors over 36 months, issue 25); the
    # effect too is taken a month at a time, never as a whole copy of the ensemble.
    out = np.empty((len(QUANTILES), *scores.shape[1:]))
    for month in range(scores.shape[1]):
        values = scores[:, month] if baseline is None else scores[:, month] - baseline[:, month]
        out[:, month] = np.quantile(values, QUANTILES, axis=0)
    return out


def bands(result: Result, of: str = "alignment") -> pd.DataFrame:
    """Per month and directed pair, the median and the 50% and 90% bands over runs (BAND_COLUMNS)."""
    q = band_arrays(result, of)
    months, n = q.shape[1], q.shape[2]
    names = np.array(result.actors, dtype=object)
    source, target = np.nonzero(~np.eye(n, dtype=bool))
    pick = q[:, :, source, target].reshape(len(QUANTILES), -1)
    return pd.DataFrame({
        "month": np.repeat(np.arange(months), source.size),
        "source": np.tile(names[source], months),
        "target": np.tile(names[target], months),
        "median": pick[2], "low_90": pick[0], "low_50": pick[1], "high_50": pick[3], "high_90": pick[4],
    })


@dataclass(frozen=True)
class Outcome:
    """One outcome and in how many of the runs it happened."""

    what: dict
    runs: int
    of: int

    @property
    def probability(self) -> float:
        return self.runs / self.of

    def to_dict(self) -> dict:
        return {**self.what, "runs": self.runs, "probability": _r(self.probability)}


@dataclass(frozen=True)
class Probabilities:
    """How often each outcome happened over the runs (the content of probabilities.json).

    final_blocs: each bloc configuration at the last month, most frequent first (ties: the earlier run's).
    switches: per actor, the runs in which it ends in a bloc other than its starting one (blocs are matched
    by capability overlap, as the summary's shifts are). reactions: each reaction (who, what, towards whom)
    and the runs in which it happened at least once, most frequent first.
    """

    runs: int
    final_blocs: tuple[Outcome, ...]
    switches: tuple[Outcome, ...]
    reactions: tuple[Outcome, ...]

    def to_dict(self) -> dict:
        return {"runs": self.runs,
                "final_blocs": [o.to_dict() for o in self.final_blocs],
                "switches": [o.to_dict() for o in self.switches],
                "reactions": [o.to_dict() for o in self.reactions]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def probabilities(result: Result) -> Probabilities:
    names = list(result.actors)
    labels = result.partitions()
    runs = labels.shape[0]
    finals = Counter(tuple(int(x) for x in labels[r, -1]) for r in range(runs))  # first-seen order on ties
    final_blocs = tuple(
        Outcome({"blocs": landscape.blocs_as_names(config, names)}, count, runs)
        for config, count in sorted(finals.items(), key=lambda item: -item[1]))
    moved = switched(labels, result.capabilities).sum(axis=0)
    switches = tuple(Outcome({"actor": name}, int(moved[i]), runs) for i, name in enumerate(names))
    reactions = result.events[result.events["origin"] == "reaction"]
    counted = (reactions.groupby(["actor", "type", "source", "target"], sort=False)["run"].nunique()
               .sort_values(ascending=False, kind="stable"))
    reaction_outcomes = tuple(
        Outcome({"actor": actor, "type": kind, "source": source, "target": target}, int(count), runs)
        for (actor, kind, source, target), count in counted.items())
    return Probabilities(runs, final_blocs, switches, reaction_outcomes)
