"""Run a sweep: every point of a SweepPlan, in chunks, serially or on a Dask cluster, streamed to disk.

Each point is an ensemble run through the public runner (`sim.experiment.runner.run`), so a faster engine
speeds sweeps up too. A chunk of points is one Dask task; the task returns its table as CSV text, made the
same way wherever it runs, so the final table is byte-identical on one worker, many, or serially.

The chunk rule: one point of the scenario as written is timed first (it also gives the headline pairs);
a chunk holds enough points for about TARGET_CHUNK_SECONDS of work, so Dask's per-task cost (a few
milliseconds) stays under 1% of it, but never so many that there are fewer than CHUNKS_PER_WORKER chunks
per worker, so that every worker keeps busy to the end and a lost worker costs little to redo.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import logging
import math
import os
import pickle
import time
from dataclasses import dataclass, replace
from typing import Callable

from ..core.scenario import Scenario
from ..core.sweep import SweepPlan
from ..errors import EntenteError
from ..io.sweep_folder import SweepFolder
from .runner import run
from .summary import bloc_history, bloc_timeline, ranked_pairs
from .sweep_design import Point, apply_variant, point_scenario, points

TARGET_CHUNK_SECONDS = 1.0
CHUNKS_PER_WORKER = 4
SERIAL, LOCAL = "serial", "local"
CONNECT_SECONDS = 20.0  # to connect to a scheduler and hear its answer (the handshake included)
WORKERS_SECONDS = 60.0  # for a connected scheduler to have a worker
INSTALL_HINT = ('Install the sweep extra into this Python: `pip install -e ".[sweep]"` in a checkout, '
                '`pip install "entente[sweep]"` otherwise; or run this sweep in this process with '
                '--scheduler serial (no Dask needed, one core).')


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


def chunk_size(seconds_per_point: float, n_points: int, workers: int) -> int:
    """The chunk rule (module docstring): about TARGET_CHUNK_SECONDS of work, at least CHUNKS_PER_WORKER per worker."""
    by_time = math.ceil(TARGET_CHUNK_SECONDS / max(seconds_per_point, 1e-6))
    by_balance = max(1, n_points // (CHUNKS_PER_WORKER * max(workers, 1)))
    return max(1, min(by_time, by_balance))


# ---------------------------------------------------------------------------------------- one chunk

def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _number(value: float) -> str:
    return f"{round(value, 6) + 0.0:.6f}"


def columns(plan: SweepPlan, actors, pairs) -> list[str]:
    """The table's columns: the point, its variant and parameters, the headline effects, the bloc outcomes."""
    return (["point", "variant", *plan.parameters, "seed"]
            + [f"effect {a}->{b}" for a, b in pairs]
            + [f"first bloc {name}" for name in actors] + ["end blocs", "end blocs share"])


def blocs_text(blocs) -> str:
    """A bloc configuration as one cell: members joined by '+', blocs by ' | ', largest bloc first."""
    return " | ".join("+".join(members) for members in blocs)


def point_row(scenario: Scenario, plan: SweepPlan, world, point: Point, pairs) -> list[str]:
    """Run one point's ensemble (scenario and baseline) and reduce it to its row of the table: the headline
    effects and the bloc outcomes straight from the arrays (no summary, no attribution: a point needs
    neither)."""
    result = run(point_scenario(scenario, plan, point), world=world)
    index = {name: i for i, name in enumerate(result.actors)}
    effect = result.effect()
    partitions = result.partitions()[:, -1]  # (runs, n) at the last month
    first = (partitions == 0).mean(axis=0)
    history = bloc_history(result)
    final = bloc_timeline(history, result.actors, shares=False)[-1].blocs
    values = dict(point.values)
    return ([str(point.number), plan.variants[point.variant].name]
            + [_cell(values[name]) for name in plan.parameters] + [str(point.seed)]
            + [_number(effect[index[a], index[b]]) for a, b in pairs]
            + [_number(first[index[name]]) for name in result.actors]
            + [blocs_text(final), _number(history[-1][1] if result.runs > 1 else 1.0)])


