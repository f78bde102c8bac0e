"""Turn-by-turn play: teams move their actors a few months at a time, the teacher injects news.

The state of a game is a folder (see GAME_FILES) whose game.yaml is the saved game (sim/results/
saved_game.py: the same format the app saves and loads). Nothing in it is a snapshot of the model: the game
keeps the list of every event played so far and writes it, with the scenario, as `played_scenario.yaml`, an
ordinary scenario file whose horizon is the current month. Each turn re-runs that file from month 0 with the
same seed. The model is deterministic for a scenario and a seed, so re-running gives exactly the run that
playing straight through would give: a game stopped at the end of a lesson and continued next week, or
copied to another computer, continues identically, and `python -m sim run played_scenario.yaml` reproduces
the game's result byte for byte.

Orders are written in the mover's words (`sell_arms to India`) and checked by the rules the teacher set
(sim/classroom/play_rules.py: moves per turn, intensity range, consent between teams) and by the scenario
checker itself (the same messages, naming the file, the line and the field). News keeps the scenario's
event form: the teacher's news is nobody's move.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from ..inputs.paths import check_input_file
from ..inputs.safe_files import owned_folder, write_file
from ..inputs.scenario_file import find_scenario, load_scenario, scenario_from_data
from .play_rules import Order, Outcome, Rules, parse_words, resolve, words_for
from .saved_game import NEWS as NEWS_BY
from .saved_game import RELATIONS_COPY, Game, game_text, read_game, scenario_entry

GAME_FILE = "game.yaml"
PLAYED_SCENARIO = "played_scenario.yaml"
ORDERS = "orders"
NEWS = "news.yaml"
TURNS = "turns"
RESULT = "result"
DEBRIEF = "debrief.md"
SITUATION = "situation.html"
LOCK = ".entente-play.lock"  # held by the one `sim play` working on the game (sim.inputs.folder_lock)
GAME_FILES = {
    GAME_FILE: "the saved game: scenario, rules, teams, every move played, proposals, current month "
               "(the format the app saves and loads; a teacher may edit its 'rules:' block between turns)",
    RELATIONS_COPY: "the starting alignments, if the game was started with a relations file (a copy)",
    PLAYED_SCENARIO: "the scenario plus everything played, up to the current month: `sim run` reproduces the game",
    ORDERS: "orders for the coming turn, one file per team (ORDERS/TEAM.yaml)",
    NEWS: "news the teacher injects in the coming turn (optional)",
    TURNS: "each played turn's orders and news as submitted, and its situation report (turns/001/...)",
    SITUATION: "the last turn's situation report, a page for the projector",
    RESULT: "the result folder of the played world at the current month",
}
HEADER = "# An Entente game played turn by turn (python -m sim play). Written by the program: do not edit.\n"
ORDER_KEYS = ("team", "moves")
MOVE_KEYS = ("do", "intensity", "at", "note")


@dataclass(frozen=True)
class Move:
    """One event a team or the news adds, in scenario-event form, with who asked for it."""

    event: dict
    by: str  # the team, 'A and B' for an agreed move, or 'news'
    file: str = ""


@dataclass(frozen=True)
class TurnPlan:
    """What the coming turn adds, already checked and resolved (consent applied)."""

    first: int
    last: int
    orders: tuple[Order, ...]
    news: tuple[Move, ...]
    outcome: Outcome
    order_files: tuple[Path, ...] = ()
    news_files: tuple[Path, ...] = ()

    @property
    def moves(self) -> tuple[Move, ...]:
        """What is played this turn: the teams' moves (after consent), then the news."""
        return (*(Move(event, by) for event, by in self.outcome.played), *self.news)


def _dump(data) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _write(path: Path, text: str) -> None:
    """Write a file of the game (never through a link: sim.inputs.safe_files); its folder exists."""
    write_file(path, text, what="game file", option="--state")


def _copied_bytes(path, what: str, *, inside: bool = False) -> bytes:
    """A file's bytes to copy into the game, bounded like any YAML input; `inside`: a file in the game folder,
    which must be the file itself, not a link to one elsewhere."""
    from ..inputs.paths import read_input_bytes
    from ..inputs.safe_yaml import MAX_BYTES

    too_large = EntenteError(f"the {what} is larger than the limit of {MAX_BYTES:,} bytes", file=str(path),
                             hint="Orders, news, scenario and relations files are a few kilobytes.")
    return read_input_bytes(path, what, MAX_BYTES, too_large, follow_links=not inside)


