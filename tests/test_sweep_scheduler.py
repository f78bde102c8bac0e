"""`--scheduler` addresses (issue 22, Medium 4): a malformed one is refused in one paragraph before anything
runs; a server that accepts and never answers, or answers with garbage, ends the sweep within the bound.
`--scheduler auto` (issue 25, the default) runs small sweeps, and any sweep on two cores or fewer, in this
process and says so in one line.

The servers here listen on 127.0.0.1 only, and the bound is lowered to a second so that each case takes seconds.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from sim.cli.main import main
from sim.experiments import evaluate as sweep_module

pytest.importorskip("distributed", reason="the sweep extra is not installed: pip install -e \".[test]\"")

SWEEP = "name: tiny\nseed: 3\nruns: 1\ngrid:\n  memory: [0.05, 0.2]\n"


class Responder:
    """A TCP server on 127.0.0.1 that accepts every connection and then says nothing, or sends garbage."""

    def __init__(self, garbage: bytes | None = None) -> None:
        self.garbage = garbage
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(conn)  # kept open: the client waits for an answer that never comes
            if self.garbage is not None:
                try:
                    conn.sendall(self.garbage)
                except OSError:
                    pass

    def close(self) -> None:
        self.server.close()
        for conn in self.held:
            conn.close()


@pytest.fixture()
def grid(tmp_path):
    path = tmp_path / "sweep.yaml"
    path.write_text(SWEEP, encoding="utf-8")
    return path


@pytest.fixture()
def quick(monkeypatch):
    monkeypatch.setattr(sweep_module, "CONNECT_SECONDS", 1.0)


def sweep_on(capsys, grid, tmp_path, address: str) -> str:
    begin = time.monotonic()
    code = main(["sweep", "s400_india", "--grid", str(grid), "--out", str(tmp_path / "out"), "--scheduler", address])
    took = time.monotonic() - begin
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err and err.count("\n") == 1, err
    assert took < 15, took
    assert not (tmp_path / "out").exists()
    return err


@pytest.mark.parametrize("address, words", [
    ("tcp://[::1", "Invalid IPv6 URL"),
    ("tcp://127.0.0.1:abc", "could not be cast to integer"),
    ("tcp://127.0.0.1:99999", "out of range"),
    ("tcp://127.0.0.1:0", "needs a host and a port"),
    ("tcp://:8786", "needs a host and a port"),
    ("tcp://host:8786/path?x=1", "needs a host and a port"),
    ("udp://127.0.0.1:8786", "a Dask scheduler address"),
    ("tls://127.0.0.1:8786", "no TLS certificates are configured"),
])
def test_a_malformed_address_is_refused_at_once(capsys, grid, tmp_path, address, words):
    err = sweep_on(capsys, grid, tmp_path, address)
    assert words in err


def test_a_server_that_accepts_and_never_answers_ends_the_sweep_within_the_bound(capsys, grid, tmp_path, quick):
    silent = Responder()
    try:
        err = sweep_on(capsys, grid, tmp_path, f"tcp://127.0.0.1:{silent.port}")
    finally:
        silent.close()
    assert silent.accepted >= 1  # it did connect: the wait for the answer is what is bounded
    assert "did not answer within 1 s" in err


@pytest.mark.parametrize("garbage", [b"HTTP/1.1 200 OK\r\n\r\n" + bytes(range(256)) * 40,
                                     (16).to_bytes(8, "little") + b"\xff" * 16,
                                     (1).to_bytes(8, "little")])
def test_a_server_that_sends_garbage_gets_one_paragraph(capsys, grid, tmp_path, quick, garbage):
    noisy = Responder(garbage)
    try:
        err = sweep_on(capsys, grid, tmp_path, f"tcp://127.0.0.1:{noisy.port}")
    finally:
        noisy.close()
    assert "did not answer as a Dask scheduler" in err or "did not answer within 1 s" in err


# ---------------------------------------------------------------------------------- --scheduler auto

@pytest.mark.parametrize("pair_months, cores, chosen, words", [
    (10**9, 1, "serial", "1 core (Dask's workers would share"),
    (10**9, 2, "serial", "2 cores (Dask's workers would share"),
    (sweep_module.SMALL_WORK - 1, 8, "serial", f"about {sweep_module.SMALL_WORK - 1:,} pair-months of work, less"),
    (sweep_module.SMALL_WORK, 8, "local", "local Dask cluster of 8 workers"),
])
def test_auto_runs_small_sweeps_and_few_cores_in_this_process(pair_months, cores, chosen, words):
    scheduler, line = sweep_module.choose_scheduler(pair_months, cores)
    assert scheduler == chosen
    assert words in line and "\n" not in line
    assert ("--scheduler local" if chosen == "serial" else "--scheduler serial") in line


def test_auto_without_dask_stays_in_this_process(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "distributed" else real(name, *a))
    assert sweep_module.choose_scheduler(10**9, 8) == (
        "serial", "Running in this process: Dask is not installed; --scheduler local starts a Dask cluster.")


def test_the_default_scheduler_is_auto_and_says_where_the_sweep_ran(capsys, grid, tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_module.os, "cpu_count", lambda: 2)
    assert main(["sweep", "s400_india", "--grid", str(grid), "--out", str(tmp_path / "auto")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ("Running in this process: 2 cores (Dask's workers would share them with this "
                                   "process); --scheduler local starts a Dask cluster.")
    assert "on 1 worker" in out
    assert main(["sweep", "s400_india", "--grid", str(grid), "--out", str(tmp_path / "serial"),
                 "--scheduler", "serial"]) == 0
    assert "Running in" not in capsys.readouterr().out  # an explicit scheduler is not second-guessed
    assert (tmp_path / "auto" / "sweep.csv").read_bytes() == (tmp_path / "serial" / "sweep.csv").read_bytes()