def run_chunk(payload: bytes, chunk: list[Point]) -> str:
    """A chunk's table as CSV text (header included): what a Dask worker runs. payload: pickled
    (scenario, plan, worlds by variant, headline pairs, actors), so a worker needs no files of the user's."""
    scenario, plan, worlds, pairs, actors = pickle.loads(payload)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns(plan, actors, pairs))
    for point in chunk:
        writer.writerow(point_row(scenario, plan, worlds[point.variant], point, pairs))
    return out.getvalue()


# --------------------------------------------------------------------------------------- the sweep

def _identity(scenario: Scenario, plan: SweepPlan, payload: bytes) -> str:
    """What must not change between a sweep and its --resume: the scenario, the plan, the worlds, the version."""
    from ..io.resources import version

    digest = hashlib.sha256(version().encode())
    digest.update(repr((replace(scenario, file=None, relations_file=None), replace(plan, file=None))).encode())
    for world in pickle.loads(payload)[2]:
        digest.update(world.scores.tobytes())
        digest.update(world.capabilities.tobytes())
    return digest.hexdigest()


def check_plan(scenario: Scenario, plan: SweepPlan, count: int, *, allow_large: bool = False) -> None:
    """The plan's work against the limits of `sim run`: every point (and the run as written, which gives the
    headline pairs) is the scenario with all its events at the plan's runs; variants only remove events."""
    from ..io.cost import check_scenario

    check_scenario(replace(scenario, runs=plan.runs), repeats=count + 1, allow_large=allow_large,
                   flag="--allow-large (allow_large=True)",
                   what=f"this sweep ({count:,} points and the run as written)")


def sweep(
    scenario: Scenario,
    plan: SweepPlan,
    out_dir,
    *,
    scheduler: str = LOCAL,
    workers: int | None = None,
    chunk: int | None = None,
    resume: bool = False,
    progress: Callable[[int, int], None] | None = None,
    allow_large: bool = False,
) -> SweepOutcome:
    """Run every point of the plan and write the folder (chunk tables, manifest, sweep.csv).

    scheduler: 'serial' (in this process), 'local' (a LocalCluster of `workers` processes, default one per
    core) or a scheduler address 'tcp://HOST:PORT'. chunk: points per chunk (default: the chunk rule).
    progress(done, total) is called with points done (those of earlier runs included). The whole plan is
    checked against the limits of `sim run` before anything starts (allow_large=True lifts them).
    """
    from ..io.world import build_world

    check_scheduler(scheduler)  # a malformed address is refused before any work or any file
    all_points = points(plan)
    check_plan(scenario, plan, len(all_points), allow_large=allow_large)
    worlds = [build_world(replace(scenario, relations=scenario.relations + v.relations)) for v in plan.variants]
    actors = worlds[0].names
    base = (scenario, plan, worlds, actors)
    identity = _identity(scenario, plan, pickle.dumps((scenario, plan, worlds)))
    folder = SweepFolder(out_dir, identity=identity, resume=resume)  # checks the folder, writes nothing yet
    if folder.started and folder.chunks[-1][1] != len(all_points):
        raise EntenteError(f"the sweep in {folder.shown!r} has {folder.chunks[-1][1]} points in its manifest, but "
                           f"this sweep has {len(all_points)}", file=str(folder.path / "sweep-manifest.json"),
                           hint="Start the sweep again in a new --out folder.")

    # The scheduler before the run as written: one that cannot be used is found before any work is done.
    with _Executor(scheduler, workers) as executor:
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
        payload = pickle.dumps((base[0], base[1], base[2], pairs, base[3]))

        if not folder.started:
            size = chunk or chunk_size(seconds_per_point or 1.0, len(all_points), executor.workers)
            bounds = [(start, min(start + size, len(all_points))) for start in range(0, len(all_points), size)]
            folder.start({"sweep_name": plan.name, "scenario": scenario.name, "scenario_file": scenario.file,
                          "sweep_file": plan.file,
                          "points": len(all_points), "runs_per_point": plan.runs, "chunk_size": size,
                          "seconds_per_point": round(seconds_per_point or 0.0, 4),
                          "headline_pairs": [list(p) for p in pairs],
                          "columns": columns(plan, actors, pairs)}, bounds)
        bounds = folder.chunks
        done = folder.finished()
        todo = [i for i in range(len(bounds)) if i not in done]
        finished_points = sum(b - a for i, (a, b) in enumerate(bounds) if i in done)
        if progress:
            progress(finished_points, len(all_points))
        for index, text in executor.map(payload, [(i, all_points[slice(*bounds[i])]) for i in todo]):
            folder.write_chunk(index, text)
            finished_points += bounds[index][1] - bounds[index][0]
            if progress:
                progress(finished_points, len(all_points))
        used = executor.workers
    table = folder.finish()
    return SweepOutcome(str(folder.path), str(table), len(all_points), len(bounds), len(todo), used,
                        int(folder.details("chunk_size")))