# ---------------------------------------------------------------------------------------- game folder

def new_game(scenario_path, folder, *, turn: int, teams=(), relations_file=None, seed=None,
             start: int = 0, rules: Rules | None = None, relations_sha256: str | None = None) -> Game:
    """Set up a game folder at month `start` (0, or N when continuing a result); nothing is played yet.

    relations_sha256: the checksum a result records for its relations file (--from): a file that no longer
    has it is refused. Everything is read and checked before the folder is made: a refusal leaves nothing."""
    from ..inputs.safe_yaml import load_yaml

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise EntenteError("the game folder is not empty", file=str(folder),
                           hint="Choose a new folder for a new game, or continue this one with "
                                f"python -m sim play --continue --state {folder}")
    found = find_scenario(scenario_path)
    scenario = load_scenario(scenario_path)  # checked first: a broken scenario never starts a game
    if turn < 1 or turn > scenario.months:
        raise EntenteError(f"--turn must be from 1 to {scenario.months} months (the scenario's horizon), got {turn}")
    if not 0 <= start < scenario.months:
        raise EntenteError(f"--month must be from 0 to {scenario.months - 1}, got {start}")
    names = _actor_names(scenario)
    resolved_teams = []
    for team in teams:
        name = _resolve(team, names)
        if name is None:
            raise EntenteError(f"--teams names {team!r}, which is not an actor of this scenario",
                               hint=(did_you_mean(team, names) + " ").lstrip() + f"Actors: {', '.join(names)}.")
        resolved_teams.append((name, name))
    relations = relations_file or scenario.relations_file
    if relations and not Path(relations).is_file():
        raise EntenteError("the relations file is not there", file=str(relations),
                           hint="Give the path of a file made by python -m sim seed.")
    from ..inputs.resources import bundled_scenario

    data = dict(load_yaml(found, what="scenario file").data)
    data.pop("relations_file", None)  # the game's own copy replaces it (relations_file below)
    bundled = found.stem if bundled_scenario(found.stem) == found else None
    copies = {}
    if relations:  # a copy inside the game folder, so the game continues on any computer
        import hashlib

        from ..inputs.relations import load_relations

        copies[RELATIONS_COPY] = _copied_bytes(relations, "relations file")
        load_relations(relations)
        if relations_sha256 is not None and hashlib.sha256(copies[RELATIONS_COPY]).hexdigest() != relations_sha256:
            raise EntenteError("the relations file has changed since the result was made (its sha256 differs from "
                               "the one the result records)", file=str(relations),
                               hint="Start the game from the scenario instead, or run the result again.")
    game = Game(data, f"{found.stem} (bundled)" if bundled else str(found), turn, start, start,
                tuple(resolved_teams), rules or Rules(), relations_file=RELATIONS_COPY if relations else None,
                seed=seed, bundled=bundled, folder=folder)
    with removed_on_failure(folder):
        owned_folder(folder, ORDERS, what="game folder", option="--state")
        for name, blob in copies.items():
            write_file(folder / name, blob, what="game file", option="--state")
        return save(game)


@contextmanager
def removed_on_failure(folder: Path):
    """On failure, remove what setting up a new game wrote: the folder when this made it, else only the
    entries that were not in it before (nothing that was there is ever touched)."""
    import shutil

    try:
        before = set(os.listdir(folder)) if os.path.isdir(folder) else None
    except OSError:
        before = set()
    try:
        yield
    except BaseException:
        if before is None:
            shutil.rmtree(folder, ignore_errors=True)
        else:
            for name in sorted(set(os.listdir(folder)) - before) if os.path.isdir(folder) else ():
                target = folder / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target, ignore_errors=True)
                else:
                    target.unlink(missing_ok=True)
        raise


