"""What every request passes before the game sees it: the size of its body, where a form comes from, and how
often wrong join codes or PINs may be tried (in memory: a restart forgets past failures, not the game).

Join codes come from `secrets` (sim/classroom/room.py); a failure is logged with the client's address and
never with what was typed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque

LOG = logging.getLogger("sim.room")
MAX_BODY = 16_384  # a form of orders or news is a few hundred bytes
FREE_FAILURES = 5  # wrong codes in a row before an address must wait
LONGEST_WAIT = 300.0  # seconds
ROOM_FAILURES_PER_MINUTE = 60  # all addresses together (guessing from many devices at once)


class Throttle:
    """Wrong join codes and PINs, by client address: after FREE_FAILURES in a row each try must wait
    2, 4, 8 ... seconds (at most LONGEST_WAIT); a right code resets the address's count."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, tuple[int, float]] = {}  # address -> (failures in a row, last failure)
        self._recent: deque[float] = deque()  # every failure in the last minute, all addresses

    def wait(self, address: str) -> float:
        """Seconds `address` must still wait before its next try (0: it may try now)."""
        now = self._clock()
        with self._lock:
            while self._recent and now - self._recent[0] > 60:
                self._recent.popleft()
            waits = [0.0]
            count, last = self._failures.get(address, (0, 0.0))
            if count >= FREE_FAILURES:
                waits.append(last + min(2.0 ** (count - FREE_FAILURES + 1), LONGEST_WAIT) - now)
            if len(self._recent) >= ROOM_FAILURES_PER_MINUTE:
                waits.append(self._recent[0] + 60 - now)
            return max(waits)

    def failed(self, address: str, what: str) -> None:
        now = self._clock()
        with self._lock:
            count = self._failures.get(address, (0, 0.0))[0] + 1
            self._failures[address] = (count, now)
            self._recent.append(now)
        if count == 1 or count == FREE_FAILURES or count % 10 == 0:
            LOG.warning("wrong %s from %s (%d in a row)%s", what, address, count,
                        "; its tries are now slowed down" if count >= FREE_FAILURES else "")

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)


class BodyLimit:
    """ASGI middleware: a request body larger than MAX_BODY gets 413 before any form is parsed."""

    def __init__(self, app, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _refuse(send, 413, "The request is too large for this game (at most 16 KB).")
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise TooLarge()
            return message

        try:
            await self.app(scope, limited, send)
        except TooLarge:
            await _refuse(send, 413, "The request is too large for this game (at most 16 KB).")


class TooLarge(Exception):
    pass


async def _refuse(send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def same_origin(headers) -> bool:
    """A form posted from this server's own page (or by a client that sends no Origin: not a browser)."""
    origin = headers.get("origin")
    if not origin:
        return True
    host = headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host
