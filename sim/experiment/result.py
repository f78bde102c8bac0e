"""The outcome of a scenario run, as tables a notebook can use directly, and the summary made of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import pandas

    from ..core.scenario import Scenario
    from ..core.world import World
    from .summary import Summary
# The columns of events.csv: `actor` is who decided (the reacting actor, or the source of a scripted
# event), `probability` the chance the decision had when it was drawn (1 for scripted events).
EVENT_COLUMNS = ("run", "month", "type", "source", "target", "intensity", "origin", "actor", "probability",
                 "reason")


@dataclass(frozen=True, eq=False)
class Result:
    """Everything a run produced; the runner builds it once, summary included.

    alignment and baseline: columns run, month, source, target, score (every directed pair, every month,
    month 0 included). The baseline is the same scenario and seed with its events removed.
    blocs: run, month, actor, bloc (1 = the bloc with the largest total capability): the lowest-energy
    partition the model computed each month of each run, with up to n_blocs blocs.
    events: EVENT_COLUMNS: run, month, type, source, target, intensity, origin ('scenario' or 'reaction'),
    actor (who decided), probability (of that decision), reason.
    summary: what sim.experiment.summary.summarise made of these tables (the content of summary.json);
    None only for a Result built by hand and not yet summarised.
    scenario, world: what the runner ran (None for a result folder read back): attribution replays a run from
    them, or else from the scenario file.
    """

    name: str
    actors: tuple[str, ...]
    capabilities: tuple[float, ...]
    months: int
    runs: int
    seed: int
    alignment: pd.DataFrame
    baseline: pd.DataFrame
    blocs: pd.DataFrame
    events: pd.DataFrame
    n_blocs: int = 2
    scenario_file: str | None = None
    summary: Summary | None = None
    scenario: Scenario | None = None
    world: World | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "actors", tuple(self.actors))
        object.__setattr__(self, "capabilities", tuple(float(c) for c in self.capabilities))

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

    def partitions(self) -> np.ndarray:
        """The blocs table as labels (runs, months + 1, n): 0 = the largest bloc, actors in actor order."""
        index = {name: i for i, name in enumerate(self.actors)}
        runs = sorted(int(r) for r in self.blocs["run"].unique())
        at_run = {r: k for k, r in enumerate(runs)}
        out = np.full((len(runs), self.months + 1, len(self.actors)), -1, dtype=int)
        out[self.blocs["run"].map(at_run).to_numpy(), self.blocs["month"].to_numpy(),
            self.blocs["actor"].map(index).to_numpy()] = self.blocs["bloc"].to_numpy().astype(int) - 1
        if (out < 0).any():
            raise ValueError("the blocs table lacks some actor, month or run")
        return out

    def matrix(self, month: int, *, run: int | None = None, baseline: bool = False) -> np.ndarray:
        """Scores at a month as an n x n array (row regards column), averaged over runs unless run is given."""
        return self.trajectory(run=run, baseline=baseline)[month]

    def effect(self, month: int | None = None) -> np.ndarray:
        """What the events did: scenario minus baseline at a month (default: the last)."""
        month = self.months if month is None else month
        return self.matrix(month) - self.matrix(month, baseline=True)

    def attribution(self, source: str, target: str, run: int = 1) -> "pandas.DataFrame":
        """Why source's regard for target moved over a run, ranked: part, kind, month, value, share and
        through_memory, the parts adding up to the change (sim/experiment/attribution.py; one replay)."""
        from .attribution import attribution_of

        return attribution_of(self, run).table(source, target)