def load_game(folder) -> Game:
    """Read a game folder's game.yaml (the saved game); a folder that is not a game gets one paragraph."""
    from ..inputs.safe_yaml import load_yaml

    folder = Path(folder)
    path = folder / GAME_FILE
    if not path.is_file():
        raise EntenteError("this folder holds no game (no game.yaml)", file=str(folder),
                           hint="Start one with: python -m sim play SCENARIO --turn MONTHS --state FOLDER")
    game = read_game(load_yaml(path, what="game file", follow_links=False), str(path), folder)
    return replace(game, folder=folder)


def save(game: Game) -> Game:
    """Write the state: game.yaml (the saved game) and played_scenario.yaml (the scenario up to this month)."""
    _write(game.folder / PLAYED_SCENARIO, HEADER + _dump(played_scenario_data(game)))
    _write(game.folder / GAME_FILE, game_text(game))
    return game


def played_events(game: Game) -> list[dict]:
    """Every move and news item played so far, in scenario-event form with 'by'."""
    return [dict(e) for e in game.played]


def as_written_data(game: Game, month: int | None = None) -> dict:
    """The scenario as written, cut at `month` (default: the current month), runnable on its own.

    Its events after the game's start month are kept only up to `month`: a game that took over at month
    N (--from) replaces what the scenario planned after N with what the teams play.
    """
    month = game.month if month is None else month
    data = dict(game.scenario_data)
    data["months"] = max(month, 1)
    data.pop("expect", None)  # expectations about later months do not apply to a game cut short
    data["events"] = [e for e in data.get("events") or [] if int(e["at"]) <= month]
    data["changes"] = [c for c in data.get("changes") or [] if int(c["at"]) <= month]
    if not data["changes"]:
        data.pop("changes")
    if game.parameters:
        data["parameters"] = {**(data.get("parameters") or {}), **game.parameters}
    if game.relations_file:
        data["relations_file"] = game.relations_file
    if game.seed is not None:
        data["seed"] = game.seed
    return data


def played_scenario_data(game: Game) -> dict:
    """The scenario plus every played event, with the current month as its horizon."""
    data, _ = played_scenario_with_authors(game)
    return data


def played_scenario_with_authors(game: Game) -> tuple[dict, list[str]]:
    """played_scenario_data, and for each of its events who asked for it ('scenario' for the file's own)."""
    data = as_written_data(game, game.month)
    if game.start:
        data["events"] = [e for e in data["events"] if int(e["at"]) <= game.start]
    data["name"] = f"{str(data['name']).strip()} (played to month {game.month})"
    tagged = [(e, "scenario") for e in data["events"]] + [(scenario_entry(e), e["by"]) for e in game.played]
    tagged.sort(key=lambda pair: int(pair[0]["at"]))  # stable: same-month moves keep the order they were read in
    data["events"] = [event for event, _ in tagged]
    return data, [by for _, by in tagged]


def played_scenario(game: Game):
    """The Scenario the game's state stands for (a file `sim run` accepts)."""
    if game.folder is not None and (game.folder / PLAYED_SCENARIO).is_file():
        return load_scenario(game.folder / PLAYED_SCENARIO)
    return scenario_from_data(played_scenario_data(game), file=game.label, base_dir=game.folder)


# --------------------------------------------------------------------------------------------- orders

def _actor_names(scenario) -> list[str]:
    from ..inputs.tables import canonical_actors

    return [a.name for a in canonical_actors()] + [a.name for a in scenario.added_actors]


def _resolve(text: str, names: list[str]) -> str | None:
    wanted = str(text).strip().casefold()
    return next((name for name in names if name.casefold() == wanted), None)


def game_actors(game: Game) -> list[str]:
    """The actors of the game's world (the default ones plus any its scenario adds)."""
    return _actor_names(scenario_from_data({**as_written_data(game, game.horizon), "events": []},
                                           file=game.label, base_dir=game.folder))


def teams_of(game: Game, names: list[str]) -> dict[str, str]:
    """Team -> actor. A game started without --teams lets one team per actor order, named after it."""
    return game.team_actors() or {name: name for name in names}


