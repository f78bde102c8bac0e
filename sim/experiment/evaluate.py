"""The one evaluator of the experiments pipeline: each point of a design is an ensemble run through the
public runner (no summary) and measured (sim/experiment/outcomes.py), serially or on a Dask cluster, in chunks.

A chunk of points is one Dask task; it gets the pickled Job (scenario, variants, their worlds, what to
measure), so a worker needs no files of the user's, and its outcomes are identical on one worker, many, or
serially.

The chunk rule: a chunk holds enough points for about TARGET_CHUNK_SECONDS of work, so Dask's per-task cost
(a few milliseconds) stays under 1% of it, but never so many that there are fewer than CHUNKS_PER_WORKER
chunks per worker, so that every worker keeps busy to the end and a lost worker costs little to redo.
Resuming (the sweep's folder) is the caller's: it hands over only the chunks still to do.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import time
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Sequence

from ..core.scenario import Scenario
from ..core.sweep import AS_WRITTEN, Variant
from ..core.world import World
from ..errors import EntenteError
from .design import Point, point_scenario
from .outcomes import Follow, PointOutcome, measure

TARGET_CHUNK_SECONDS = 1.0
CHUNKS_PER_WORKER = 4
SERIAL, LOCAL = "serial", "local"
INSTALL_HINT = ('Install the sweep extra into this Python: `pip install -e ".[sweep]"` in a checkout, '
                '`pip install "entente[sweep]"` otherwise; or run this sweep in this process with '
                '--scheduler serial (no Dask needed, one core).')


@dataclass(frozen=True)
class Job:
    """What every point of a design shares: the scenario, its variants and their worlds (by variant), the
    Monte Carlo runs per point (None: the scenario's), and what to measure."""

    scenario: Scenario
    worlds: tuple[World, ...]
    follow: Follow
    variants: tuple[Variant, ...] = (AS_WRITTEN,)
    runs: int | None = None


def variant_worlds(scenario: Scenario, variants: Sequence[Variant]) -> tuple[World, ...]:
    """One built world per variant (a variant's starting scores change the world, not the events)."""
    from ..io.world import build_world

    return tuple(build_world(replace(scenario, relations=scenario.relations + v.relations)) for v in variants)


def run_point(job: Job, point: Point) -> PointOutcome:
    """One point's ensemble (scenario and baseline), reduced to its outcomes."""
    from .runner import run

    scenario = point_scenario(job.scenario, point, job.variants, job.runs)
    return measure(run(scenario, world=job.worlds[point.variant]), job.follow, point.number)


def run_chunk(payload: bytes, chunk: Sequence[Point]) -> list[PointOutcome]:
    """A chunk's outcomes, in the chunk's order: what a Dask worker runs. payload: the pickled Job."""
    job = pickle.loads(payload)
    return [run_point(job, point) for point in chunk]


def chunk_size(seconds_per_point: float, n_points: int, workers: int) -> int:
    """The chunk rule (module docstring): about TARGET_CHUNK_SECONDS of work, at least CHUNKS_PER_WORKER per worker."""
    by_time = math.ceil(TARGET_CHUNK_SECONDS / max(seconds_per_point, 1e-6))
    by_balance = max(1, n_points // (CHUNKS_PER_WORKER * max(workers, 1)))
    return max(1, min(by_time, by_balance))


def chunked(n_points: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of `size` points."""
    return [(start, min(start + size, n_points)) for start in range(0, n_points, size)]


class Evaluator:
    """Runs chunks serially, on a LocalCluster, or on an existing Dask cluster; yields results as they come.

    scheduler: 'serial' (in this process), 'local' (a LocalCluster of `workers` processes, default one per
    core) or a scheduler address 'tcp://HOST:PORT'.
    """

    def __init__(self, scheduler: str = SERIAL, workers: int | None = None) -> None:
        self.scheduler = scheduler
        self.requested = workers
        self.client = self.cluster = None
        self.workers = 1

    def __enter__(self) -> "Evaluator":
        if self.scheduler == SERIAL:
            return self
        try:
            import dask
            from distributed import Client, LocalCluster
        except ImportError:
            raise EntenteError("sweeps on Dask need the packages dask and distributed, which this Python "
                               "does not have", hint=INSTALL_HINT) from None
        dask.config.set({"distributed.admin.system-monitor.gil.enabled": False, "logging.distributed": "error"})
        if self.scheduler == LOCAL:
            count = self.requested or os.cpu_count() or 1
            # Worker processes with one thread each (the model is Python-bound); nothing listens beyond
            # localhost, and no dashboard is started.
            self.cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        else:
            if not self.scheduler.startswith(("tcp://", "tls://")):
                raise EntenteError(f"--scheduler must be 'serial', 'local' or a Dask scheduler address such as "
                                   f"tcp://10.0.0.5:8786, got {self.scheduler!r}")
            try:
                self.client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError) as error:
                raise EntenteError(f"cannot reach the Dask scheduler at {self.scheduler} ({error})",
                                   hint="Check that `dask scheduler` runs there and its port is open to this "
                                        "machine (docs/sweeps.md).") from None
            try:
                self.client.wait_for_workers(1, timeout=60)
            except TimeoutError:
                self.__exit__(None, None, None)
                raise EntenteError(f"the Dask scheduler at {self.scheduler} has no workers",
                                   hint="Start workers with `dask worker " + self.scheduler + "` "
                                        "(docs/sweeps.md).") from None
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        return self

    def map(self, job: Job, chunks: Iterable[tuple[int, Sequence[Point]]]) -> Iterator[tuple[int, list[PointOutcome]]]:
        """(chunk index, its outcomes) for every (index, points) chunk, in the order they finish."""
        if self.client is None:
            for index, chunk in chunks:
                yield index, [run_point(job, point) for point in chunk]
            return
        from distributed import as_completed

        # The pickled job (a few kilobytes) travels with each task rather than scattered once: a task then
        # never depends on data held by a worker that may be lost.
        payload = pickle.dumps(job)
        futures = {}
        for index, chunk in chunks:
            future = self.client.submit(run_chunk, payload, list(chunk), pure=False,
                                        key=f"entente-chunk-{index}-{os.getpid()}-{time.monotonic_ns()}")
            futures[future] = index
        for future in as_completed(futures):
            yield futures[future], future.result()
            future.release()

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None


def run_chunks(evaluator: Evaluator, job: Job, points: Sequence[Point], bounds: Sequence[tuple[int, int]],
               done=frozenset(), progress: Callable[[int, int], None] | None = None):
    """(chunk index, its outcomes) for every chunk of `bounds` (start, stop) not in `done` (a resumed sweep's
    finished chunks), in the order they finish. progress(points done, total) counts the chunks in `done` too."""
    finished = sum(b - a for i, (a, b) in enumerate(bounds) if i in done)
    if progress:
        progress(finished, len(points))
    for index, outcomes in evaluator.map(job, [(i, points[a:b]) for i, (a, b) in enumerate(bounds) if i not in done]):
        finished += len(outcomes)
        if progress:
            progress(finished, len(points))
        yield index, outcomes


def evaluate(job: Job, points: Sequence[Point], *, scheduler: str = SERIAL, workers: int | None = None,
             chunk: int | None = None, progress: Callable[[int, int], None] | None = None,
             evaluator: Evaluator | None = None) -> list[PointOutcome]:
    """Every point's outcomes in the points' order, in memory (a sensitivity design). chunk: points per chunk
    (default: 1 serially, so progress moves with every run; CHUNKS_PER_WORKER per worker on Dask).
    evaluator: an open Evaluator (several designs on one cluster) instead of scheduler and workers."""
    with nullcontext(evaluator) if evaluator is not None else Evaluator(scheduler, workers) as evaluator:
        size = chunk or (1 if evaluator.client is None else chunk_size(0.0, len(points), evaluator.workers))
        found = dict(run_chunks(evaluator, job, points, chunked(len(points), size), progress=progress))
    return [o for index in sorted(found) for o in found[index]]
