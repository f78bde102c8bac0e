"""The class game server under a class's load: CLIENTS team devices polling and submitting at once.

Starts `python -m sim classroom host` (arms_sale_pakistan, the seven actors as seven teams, turns of 6 months)
on a free port, joins CLIENTS devices spread over the teams, each with its own cookies, and for TURNS turns:
every device polls as the page's script does (once a second) and reloads its page when the view changes; one
device per team adds two moves and submits, at a random moment of the first SPREAD seconds; then the teacher
advances the turn, and the time from sending "advance" until every device has loaded a page showing the new
report is measured. Prints the median and 95th percentile of every request's response time, and per turn
that time and the advance's own.

    python bench/room.py [CLIENTS] [TURNS]      (default 30 devices, 3 turns)

Needs the room extra (httpx). Not a timed test: the README's Benchmarks table quotes its output.
"""

from __future__ import annotations

import asyncio
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
TEAMS = ["India", "Pakistan", "US", "China", "Russia", "Iran", "Taliban"]
MOVES = {"India": ["summit with US", "diplomatic_visit with Russia"],
         "Pakistan": ["buy_arms from China", "summit with China"],
         "US": ["sanctions on Iran", "summit with India"], "China": ["sell_arms to Pakistan", "summit with Russia"],
         "Russia": ["summit with China", "diplomatic_visit with India"],
         "Iran": ["summit with Russia", "diplomatic_visit with China"],
         "Taliban": ["diplomatic_visit with Pakistan", "diplomatic_visit with China"]}
SPREAD = 8.0  # seconds over which the teams submit


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(folder: str, port: int):
    process = subprocess.Popen([sys.executable, "-m", "sim", "classroom", "host", "arms_sale_pakistan", "--teams",
                                ",".join(TEAMS), "--turn", "6", "--folder", folder, "--port", str(port), "--no-qr"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    said: list[str] = []
    threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return process, "".join(said)
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not start: " + "".join(said))


class Device:
    def __init__(self, base: str, team: str, captain: bool, timings: list[float]) -> None:
        self.client = httpx.AsyncClient(base_url=base, timeout=30)
        self.team, self.captain, self.timings = team, captain, timings
        self.view = ""
        self.page = ""

    async def request(self, method: str, url: str, **kw) -> httpx.Response:
        began = time.perf_counter()
        answer = await self.client.request(method, url, **kw)
        self.timings.append(time.perf_counter() - began)
        return answer

    async def load(self) -> None:
        self.page = (await self.request("GET", f"/team/{self.team}")).text

    async def poll(self) -> bool:
        """One poll as the page's script makes it; reloads the page when the view changed."""
        view = (await self.request("GET", f"/team/{self.team}/poll")).json()["view"]
        if view != self.view:
            self.view = view
            await self.load()
            return True
        return False


async def play(base: str, codes: dict[str, str], pin: str, clients: int, turns: int) -> None:
    timings: list[float] = []
    devices = [Device(base, TEAMS[k % len(TEAMS)], k < len(TEAMS), timings) for k in range(clients)]
    for device in devices:
        assert (await device.client.post("/join", data={"code": codes[device.team]})).status_code == 303
        await device.poll()
    teacher = httpx.AsyncClient(base_url=base, timeout=120)
    await teacher.post("/teacher/login", data={"pin": pin})
    rng = random.Random(1)
    for turn in range(1, turns + 1):
        stop = asyncio.Event()

        async def keep_polling(device: Device, stop: asyncio.Event = stop) -> None:
            await asyncio.sleep(rng.random())
            while not stop.is_set():
                await device.poll()
                await asyncio.sleep(1.0)

        async def order_and_submit(device: Device, turn: int = turn) -> None:
            await asyncio.sleep(rng.random() * SPREAD)
            for words in MOVES[device.team]:
                verb, preposition, actor = words.split()
                await device.request("POST", f"/team/{device.team}/order", data={
                    "verb": verb, "preposition": preposition, "actor": actor, "intensity": "1",
                    "note": f"bench turn {turn}"})
            await device.request("POST", f"/team/{device.team}/submit", data={"submitted": "1"})

        pollers = [asyncio.create_task(keep_polling(d)) for d in devices]
        await asyncio.gather(*(order_and_submit(d) for d in devices if d.captain))
        await asyncio.sleep(1.0)
        heading = f"Situation report: turn {turn}<"
        began = time.perf_counter()
        answer = await teacher.post("/teacher/advance", data={})
        advanced = time.perf_counter() - began
        assert answer.status_code == 303, answer.text[:500]
        while not all(heading in d.page for d in devices):
            await asyncio.sleep(0.02)
        everyone = time.perf_counter() - began
        stop.set()
        await asyncio.gather(*pollers)
        print(f"turn {turn}: advance answered in {advanced:.2f} s; every one of {clients} views showed the new "
              f"report {everyone:.2f} s after 'advance' was sent")
    ordered = sorted(timings)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(f"{len(ordered)} requests from {clients} devices: median {statistics.median(ordered) * 1000:.1f} ms, "
          f"95th percentile {p95 * 1000:.1f} ms, slowest {ordered[-1] * 1000:.0f} ms")
    for device in devices:
        await device.client.aclose()
    await teacher.aclose()


def main() -> None:
    clients = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    turns = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        process, said = start_server(folder, port)
        try:
            codes = dict(re.findall(r"Team (\w+) \(\w+\): join code (\w+)", said))
            pin = re.search(r"PIN (\d+)", said).group(1)
            asyncio.run(play(f"http://127.0.0.1:{port}", codes, pin, clients, turns))
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