class _Executor:
    """Runs chunks serially, on a LocalCluster, or on an existing Dask cluster; yields results as they come."""

    def __init__(self, scheduler: str, workers: int | None) -> None:
        self.scheduler = scheduler
        self.requested = workers
        self.client = self.cluster = None
        self.workers = 1

    def __enter__(self) -> "_Executor":
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
            address = check_scheduler(self.scheduler)
            # Asked who it is first, on a connection of our own with every wait bounded: only a Dask
            # scheduler that answers gets a Client (whose handshake Dask does not bound).
            identity = _bounded(lambda: asyncio.run(_who_is_there(address)), CONNECT_SECONDS, address)
            if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
                raise EntenteError(f"the server at {address} did not answer as a Dask scheduler",
                                   hint="Check the address: `dask scheduler` prints it (docs/sweeps.md).")
            self.client = _bounded(lambda: Client(address, timeout=CONNECT_SECONDS),
                                   CONNECT_SECONDS, address, close=lambda client: client.close())
            try:
                _bounded(lambda: self.client.wait_for_workers(1, timeout=WORKERS_SECONDS), WORKERS_SECONDS,
                         address, no_workers=True)
                info = _bounded(self.client.scheduler_info, CONNECT_SECONDS, address)
            except BaseException:
                self.__exit__(None, None, None)
                raise
            self.workers = max(1, len(info.get("workers") or ()))
            return self
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        return self

    def map(self, payload: bytes, chunks):
        """(chunk index, table text) for every chunk, in the order they finish."""
        if self.client is None:
            for index, chunk in chunks:
                yield index, run_chunk(payload, chunk)
            return
        from distributed import as_completed

        # The payload (a few kilobytes) travels with each task rather than scattered once: a task then
        # never depends on data held by a worker that may be lost.
        futures = {}
        for index, chunk in chunks:
            future = self.client.submit(run_chunk, payload, chunk, pure=False, key=f"entente-chunk-{index}-"
                                        f"{os.getpid()}-{time.monotonic_ns()}")
            futures[future] = index
        for future in as_completed(futures):
            yield futures[future], future.result()
            future.release()

    def __exit__(self, *exc) -> None:
        if self.client is not None:
            try:
                _bounded(lambda: self.client.close(timeout=CONNECT_SECONDS), CONNECT_SECONDS, self.scheduler)
            except EntenteError:
                pass  # a scheduler that stopped answering: nothing more to wait for
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None


# ------------------------------------------------------------------------------------ a remote scheduler

SCHEDULER_HINT = ("Give 'serial', 'local' or the address `dask scheduler` printed, such as tcp://10.0.0.5:8786 "
                  "(an IPv6 host in brackets: tcp://[::1]:8786); see docs/sweeps.md.")


