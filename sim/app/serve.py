"""The page's server: Solara's own (`solara run`), set up for a class sharing one computer.

`sim app` runs `python -m sim.app.serve run sim.app.page --host H --port P ...`, which is `solara run` with
two additions that Solara leaves to the deployer:

- Websockets only from the page itself. A browser lets any site's page open a websocket to any address,
  127.0.0.1 included, and sends the page's Origin with it; Solara accepts every Origin, so any page a
  student opened could start sessions on the class server. `same_origin_only` refuses (HTTP 403) a
  websocket whose Origin is not the address the browser used to reach this server, or whose Host is not a
  name of this server (against DNS rebinding), before Solara sees it.
- Kernels culled minutes after their tab goes, not 24 hours (Solara's default lifetime of a disconnected
  session, SOLARA_KERNEL_CULL_TIMEOUT): a closed tab's game and its arrays are freed within CULL_TIMEOUT,
  and the memory given back (sim/app/run_queue.py: release_memory). A tab that reconnects within that
  time keeps its game; a longer break loses it (save the game first).
"""

from __future__ import annotations

import ipaddress
import os
import sys
from urllib.parse import urlsplit

CULL_TIMEOUT = "5m"
"""How long a session whose tab has gone is kept (for a reconnect) before it is freed."""

WILDCARDS = ("0.0.0.0", "::", "")
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
SERVED_ON = "ENTENTE_APP_HOST"  # the address `sim app` serves the page on, for the page to read


def _split(netloc: str) -> tuple[str, int | None] | None:
    """'Host:Port' (as in a Host header or an Origin) -> (host lowercased, port), None if malformed."""
    try:
        parts = urlsplit(f"//{netloc}")
        return (parts.hostname or "").lower(), parts.port
    except ValueError:
        return None


def _server_names(host: str) -> tuple[str, ...] | None:
    """The names a browser may use for a server bound to `host`; None: any (bound to every address)."""
    if host in WILDCARDS:
        return None
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host.lower() == "localhost"
    return (host.lower(), *LOOPBACK_NAMES) if loopback else (host.lower(),)


def origin_allowed(headers: dict[str, str], host: str, port: int) -> bool:
    """Whether a websocket handshake comes from a page of this server: its Origin is http(s)://HOST:PORT as
    in its own Host header, on this server's port, under a name of this server."""
    origin, own = headers.get("origin"), headers.get("host")
    if not origin or not own:
        return False
    try:
        parts = urlsplit(origin)
    except ValueError:  # an unclosed IPv6 bracket...
        return False
    if parts.scheme not in ("http", "https") or parts.path or parts.query or origin.count("//") != 1:
        return False
    target, claimed = _split(own), _split(parts.netloc)
    if target is None or claimed is None or claimed[0] != target[0]:
        return False
    default = 443 if parts.scheme == "https" else 80
    if (claimed[1] or default) != (target[1] or 80) or (target[1] or 80) != port:
        return False
    names = _server_names(host)
    return names is None or target[0] in names


class SameOriginWebsockets:
    """ASGI middleware: a websocket from another site's page is refused before the app sees it."""

    def __init__(self, app, *, host: str, port: int) -> None:
        self.app, self.host, self.port = app, host, port

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":
            headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
            if not origin_allowed(headers, self.host, self.port):
                await send({"type": "websocket.close", "code": 1008})  # before accepting: the server answers 403
                return
        await self.app(scope, receive, send)


def _option(argv: list[str], name: str, default: str) -> str:
    return argv[argv.index(name) + 1] if name in argv[:-1] else default


def prepare_environment(argv: list[str]) -> None:
    """What Solara reads from the environment when its server is imported: the cull timeout (unless the
    teacher set one) and the app to serve (as `solara run` sets it, but before the import below)."""
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", CULL_TIMEOUT)
    # Where the page is served: the page offers to host a class game (its console shows the teacher's PIN)
    # only when no other computer can reach it.
    os.environ[SERVED_ON] = _option(argv, "--host", "127.0.0.1")
    if "run" in argv[:-1]:
        os.environ["SOLARA_APP"] = argv[argv.index("run") + 1]


def main(argv: list[str] | None = None) -> None:
    """`solara run ...` (the same arguments) with the websocket check and the cull timeout set."""
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare_environment(argv)
    import solara.__main__ as solara_cli
    import solara.lab
    from solara.server import starlette as solara_server

    host, port = _option(argv, "--host", "127.0.0.1"), int(_option(argv, "--port", "8765"))
    solara_server.app.add_middleware(SameOriginWebsockets, host=host, port=port)
    solara.lab.on_kernel_start(lambda: _release_later)
    sys.argv = ["solara", *argv]
    solara_cli.main()


def _release_later() -> None:
    """On a kernel's shutdown: once Solara has dropped its session (just after this callback), free it."""
    import threading

    from .run_queue import release_memory

    threading.Timer(2.0, release_memory).start()


if __name__ == "__main__":
    main()
