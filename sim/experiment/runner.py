"""Run a scenario (every Monte Carlo run, plus its event-free baseline) and gather the tables."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np
import pandas as pd

from ..io.tables import load_codebook
from ..model.model import AlignmentModel
from .result import EVENT_COLUMNS, Result
from ..core.scenario import Scenario
from ..core.world import World
from ..io.world import build_world


def run_seed(seed: int, run: int) -> int:
    """The seed of one Monte Carlo run: independent streams from one scenario seed (SeedSequence)."""
    return int(np.random.SeedSequence([seed, run]).generate_state(1)[0])


def run(
    scenario: Scenario,
    *,
    n_blocs: int = 2,
    world: World | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Result:
    """Run every Monte Carlo run of a scenario and its baseline (same seed, no scenario events).

    Blocs are computed once per month of each scenario run, by the model; the baseline skips them. The
    Result keeps those partitions (its blocs table) and its summary reports them.
    """
    from .summary import summarise

    world = world or build_world(scenario)
    codebook = load_codebook()
    alignment, baseline, blocs, events = [], [], [], []
    for run_number in range(1, scenario.runs + 1):
        seed = run_seed(scenario.seed, run_number)
        common = dict(parameters=scenario.parameters, months=scenario.months, n_blocs=n_blocs, rng=seed,
                      codebook=codebook, changes=scenario.changes)
        model = AlignmentModel(world, scenario.events, **common).run()
        reference = AlignmentModel(world, (), track_blocs=False, **common).run()
        alignment.append(_score_table(model, "scores", run_number))
        baseline.append(_score_table(reference, "scores", run_number))
        blocs.append(_bloc_table(model, run_number))
        events.append(_event_table(model, run_number))
        if progress:
            progress(run_number, scenario.runs)
    tables = Result(
        name=scenario.name,
        actors=tuple(world.names),
        capabilities=tuple(float(c) for c in world.capabilities),
        months=scenario.months,
        runs=scenario.runs,
        seed=scenario.seed,
        alignment=pd.concat(alignment, ignore_index=True),
        baseline=pd.concat(baseline, ignore_index=True),
        blocs=pd.concat(blocs, ignore_index=True),
        events=pd.concat(events, ignore_index=True),
        n_blocs=n_blocs,
        scenario_file=scenario.file,
        scenario=scenario,
        world=world,
    )
    return replace(tables, summary=summarise(tables, scenario, world))


def _score_table(model: AlignmentModel, column: str, run_number: int) -> pd.DataFrame:
    matrices = np.stack(model.datacollector.model_vars[column])  # (months + 1, n, n)
    months, n, _ = matrices.shape
    names = np.array(model.names, dtype=object)
    source, target = np.nonzero(~np.eye(n, dtype=bool))
    return pd.DataFrame({
        "run": run_number,
        "month": np.repeat(np.arange(months), source.size),
        "source": np.tile(names[source], months),
        "target": np.tile(names[target], months),
        "score": matrices[:, source, target].reshape(-1),
    })


def _bloc_table(model: AlignmentModel, run_number: int) -> pd.DataFrame:
    labels = np.array(model.datacollector.model_vars["blocs"])  # (months + 1, n)
    months, n = labels.shape
    return pd.DataFrame({
        "run": run_number,
        "month": np.repeat(np.arange(months), n),
        "actor": np.tile(np.array(model.names, dtype=object), months),
        "bloc": labels.reshape(-1) + 1,
    })


def _event_table(model: AlignmentModel, run_number: int) -> pd.DataFrame:
    columns = list(EVENT_COLUMNS)
    rows = [(run_number, e.month, e.type, e.source, e.target, e.intensity, e.origin, e.actor or e.source,
             e.probability, e.reason) for e in model.log]
    return pd.DataFrame(rows, columns=columns)
