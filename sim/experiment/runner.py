"""Run a scenario (every Monte Carlo run, plus its event-free baseline) and gather the tables."""

from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd

from ..io.tables import load_codebook
from ..model.batch import BatchModel
from ..model.model import AlignmentModel
from .result import EVENT_COLUMNS, Result
from ..core.scenario import Scenario
from ..core.world import World
from ..io.world import build_world


def run_seed(seed: int, run: int) -> int:
    """The seed of one Monte Carlo run: independent streams from one scenario seed (SeedSequence)."""
    return int(np.random.SeedSequence([seed, run]).generate_state(1)[0])


BATCH = "batch"
PER_RUN = "per-run"
ENGINES = (BATCH, PER_RUN)


def run(
    scenario: Scenario,
    *,
    n_blocs: int = 2,
    world: World | None = None,
    progress: Callable[[int, int], None] | None = None,
    engine: str | None = None,
) -> Result:
    """Run every Monte Carlo run of a scenario and its baseline (same seed, no scenario events).

    engine: "per-run" (one Mesa model per run and per baseline: the reference implementation) or
    "batch" (every run at once, sim/model/batch.py: identical runs, far faster); by default the batch
    for runs > 1 and the per-run model for one run. Blocs are computed once per month of each scenario
    run; the baseline skips them. The Result keeps those partitions and its summary reports them.
    BLAS threads are limited to one: the matrices are small, and threads only contend for the cores.
    """
    from threadpoolctl import threadpool_limits

    from .summary import summarise

    engine = engine or (BATCH if scenario.runs > 1 else PER_RUN)
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")
    world = world or build_world(scenario)
    codebook = load_codebook()
    with threadpool_limits(limits=1, user_api="blas"):
        if engine == BATCH:
            scores, baseline, labels, rows = _run_batch(scenario, world, codebook, n_blocs, progress)
        else:
            scores, baseline, labels, rows = _run_each(scenario, world, codebook, n_blocs, progress)
        common = dict(
            name=scenario.name,
            actors=tuple(world.names),
            capabilities=tuple(float(c) for c in world.capabilities),
            months=scenario.months,
            runs=scenario.runs,
            seed=scenario.seed,
            events=pd.DataFrame(rows, columns=list(EVENT_COLUMNS)),
            n_blocs=n_blocs,
            scenario_file=scenario.file,
            scores=scores,
            baseline_scores=baseline,
            labels=labels,
            scenario=scenario,
            world=world,
        )
        summary = summarise(Result(**common), scenario, world)
    return Result(**common, summary=summary)


def _run_each(scenario, world, codebook, n_blocs, progress):
    """The reference path: one AlignmentModel per run and one per baseline, in run order."""
    scores, baseline, labels, rows = [], [], [], []
    for run_number in range(1, scenario.runs + 1):
        seed = run_seed(scenario.seed, run_number)
        common = dict(parameters=scenario.parameters, months=scenario.months, n_blocs=n_blocs, rng=seed,
                      codebook=codebook, changes=scenario.changes)
        model = AlignmentModel(world, scenario.events, **common).run()
        reference = AlignmentModel(world, (), track_blocs=False, **common).run()
        scores.append(np.stack(model.datacollector.model_vars["scores"]))
        baseline.append(np.stack(reference.datacollector.model_vars["scores"]))
        labels.append(np.array(model.datacollector.model_vars["blocs"], dtype=np.intp))
        rows.extend((run_number, e.month, e.type, e.source, e.target, e.intensity, e.origin, e.actor or e.source,
                     e.probability, e.reason) for e in model.log)
        if progress:
            progress(run_number, scenario.runs)
    return np.stack(scores), np.stack(baseline), np.stack(labels), rows


def _run_batch(scenario, world, codebook, n_blocs, progress):
    """Every run at once (sim/model/batch.py); run k draws from run_seed(seed, k) as in _run_each."""
    seeds = [run_seed(scenario.seed, k) for k in range(1, scenario.runs + 1)]
    out = BatchModel(world, scenario.events, scenario.parameters, seeds=seeds, months=scenario.months,
                     codebook=codebook, n_blocs=n_blocs, changes=scenario.changes).run()
    if progress:
        progress(scenario.runs, scenario.runs)
    rows = [(run + 1, *rest) for run, *rest in out.events]
    return out.scores, out.baseline, out.blocs, rows
