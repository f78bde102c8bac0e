"""`sim classroom host`: a class game on the room's network (teams order from their own devices)."""

from __future__ import annotations

from pathlib import Path

DEFAULT_FOLDER = "class_games"


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    sub = parser.add_subparsers(dest="action", metavar="ACTION")
    sub.required = True
    host = sub.add_parser("host", help="start a game server for the room (or --resume one) and print how to join",
                          description="Start a game server for the room: each team joins with its own code and "
                                      "orders its own moves; the teacher runs the turns from /teacher. Every step is "
                                      "saved in an SQLite file before it is acknowledged. Stop it with Ctrl+C.")
    host.add_argument("scenario", nargs="?", help="a scenario file or a bundled scenario's name")
    host.add_argument("--teams", help="the teams, each named after the actor it plays: India,Pakistan,US,China")
    host.add_argument("--turn", type=int, default=6, help="months per turn (default 6)")
    host.add_argument("--seed", type=int, help="the seed (default: the scenario's)")
    host.add_argument("--folder", default=DEFAULT_FOLDER,
                      help=f"where the game's database file is kept (default {DEFAULT_FOLDER}/)")
    host.add_argument("--deck", help="a folder of inject cards (news files), e.g. exercises/crisis/injects")
    host.add_argument("--resume", metavar="GAME.sqlite", help="resume the game kept in this database file")
    host.add_argument("--host", default="127.0.0.1",
                      help="the address to listen on (default 127.0.0.1: this computer only; 0.0.0.0: the room's "
                           "network, see the README)")
    host.add_argument("--port", type=int, default=8766, help="the port (default 8766)")
    host.add_argument("--no-qr", action="store_true", help="do not print the QR code")
    return parser


def run(args) -> int:
    from importlib.util import find_spec

    from ..errors import EntenteError

    missing = [name for name in ("starlette", "uvicorn", "segno", "multipart") if find_spec(name) is None]
    if missing:
        raise EntenteError(f"the class game server needs the optional packages of the `room` extra, and this Python "
                           f"lacks {', '.join(missing)}",
                           hint="Install them with `pip install -e \".[room]\"` in a checkout, then run this again.")
    if not 1 <= args.port <= 65535:
        raise EntenteError(f"--port must be between 1 and 65535, not {args.port}", field="--port")
    from ..classroom.room import Room
    from ..room.host import check_free, serve

    check_free(args.host, args.port)  # before a new game's file is made

    if args.resume:
        if args.scenario or args.teams:
            raise EntenteError("--resume continues a game as it was: give no scenario or --teams with it")
        path = Path(args.resume)
        if not path.is_file():
            Room.resume(path)  # the usual paragraph: no game database here
        with one_server(path):
            return serve(Room.resume(path), args.host, args.port, qr=not args.no_qr)
    if not args.scenario or not args.teams:
        raise EntenteError("a new class game needs a scenario and --teams",
                           hint="For example: python -m sim classroom host arms_sale_pakistan "
                                "--teams India,Pakistan,US,China")
    teams = [t.strip() for t in args.teams.split(",") if t.strip()]
    room = Room.start(args.scenario, args.folder, teams, turn=args.turn, seed=args.seed, deck_folder=args.deck)
    with one_server(room.store.path):
        return serve(room, args.host, args.port, qr=not args.no_qr)


def one_server(path: Path):
    """One server per game: a second one (on another port) would keep its own copy of the game and the two
    would play turns over each other. The lock goes when the server stops, however it stops."""
    from ..errors import EntenteError, printable
    from ..inputs.folder_lock import folder_lock

    busy = EntenteError(f"another `sim classroom host` is serving the game in {printable(path)}",
                        hint="Use that server (its address was printed when it started), or stop it first.")
    return folder_lock(path.parent, f".{path.name}.lock", busy=busy, what="game lock", option="--resume")
