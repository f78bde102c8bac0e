"""The one evaluator of the experiments pipeline: each point of a design is an ensemble run through the
public runner (no summary) and measured (sim/experiments/outcomes.py), serially or on a Dask cluster, in chunks.

A chunk of points is one Dask task; it gets the pickled Job (scenario, variants, their worlds, what to
measure), so a worker needs no files of the user's, and its outcomes are identical on one worker, many, or
serially.

The chunk rule: a chunk holds enough points for about TARGET_CHUNK_SECONDS of work (timed on one point run
alone), and at least BATCH_POINTS, since a chunk's points are stepped as batches of the engine, each point
far cheaper than alone; but never so many that there are fewer than CHUNKS_PER_WORKER chunks per worker, so
that every worker keeps busy to the end and a lost worker costs little to redo.
Resuming (the sweep's folder) is the caller's: it hands over only the chunks still to do.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import pickle
import time
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import Callable, Iterable, Iterator, Sequence

from ..model.scenario import Scenario
from .plan import AS_WRITTEN, Variant
from ..model.world import World
from ..errors import EntenteError
from .design import Point, point_scenario
from .outcomes import Follow, PointOutcome, measure
from ..links import page

TARGET_CHUNK_SECONDS = 1.0
CHUNKS_PER_WORKER = 4
BATCH_POINTS = 200  # at least this many points a chunk (where the balance rule allows): one batch of the engine
SERIAL, LOCAL, AUTO = "serial", "local", "auto"
SMALL_WORK = 5_000_000
"""Pair-months of a whole plan (sim/inputs/cost.py: estimate) below which `auto` runs a sweep in this process:
a few seconds of batched work (about 0.5 us a pair-month for seven actors), less than a LocalCluster takes
to start its workers and their imports (6 to 9 s on a shared 2-core machine, README "Benchmarks")."""
FEW_CORES = 2  # on this many cores or fewer the workers share the cores with this process: `auto` stays serial
CONNECT_SECONDS = 20.0  # to connect to a scheduler and hear its answer (the handshake included)
WORKERS_SECONDS = 60.0  # for a connected scheduler to have a worker
INSTALL_HINT = ('Install the sweep extra into this Python: `pip install -e ".[sweep]"` in a checkout, or '
                '`pip install "entente_sim-X.Y.Z-py3-none-any.whl[sweep]"` with the wheel; or run this sweep in '
                'this process with --scheduler serial (no Dask needed, one core).')


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
    from ..inputs.world import build_world

    return tuple(build_world(replace(scenario, relations=scenario.relations + v.relations)) for v in variants)


def run_point(job: Job, point: Point) -> PointOutcome:
    """One point's ensemble (scenario and baseline), reduced to its outcomes."""
    from ..results.runner import run

    scenario = point_scenario(job.scenario, point, job.variants, job.runs)
    return measure(run(scenario, world=job.worlds[point.variant]), job.follow, point.number)


SERIAL_CHUNK = 50  # points of an in-memory design evaluated (and batched) together in this process: progress
# moves every 50 points
BATCH_RUNS = 2_000  # Monte Carlo runs stepped together at most (about 60 MB of scores for seven actors)


def run_points(job: Job, points: Sequence[Point]) -> list[PointOutcome]:
    """Several points' outcomes, in their order: the points of one variant (and balance rule) stepped as one
    batch of the engine (runner.run_batch, each point's runs with its own parameters and seed), which gives
    every point exactly what run_point gives it."""
    from ..results.runner import run_batch

    outcomes: list[PointOutcome | None] = [None] * len(points)
    groups: dict[tuple, list[tuple[int, Scenario]]] = {}
    for place, point in enumerate(points):
        scenario = point_scenario(job.scenario, point, job.variants, job.runs)
        groups.setdefault((point.variant, scenario.parameters.balance_mode), []).append((place, scenario))
    for (variant, _), members in groups.items():
        batch: list[tuple[int, Scenario]] = []
        runs = 0
        for member in [*members, None]:
            if member is None or (batch and runs + member[1].runs > BATCH_RUNS):
                results = run_batch([scenario for _, scenario in batch], world=job.worlds[variant])
                for (place, _), result in zip(batch, results):
                    outcomes[place] = measure(result, job.follow, points[place].number)
                batch, runs = [], 0
            if member is not None:
                batch.append(member)
                runs += member[1].runs
    return [outcome for outcome in outcomes if outcome is not None]


def run_chunk(payload: bytes, chunk: Sequence[Point]) -> list[PointOutcome]:
    """A chunk's outcomes, in the chunk's order: what a Dask worker runs. payload: the pickled Job."""
    return run_points(pickle.loads(payload), chunk)


