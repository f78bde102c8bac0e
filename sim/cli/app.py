"""`sim app`: start the browser page for the class on this computer and print its address.

The page (sim/app/page.py) runs in Solara's own server, `python -m sim.app.serve run sim.app.page` (`solara
run` with websockets only from the page itself and sessions freed minutes after their tab goes:
sim/app/serve.py), which this command becomes (on Windows: starts as a child), so it imports neither Solara
nor Mesa's visualisation.
It needs the optional `app` extra; without it the command says how to install it.
"""

from __future__ import annotations

APP_MODULE = "sim.app.page"
SERVER_MODULE = "sim.app.serve"
# The packages of the `app` extra, by the name Python imports them under (pyproject.toml lists the versions).
APP_PACKAGES = ("solara", "ipyvue", "ipyvuetify")
DEFAULT_PORT = 8765


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". Stop it with Ctrl+C.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"the port to serve on (default {DEFAULT_PORT}; 0 picks a free one)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="the address to listen on (default 127.0.0.1: this computer only)")
    return parser


def missing_packages() -> list[str]:
    from importlib.util import find_spec

    return [name for name in APP_PACKAGES if find_spec(name) is None]


def free_port(host: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def run(args) -> int:
    import os
    import subprocess
    import sys

    from ..errors import EntenteError

    missing = missing_packages()
    if missing:
        raise EntenteError(
            f"the browser page needs the optional packages of Entente's `app` extra, and this Python "
            f"({sys.executable}) lacks {', '.join(missing)}",
            hint="Install them with `pip install -e \".[app]\"` in a checkout (or the entente_sim wheel with `[app]`), "
                 "then run `sim app` again. Everything else works without them.")
    if not 0 <= args.port <= 65535:
        raise EntenteError(f"--port must be between 0 and 65535, not {args.port}", hint="Leave it out to use "
                           f"{DEFAULT_PORT}, or give 0 to pick a free port.")
    port = args.port or free_port(args.host)
    env = dict(os.environ)
    env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"  # the page sends nothing off this computer
    env["SOLARA_THEME_SHOW_BANNER"] = "False"
    command = [sys.executable, "-m", SERVER_MODULE, "run", APP_MODULE, "--host", args.host, "--port", str(port),
               "--production", "--no-open", "--no-check-version", "--log-level", "warning"]
    print(f"Entente's page: http://{args.host}:{port}/  (open it in a browser; Ctrl+C stops the server)", flush=True)
    if os.name == "posix":
        # This process becomes the server: a stop signal (Ctrl+C, a closed terminal, `kill`) reaches it
        # directly, where a child left behind by a stopped parent would keep serving on the port.
        os.execve(sys.executable, command, env)
    server = subprocess.Popen(command, env=env)
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait()
        return 0
