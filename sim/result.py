"""The outcome of a scenario run, as tables a notebook can use directly."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Result:
    """Everything a run produced.

    alignment and baseline: columns run, month, source, target, score (every directed pair, every month,
    month 0 included). The baseline is the same scenario and seed with its events removed.
    blocs: run, month, actor, bloc (1 = the bloc with the largest total capability).
    events: run, month, type, source, target, intensity, origin ('scenario' or 'reaction'), reason.
    summary: the content of summary.json.
    """

    name: str
    actors: list[str]
    capabilities: list[float]
    months: int
    runs: int
    seed: int
    alignment: pd.DataFrame
    baseline: pd.DataFrame
    blocs: pd.DataFrame
    events: pd.DataFrame
    summary: dict = field(default_factory=dict)
    scenario_file: str | None = None

    def matrix(self, month: int, *, run: int | None = None, baseline: bool = False) -> np.ndarray:
        """Scores at a month as an n x n array (row regards column), averaged over runs unless run is given."""
        table = self.baseline if baseline else self.alignment
        rows = table[table["month"] == month]
        if run is not None:
            rows = rows[rows["run"] == run]
        mean = rows.groupby(["source", "target"], sort=False)["score"].mean()
        index = {name: i for i, name in enumerate(self.actors)}
        out = np.zeros((len(self.actors), len(self.actors)))
        for (source, target), score in mean.items():
            out[index[source], index[target]] = score
        return out

    def effect(self, month: int | None = None) -> np.ndarray:
        """What the events did: scenario minus baseline at a month (default: the last)."""
        month = self.months if month is None else month
        return self.matrix(month) - self.matrix(month, baseline=True)