def chunk_size(seconds_per_point: float, n_points: int, workers: int) -> int:
    """The chunk rule (module docstring): about TARGET_CHUNK_SECONDS of work, at least CHUNKS_PER_WORKER per worker."""
    by_time = max(BATCH_POINTS, math.ceil(TARGET_CHUNK_SECONDS / max(seconds_per_point, 1e-6)))
    by_balance = max(1, n_points // (CHUNKS_PER_WORKER * max(workers, 1)))
    return max(1, min(by_time, by_balance))


def chunked(n_points: int, size: int) -> list[tuple[int, int]]:
    """(start, stop) of each chunk of `size` points."""
    return [(start, min(start + size, n_points)) for start in range(0, n_points, size)]


class Evaluator:
    """Runs chunks serially, on a LocalCluster, or on an existing Dask cluster; yields results as they come.

    scheduler: 'serial' (in this process), 'local' (a LocalCluster of `workers` processes, default one per
    core) or a scheduler address 'tcp://HOST:PORT'. client: a `distributed.Client` the caller opened (and
    closes): the chunks go to its cluster, and scheduler is not used. dashboard: start the local cluster with
    Dask's dashboard (on 127.0.0.1, a free port); `dashboard_link` is then its address (for a client or a
    remote scheduler, the dashboard that cluster reports), else None.
    """

    def __init__(self, scheduler: str = SERIAL, workers: int | None = None, *, client=None,
                 dashboard: bool = False) -> None:
        self.scheduler = scheduler
        self.requested = workers
        self.client = self.cluster = None
        self.given = client
        self.dashboard = dashboard
        self.dashboard_link: str | None = None
        self.workers = 1

    def __enter__(self) -> "Evaluator":
        if self.given is not None:
            return self._enter_client(self.given)
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
            # localhost, and the dashboard's pages are served only when asked for (then on a free port).
            # dashboard_address=None does not turn them off (dask/distributed#8136, #7207): Dask's HTTP
            # server runs anyway (here on a free port, so a busy 8787 gives no warning), and the scheduler's
            # `dashboard` keyword decides on the Bokeh pages.
            if self.dashboard:
                _need_bokeh()
            self.cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address="127.0.0.1:0", scheduler_kwargs={"dashboard": self.dashboard},
                                        silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
            self.dashboard_link = self.client.dashboard_link if self.dashboard else None
        else:
            address = check_scheduler(self.scheduler)
            # Asked who it is first, on a connection of our own with every wait bounded: only a Dask
            # scheduler that answers gets a Client (whose handshake Dask does not bound).
            identity = _bounded(lambda: asyncio.run(_who_is_there(address)), CONNECT_SECONDS, address)
            if not isinstance(identity, dict) or identity.get("type") != "Scheduler":
                raise EntenteError(f"the server at {address} did not answer as a Dask scheduler",
                                   hint=f"Check the address: `dask scheduler` prints it ({page('sweeps')}).")
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
            self.dashboard_link = _reported_dashboard(self.client) if self.dashboard else None
            return self
        self.workers = max(1, len(self.client.scheduler_info()["workers"]))
        return self

    def _enter_client(self, client) -> "Evaluator":
        """Use a caller's Client: checked to be one, with at least one worker; never closed here."""
        try:
            from distributed import Client
        except ImportError:
            raise EntenteError("sweeps on Dask need the packages dask and distributed, which this Python "
                               "does not have", hint=INSTALL_HINT) from None
        if not isinstance(client, Client):
            raise EntenteError(f"client= takes a dask.distributed.Client, not {type(client).__name__}",
                               hint="Open one with `from dask.distributed import Client; client = Client(...)`, "
                                    "or leave client= out and give scheduler= instead.")
        if client.status != "running":
            raise EntenteError(f"the Dask client given as client= is {client.status}, not running",
                               hint="Give an open Client (client.close() ends it).")
        address = str(getattr(client.scheduler, "address", "the client's scheduler"))
        _bounded(lambda: client.wait_for_workers(1, timeout=WORKERS_SECONDS), WORKERS_SECONDS, address,
                 no_workers=True)  # a cluster without workers would otherwise wait for ever
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers") or ()))
        self.dashboard_link = _reported_dashboard(client) if self.dashboard else None
        return self

    def map(self, job: Job, chunks: Iterable[tuple[int, Sequence[Point]]]) -> Iterator[tuple[int, list[PointOutcome]]]:
        """(chunk index, its outcomes) for every (index, points) chunk, in the order they finish."""
        if self.client is None:
            for index, chunk in chunks:
                yield index, run_points(job, chunk)
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
        if self.given is not None:  # the caller's client: theirs to close
            self.client = None
            return
        if self.client is not None:
            try:
                _bounded(lambda: self.client.close(timeout=CONNECT_SECONDS), CONNECT_SECONDS, self.scheduler)
            except EntenteError:
                pass  # a scheduler that stopped answering: nothing more to wait for
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None


def _need_bokeh() -> None:
    """Dask draws its dashboard with Bokeh: without it the cluster starts with no dashboard at all."""
    try:
        import bokeh  # noqa: F401
    except ImportError:
        raise EntenteError("Dask's dashboard needs the package bokeh, which this Python does not have",
                           hint='Install the sweep extra, which brings it: `pip install -e ".[sweep]"` in a '
                                'checkout; or run the sweep without --dashboard.') from None


def _reported_dashboard(client) -> str | None:
    """The dashboard address a cluster reports (None when it runs none)."""
    try:
        services = client.scheduler_info().get("services") or {}
    except Exception:  # noqa: BLE001 - a cluster that cannot say has no dashboard to show
        return None
    return client.dashboard_link if "dashboard" in services else None


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
    (default: SERIAL_CHUNK serially, each chunk one batch of the engine; CHUNKS_PER_WORKER per worker on Dask).
    evaluator: an open Evaluator (several designs on one cluster) instead of scheduler and workers."""
    with nullcontext(evaluator) if evaluator is not None else Evaluator(scheduler, workers) as evaluator:
        size = chunk or (SERIAL_CHUNK if evaluator.client is None else chunk_size(0.0, len(points), evaluator.workers))
        found = dict(run_chunks(evaluator, job, points, chunked(len(points), size), progress=progress))
    return [o for index in sorted(found) for o in found[index]]


# ------------------------------------------------------------------------------------ a remote scheduler

SCHEDULER_HINT = ("Give 'auto', 'serial', 'local' or the address `dask scheduler` printed, such as "
                  "tcp://10.0.0.5:8786 (an IPv6 host in brackets: tcp://[::1]:8786); "
                  f"see {page('sweeps')}.")


def choose_scheduler(pair_months: int, cores: int | None = None) -> tuple[str, str]:
    """What `--scheduler auto` runs on, and the one line that says why: serial when the estimated work is
    small (SMALL_WORK), when this machine has FEW_CORES cores or fewer, or when Dask is not installed; else a
    LocalCluster."""
    import importlib.util

    cores = (os.cpu_count() or 1) if cores is None else cores
    work = f"about {pair_months:,} pair-months of work"
    if cores <= FEW_CORES:
        why = f"{cores} core{'s' if cores != 1 else ''} (Dask's workers would share them with this process)"
    elif pair_months < SMALL_WORK:
        why = f"{work}, less than starting Dask's workers costs"
    elif importlib.util.find_spec("distributed") is None:
        why = "Dask is not installed"
    else:
        return LOCAL, (f"Running on a local Dask cluster of {cores} workers ({cores} cores, {work}); "
                       f"--scheduler serial runs in this process.")
    return SERIAL, f"Running in this process: {why}; --scheduler local starts a Dask cluster."


def check_scheduler(text: str) -> str:
    """'serial', 'local', 'auto', or a well-formed tcp:// or tls:// address (a port from 1 to 65535; tls://
    only with Dask's TLS certificates configured), refused in one paragraph otherwise, before anything starts."""
    if text in (SERIAL, LOCAL, AUTO):
        return text
    from urllib.parse import urlsplit

    shown = repr(text)
    problem = f"--scheduler must be 'auto', 'serial', 'local' or a Dask scheduler address, got {shown}"
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
    hint = f"Check that `dask scheduler` runs there and its port is open to this machine ({page('sweeps')})."
    if thread.is_alive():
        gave_up.set()
        raise EntenteError(f"the Dask scheduler at {address} did not answer within {seconds:g} s (something "
                           f"accepts connections there, but does not answer as a Dask scheduler)", hint=hint)
    error = box.get("error")
    if error is None:
        return box["value"]
    if no_workers and isinstance(error, TimeoutError):
        raise EntenteError(f"the Dask scheduler at {address} has no workers",
                           hint=f"Start workers with `dask worker {address}` ({page('sweeps')}).") from None
    if isinstance(error, TimeoutError):
        raise EntenteError(f"the Dask scheduler at {address} did not answer within {seconds:g} s", hint=hint) from None
    if isinstance(error, OSError):
        raise EntenteError(f"cannot reach the Dask scheduler at {address} ({error})", hint=hint) from None
    if isinstance(error, Exception):  # garbage in the place of Dask's protocol: decoding errors of every kind
        raise EntenteError(f"the server at {address} did not answer as a Dask scheduler (what it sent is not "
                           f"Dask's protocol: {type(error).__name__})", hint=hint) from None
    raise error
