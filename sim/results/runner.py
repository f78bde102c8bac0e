"""Run a scenario (every Monte Carlo run, plus its event-free baseline) through the one engine, and the
Mesa front door (`sim.EntenteModel`) that builds that engine from a scenario and plain keywords."""

from __future__ import annotations

from dataclasses import replace
from collections.abc import Sequence
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..model.draws import run_seed
from ..model.parameters import Parameters, outside_range, specs
from ..model.scenario import Scenario
from ..model.world import World
from ..inputs.tables import load_codebook
from ..inputs.world import build_world
from ..model.engine import AlignmentModel
from ..model.mesa_import import mesa
from .result import EVENT_COLUMNS, Result


def run(
    scenario: Scenario,
    *,
    n_blocs: int = 2,
    world: World | None = None,
    progress: Callable[[int, int], None] | None = None,
    summarise: bool = False,
    parameter_sets: Sequence[Parameters] | None = None,
) -> Result:
    """Run every Monte Carlo run of a scenario and its baseline (same seed, no scenario events) at once.

    parameter_sets: one Parameters per run (draws from a calibration's posterior, so that the runs carry the
    parameters' uncertainty as well as chance); default: the scenario's for every run.

    Blocs are computed once per month of each scenario run; the baseline skips them. summarise: also make
    the summary (sim.results.summary.summarise; the command line asks for it, sweeps do not). BLAS
    threads are limited to one: the matrices are small, and threads only contend for the cores.
    """
    from threadpoolctl import threadpool_limits

    world = world or build_world(scenario)
    if parameter_sets is not None and len(parameter_sets) != scenario.runs:
        raise ValueError(f"{len(parameter_sets)} parameter sets for {scenario.runs} runs")
    with threadpool_limits(limits=1, user_api="blas"):
        if parameter_sets is None:
            model = EntenteModel(scenario, world=world, n_blocs=n_blocs, collect=False)
        else:
            model = AlignmentModel(world, scenario.events, list(parameter_sets),
                                   seeds=[run_seed(scenario.seed, k) for k in range(1, scenario.runs + 1)],
                                   months=scenario.months, codebook=load_codebook(), n_blocs=n_blocs,
                                   changes=scenario.changes)
        out = model.run()
    if progress:
        progress(scenario.runs, scenario.runs)
    result = Result(
        name=scenario.name,
        actors=tuple(world.names),
        capabilities=tuple(float(c) for c in world.capabilities),
        months=scenario.months,
        runs=scenario.runs,
        seed=scenario.seed,
        events=pd.DataFrame([(run + 1, *rest) for run, *rest in out.events], columns=list(EVENT_COLUMNS)),
        n_blocs=n_blocs,
        scenario_file=scenario.file,
        scores=out.scores,
        baseline_scores=out.baseline,
        labels=out.blocs,
        scenario=scenario,
        world=world,
    )
    if summarise:
        from .summary import summarise as summary_of

        result = result.with_summary(summary_of(result, scenario, world))
    return result


