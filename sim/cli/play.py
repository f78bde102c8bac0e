"""`python -m sim play`: a scenario played a turn at a time by teams, with news the teacher injects."""

from __future__ import annotations

import sys
from pathlib import Path

USAGE = """\
Start:     python -m sim play SCENARIO --turn MONTHS --state GAME_FOLDER [--teams India,Pakistan]
Take over: python -m sim play --from RESULT_FOLDER --month N --turn MONTHS --state GAME_FOLDER
Play:      python -m sim play --continue --state GAME_FOLDER [--inject NEWS.yaml]
Debrief:   python -m sim play --debrief --state GAME_FOLDER"""


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary, description=summary + ". Teams write orders/TEAM.yaml in the game folder "
        "(template: --template); each --continue plays one turn. A lens for discussion, not a forecast.",
        epilog=USAGE, formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", help="scenario file or bundled name (to start a game)")
    parser.add_argument("--state", required=True, metavar="GAME_FOLDER", help="the game folder")
    parser.add_argument("--turn", type=int, metavar="MONTHS", help="months per turn (to start a game)")
    parser.add_argument("--teams", help="actors the teams play, comma-separated (for prompts and templates)")
    parser.add_argument("--relations", help="starting alignments file (python -m sim seed)")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--continue", dest="play", action="store_true", help="play the next turn")
    parser.add_argument("--inject", action="append", default=[], metavar="NEWS.yaml",
                        help="news for this turn (an 'events:' list); news.yaml in the game folder is read too")
    parser.add_argument("--interactive", action="store_true",
                        help="type each team's moves at the terminal (the default on a terminal with no orders)")
    parser.add_argument("--from", dest="from_result", metavar="RESULT_FOLDER",
                        help="start a game from a result folder's scenario at --month N")
    parser.add_argument("--month", type=int, help="with --from: the month to take over at")
    parser.add_argument("--debrief", action="store_true", help="compare the played world with the scenario "
                        "as written and with the world without events (writes debrief.md)")
    parser.add_argument("--template", action="store_true", help="print an orders file to start from")
    parser.add_argument("--no-plots", action="store_true", help="write the data files only (faster)")
    parser.add_argument("--allow-large", action="store_true",
                        help="play even when the scenario's estimated work is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError, printable
    from ..experiment import play

    folder = Path(args.state)
    shown = printable(folder)
    if args.scenario or args.from_result:
        if args.play or args.debrief:
            raise EntenteError("start a game and play a turn in two steps", hint=USAGE.replace("\n", "; "))
        if args.turn is None:
            raise EntenteError("a new game needs --turn MONTHS (how many months one turn covers)",
                           hint="For example: --turn 6")
        teams = [t.strip() for t in (args.teams or "").split(",") if t.strip()]
        if args.from_result:
            if args.month is None:
                raise EntenteError("--from needs --month N, the month at which the game takes over")
            game = play.game_from_result(args.from_result, folder, month=args.month, turn=args.turn, teams=teams,
                                         scenario_path=args.scenario)
        else:
            from ..io.scenario_file import load_scenario

            _check_cost(load_scenario(args.scenario), args)  # before the game folder is made
            game = play.new_game(args.scenario, folder, turn=args.turn, teams=teams, relations_file=args.relations,
                                 seed=args.seed)
        if game.month:
            _write_result(game, args)
        first, last = game.next_turn()
        print(f"Game ready in {shown} at month {game.month} of {game.horizon}; a turn is {game.turn} months.\n"
              f"Teams: write {shown}/{play.ORDERS}/TEAM.yaml (python -m sim play --template --state {shown}),\n"
              f"then play months {first} to {last} with: python -m sim play --continue --state {shown}")
        return 0
    game = play.load_game(folder)
    if args.template:
        print(play.orders_template(game), end="")
        return 0
    if args.debrief:
        return _debrief(game, args)
    if not args.play:
        raise EntenteError("say what to do with the game", hint=USAGE.replace("\n", "; "))
    if args.interactive or (sys.stdin.isatty() and not any((folder / play.ORDERS).glob("*.yaml"))):
        _prompt_orders(game)
    plan = play.plan_turn(game, [Path(p) for p in args.inject])
    _check_cost(play.played_scenario(game), args, months=game.horizon)  # before the turn changes the state
    game = play.play_turn(game, plan)
    _write_result(game, args)
    print(f"Played months {plan.first} to {plan.last}: {len(plan.moves)} move(s) from "
          f"{len(plan.order_files)} orders file(s) and {len(plan.news_files)} news file(s).")
    print(f"State saved in {shown} (month {game.month} of {game.horizon}); the played world is in "
          f"{shown}/{play.RESULT}.")
    if game.over:
        print(f"The game is over. Debrief: python -m sim play --debrief --state {shown}")
    else:
        print(f"Next: orders for months {game.next_turn()[0]} to {game.next_turn()[1]}, then --continue.")
    return 0


def _write_result(game, args) -> None:
    """The played world to the current month, written as an ordinary result folder."""
    from ..experiment import play
    from ..experiment.runner import run as run_scenario
    from ..reporting.files import write_result

    scenario = play.played_scenario(game)
    _check_cost(scenario, args)
    result = run_scenario(scenario)
    write_result(result, game.folder / play.RESULT, plots=not args.no_plots, force=True)


def _check_cost(scenario, args, *, months: int | None = None) -> None:
    """The limits of `sim run` for the game's scenario (to `months`, default its own horizon)."""
    from dataclasses import replace

    from ..io.cost import check_scenario

    if months is not None:
        scenario = replace(scenario, months=months)
    check_scenario(scenario, allow_large=args.allow_large, what="this game")


def _debrief(game, args) -> int:
    from ..errors import EntenteError, printable
    from ..experiment import play
    from ..experiment.debrief import debrief
    from ..io.relations import write_atomically
    from ..reporting.debrief import debrief_markdown, debrief_text

    if game.month == game.start:
        raise EntenteError("nothing has been played yet", file=str(game.folder),
                           hint=f"Play a turn first: python -m sim play --continue --state {game.folder}")
    _check_cost(play.played_scenario(game), args)
    report = debrief(game)
    write_atomically(game.folder / play.DEBRIEF, debrief_markdown(report))
    print(debrief_text(report), end="")
    print(f"\nWritten: {printable(game.folder / play.DEBRIEF)}")
    return 0


def _prompt_orders(game) -> None:
    """Ask each team, in turn, for its moves, and save them as orders files (checked like any other)."""
    from ..experiment import play
    from ..io.tables import load_codebook

    codebook = load_codebook()
    first, last = game.next_turn()
    teams = game.teams or tuple(_ask("Which actors do teams play (comma-separated)? ").split(","))
    for actor in (t.strip() for t in teams if t.strip()):
        events = []
        while True:
            kind = _ask(f"{actor}, months {first}-{last}: a move (event type; Enter when done; ? lists them): ")
            if kind == "?":
                print(", ".join(codebook))
                continue
            if not kind:
                break
            other = _ask("  with whom (the other actor)? ")
            direction = _ask(f"  does {actor} act on {other} (Enter) or {other} on {actor} (r)? ")
            intensity = _ask("  intensity (Enter for 1): ") or "1"
            note = _ask("  why, in one line: ")
            source, target = (other, actor) if direction.lower().startswith("r") else (actor, other)
            try:
                value = float(intensity)
            except ValueError:
                value = intensity  # the checker explains what is wrong with it
            events.append({"type": kind, "from": source, "to": target, "intensity": value, "at": first,
                           "note": note})
        if events:
            play.write_orders(game, actor, actor, events)


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""