def check_scheduler(text: str) -> str:
    """'serial', 'local', or a well-formed tcp:// or tls:// address (a port from 1 to 65535; tls:// only with
    Dask's TLS certificates configured), refused in one paragraph otherwise, before anything starts."""
    if text in (SERIAL, LOCAL):
        return text
    from urllib.parse import urlsplit

    shown = repr(text)
    problem = f"--scheduler must be 'serial', 'local' or a Dask scheduler address, got {shown}"
    if not isinstance(text, str) or not text.startswith(("tcp://", "tls://")):
        raise EntenteError(problem, hint=SCHEDULER_HINT)
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError as error:  # an unclosed IPv6 bracket, a port that is not a number or out of range
        raise EntenteError(f"{problem}: {error}", hint=SCHEDULER_HINT) from None
    if not host or port is None or not 1 <= port <= 65535 or parts.path not in ("", "/") or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise EntenteError(f"{problem}: it needs a host and a port, and nothing else", hint=SCHEDULER_HINT)
    if parts.scheme == "tls":
        try:
            import dask
        except ImportError:
            return text  # the executor says how to install Dask
        needed = ("ca-file", "client.cert")
        if not all(dask.config.get(f"distributed.comm.tls.{key}", None) for key in needed):
            raise EntenteError(f"--scheduler {shown} asks for TLS, but no TLS certificates are configured for Dask",
                               hint="Set Dask's distributed.comm.tls.ca-file, client.cert and client.key (for "
                                    "instance DASK_DISTRIBUTED__COMM__TLS__CA_FILE=ca.pem, ...CLIENT__CERT, "
                                    "...CLIENT__KEY), as Dask's security docs describe; or use tcp:// on a "
                                    "private network.")
    return f"{parts.scheme}://{parts.netloc}"


async def _who_is_there(address: str):
    """What the server at `address` says it is (Dask's "identity" request), every wait bounded."""
    from distributed.comm import connect

    comm = await asyncio.wait_for(connect(address, timeout=CONNECT_SECONDS), CONNECT_SECONDS)
    try:
        await asyncio.wait_for(comm.write({"op": "identity", "reply": True}), CONNECT_SECONDS)
        return await asyncio.wait_for(comm.read(), CONNECT_SECONDS)
    finally:
        comm.abort()


def _bounded(call, seconds: float, address: str, *, close=None, no_workers: bool = False):
    """call() on a daemon thread, waited for at most `seconds` (plus a little for Dask's own timeout to fire).

    Dask bounds the connection to a scheduler but not the answer after it: a server that accepts and never
    answers, or answers with something other than Dask's protocol, would hang the sweep or raise deep in
    Dask. Every wait on the scheduler goes through here and ends in one paragraph. close(value) is applied
    to a value that arrives after the wait was given up (a client connected too late).
    """
    import threading

    box: dict = {}
    gave_up = threading.Event()

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as error:  # reported to the waiting thread below
            box["error"] = error
        if gave_up.is_set() and "value" in box and close is not None:
            try:
                close(box["value"])
            except Exception:
                pass

    thread = threading.Thread(target=target, name="entente-scheduler-wait", daemon=True)
    thread.start()
    thread.join(seconds + 1)
    hint = "Check that `dask scheduler` runs there and its port is open to this machine (docs/sweeps.md)."
    if thread.is_alive():
        gave_up.set()
        raise EntenteError(f"the Dask scheduler at {address} did not answer within {seconds:g} s (something "
                           f"accepts connections there, but does not answer as a Dask scheduler)", hint=hint)
    error = box.get("error")
    if error is None:
        return box["value"]
    if no_workers and isinstance(error, TimeoutError):
        raise EntenteError(f"the Dask scheduler at {address} has no workers",
                           hint=f"Start workers with `dask worker {address}` (docs/sweeps.md).") from None
    if isinstance(error, TimeoutError):
        raise EntenteError(f"the Dask scheduler at {address} did not answer within {seconds:g} s", hint=hint) from None
    if isinstance(error, OSError):
        raise EntenteError(f"cannot reach the Dask scheduler at {address} ({error})", hint=hint) from None
    if isinstance(error, Exception):  # garbage in the place of Dask's protocol: decoding errors of every kind
        raise EntenteError(f"the server at {address} did not answer as a Dask scheduler (what it sent is not "
                           f"Dask's protocol: {type(error).__name__})", hint=hint) from None
    raise error