def read_orders(path: Path, game: Game, names: list[str] | None = None) -> list[Order]:
    """One team's orders file: bound to its team, in the mover's words, within the rules."""
    from ..inputs.safe_yaml import load_yaml

    names = names or game_actors(game)
    teams = teams_of(game, names)
    document = load_yaml(path, what="orders file")
    data = document.data

    def fail(where, problem, hint=None):
        return document.error(where, problem, hint, file=str(path))

    team = next((t for t in teams if t.casefold() == path.stem.casefold()), None)
    if team is None:
        raise fail((), f"{path.name} is not named after a team of this game",
                   f"Name the file after its team: {', '.join(f'{ORDERS}/{t}.yaml' for t in teams)}.")
    actor = teams[team]
    if not isinstance(data, dict):
        raise fail((), "an orders file is a mapping with 'moves:'", _template_hint(game))
    if "actor" in data or "events" in data:
        named = data.get("actor")
        if named is not None and _resolve(str(named), names) not in (actor, None):
            raise fail(("actor",), f"this is {team}'s orders file, but it gives moves for {named}",
                       f"A team orders only its own actor's moves: {named}'s moves go in its own team's file.")
        raise fail(("events" if "events" in data else "actor",),
                   "these orders are in the old form (actor: and events: with from/to)",
                   "Orders are now written in the mover's words, e.g. '- do: buy_arms from China'; "
                   + _template_hint(game))
    for key in data:
        if key not in ORDER_KEYS:
            raise fail((key,), f"unknown key {key!r}",
                       did_you_mean(str(key), list(ORDER_KEYS)) or f"Allowed keys: {', '.join(ORDER_KEYS)}.")
    if "team" in data and str(data["team"]).strip().casefold() != team.casefold():
        raise fail(("team",), f"this is {team}'s orders file, but it says team: {data['team']}",
                   f"A team orders only its own moves: put {data['team']}'s orders in {ORDERS}/{data['team']}.yaml.")
    moves = data.get("moves")
    if moves is None:
        moves = []
    if not isinstance(moves, list):
        raise fail(("moves",), "'moves:' must be a list (lines starting with '- do:')", _template_hint(game))
    limit = game.rules.moves_per_turn
    if len(moves) > limit:
        raise fail(("moves", limit), f"{team} orders {len(moves)} moves; the rules allow {limit} a turn",
                   f"Keep the {limit} that matter most (the teacher sets the number: 'rules: moves_per_turn' "
                   f"in {GAME_FILE}).")
    return [_order(move, index, team, actor, names, game, fail, f"{path}")
            for index, move in enumerate(moves)]


def _template_hint(game: Game) -> str:
    folder = game.folder if game.folder is not None else "GAME_FOLDER"
    return f"Start from the template: python -m sim play --template --state {folder}"


def _order(move, index: int, team: str, actor: str, names: list[str], game: Game, fail, place: str,
           at_default: int | None = None) -> Order:
    """One move of a team, checked: its keys, words, justification, month and intensity."""
    first, last = game.next_turn()
    where = ("moves", index)
    if isinstance(move, str):
        move = {"do": move}
    if not isinstance(move, dict):
        raise fail(where, "a move is a mapping: '- do: sell_arms to India' with 'note:' under it")
    for key in move:
        if key not in MOVE_KEYS:
            raise fail((*where, key), f"unknown key {key!r}", did_you_mean(str(key), list(MOVE_KEYS))
                       or f"A move has: {', '.join(MOVE_KEYS)} (the actors are in 'do:', in {actor}'s words).")
    if "do" not in move:
        raise fail(where, "the move does not say what to do", "Add 'do: VERB to|from|with ACTOR'.")
    try:
        kind, source, target, other = parse_words(str(move["do"]), actor, names)
    except EntenteError as error:
        raise fail((*where, "do"), error.problem, error.hint) from None
    if not str(move.get("note", "")).strip():
        raise fail(where, "every move needs a one-line justification in 'note:'",
                   "Add for instance \"note: to answer Pakistan's new fighters\".")
    intensity = move.get("intensity", 1.0)
    low, high = game.rules.intensity
    if isinstance(intensity, bool) or not isinstance(intensity, (int, float)) or not low <= intensity <= high:
        raise fail((*where, "intensity"), f"intensity {intensity!r} is outside the rules' range {low:g} to {high:g}",
                   f"Write a number from {low:g} (a small move) to {high:g}; 1 is a typical event of its type.")
    at = move.get("at", first if at_default is None else at_default)
    if isinstance(at, bool) or not isinstance(at, int) or not first <= at <= last:
        raise fail((*where, "at"), f"month {at!r} is not in this turn (months {first} to {last})",
                   f"Write a month from {first} to {last}, or leave 'at:' out for month {first}.")
    event = {"type": kind, "from": source, "to": target, "intensity": float(intensity), "at": at,
             "note": str(move["note"]).strip()}
    line = (fail(where, "").line if place else None)
    return Order(team, actor, words_for(event, actor), event, other,
                 f"{place}, line {line}" if line else place)


