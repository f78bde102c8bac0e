"""Sweeps: the sweep file's checks, the seeded design, and the same table serially, on a LocalCluster, on a
scheduler and workers started as separate processes, after an interruption, and after losing a worker."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_clean_error, cli, sim, source_env
from sim.experiments.plan import SweepPlan
from sim.errors import EntenteError
from sim.experiments.evaluate import chunk_size
from sim.experiments.sweep import sweep
from sim.experiments.design import apply_variant, point_seed, points
from sim.inputs.scenario_file import scenario_from_data
from sim.experiments.sweep_file import sweep_from_data
from sim.inputs.safe_yaml import load_yaml_text

SCENARIO = """\
name: Sweep test
months: 12
events:
  - {at: 2, type: arms_sale, from: Russia, to: Pakistan}
  - {at: 4, type: military_exercise, between: [India, US]}
"""

SWEEP = """\
name: tiny
seed: 3
runs: 1
grid:
  memory: [0.05, 0.2]
variants:
  - name: as written
  - {name: no sale, events_off: [0]}
"""


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "scenario.yaml").write_text(SCENARIO, encoding="utf-8")
    (tmp_path / "sweep.yaml").write_text(SWEEP, encoding="utf-8")
    return tmp_path


def plan_of(text: str, scenario=None) -> SweepPlan:
    scenario = scenario or scenario_from_data(load_yaml_text(SCENARIO).data)
    document = load_yaml_text(text, filename="sweep.yaml", what="sweep file")
    return sweep_from_data(document.data, scenario, file="sweep.yaml", position=document.position)


def serial_table(files, out="serial", sweep_file="sweep.yaml") -> bytes:
    done = cli("sweep", files / "scenario.yaml", "--grid", files / sweep_file, "--out", files / out,
               "--scheduler", "serial")
    assert done.returncode == 0, done.stderr
    return (files / out / "sweep.csv").read_bytes()


# ------------------------------------------------------------------------------------- the sweep file

@pytest.mark.parametrize("text, fragments", [
    ("grid: {memroy: [0.1]}\n", ["line 1", "grid.memroy", "unknown key 'memroy'", "Did you mean 'memory'?"]),
    ("grid:\n  memory: [0.1, 1.5]\n", ["line 2", "grid.memory[1]", "at most 1.0",
                                     "documented range of memory is 0.0 to 1.0"]),
    ("sample: {method: lhs, n: 8, ranges: {noise: [0.0, 0.9]}}\n", ["sample.ranges.noise[1]", "at most 0.5"]),
    ("sample: {method: sobol, n: 10, ranges: {noise: [0.0, 0.1]}}\n", ["sample.n", "power of two", "n: 8 or n: 16"]),
    ("variants:\n  - {name: a, events_off: [2]}\n", ["line 2", "variants[0].events_off[0]", "no event 2",
                                                    "events[0] to events[1]"]),
    ("variants:\n  - {name: a, relations: [{between: [India, Narnia], score: 0.1}]}\n", ["unknown actor 'Narnia'"]),
    ("grid:\n  memory: 0.1\n", ["grid.memory", "Write a list of values"]),
])
def test_a_wrong_sweep_file_gets_one_paragraph_with_place_and_fix(text, fragments):
    with pytest.raises(EntenteError) as caught:
        plan_of(text)
    message = caught.value.message()
    assert message.startswith("sweep.yaml"), message
    for fragment in fragments:
        assert fragment in message, message


def test_the_cli_prints_a_sweep_file_mistake_and_exits_2(files):
    (files / "bad.yaml").write_text("runs: 1\ngrid:\n  balanse: [0.1]\n", encoding="utf-8")
    done = cli("sweep", files / "scenario.yaml", "--grid", files / "bad.yaml", "--out", files / "out")
    assert_clean_error(done, "bad.yaml, line 3", "grid.balanse", "Did you mean 'balance'?")
    assert not (files / "out").exists()


def test_points_are_numbered_seeded_and_cross_grid_sample_and_variants():
    plan = plan_of("seed: 5\ngrid: {memory: [0.05, 0.1], reactions: [true, false]}\n"
                   "sample: {method: lhs, n: 3, ranges: {noise: [0.0, 0.1], reaction_cooldown: [0, 24]}}\n"
                   "variants: [{name: a}, {name: b, events_only: [1]}]\n")
    design = points(plan)
    assert len(design) == 2 * 2 * 3 * 2 and [p.number for p in design] == list(range(24))
    assert design == points(plan)  # the same file gives the same points
    assert [p.seed for p in design] == [point_seed(5, n) for n in range(24)]
    assert len({p.seed for p in design}) == 24
    noise = sorted({dict(p.values)["noise"] for p in design})
    # A Latin hypercube puts one of its 3 points in each third of the range.
    assert [int(v // (0.1 / 3)) for v in noise] == [0, 1, 2]
    assert all(isinstance(dict(p.values)["reaction_cooldown"], int) for p in design)
    other = points(plan_of("seed: 6\nsample: {method: lhs, n: 3, ranges: {noise: [0.0, 0.1]}}\n"))
    assert sorted(dict(p.values)["noise"] for p in other) != noise


def test_a_variant_switches_events_off_and_sets_intensities():
    scenario = scenario_from_data(load_yaml_text(SCENARIO.replace("[India, US]", "[India, US, Iran]")).data)
    plan = plan_of("variants:\n  - {name: quiet, events_off: [1]}\n"
                   "  - {name: half, intensity: [{event: 1, intensity: 0.5}]}\n", scenario)
    quiet, half = (apply_variant(scenario, v) for v in plan.variants)
    assert [e.type for e in quiet.events] == ["arms_sale"]
    assert len(scenario.events) == 4  # a meeting of three is three pairs, switched as one event
    assert [e.intensity for e in half.events if e.type == "military_exercise"] == [0.5, 0.5, 0.5]
    assert [e.intensity for e in half.events if e.type == "arms_sale"] == [1.0]


def test_a_variant_names_events_by_their_id_as_well_as_by_their_index():
    text = (SCENARIO.replace("to: Pakistan}", "to: Pakistan, id: sale}")
            .replace("[India, US]}", "[India, US], id: drill}"))
    scenario = scenario_from_data(load_yaml_text(text).data)
    by_id = plan_of("variants:\n  - {name: a, events_off: [drill], intensity: [{event: sale, intensity: 0.5}]}\n"
                    "  - {name: b, events_only: [drill]}\n", scenario)
    by_index = plan_of("variants:\n  - {name: a, events_off: [1], intensity: [{event: 0, intensity: 0.5}]}\n"
                       "  - {name: b, events_only: [1]}\n", scenario)
    assert by_id.variants == by_index.variants
    quiet, drill_only = (apply_variant(scenario, v) for v in by_id.variants)
    assert [(e.type, e.intensity) for e in quiet.events] == [("arms_sale", 0.5)]
    assert {e.type for e in drill_only.events} == {"military_exercise"}
    # An id written for another scenario is refused, never taken as some other event.
    with pytest.raises(EntenteError) as caught:
        plan_of("variants:\n  - {name: a, events_off: [sael]}\n", scenario)
    message = caught.value.message()
    for fragment in ("sweep.yaml", "line 2", "variants[0].events_off[0]", "no event with the id 'sael'",
                     "Did you mean 'sale'?"):
        assert fragment in message, message
    with pytest.raises(EntenteError) as caught:
        plan_of("variants:\n  - {name: a, events_off: [sale]}\n")  # the scenario without ids
    assert "none (no event of the scenario has an id:)" in caught.value.message()


def test_a_plan_made_in_python_may_name_events_by_id(files):
    from dataclasses import replace

    from sim.experiments.plan import Variant

    text = SCENARIO.replace("to: Pakistan}", "to: Pakistan, id: sale}")
    scenario = scenario_from_data(load_yaml_text(text).data)
    by_index = plan_of(SWEEP, scenario)  # its variant "no sale" switches off events[0]
    by_id = replace(by_index, variants=(by_index.variants[0], Variant("no sale", events_off=("sale",))))
    sweep(scenario, by_index, files / "index", scheduler="serial")
    sweep(scenario, by_id, files / "id", scheduler="serial")
    assert (files / "index" / "sweep.csv").read_bytes() == (files / "id" / "sweep.csv").read_bytes()
    for wrong in ("drill", 5):
        plan = replace(by_index, variants=(Variant("off", events_off=(wrong,)),))
        with pytest.raises(EntenteError) as caught:
            sweep(scenario, plan, files / "wrong", scheduler="serial")
        assert f"the variant 'off' names the event {wrong!r}" in caught.value.message()
        assert "this scenario's: sale" in caught.value.message() and not (files / "wrong").exists()


def test_the_chunk_rule():
    assert chunk_size(0.002, 1_000_000, 2) == 500  # about 1 s of work timed one point at a time...
    assert chunk_size(0.1, 10_000, 2) == 200  # ...but at least 200 points, run as batches of the engine
    assert chunk_size(0.1, 40, 2) == 5  # and at least 4 chunks per worker
    assert chunk_size(5.0, 1_000, 8) == 31


# ----------------------------------------------------------------------------- the same table everywhere

def test_serial_and_a_local_cluster_of_two_workers_write_the_same_bytes(files):
    scenario = scenario_from_data(load_yaml_text(SCENARIO).data)
    plan = plan_of(SWEEP, scenario)
    one = sweep(scenario, plan, files / "one", scheduler="serial", chunk=3)
    two = sweep(scenario, plan, files / "two", scheduler="local", workers=2, chunk=1)
    assert two.workers == 2 and two.chunks == 4 and one.chunks == 2
    assert (files / "one" / "sweep.csv").read_bytes() == (files / "two" / "sweep.csv").read_bytes()
    table = pd.read_csv(files / "one" / "sweep.csv")
    assert list(table["point"]) == [0, 1, 2, 3]
    assert list(table["variant"]) == ["as written", "no sale"] * 2
    # The headline pairs are the scenario-as-written's largest effects (an independent run says which).
    import sim as api
    from dataclasses import replace

    written = api.run(replace(scenario, runs=plan.runs, seed=plan.seed), summarise=True)
    expected = [f"effect {c.source}->{c.target}" for c in written.summary.changes[:5]]
    assert [c for c in table.columns if c.startswith("effect ")] == expected
    # Without the sale, Pakistan warms to Russia less (the sale is what warmed it).
    assert (table.loc[table["variant"] == "no sale", "effect Pakistan->Russia"].to_numpy()
            < table.loc[table["variant"] == "as written", "effect Pakistan->Russia"].to_numpy()).all()
    shares = table[[c for c in table.columns if c.startswith("first bloc ")]]
    assert ((shares >= 0) & (shares <= 1)).all().all()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dask(*args) -> subprocess.Popen:
    script = Path(sys.executable).parent / "dask"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dask"]
    return subprocess.Popen([*command, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=source_env(), start_new_session=True)


@pytest.fixture(scope="module")
def dask_processes():
    """`dask scheduler` and `dask worker` processes on localhost, as a user with a cluster starts them: started
    once for the module and killed at its end (a polite SIGTERM waited up to 40 s for Dask to shut down)."""
    port = _free_port()
    started = [_dask("scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")]
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield f"tcp://127.0.0.1:{port}", started
    finally:
        for process in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)  # each in its own session: the group is its own
        for process in started:
            process.wait(timeout=30)


@pytest.fixture()
def cluster(dask_processes):
    """The module's scheduler with exactly two live workers for each test (a test may kill one: it is
    replaced, and the scheduler has let it go, before the next test starts)."""
    address, started = dask_processes
    workers = [process for process in started[1:] if process.poll() is None]
    while len(workers) < 2:
        workers.append(_dask("worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                             "--host", "127.0.0.1"))
        started.append(workers[-1])
    from distributed import Client

    with Client(address, timeout="30s") as client:
        deadline = time.monotonic() + 60
        while len(client.scheduler_info()["workers"]) != 2:
            assert time.monotonic() < deadline, "the Dask scheduler did not see exactly two workers in 60 s"
            time.sleep(0.1)
    yield address, workers


def test_a_scheduler_and_two_workers_in_separate_processes_give_the_serial_table(files, cluster):
    address, _ = cluster
    done = sim("sweep", files / "scenario.yaml", "--grid", files / "sweep.yaml", "--out", files / "dist",
               "--scheduler", address, "--chunk-size", "1")
    assert done.returncode == 0, done.stderr
    assert "on 2 workers" in done.stdout
    assert done.stderr == ""  # Dask's logging stays out of the terminal
    assert (files / "dist" / "sweep.csv").read_bytes() == serial_table(files)


def test_sim_sweep_runs_on_a_client_it_is_given_and_leaves_it_open(files, cluster):
    import sim as api
    from distributed import Client

    address, _ = cluster
    seen = []
    with Client(address, timeout="30s") as client:
        outcome = api.sweep(files / "scenario.yaml", files / "sweep.yaml", files / "given", client=client,
                            chunk=1, dashboard=seen.append)
        assert client.status == "running"  # the caller's client: not closed by the sweep
        assert outcome.workers == 2 and outcome.chunks == 4
        # The address the cluster reports (`dask scheduler --no-dashboard` still serves it:
        # dask/distributed#6301), given once, before the first chunk.
        assert seen == [client.dashboard_link] and seen[0].startswith("http://127.0.0.1:")
    assert (files / "given" / "sweep.csv").read_bytes() == serial_table(files)
    with pytest.raises(EntenteError) as caught:
        api.sweep(files / "scenario.yaml", files / "sweep.yaml", files / "other", client=address)
    assert "client= takes a dask.distributed.Client, not str" in caught.value.message()
    assert not (files / "other").exists()


def test_a_client_whose_cluster_has_no_workers_is_refused_within_the_bound(files, monkeypatch):
    import sim as api
    from distributed import Client, LocalCluster
    from sim.experiments import evaluate

    monkeypatch.setattr(evaluate, "WORKERS_SECONDS", 1.0)
    with LocalCluster(n_workers=0, processes=False, dashboard_address="127.0.0.1:0") as empty, \
            Client(empty) as client:
        begin = time.monotonic()
        with pytest.raises(EntenteError) as caught:
            api.sweep(files / "scenario.yaml", files / "sweep.yaml", files / "none", client=client)
        assert time.monotonic() - begin < 30 and client.status == "running"
    assert "has no workers" in caught.value.message() and not (files / "none" / "sweep.csv").exists()


def test_the_dashboard_flag_prints_where_to_watch_the_local_cluster(files):
    done = cli("sweep", files / "scenario.yaml", "--grid", files / "sweep.yaml", "--out", files / "watched",
               "--scheduler", "local", "--workers", "1", "--dashboard")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("Dask dashboard: "))
    address = line.split(": ", 1)[1]
    assert address.startswith("http://127.0.0.1:") and address.endswith("/status")
    assert int(address.split(":")[2].split("/")[0]) > 0  # a real port, chosen free
    assert (files / "watched" / "sweep.csv").read_bytes() == serial_table(files)
    # The page is there while the sweep runs (fetched from the callback, before the first chunk), and a
    # local cluster not asked for it serves no dashboard page.
    import urllib.error
    import urllib.request

    import sim as api
    from sim.experiments.evaluate import Evaluator

    pages = []
    api.sweep(files / "scenario.yaml", files / "sweep.yaml", files / "fetched", scheduler="local", workers=1,
              dashboard=lambda link: pages.append(urllib.request.urlopen(link, timeout=30).status))
    assert pages == [200]
    with Evaluator("local", 1) as quiet:
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(quiet.client.dashboard_link, timeout=30)
    assert missing.value.code == 404
    assert_clean_error(cli("sweep", files / "scenario.yaml", "--grid", files / "sweep.yaml", "--out",
                           files / "serial-watched", "--scheduler", "serial", "--dashboard"),
                       "--dashboard", "--scheduler serial starts no cluster")


def test_a_worker_killed_mid_sweep_has_its_chunks_redone(files, cluster):
    address, workers = cluster
    (files / "long.yaml").write_text(SWEEP.replace("[0.05, 0.2]", "{from: 0.05, to: 0.2, steps: 16}"),
                                     encoding="utf-8")
    command = [sys.executable, "-m", "sim", "sweep", str(files / "scenario.yaml"), "--grid", str(files / "long.yaml"),
               "--out", str(files / "dist"), "--scheduler", address, "--chunk-size", "1"]
    running = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=source_env())
    first = files / "dist" / "chunk-00000.csv"
    deadline = time.monotonic() + 120
    while not any((files / "dist").glob("chunk-*.csv")) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(workers[0].pid, signal.SIGKILL)  # mid-sweep: chunks are queued and running on it
    out, err = running.communicate(timeout=240)
    assert running.returncode == 0, err
    assert workers[0].wait(timeout=10) is not None
    table = (files / "dist" / "sweep.csv").read_bytes()
    assert len(pd.read_csv(files / "dist" / "sweep.csv")) == 32
    assert first.exists()
    assert table == serial_table(files, sweep_file="long.yaml")


def test_an_interrupted_sweep_resumes_without_recomputing_finished_chunks(files):
    (files / "long.yaml").write_text(SWEEP.replace("[0.05, 0.2]", "{from: 0.05, to: 0.2, steps: 12}"),
                                     encoding="utf-8")
    command = [sys.executable, "-m", "sim", "sweep", str(files / "scenario.yaml"), "--grid", str(files / "long.yaml"),
               "--out", str(files / "out"), "--scheduler", "serial", "--chunk-size", "1"]
    running = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=source_env())
    deadline = time.monotonic() + 120
    while not (files / "out" / "chunk-00001.csv").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    running.send_signal(signal.SIGKILL)
    running.wait(timeout=30)
    # Finished: the chunks the manifest lists (a chunk written just before the kill but not yet listed is
    # computed again, as it should be).
    manifest = json.loads((files / "out" / "sweep-manifest.json").read_text(encoding="utf-8"))
    finished = sorted(files / "out" / entry["file"] for entry in manifest["done"].values())
    assert 1 <= len(finished) < 24 and not (files / "out" / "sweep.csv").exists()
    kept = {path.name: path.stat().st_mtime_ns for path in finished}
    # A finished chunk damaged after the interruption fails its checksum and is computed again.
    finished[0].write_text("damaged\n", encoding="utf-8")

    again = cli("sweep", files / "scenario.yaml", "--grid", files / "long.yaml", "--out", files / "out",
                "--scheduler", "serial", "--chunk-size", "1")
    assert again.returncode == 2 and "--resume" in again.stderr  # never silently mixed with an old sweep
    done = cli("sweep", files / "scenario.yaml", "--grid", files / "long.yaml", "--out", files / "out",
               "--scheduler", "serial", "--resume")
    assert done.returncode == 0, done.stderr
    reused = {name for name, stamp in kept.items() if (files / "out" / name).stat().st_mtime_ns == stamp}
    assert reused == set(kept) - {finished[0].name}
    if reused:
        assert f"({len(reused)} chunks reused)" in done.stdout
    assert (files / "out" / "sweep.csv").read_bytes() == serial_table(files, sweep_file="long.yaml")


def test_a_resume_with_a_changed_sweep_file_is_refused(files):
    serial_table(files, out="out")
    (files / "sweep.yaml").write_text(SWEEP.replace("seed: 3", "seed: 4"), encoding="utf-8")
    done = cli("sweep", files / "scenario.yaml", "--grid", files / "sweep.yaml", "--out", files / "out",
               "--scheduler", "serial", "--resume")
    assert_clean_error(done, "was started with another scenario, sweep file")


def test_without_dask_the_sweep_says_how_to_install_it(files):
    blocker = files / "blocked"
    (blocker / "distributed").mkdir(parents=True)
    (blocker / "distributed" / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = source_env()
    env["PYTHONPATH"] = os.pathsep.join([str(blocker), env["PYTHONPATH"]])
    done = sim("sweep", files / "scenario.yaml", "--grid", files / "sweep.yaml", "--out", files / "out",
               "--scheduler", "local", env=env)
    assert_clean_error(done, "need the packages dask and distributed", 'entente_sim', "--scheduler serial")
    assert not (files / "out" / "sweep.csv").exists()


# ---------------------------------------------------------------------------------------- --summarise

def test_summarise_prints_bloc_shares_and_dependence_and_writes_figures(files):
    serial_table(files, out="out")
    done = cli("sweep", "--summarise", files / "out")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(files / "out" / "sweep.csv")
    for blocs, share in table["end blocs"].value_counts(normalize=True).items():
        assert f"{share:5.0%}  {blocs}" in done.stdout
    by_variant = table.groupby("variant")["effect Pakistan->Russia"].mean()
    line = next(text for text in done.stdout.splitlines() if text.strip().startswith("variant")
                and "as written" in text)
    assert f"as written: {by_variant['as written']:+.2f}" in line
    assert f"no sale: {by_variant['no sale']:+.2f}" in line
    for name in ("sweep_dependence.png", "sweep_blocs.png"):
        assert (files / "out" / name).stat().st_size > 10_000
    unfinished = cli("sweep", "--summarise", files)
    assert_clean_error(unfinished, "is not a sweep folder")
