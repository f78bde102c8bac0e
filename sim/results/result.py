"""The outcome of a scenario run, as tables a notebook can use directly, and the summary made of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:

    from ..model.scenario import Scenario
    from ..model.world import World
    from .summary import Summary
# The columns of events.csv: `actor` is who decided (the reacting actor, or the source of a scripted
# event), `probability` the chance the decision had when it was drawn (1 for scripted events).
EVENT_COLUMNS = ("run", "month", "type", "source", "target", "intensity", "origin", "actor", "probability",
                 "reason")


class _Table:
    """A table field that a Result built from arrays makes on first use (a data descriptor).

    1,000 runs of 120 months are 5 million rows per table: the batched engine hands over arrays, and the
    long table is built only if someone reads it. A Result built from tables behaves as before.
    """

    def __set_name__(self, owner, name: str) -> None:
        self.name, self.slot = name, "_" + name

    def __get__(self, instance, owner=None):
        if instance is None:
            return None  # the dataclass default
        table = instance.__dict__.get(self.slot)
        if table is None:
            table = instance._table(self.name)
            instance.__dict__[self.slot] = table
        return table

    def __set__(self, instance, value) -> None:
        instance.__dict__[self.slot] = value


def score_table(scores: np.ndarray, names) -> pd.DataFrame:
    """The long table (run, month, source, target, score) of a (runs, months + 1, n, n) array, runs from 1."""
    runs, months, n, _ = scores.shape
    names = np.array(list(names), dtype=object)
    source, target = np.nonzero(~np.eye(n, dtype=bool))
    pairs = source.size
    return pd.DataFrame({
        "run": np.repeat(np.arange(1, runs + 1), months * pairs),
        "month": np.tile(np.repeat(np.arange(months), pairs), runs),
        "source": np.tile(names[source], runs * months),
        "target": np.tile(names[target], runs * months),
        "score": scores[:, :, source, target].reshape(-1),
    })


def bloc_table(labels: np.ndarray, names) -> pd.DataFrame:
    """The long blocs table (run, month, actor, bloc from 1) of (runs, months + 1, n) labels."""
    runs, months, n = labels.shape
    return pd.DataFrame({
        "run": np.repeat(np.arange(1, runs + 1), months * n),
        "month": np.tile(np.repeat(np.arange(months), n), runs),
        "actor": np.tile(np.array(list(names), dtype=object), runs * months),
        "bloc": labels.reshape(-1) + 1,
    })


@dataclass(frozen=True, eq=False)
class Result:
    """Everything a run produced: a record of labelled arrays and tables, no analysis inside (`summarise`,
    `attribute`, `bands` and `probabilities` are functions over it; the summary rides along only when the
    caller asked the runner for it). `to_xarray()` gives the same data as an xarray.Dataset. It is not kept
    as one: importing xarray costs a one-run `sim run` about 0.13-0.2 s (`python -X importtime`), and a
    sweep or calibration point builds a Result for every point.

    alignment and baseline: columns run, month, source, target, score (every directed pair, every month,
    month 0 included). The baseline is the same scenario and seed with its events removed.
    blocs: run, month, actor, bloc (1 = the bloc with the largest total capability): the lowest-energy
    partition the model computed each month of each run, with up to n_blocs blocs.
    events: EVENT_COLUMNS: run, month, type, source, target, intensity, origin ('scenario' or 'reaction'),
    actor (who decided), probability (of that decision), reason.
    summary: what sim.results.summary.summarise made of these tables (the content of summary.json);
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
    alignment: pd.DataFrame = _Table()  # type: ignore[assignment]
    baseline: pd.DataFrame = _Table()  # type: ignore[assignment]
    blocs: pd.DataFrame = _Table()  # type: ignore[assignment]
    events: pd.DataFrame = None  # type: ignore[assignment]
    n_blocs: int = 2
    scenario_file: str | None = None
    summary: Summary | None = None
    scenario: Scenario | None = None
    world: World | None = None
    scores: np.ndarray | None = field(default=None, repr=False)
    baseline_scores: np.ndarray | None = field(default=None, repr=False)
    labels: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        """scores, baseline_scores (runs, months + 1, n, n) and labels (runs, months + 1, n): the same data as
        the alignment, baseline and blocs tables, as arrays; give either, the other is made when needed."""
        object.__setattr__(self, "actors", tuple(self.actors))
        object.__setattr__(self, "capabilities", tuple(float(c) for c in self.capabilities))
        if self.events is None:
            raise TypeError("a Result needs its events table")

    def _table(self, name: str) -> pd.DataFrame:
        if name == "blocs":
            if self.labels is None:
                raise TypeError("a Result needs its blocs table or its labels")
            return bloc_table(self.labels, self.actors)
        array = self.scores if name == "alignment" else self.baseline_scores
        if array is None:
            raise TypeError(f"a Result needs its {name} table or its score array")
        return score_table(array, self.actors)

    def score_array(self, *, baseline: bool = False) -> np.ndarray:
        """Every run's scores as one array (runs, months + 1, n, n), run 1 first."""
        array = self.baseline_scores if baseline else self.scores
        if array is not None:
            return array
        table = self.baseline if baseline else self.alignment
        index = {name: i for i, name in enumerate(self.actors)}
        runs = sorted(int(r) for r in table["run"].unique())
        at_run = {r: k for k, r in enumerate(runs)}
        n = len(self.actors)
        out = np.zeros((len(runs), self.months + 1, n, n))
        out[table["run"].map(at_run).to_numpy(), table["month"].to_numpy(), table["source"].map(index).to_numpy(),
            table["target"].map(index).to_numpy()] = table["score"].to_numpy()
        return out

    def trajectory(self, *, run: int | None = None, baseline: bool = False) -> np.ndarray:
        """All months at once as an array (months + 1, n, n), averaged over runs unless run is given. The
        average of one run is that run's array itself, read-only (not a copy: 38 MB at 200 actors)."""
        array = self.baseline_scores if baseline else self.scores
        if array is not None:
            if run is None and array.shape[0] == 1:  # the mean of one value is that value, bit for bit
                only = array[0].view()
                only.flags.writeable = False
                return only
            return array[run - 1].copy() if run is not None else array.mean(axis=0)
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
        if self.labels is not None:
            return np.asarray(self.labels, dtype=int)
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

    def with_summary(self, summary: Summary) -> Result:
        """This Result carrying `summary`. Not dataclasses.replace, which reads every field and so would build
        the long tables (5 million rows each for 1,000 runs) that a Result made from arrays builds only when
        read."""
        out = object.__new__(type(self))
        out.__dict__.update(self.__dict__)
        object.__setattr__(out, "summary", summary)
        return out

    def __repr__(self) -> str:
        events = int((self.events["run"] == 1).sum()) if len(self.events) else 0
        return (f"<Result {self.name!r}: {len(self.actors)} actors, {self.months} months, {self.runs} run"
                f"{'s' if self.runs != 1 else ''}, seed {self.seed}, {events} events in run 1>")

    def _repr_html_(self) -> str:
        """What a notebook shows: one line and the largest effects (sim.results.notebook_html)."""
        from .notebook_html import result_html

        return result_html(self)

    def to_xarray(self):
        """The run as an xarray.Dataset: `scores` and `baseline` on (run, month, source, target), `blocs` on
        (run, month, actor) from 1, `capability` on actor; name, seed, runs, months and the parameters as
        attributes. xarray is imported here only, so `sim run` does not pay for it."""
        import xarray as xr

        actors = list(self.actors)
        coords = {"run": np.arange(1, self.runs + 1), "month": np.arange(self.months + 1), "source": actors,
                  "target": actors, "actor": actors}
        data = {"scores": (("run", "month", "source", "target"), self.score_array()),
                "baseline": (("run", "month", "source", "target"), self.score_array(baseline=True)),
                "blocs": (("run", "month", "actor"), self.partitions() + 1),
                "capability": (("actor",), np.asarray(self.capabilities))}
        attrs = {"scenario": self.name, "seed": self.seed, "runs": self.runs, "months": self.months,
                 "n_blocs": self.n_blocs, "scenario_file": self.scenario_file or ""}
        parameters = (self.scenario.parameters.as_dict() if self.scenario is not None
                      else self.summary.parameters.as_dict() if self.summary is not None else {})
        attrs.update({f"parameter_{k}": (int(v) if isinstance(v, bool) else v) for k, v in parameters.items()})
        return xr.Dataset(data, coords=coords, attrs=attrs)