def page_order(game: Game, move: dict, names: list[str], index: int = 0) -> Order:
    """A move ordered on the app's page ({team, do, intensity, note}): the same checks as an orders file,
    the move happening in the month after the current one."""
    teams = teams_of(game, names)
    team = move.get("team")
    if team not in teams:
        raise EntenteError(f"there is no team {team!r} in this game", field="team",
                           hint=f"The teams are: {', '.join(teams) or 'none yet (add them first)'}.")

    def fail(where, problem, hint=None):
        field = "the move" + ("" if len(where) < 3 else f" ({where[2]})")
        return EntenteError(f"team {team!r}: {problem}" if problem else "", field=field, hint=hint)

    body = {key: value for key, value in move.items() if key != "team"}
    return _order(body, index, team, teams[team], names, game, fail, "", at_default=game.month + 1)


def read_news(path: Path, game: Game) -> list[Move]:
    """The teacher's news for the turn: events between any actors, checked like a scenario's events."""
    from ..inputs.safe_yaml import load_yaml

    document = load_yaml(path, what="news file")
    data = document.data

    def fail(where, problem, hint=None):
        return document.error(where, problem, hint, file=str(path))

    if not isinstance(data, dict) or set(data) - {"events"}:
        raise fail((), "a news file holds one key, 'events:', a list of events as in a scenario",
                   "Write 'events:' and under it items such as '- {type: border_clash, from: India, "
                   "to: Pakistan, note: ...}'.")
    first, last = game.next_turn()
    events = data.get("events")
    if events is None:
        events = []
    if not isinstance(events, list):
        raise fail(("events",), "'events:' must be a list of events (lines starting with '- ')")
    filled = []
    for index, event in enumerate(events):
        if isinstance(event, dict):
            event = dict(event)
            event.setdefault("at", first)  # news without a month happens at the start of the turn
            if not str(event.get("note", "")).strip():
                raise fail(("events", index), "every news item needs a one-line note",
                           "Add for instance \"note: an exchange of fire (invented for the exercise)\".")
        filled.append(event)
    # The scenario checker, on a scenario holding just these events: its messages, this file's lines.
    scenario_from_data({"name": "news", "months": game.horizon, "events": filled},
                       file=str(path), position=document.position)
    for index, event in enumerate(filled):
        if not first <= int(event["at"]) <= last:
            raise fail(("events", index, "at"), f"month {event['at']} is not in this turn (months {first} to {last})",
                       f"Write a month from {first} to {last}, or leave 'at:' out for month {first}.")
    return [Move(event, NEWS_BY, str(path)) for event in filled]


def plan_turn(game: Game, inject: list[Path] = ()) -> TurnPlan:
    """Read and check every orders file in orders/, the page's pending moves and the news, then apply the
    rules between teams (consent): nothing is written."""
    if game.over:
        raise EntenteError(f"the game is over: it has reached month {game.horizon}, the scenario's horizon",
                           file=str(game.folder), hint="Run the debrief: python -m sim play --debrief "
                                                       f"--state {game.folder}")
    first, last = game.next_turn()
    order_files: tuple[Path, ...] = ()
    news_inside: list[Path] = []
    if game.folder is not None:
        owned_folder(game.folder, ORDERS, what="orders folder", option="--state")  # a real folder, never a link
        order_files = tuple(sorted((game.folder / ORDERS).glob("*.yaml")))
        news_inside = [game.folder / NEWS] if os.path.lexists(game.folder / NEWS) else []
    for path in (*order_files, *news_inside):  # files in the game folder are read as they are, never via a link
        check_input_file(path, "orders file" if path.parent.name == ORDERS else "news file", follow_links=False)
    news_files = tuple(p for p in [*news_inside, *map(Path, inject)] if p.is_file())
    for path in inject:
        if not Path(path).is_file():
            raise EntenteError("there is no such news file", file=str(path),
                               hint="Give the path of a YAML file with an 'events:' list.")
    names = game_actors(game)
    orders: list[Order] = []
    for path in order_files:
        orders += read_orders(path, game, names)
    orders += [page_order(game, move, names, index) for index, move in enumerate(game.pending)]
    news = []
    for path in news_files:
        news += read_news(path, game)
    # Consent binds the teams the game declares; without --teams nobody answers for the other actors.
    outcome = resolve(orders, list(game.proposals), game.team_actors(), game.rules, game.turns_played + 1)
    return TurnPlan(first, last, tuple(orders), tuple(news), outcome, order_files, news_files)


