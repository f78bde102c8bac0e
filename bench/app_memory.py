"""Does closing a tab give the server its memory back? (issue 22, High 3, the page's part)

Starts `sim app` with sessions culled 3 s after their tab goes (the real setting is minutes:
sim/app/serve.py, CULL_TIMEOUT), opens TABS pages in Debian's chromium, each uploads a scenario of RUNS runs
over 240 months and runs it to the end, then closes them without the close beacon (as a shut laptop does)
and prints the server's resident memory: at the start, with the tabs open, and after the cull.

    python bench/app_memory.py [TABS] [RUNS] [ROUNDS]

With several rounds, a server that keeps what it freed for its next sessions (rather than leaking) ends each
round at about the same size.

Figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def kernels(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/resourcez", timeout=10) as answer:
        return int(json.load(answer)["kernels"]["total"])


def main() -> None:
    from playwright.sync_api import sync_playwright

    tabs = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 150
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"SOLARA_KERNEL_CULL_TIMEOUT": "3s", "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(address, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        folder = Path(tempfile.mkdtemp(prefix="entente-bench-"))
        scenario = folder / "heavy.yaml"
        scenario.write_text(f"name: Heavy\nmonths: 240\nruns: {runs}\n", encoding="utf-8")
        for round_number in range(1, rounds + 1):
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                context = browser.new_context()
                context.route("**/_solara/api/close/**", lambda route: route.abort())
                first = context.new_page()
                first.goto(address)
                first.wait_for_selector("[data-testid=month]", timeout=120_000)
                start = rss_mb(server.pid)
                pages = [first] + [context.new_page() for _ in range(tabs - 1)]
                for page in pages[1:]:
                    page.goto(address)
                    page.wait_for_selector("[data-testid=month]", timeout=120_000)
                for page in pages:
                    page.set_input_files("[data-testid=scenario-upload]", str(scenario))
                    page.wait_for_function("document.querySelector('[data-testid=scenario]').innerText == 'Heavy'",
                                           timeout=120_000)
                    page.get_by_role("button", name="Run to the end", exact=True).click()
                for page in pages:
                    page.wait_for_function("document.querySelector('[data-testid=month]').innerText"
                                           ".startsWith('Month 240 ')", timeout=600_000)
                loaded = rss_mb(server.pid)
                sessions = kernels(port)
                context.close()
                browser.close()
            deadline = time.monotonic() + 60
            while kernels(port) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(5)  # the release after the cull (sim/app/serve.py, _release_later)
            after = rss_mb(server.pid)
            print(f"round {round_number}: {tabs} tabs, {runs} runs x 240 months each, run to the end, then "
                  "closed without a goodbye")
            print(f"server RSS: {start:.0f} MB with one page open, {loaded:.0f} MB with {sessions} sessions run, "
                  f"{after:.0f} MB after the cull ({kernels(port)} sessions left)")
    finally:
        server.terminate()
        server.wait(10)
        if "folder" in locals():
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
