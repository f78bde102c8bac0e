"""What a click and an open tab cost the class server (issue 25, "the class server").

Starts `sim app` (the checkout given, default this one), opens TABS pages of the bundled scenario in Debian's
chromium, one after another, and prints the server's resident memory after each (memory per open session);
then clicks "Step a month" CLICKS times in the first tab and prints the server's CPU time per click (from
/proc: user + system, so the machine's load barely moves it), median and range; last, every tab clicks
"Step a month" at once and the time until each shows the next month is printed (median and slowest), and
the time until each shows the figure of that month (a checkout that draws the figure after the page marks it
data-drawn="current" when drawn; one that draws it in the same render shows it with the month).

    python bench/app_clicks.py [TABS] [CLICKS] [CHECKOUT]

Compare two checkouts side by side by running it once with each, one after the other, on the same machine.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
WAIT = 180_000  # ms


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """The process's user + system CPU time so far, threads included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def month(page) -> int:
    return int(page.inner_text("[data-testid=month]").split()[1])


def figure(page) -> str:
    """The selector of the tab's figure once drawn for the month shown."""
    drawn_later = page.locator("[data-drawn]").count() > 0
    return ".v-window-item--active [data-drawn=current] img" if drawn_later else ".v-window-item--active img"


def wait_month(page, wanted: int) -> None:
    page.wait_for_function(f"document.querySelector('[data-testid=month]').innerText.startsWith('Month {wanted} ')",
                           timeout=WAIT)


def main() -> None:
    from playwright.sync_api import sync_playwright

    tabs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    clicks = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    checkout = Path(sys.argv[3]).resolve() if len(sys.argv) > 3 else ROOT
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": str(checkout)}
    server = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=checkout, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(address, timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            pages, sizes = [], []
            for _ in range(tabs):
                page = browser.new_context(viewport={"width": 1500, "height": 1100}).new_page()
                page.goto(address)
                page.wait_for_selector("[data-testid=month]", timeout=WAIT)
                page.wait_for_selector(".v-window-item--active img", timeout=WAIT)  # the first figure drawn
                time.sleep(1)
                pages.append(page)
                sizes.append(rss_mb(server.pid))
            first = pages[0]
            costs = []
            for _ in range(clicks):
                before, now = cpu_seconds(server.pid), month(first)
                first.get_by_role("button", name="Step a month", exact=True).click()
                wait_month(first, now + 1)
                first.wait_for_selector(figure(first), timeout=WAIT)
                time.sleep(1.0)  # what the server does after the month shows (the figure, the tables) counts too
                costs.append(cpu_seconds(server.pid) - before)  # an idle server uses next to no CPU while we wait
            start = time.monotonic()
            targets = [month(page) + 1 for page in pages]
            for page in pages:
                page.get_by_role("button", name="Step a month", exact=True).click()
            answered, drawn = [], []
            for page, target in zip(pages, targets):
                wait_month(page, target)
                answered.append(time.monotonic() - start)
            for page in pages:
                page.wait_for_selector(figure(page), timeout=WAIT)
                drawn.append(time.monotonic() - start)
            browser.close()
        growth = [b - a for a, b in zip(sizes, sizes[1:])]
        print(f"checkout {checkout}; load {os.getloadavg()[0]:.1f}")
        print(f"server RSS with 1..{tabs} tabs open: {', '.join(f'{s:.0f}' for s in sizes)} MB; "
              f"per added tab: median {statistics.median(growth):.1f} MB" if growth else "")
        print(f"server CPU per 'Step a month' click ({clicks} clicks): median {statistics.median(costs):.3f} s, "
              f"range {min(costs):.3f}-{max(costs):.3f} s")
        print(f"{tabs} tabs clicking at once: answered after median {statistics.median(answered):.2f} s, "
              f"slowest {max(answered):.2f} s; their figures after median {statistics.median(drawn):.2f} s, "
              f"slowest {max(drawn):.2f} s")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
