"""`python -m sim play`: a scenario played a turn at a time by teams, with news the teacher injects."""

from __future__ import annotations

import sys
from pathlib import Path

USAGE = """\
Start:     python -m sim play SCENARIO --turn MONTHS --state GAME_FOLDER [--teams India,Pakistan]
Take over: python -m sim play --from RESULT_FOLDER --month N --turn MONTHS --state GAME_FOLDER
Load:      python -m sim play --load SAVED_GAME.yaml --state GAME_FOLDER   (a game saved by the app)
Orders:    python -m sim play --template [--team India] --state GAME_FOLDER > GAME_FOLDER/orders/India.yaml
Play:      python -m sim play --continue --state GAME_FOLDER [--inject NEWS.yaml]
Debrief:   python -m sim play --debrief --state GAME_FOLDER"""


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary, description=summary + ". Teams write orders/TEAM.yaml in the game folder, in their "
        "actor's own words (template: --template); each --continue plays one turn and prints its situation "
        "report. The rules (moves per turn, intensity range, consent between teams) are the 'rules:' block of "
        "game.yaml. A lens for discussion, not a forecast.",
        epilog=USAGE, formatter_class=__import__("argparse").RawDescriptionHelpFormatter)
    parser.add_argument("scenario", nargs="?", help="scenario file or bundled name (to start a game)")
    parser.add_argument("--state", required=True, metavar="GAME_FOLDER", help="the game folder")
    parser.add_argument("--turn", type=int, metavar="MONTHS", help="months per turn (to start a game)")
    parser.add_argument("--teams", help="actors the teams play, comma-separated (consent applies between them)")
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
    parser.add_argument("--load", metavar="SAVED_GAME.yaml", help="start a game folder from a saved game "
                        "(the app's 'Save game', or another folder's game.yaml)")
    parser.add_argument("--debrief", action="store_true", help="compare the played world with the scenario "
                        "as written and with the world without events (writes debrief.md)")
    parser.add_argument("--template", action="store_true", help="print an orders file to start from")
    parser.add_argument("--team", help="with --template: the team whose orders to print")
    parser.add_argument("--no-plots", action="store_true", help="write the data files only (faster)")
    parser.add_argument("--allow-large", action="store_true",
                        help="play even when the scenario's estimated work is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    if (args.play or args.debrief) and not (args.scenario or args.from_result):
        with _one_at_a_time(Path(args.state)):
            return _run(args)
    return _run(args)


def _one_at_a_time(folder: Path):
    """The game's lock: a second `play --continue` (or --debrief) on the same game stops at once, before it
    reads anything, so a turn is never played twice."""
    from ..errors import EntenteError, printable
    from ..classroom import play
    from ..inputs.folder_lock import folder_lock

    play.load_game(folder)  # not a game: the usual message, and no lock file is made in a stranger folder
    busy = EntenteError(f"another `python -m sim play` is running on the game in {printable(folder)}",
                        hint="Wait for it to finish, then run this command again: one turn at a time.")
    return folder_lock(folder, play.LOCK, busy=busy, what="game lock")


def _run(args) -> int:
    from ..errors import EntenteError, printable
    from ..classroom import play

    folder = Path(args.state)
    shown = printable(folder)
    if args.scenario or args.from_result or args.load:
        if args.play or args.debrief:
            raise EntenteError("start a game and play a turn in two steps", hint=USAGE.replace("\n", "; "))
        with play.removed_on_failure(folder):  # a refused start leaves no half-made game behind
            if args.load:
                game = play.game_from_saved(args.load, folder)
            else:
                if args.turn is None:
                    raise EntenteError("a new game needs --turn MONTHS (how many months one turn covers)",
                                       hint="For example: --turn 6")
                teams = [t.strip() for t in (args.teams or "").split(",") if t.strip()]
                if args.from_result:
                    if args.month is None:
                        raise EntenteError("--from needs --month N, the month at which the game takes over")
                    game = play.game_from_result(args.from_result, folder, month=args.month, turn=args.turn,
                                                 teams=teams, scenario_path=args.scenario)
                else:
                    from ..inputs.scenario_file import load_scenario

                    _check_cost(load_scenario(args.scenario), args)  # before the game folder is made
                    game = play.new_game(args.scenario, folder, turn=args.turn, teams=teams,
                                         relations_file=args.relations, seed=args.seed)
            if game.month:
                _write_result(game, args)
        first, last = game.next_turn()
        rules = game.rules
        print(f"Game ready in {shown} at month {game.month} of {game.horizon}; a turn is {game.turn} months.\n"
              f"Rules (the 'rules:' block of {shown}/{play.GAME_FILE}): at most {rules.moves_per_turn} moves per "
              f"team a turn, intensity {rules.intensity[0]:g} to {rules.intensity[1]:g}, "
              + ("cooperative moves between teams need both teams' orders.\n" if rules.consent and game.teams
                 else "no consent between teams.\n")
              + f"Teams: write {shown}/{play.ORDERS}/TEAM.yaml (python -m sim play --template --state {shown}),\n"
              f"then play months {first} to {last} with: python -m sim play --continue --state {shown}")
        return 0
    game = play.load_game(folder)
    if args.template:
        print(play.orders_template(game, args.team), end="")
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
    result = _write_result(game, args)
    _report(game, plan, result)
    print(f"Played months {plan.first} to {plan.last}: {len(plan.orders)} order(s) from "
          f"{len(plan.order_files)} orders file(s), {len(plan.news)} news item(s); "
          f"{len(plan.outcome.played)} move(s) played.")
    print(f"State saved in {shown} (month {game.month} of {game.horizon}); the played world is in "
          f"{shown}/{play.RESULT}, the situation report in {shown}/{play.SITUATION}.")
    if game.over:
        print(f"The game is over. Debrief: python -m sim play --debrief --state {shown}")
    else:
        print(f"Next: orders for months {game.next_turn()[0]} to {game.next_turn()[1]}, then --continue.")
    return 0


def _write_result(game, args):
    """The played world to the current month, written as an ordinary result folder."""
    from ..classroom import play
    from ..results.runner import run as run_scenario
    from ..present.files import write_result

    scenario = play.played_scenario(game)
    _check_cost(scenario, args)
    result = run_scenario(scenario, summarise=True)
    write_result(result, game.folder / play.RESULT, plots=not args.no_plots, force=True)
    return result


def _report(game, plan, result) -> None:
    """The situation report: printed, and written as a page for the projector (and kept with the turn)."""
    from ..classroom import play
    from ..classroom.situation import situation
    from ..classroom.situation_report import situation_html, situation_text

    report = situation(game, plan, result)
    print(situation_text(report))
    page = situation_html(report)
    play.write_report(game, play.SITUATION, page)
    play.write_report(game, f"{play.TURNS}/{game.turns_played:03d}/{play.SITUATION}", page)


def _check_cost(scenario, args, *, months: int | None = None) -> None:
    """The limits of `sim run` for the game's scenario (to `months`, default its own horizon)."""
    from dataclasses import replace

    from ..inputs.cost import check_scenario

    if months is not None:
        scenario = replace(scenario, months=months)
    check_scenario(scenario, allow_large=args.allow_large, what="this game")


def _debrief(game, args) -> int:
    from ..errors import EntenteError, printable
    from ..classroom import play
    from ..classroom.debrief import debrief
    from ..classroom.debrief_report import debrief_markdown, debrief_text

    if game.month == game.start:
        raise EntenteError("nothing has been played yet", file=str(game.folder),
                           hint=f"Play a turn first: python -m sim play --continue --state {game.folder}")
    _check_cost(play.played_scenario(game), args)
    report = debrief(game)
    play.write_report(game, play.DEBRIEF, debrief_markdown(report))
    print(debrief_text(report), end="")
    print(f"\nWritten: {printable(game.folder / play.DEBRIEF)}")
    return 0


def _prompt_orders(game) -> None:
    """Ask each team, in turn, for its moves in its actor's words, and save them as orders files (checked
    like any other). Team names are the game's teams (or actors), never a path."""
    from ..errors import EntenteError
    from ..classroom import play
    from ..classroom.play_rules import verbs

    first, last = game.next_turn()
    names = play.game_actors(game)
    teams = play.teams_of(game, names)
    chosen = list(game.team_actors())
    if not chosen:
        for typed in (t.strip() for t in _ask("Which actors do teams play (comma-separated)? ").split(",")):
            if not typed:
                continue
            team = next((t for t in teams if t.casefold() == typed.casefold()), None)
            if team is None:
                raise EntenteError(f"{typed!r} is not an actor of this game",
                                   hint=f"Type actors' names: {', '.join(names)}.")
            chosen.append(team)
    for team in chosen:
        moves = []
        actor = teams[team]
        for offer in (p for p in game.proposals if p.to_team == team):
            print(f"{offer.by} proposed to {team} (turn {offer.turn}): {offer.words}. To accept, type: "
                  f"{offer.answer_words(actor)}")
        while len(moves) < game.rules.moves_per_turn:
            words = _ask(f"{team} ({actor}), months {first}-{last}: a move in {actor}'s words, e.g. "
                         f"'sell_arms to India' (Enter when done; ? lists the moves): ")
            if words == "?":
                print(", ".join(verbs()))
                continue
            if not words:
                break
            intensity = _ask("  intensity (Enter for 1): ") or "1"
            note = _ask("  why, in one line: ")
            try:
                value = float(intensity)
            except ValueError:
                value = intensity  # the checker explains what is wrong with it
            moves.append({"do": words, "intensity": value, "at": first, "note": note})
        if moves:
            play.write_orders(game, team, moves)


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip()
    except EOFError:
        return ""