def play_turn(game: Game, plan: TurnPlan) -> Game:
    """Add the turn's moves, archive its orders and news, and save the state at the turn's last month."""
    number = game.turns_played + 1
    # Read first, then write, never through a link: an archive name planted as a link to a student's file is
    # refused, not followed (sim.inputs.safe_files), and orders are the files in the game folder, not links.
    copies = {f"{ORDERS}/{path.name}": _copied_bytes(path, "orders file", inside=True) for path in plan.order_files}
    for index, path in enumerate(plan.news_files):
        inside = Path(path).parent == game.folder
        copies[NEWS if index == 0 else f"news_{index + 1}.yaml"] = _copied_bytes(path, "news file", inside=inside)
    archive = owned_folder(game.folder, TURNS, f"{number:03d}", what="turn archive", option="--state")
    owned_folder(archive, ORDERS, what="turn archive", option="--state")
    for name, data in copies.items():
        write_file(archive / name, data, what="turn archive", option="--state")
    advanced = advanced_game(game, plan)
    save(advanced)
    for path in plan.order_files:  # the orders are used: next turn starts from an empty folder
        path.unlink()
    if (game.folder / NEWS).is_file():
        (game.folder / NEWS).unlink()
    return advanced


def advanced_game(game: Game, plan: TurnPlan) -> Game:
    """The game after the turn (nothing written): moves added with who played them, proposals renewed."""
    number = game.turns_played + 1
    events = list(game.played)
    for move in plan.moves:
        events.append({**move.event, "note": str(move.event.get("note", "")).strip(), "by": move.by,
                       "turn": number})
    events.sort(key=lambda e: int(e["at"]))  # stable: same-month moves keep the order they were read in
    return replace(game, month=plan.last, turns_played=number, played=tuple(events),
                   proposals=plan.outcome.proposed, pending=())


def game_from_result(result_dir, folder, *, month: int, turn: int, teams=(), scenario_path=None) -> Game:
    """A new game that takes over a result folder's scenario at month N (seed and relations as recorded).

    The result folder is read back as untrusted input (sim.results.folder_reader: manifest checked, links refused;
    sim.results.summary_fields: summary.json's types checked), and the relations file it names is copied only when it is
    a relations file with the sha256 the result records: a tampered summary.json cannot make the game copy
    any other file."""
    from ..results.folder_reader import CheckedFolder
    from ..results.summary_fields import summary_from_data

    checked = CheckedFolder(result_dir)
    if not checked.has("summary.json"):
        raise EntenteError("this is not a result folder (its manifest lists no summary.json)", file=str(result_dir),
                           hint="Give a folder written by python -m sim run.")
    summary_path = Path(result_dir) / "summary.json"
    summary = summary_from_data(checked.json("summary.json"), str(summary_path))
    source = scenario_path or summary.scenario_file
    if not source:
        raise EntenteError("the result does not record its scenario file", file=str(summary_path),
                           hint="Name it with --scenario FILE.")
    source = str(source).removesuffix(" (bundled)")
    if not find_scenario(source).exists():
        raise EntenteError(f"the result's scenario file {source!r} is not there any more", file=str(summary_path),
                           hint="Run from the folder the result was made in, or name the file with --scenario.")
    if not 0 <= month < summary.months:
        raise EntenteError(f"--month must be from 0 to {summary.months - 1} for this result, got {month}")
    from ..inputs.relations import recorded_relations_path

    recorded, recorded_sha256 = summary.relations_file, summary.relations_sha256
    relations = str(recorded_relations_path(recorded)) if recorded else None
    if relations is not None and not recorded_sha256:
        raise EntenteError("the result names a relations file but not its sha256", file=str(summary_path),
                           field="relations_sha256", hint="Run the scenario again to make the result afresh.")
    return new_game(source, folder, turn=turn, teams=teams, relations_file=relations,
                    seed=summary.seed, start=month, relations_sha256=recorded_sha256 if relations else None)


