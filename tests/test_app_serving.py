"""How `sim app` serves a class (issue 22: High 3, Medium 9, Low 13): websockets only from the page itself,
sessions freed minutes after their tab goes, heavy runs one at a time with the queue shown (sim/app/serve.py,
sim/app/run_queue.py). The server runs as `sim app` does; the browser is Debian's chromium, as in
tests/test_app_browser.py, whose fixtures and helpers are reused."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request

import pytest

from conftest import ROOT, source_env
from sim.app.serve import origin_allowed

pytest.importorskip("solara", reason="the app extra is not installed: pip install -e \".[test]\"")


@pytest.mark.parametrize("origin, host, bound, allowed", [
    ("http://127.0.0.1:8765", "127.0.0.1:8765", "127.0.0.1", True),
    ("http://localhost:8765", "localhost:8765", "127.0.0.1", True),
    ("http://evil.example", "127.0.0.1:8765", "127.0.0.1", False),  # another site's page
    ("http://127.0.0.1:9999", "127.0.0.1:8765", "127.0.0.1", False),  # another server on this computer
    ("http://localhost:8765", "127.0.0.1:8765", "127.0.0.1", False),  # another origin, same computer
    ("http://evil.example:8765", "evil.example:8765", "127.0.0.1", False),  # DNS rebinding
    (None, "127.0.0.1:8765", "127.0.0.1", False),
    ("null", "127.0.0.1:8765", "127.0.0.1", False),  # a sandboxed frame or a file
    ("http://10.0.0.5:8765", "10.0.0.5:8765", "0.0.0.0", True),  # a class server on every address
    ("http://school-pc:8765", "school-pc:8765", "0.0.0.0", True),
    ("http://evil.example", "10.0.0.5:8765", "0.0.0.0", False),
    ("http://10.0.0.5:8765", "10.0.0.5:8765", "10.0.0.5", True),
    ("http://evil.example:8765", "evil.example:8765", "10.0.0.5", False),
    ("http://127.0.0.1:8765/x", "127.0.0.1:8765", "127.0.0.1", False),
    ("http://[::1:8765", "127.0.0.1:8765", "127.0.0.1", False),
])
def test_a_websocket_is_accepted_only_from_the_page_itself(origin, host, bound, allowed):
    headers = {"host": host} | ({"origin": origin} if origin else {})
    assert origin_allowed(headers, bound, 8765) is allowed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def class_server():
    """`sim app` with sessions culled 2 s (not minutes) after their tab goes, so the test takes seconds."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                               env=source_env(SOLARA_KERNEL_CULL_TIMEOUT="2s"), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
    address = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(address, timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"sim app did not answer at {address}: {''.join(said)}")
            time.sleep(0.3)
    yield port, process, said
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def handshake(port: int, origin: str | None, host: str | None = None) -> str:
    """The status line the server answers a websocket handshake for a kernel with."""
    lines = [f"GET /jupyter/api/kernels/k-{os.getpid()}-{time.monotonic_ns()}/channels?session_id=s HTTP/1.1",
             f"Host: {host or f'127.0.0.1:{port}'}", "Upgrade: websocket", "Connection: Upgrade",
             f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}", "Sec-WebSocket-Version: 13"]
    if origin:
        lines.append(f"Origin: {origin}")
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        return conn.recv(200).split(b"\r\n")[0].decode()


def kernels(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=10) as answer:
        return int(json.load(answer)["kernels"]["total"])


def test_sim_app_refuses_a_websocket_from_another_site(class_server):
    port = class_server[0]
    before = kernels(port)
    for origin in ("http://evil.example", f"http://127.0.0.1:{port + 1}", None):
        assert handshake(port, origin).startswith("HTTP/1.1 403"), origin
    assert kernels(port) == before  # no session was started for them
    assert handshake(port, f"http://127.0.0.1:{port}").startswith("HTTP/1.1 101")


