"""Run a sweep: every point of a SweepPlan through the one evaluator (sim/experiments/evaluate.py), in chunks,
serially or on a Dask cluster, streamed to disk as the sweep table (sim/experiments/outcomes.py).

The chunk rule (evaluate.chunk_size) is timed on one point of the scenario as written, which also gives the
headline pairs. Each finished chunk's outcomes are written as that chunk's table the same way wherever they
were computed, so the final table is byte-identical on one worker, many, or serially.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, replace
from typing import Callable

from ..inputs.cost import Cost, check_scenario
from ..model.scenario import Scenario
from .plan import SweepPlan
from ..errors import EntenteError
from .sweep_folder import SweepFolder
from .design import apply_variant, points, resolve_variants
from .evaluate import (AUTO, Evaluator, Job, check_scheduler, choose_scheduler, chunk_size, chunked,
                       run_chunks, variant_worlds)
from .outcomes import Follow, chunk_text, table_columns
from ..results.runner import run
from ..results.summary import ranked_pairs


@dataclass(frozen=True)
class SweepOutcome:
    """Where the sweep's table is, and what this call did."""

    folder: str
    table: str
    points: int
    chunks: int
    computed_chunks: int  # chunks this call ran (the others were finished before: --resume)
    workers: int
    chunk_size: int


# --------------------------------------------------------------------------------------- the sweep

def _identity(scenario: Scenario, plan: SweepPlan, worlds) -> str:
    """What must not change between a sweep and its --resume: the scenario, the plan, the worlds, the version."""
    from ..inputs.resources import version

    digest = hashlib.sha256(version().encode())
    digest.update(repr((replace(scenario, file=None, relations_file=None), replace(plan, file=None))).encode())
    for world in worlds:
        digest.update(world.scores.tobytes())
        digest.update(world.capabilities.tobytes())
    return digest.hexdigest()


def check_plan(scenario: Scenario, plan: SweepPlan, count: int, *, allow_large: bool = False) -> Cost:
    """The plan's work against the limits of `sim run`: every point (and the run as written, which gives the
    headline pairs) is the scenario with all its events at the plan's runs; variants only remove events.
    Returns the whole plan's estimated cost."""
    return check_scenario(replace(scenario, runs=plan.runs), repeats=count + 1, allow_large=allow_large,
                   flag="--allow-large (allow_large=True)",
                   what=f"this sweep ({count:,} points and the run as written)")


def sweep(
    scenario: Scenario,
    plan: SweepPlan,
    out_dir,
    *,
    scheduler: str = AUTO,
    workers: int | None = None,
    chunk: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    allow_large: bool = False,
    client=None,
    dashboard: Callable[[str | None], None] | None = None,
    notice: Callable[[str], None] | None = None,
) -> SweepOutcome:
    """Run every point of the plan and write the folder (chunk tables, manifest, sweep.csv).

    scheduler: 'auto' (serial for small work or on two cores or fewer, else local: evaluate.choose_scheduler;
    notice(line) hears which and why), 'serial' (in this process), 'local' (a LocalCluster of `workers`
    processes, default one per core) or a scheduler address 'tcp://HOST:PORT'. chunk: points per chunk
    (default: the chunk rule). progress(done, total) is called with points done (those of earlier runs
    included). client: an open `dask.distributed.Client` to run the chunks on instead of scheduler (yours:
    never closed here). dashboard(address): asks for Dask's dashboard (the local cluster starts one on
    127.0.0.1) and is called once with its address, or None when the cluster has none. The scheduler's address
    and the whole plan (against the limits of `sim run`; allow_large=True lifts them) are checked before
    anything starts.
    """
    check_scheduler(scheduler)  # a malformed address is refused before any work or any file
    plan = replace(plan, variants=resolve_variants(scenario, plan.variants))  # events by id -> by index
    all_points = points(plan)
    cost = check_plan(scenario, plan, len(all_points), allow_large=allow_large)
    if scheduler == AUTO and client is None:
        scheduler, line = choose_scheduler(cost.pair_months)
        if notice is not None:
            notice(line)
    worlds = variant_worlds(scenario, plan.variants)
    actors = worlds[0].names
    folder = SweepFolder(out_dir, identity=_identity(scenario, plan, worlds), resume=resume)  # writes nothing yet
    if folder.started and folder.chunks[-1][1] != len(all_points):
        raise EntenteError(f"the sweep in {folder.shown!r} has {folder.chunks[-1][1]} points in its manifest, but "
                           f"this sweep has {len(all_points)}", file=str(folder.path / "sweep-manifest.json"),
                           hint="Start the sweep again in a new --out folder.")
    names = [v.name for v in plan.variants]

    # The scheduler before the run as written: one that cannot be used is found before any work is done.
    with Evaluator(scheduler, workers, client=client, dashboard=dashboard is not None) as evaluator:
        if dashboard is not None:
            dashboard(evaluator.dashboard_link)
        seconds_per_point = None
        if folder.started:
            pairs = [tuple(p) for p in folder.details("headline_pairs")]
        else:
            # The scenario as written (first variant's world, the sweep's runs and seed): the headline pairs,
            # and the time of one point for the chunk rule.
            begin = time.perf_counter()
            written = run(replace(apply_variant(scenario, plan.variants[0]), runs=plan.runs, seed=plan.seed),
                          world=worlds[0])
            seconds_per_point = time.perf_counter() - begin
            pairs = ranked_pairs(written.effect(), written.actors)[: plan.headline_pairs]
        job = Job(scenario, worlds, Follow(pairs=tuple(pairs), end_blocs=True), plan.variants, plan.runs)
        if not folder.started:
            size = chunk or chunk_size(seconds_per_point or 1.0, len(all_points), evaluator.workers)
            folder.start({"sweep_name": plan.name, "scenario": scenario.name, "scenario_file": scenario.file,
                          "sweep_file": plan.file,
                          "points": len(all_points), "runs_per_point": plan.runs, "chunk_size": size,
                          "seconds_per_point": round(seconds_per_point or 0.0, 4),
                          "headline_pairs": [list(p) for p in pairs],
                          "columns": table_columns(plan.parameters, pairs, actors)},
                         chunked(len(all_points), size))
        bounds = folder.chunks
        done = folder.finished()
        for index, outcomes in run_chunks(evaluator, job, all_points, bounds, done, progress):
            folder.write_chunk(index, chunk_text(all_points[slice(*bounds[index])], outcomes, plan.parameters,
                                                 names, pairs, actors))
        used = evaluator.workers
    table = folder.finish()
    return SweepOutcome(str(folder.path), str(table), len(all_points), len(bounds), len(bounds) - len(done), used,
                        int(folder.details("chunk_size")))
