"""A real `sim classroom host` server killed with SIGKILL between an acknowledged order and the next turn, then
restarted with --resume: the order is there, the team's session still works, and the turn plays it."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, source_env

httpx = pytest.importorskip("httpx", reason="the room extra is not installed: pip install -e \".[test]\"")
pytest.importorskip("uvicorn", reason="the room extra is not installed: pip install -e \".[test]\"")
pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(*args: str, port: int) -> tuple[subprocess.Popen, list[str]]:
    process = subprocess.Popen([sys.executable, "-m", "sim", "classroom", "host", *args, "--port", str(port),
                                "--no-qr"], cwd=ROOT, env=source_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return process, said
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the server did not answer: " + "".join(said))
            time.sleep(0.2)


def test_an_acknowledged_order_survives_sigkill_and_resume(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, said = start("arms_sale_pakistan", "--teams", "India,Pakistan", "--turn", "3", "--folder",
                          str(tmp_path), port=port)
    try:
        text = "".join(said)
        codes = dict(re.findall(r"Team (\w+) \(\w+\): join code (\w+)", text))
        pin = re.search(r"PIN (\d+)", text).group(1)
        database = re.search(r"--resume (\S+\.sqlite)", text).group(1)
        assert set(codes) == {"India", "Pakistan"}
        india = httpx.Client(base_url=base)
        assert india.post("/join", data={"code": codes["India"]}).status_code == 303
        acknowledged = india.post("/team/India/order", data={"verb": "sell_arms", "preposition": "to",
                                                             "actor": "Pakistan", "intensity": "1",
                                                             "note": "kept through the crash"})
        assert acknowledged.status_code == 303  # acknowledged: written to the database before this answer
        india.post("/team/India/submit", data={"submitted": "1"})
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    process, said = start("--resume", database, port=port)
    try:
        page = india.get("/team/India")  # the same browser, the same cookie: the session is in the database
        assert page.status_code == 200
        assert "sell_arms to Pakistan" in page.text and "kept through the crash" in page.text
        assert 'data-state="submitted"' in page.text
        assert codes["India"] in "".join(said)  # the codes are printed again for the teacher
        teacher = httpx.Client(base_url=base)
        assert teacher.post("/teacher/login", data={"pin": pin}).status_code == 303
        played = teacher.post("/teacher/advance", data={"missing_ok": "1"}, follow_redirects=True)
        assert played.status_code == 200 and "Turn 1 played" in played.text
        report = india.get("/team/India/report").text
        assert "sell_arms to Pakistan" in report and "kept through the crash" in report
    finally:
        process.terminate()
        process.wait(timeout=10)