def run_batch(scenarios: Sequence[Scenario], *, world: World | None = None, n_blocs: int = 2) -> list[Result]:
    """Several scenarios that differ only in their parameters, seed and number of runs (the points of a
    design), stepped as one batch of the engine: each Result is what run() gives that scenario alone
    (tests/test_properties.py holds the engine to it). No summaries: a design's points need none.

    They must share the world, months, events and changes (a sweep's variants are separate batches)."""
    from threadpoolctl import threadpool_limits

    if not scenarios:
        return []
    first = scenarios[0]
    for other in scenarios[1:]:
        if (other.months, other.events, other.changes) != (first.months, first.events, first.changes):
            raise ValueError("a batch's scenarios must share months, events and changes")
    world = world or build_world(first)
    seeds, sets, offsets = [], [], [0]
    for scenario in scenarios:
        seeds += [run_seed(scenario.seed, k) for k in range(1, scenario.runs + 1)]
        sets += [scenario.parameters] * scenario.runs
        offsets.append(len(seeds))
    with threadpool_limits(limits=1, user_api="blas"):
        out = AlignmentModel(world, first.events, sets, seeds=seeds, months=first.months, codebook=load_codebook(),
                             n_blocs=n_blocs, changes=first.changes).run()
    rows = out.events
    results = []
    for index, scenario in enumerate(scenarios):
        low, high = offsets[index], offsets[index + 1]
        mine = [(run - low + 1, *rest) for run, *rest in rows if low <= run < high]
        results.append(Result(
            name=scenario.name, actors=tuple(world.names), capabilities=tuple(float(c) for c in world.capabilities),
            months=scenario.months, runs=scenario.runs, seed=scenario.seed,
            events=pd.DataFrame(mine, columns=list(EVENT_COLUMNS)), n_blocs=n_blocs, scenario_file=scenario.file,
            scores=out.scores[low:high], baseline_scores=out.baseline[low:high],
            labels=None if out.blocs is None else out.blocs[low:high], scenario=scenario, world=world))
    return results


class EntenteModel(AlignmentModel):
    """The engine as a Mesa user builds it: from a scenario (a bundled name, a file, or a Scenario) and plain
    keyword parameters, e.g. `EntenteModel("s400_india", seed=0, memory=0.1)`; `mesa.batch_run` works on it.

    runs: Monte Carlo runs stepped together (the agents decide for all at once). The DataCollector records,
    each month, one row per actor with a column per other actor (its regard, the mean over runs) and the
    model's mean regard and number of events; `running` turns False at the scenario's horizon.
    """

    def __init__(self, scenario: str | Path | Scenario = "baseline", *, seed: int | None = None,
                 runs: int | None = None, n_blocs: int = 2, world: World | None = None, collect: bool = True,
                 **parameters) -> None:
        if not isinstance(scenario, Scenario):
            from ..inputs.scenario_file import load_scenario

            scenario = load_scenario(scenario)
        overrides = {name: value for name, value in parameters.items()}
        unknown = sorted(set(overrides) - {spec.name for spec in specs()})
        if unknown:
            raise TypeError(f"EntenteModel() got unexpected keyword arguments {unknown}: the parameters are "
                            f"{', '.join(spec.name for spec in specs())}")
        scenario = replace(scenario, seed=scenario.seed if seed is None else seed,
                           runs=scenario.runs if runs is None else runs,
                           parameters=_checked(scenario.parameters, overrides))
        self.entente_scenario = scenario  # not `scenario`: Mesa 3.5 models have a Scenario of their own there
        world = world or build_world(scenario)
        super().__init__(world, scenario.events, scenario.parameters,
                         seeds=[run_seed(scenario.seed, k) for k in range(1, scenario.runs + 1)],
                         months=scenario.months, codebook=load_codebook(), n_blocs=n_blocs,
                         changes=scenario.changes)
        self.datacollector = _collector(self.names) if collect else None
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def step(self) -> None:
        super().step()
        if self.datacollector is not None:
            self.datacollector.collect(self)


def _checked(parameters: Parameters, overrides: dict) -> Parameters:
    """The parameters with keyword overrides, each checked against its declared range or choices."""
    for spec in specs():
        allowed = outside_range(spec, overrides[spec.name]) if spec.name in overrides else None
        if allowed:
            raise ValueError(f"{spec.name}={overrides[spec.name]!r} is outside its range: {allowed}")
    return parameters.with_overrides(overrides)


def _collector(names: list[str]):
    """Tidy reporters: one row per actor per month, a column per other actor; two model-level series."""
    off = ~np.eye(len(names), dtype=bool)

    def regard(other: str):
        return lambda actor: None if actor.name == other else actor.regard(other)

    return mesa.DataCollector(
        model_reporters={"mean_regard": lambda m: float(m.scores.mean(axis=0)[off].mean()),
                         "events": lambda m: len(m.events_this_month)},
        agent_reporters={"actor": "name", **{name: regard(name) for name in names}})