ORDERS_TEMPLATE = """\
# Orders of team {team} ({actor}) for months {first} to {last}. Save as {orders}/{team}.yaml in the game folder.
# Each move is written in {actor}'s own words: 'VERB to|from|with|on ACTOR', e.g.
#   sell_arms to India   buy_arms from China   summit with US   sanctions on Iran
# Moves: {verbs}.
# Rules of this game: at most {moves} moves a turn; intensity from {low:g} to {high:g} (1 = a typical event).
# A cooperative move towards an actor another team plays is a proposal: it happens only if that team
# orders it too (this turn, or next turn when it is shown in its orders).
team: {team}
moves:
{proposals}  - do: diplomatic_visit with {other}
    intensity: 1.0
    at: {first}                  # a month of this turn ({first} to {last}); leave out for month {first}
    note: why we do it, in one line
"""


def orders_template(game: Game, team: str | None = None) -> str:
    """An orders file to start from, with the proposals other teams made to this team ready to accept."""
    from .play_rules import verbs

    first, last = game.next_turn()
    teams = teams_of(game, game_actors(game))
    wanted = team or next(iter(game.team_actors()), "India")
    team = next((t for t in teams if t.casefold() == str(wanted).strip().casefold()), None)
    if team is None:
        raise EntenteError(f"there is no team {wanted!r} in this game", hint=f"The teams are: {', '.join(teams)}.")
    actor = teams[team]
    other = "Russia" if actor != "Russia" else "China"
    offers = [p for p in game.proposals if p.to_team == team]
    proposals = "".join(f"  # {p.by} proposed '{p.words}' (turn {p.turn}): keep these lines to accept, delete "
                        f"them to refuse\n  - do: {p.answer_words(actor)}\n    note: we accept\n" for p in offers)
    return ORDERS_TEMPLATE.format(team=team, actor=actor, other=other, first=first, last=last, orders=ORDERS,
                                  verbs=", ".join(verbs()), moves=game.rules.moves_per_turn,
                                  low=game.rules.intensity[0], high=game.rules.intensity[1], proposals=proposals)


def write_orders(game: Game, team: str, moves: list[dict]) -> Path:
    """Orders typed at the terminal, written as a file so that they are checked and kept like the rest.

    The team must be one of the game's (its name becomes the file's name: never a path)."""
    names = game_actors(game)
    teams = teams_of(game, names)
    if team not in teams:
        raise EntenteError(f"there is no team {team!r} in this game",
                           hint=f"The teams are: {', '.join(teams)}.")
    path = game.folder / ORDERS / f"{team}.yaml"
    _write(path, "# Typed at the terminal (python -m sim play, interactive).\n"
           + _dump({"team": team, "moves": moves}))
    return path


def write_report(game: Game, relative: str, text: str) -> Path:
    """A report written into the game folder (situation page, debrief)."""
    path = game.folder / relative
    _write(path, text)
    return path


def game_from_saved(saved, folder) -> Game:
    """A game folder started from a saved game (the app's 'Save game', or another folder's game.yaml)."""
    from ..inputs.safe_yaml import load_yaml

    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise EntenteError("the game folder is not empty", file=str(folder),
                           hint="Choose a new folder to load the saved game into.")
    game = read_game(load_yaml(saved, what="game file"), str(saved))
    if game.relations_file:
        raise EntenteError("this saved game starts from a relations file that is not part of the file",
                           file=str(saved), hint="Copy its whole game folder instead of its game.yaml.")
    owned_folder(folder, ORDERS, what="game folder", option="--state")
    game = replace(game, folder=folder)
    played_scenario(replace(game, folder=None))  # checked before anything is written
    return save(game)