def test_the_cull_timeout_sim_app_sets_is_minutes_and_solara_reads_it():
    code = ("import os; from sim.app import serve; os.environ.pop('SOLARA_KERNEL_CULL_TIMEOUT', None); "
            "serve.prepare_environment(['run', 'sim.app.page']); import solara.server.settings as s; "
            "import solara.util; print(solara.util.parse_timedelta(s.kernel.cull_timeout))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=source_env(),
                          timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert 60 <= float(done.stdout.split()[-1]) <= 600  # minutes, not Solara's 24 hours


def test_a_closed_tab_s_session_is_freed_after_the_cull_timeout(class_server, tmp_path):
    browser_tests = pytest.importorskip("test_app_browser")
    port = class_server[0]
    with browser_tests.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(browser_tests.CHROMIUM), args=browser_tests.ARGS)
        try:
            context = chromium.new_context()
            # The tab goes without saying goodbye (a laptop lid shut, a crash): only the cull frees it.
            context.route("**/_solara/api/close/**", lambda route: route.abort())
            page = context.new_page()
            settle = time.monotonic() + 30
            while kernels(port) and time.monotonic() < settle:  # earlier tests' closed tabs are culled first
                time.sleep(0.5)
            before = kernels(port)
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("[data-testid=month]", timeout=browser_tests.WAIT)
            assert kernels(port) == before + 1
            context.close()
        finally:
            chromium.close()
    deadline = time.monotonic() + 30
    while kernels(port) > before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert kernels(port) == before


def test_heavy_runs_wait_their_turn_with_the_place_shown_and_the_page_responsive(class_server, tmp_path):
    """One session runs a slow scenario to the end; another's step waits behind it and says so at once, and
    a second click waits behind the first. An over-limit upload is refused on the page with run's words."""
    browser_tests = pytest.importorskip("test_app_browser")
    port = class_server[0]
    slow = tmp_path / "slow.yaml"
    slow.write_text("name: Slow class run\nmonths: 240\nruns: 250\n", encoding="utf-8")
    big = tmp_path / "big.yaml"
    big.write_text("name: Too big\nmonths: 240\nruns: 1000\nactors:\n" + "".join(
        f"  - {{name: Land {i}, capability: 1}}\n" for i in range(3)), encoding="utf-8")
    address = f"http://127.0.0.1:{port}/"
    with browser_tests.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(browser_tests.CHROMIUM), args=browser_tests.ARGS)
        try:
            first, second = browser_tests.Visit(chromium, address), browser_tests.Visit(chromium, address)
            first.page.set_input_files("[data-testid=scenario-upload]", str(slow))
            assert first.showing("scenario", "Slow class run")
            first.click("Run to the end")
            # The server has taken the first run's place before the second tab clicks: two tabs' clicks reach
            # a loaded server in no promised order (the second's step once ran first, under CI's load).
            assert first.showing("queue", "Running")
            second.click("Step a month")  # its page answers at once, with its place behind the first's run
            assert second.showing("queue", "Waiting for the server: 1 run ahead of yours")
            assert second.month() == "Month 0 of 36"
            second.click("Step a month")  # clicked while waiting: done after the first step, on its month
            first.page.wait_for_function("document.querySelector('[data-testid=month]').innerText"
                                         ".startsWith('Month 240 ')", timeout=180_000)
            second.page.wait_for_function("document.querySelector('[data-testid=month]').innerText"
                                          ".startsWith('Month 2 ')", timeout=browser_tests.WAIT)
            second.page.wait_for_selector("[data-testid=queue]", state="detached", timeout=browser_tests.WAIT)
            assert second.page.locator(".entente-error").count() == 0

            second.page.set_input_files("[data-testid=scenario-upload]", str(big))
            error = second.page.locator(".entente-error")
            error.wait_for(timeout=browser_tests.WAIT)
            assert "this run is larger than Entente runs without asking" in error.inner_text()
            assert "python -m sim run FILE --allow-large" in error.inner_text()
            assert second.text("scenario") != "Too big"
            assert first.off_this_computer() == [] and second.off_this_computer() == []
        finally:
            chromium.close()
