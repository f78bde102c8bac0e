"""The outcome of a scenario run, as tables a notebook can use directly."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

# The columns of events.csv: `actor` is who decided (the reacting actor, or the source of a scripted
# event), `probability` the chance the decision had when it was drawn (1 for scripted events).
EVENT_COLUMNS = ("run", "month", "type", "source", "target", "intensity", "origin", "actor", "probability",
                 "reason")

@dataclass
class Result:
    """Everything a run produced.

    alignment and baseline: columns run, month, source, target, score (every directed pair, every month,
    month 0 included). The baseline is the same scenario and seed with its events removed.
    blocs: run, month, actor, bloc (1 = the bloc with the largest total capability).
    events: EVENT_COLUMNS: run, month, type, source, target, intensity, origin ('scenario' or 'reaction'),
    actor (who decided), probability (of that decision), reason.
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

    def trajectory(self, *, run: int | None = None, baseline: bool = False) -> np.ndarray:
        """All months at once as an array (months + 1, n, n), averaged over runs unless run is given."""
        table = self.baseline if baseline else self.alignment
        if run is not None:
            table = table[table["run"] == run]
        index = {name: i for i, name in enumerate(self.actors)}
        mean = table.groupby(["month", "source", "target"], sort=False)["score"].mean()
        months = mean.index.get_level_values(0).to_numpy()
        sources = mean.index.get_level_values(1).map(index).to_numpy()
        targets = mean.index.get_level_values(2).map(index).to_numpy()
        out = np.zeros((self.months + 1, len(self.actors), len(self.actors)))
        out[months, sources, targets] = mean.to_numpy()
        return out

    def matrix(self, month: int, *, run: int | None = None, baseline: bool = False) -> np.ndarray:
        """Scores at a month as an n x n array (row regards column), averaged over runs unless run is given."""
        return self.trajectory(run=run, baseline=baseline)[month]

    def effect(self, month: int | None = None) -> np.ndarray:
        """What the events did: scenario minus baseline at a month (default: the last)."""
        month = self.months if month is None else month
        return self.matrix(month) - self.matrix(month, baseline=True)
