"""`sim classroom host`: open (or resume) a class game and serve it to the room with uvicorn.

Prints what the teacher needs at the terminal, never to a log: the join address, a QR code of it (segno),
each team's join code and the teacher's PIN.
"""

from __future__ import annotations

import logging
import sys

from ..classroom.room import Room
from ..errors import printable


def join_address(host: str, port: int) -> str:
    shown = host if host not in ("0.0.0.0", "::", "") else _lan_address()
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _lan_address() -> str:
    """This computer's address on the local network (the one a phone on the same Wi-Fi would use)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET: no packet is sent, this only picks the route
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


def check_free(host: str, port: int) -> None:
    """The address can be served on (another server on the port, or an address this computer lacks, is said in
    one paragraph before anything is printed)."""
    import socket

    from ..errors import EntenteError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as error:
        raise EntenteError(f"cannot serve on {host} port {port}: {error.strerror or error}", field="--host/--port",
                           hint="Another server may be using the port: choose another with --port, or give an "
                                "address of this computer with --host.") from None


def announce(room: Room, address: str, *, qr: bool = True, out=None) -> None:
    out = out or sys.stdout
    game = room.game
    print(f"Entente class game: {printable(game.label)}", file=out)
    print(f"Saved as it goes in {printable(room.store.path)} (resume with --resume {printable(room.store.path)})",
          file=out)
    print(f"Month {game.month} of {game.horizon}; turn {room.turn} is open. Join address: {address}", file=out)
    if qr:
        import segno

        segno.make(address, error="m").terminal(out=out, compact=True)
    for team, code in room.codes().items():
        print(f"Team {team} ({room.teams[team]}): join code {code}", file=out)
    print(f"Teacher's console: {address}teacher  PIN {room.pin()}", file=out)
    print("Ctrl+C stops the server; everything acknowledged is already saved.", file=out, flush=True)


def serve(room: Room, host: str, port: int, *, qr: bool = True) -> int:
    import uvicorn

    from .web import build_app

    check_free(host, port)
    address = join_address(host, port)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log = logging.getLogger("sim.room")  # joins and refusals; never a code, a PIN or a token
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    room.warm()
    announce(room, address, qr=qr)
    uvicorn.run(build_app(room, address=address), host=host, port=port, log_level="warning", access_log=False)
    room.store.close()
    return 0


class Background:
    """A class game served from a process that is already running something else (the app's page): uvicorn
    on a thread of its own, stopped by stop() or when the process ends. Signals stay with the process's own
    server (uvicorn installs none off the main thread)."""

    def __init__(self, room: Room, host: str, port: int) -> None:
        import uvicorn

        from .web import build_app

        check_free(host, port)
        self.room, self.address = room, join_address(host, port)
        room.warm()
        config = uvicorn.Config(build_app(room, address=self.address), host=host, port=port, log_level="warning",
                                access_log=False)
        self._server = uvicorn.Server(config)
        import threading

        self._thread = threading.Thread(target=self._server.run, name="entente-room", daemon=True)

    def start(self, seconds: float = 20.0) -> Background:
        import time

        self._thread.start()
        deadline = time.monotonic() + seconds
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                from ..errors import EntenteError

                raise EntenteError("the class game server did not start", hint="Start it from a terminal: "
                                   "python -m sim classroom host SCENARIO --teams A,B (it says why).")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop serving (a page's second call, or one after the thread ended, does nothing more)."""
        if self._server.should_exit:
            return
        self._server.should_exit = True
        self._thread.join(10)
        self.room.store.close()
