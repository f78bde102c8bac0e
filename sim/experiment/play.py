"""Turn-by-turn play: teams move their actors a few months at a time, the teacher injects news.

The state of a game is a folder (see GAME_FILES). Nothing in it is a snapshot of the model: the game
keeps the list of every event played so far and writes it, with the scenario, as `played_scenario.yaml`,
an ordinary scenario file whose horizon is the current month. Each turn re-runs that file from month 0
with the same seed. The model is deterministic for a scenario and a seed, so re-running gives exactly the
run that playing straight through would give: a game stopped at the end of a lesson and continued next
week, or copied to another computer, continues identically, and `python -m sim run played_scenario.yaml`
reproduces the game's result byte for byte.

Orders and news are checked by the scenario checker itself (the same messages, naming the file, the line
and the field), plus what play adds: every move needs a justification, falls within the turn, and
involves the team's own actor.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from ..io.paths import check_input_file
from ..io.safe_files import owned_folder, write_file
from ..io.scenario_file import find_scenario, load_scenario, scenario_from_data

GAME_FILE = "game.yaml"
SCENARIO_COPY = "scenario.yaml"
RELATIONS_COPY = "relations.yaml"
PLAYED_SCENARIO = "played_scenario.yaml"
PLAYED_EVENTS = "played.yaml"
ORDERS = "orders"
NEWS = "news.yaml"
TURNS = "turns"
RESULT = "result"
DEBRIEF = "debrief.md"
LOCK = ".entente-play.lock"  # held by the one `sim play` working on the game (sim.io.folder_lock)
GAME_FILES = {
    GAME_FILE: "the game's settings and current month (rewritten after each turn)",
    SCENARIO_COPY: "the scenario as written, copied when the game began",
    RELATIONS_COPY: "the starting alignments, if the game was started with a relations file (a copy)",
    PLAYED_EVENTS: "every move and news item played so far, in scenario-event form",
    PLAYED_SCENARIO: "the scenario plus everything played, up to the current month: `sim run` reproduces the game",
    ORDERS: "orders for the coming turn, one file per team (ORDERS/TEAM.yaml)",
    NEWS: "news the teacher injects in the coming turn (optional)",
    TURNS: "each played turn's orders and news, kept as submitted (turns/001/...)",
    RESULT: "the result folder of the played world at the current month",
}
HEADER = "# An Entente game played turn by turn (python -m sim play). Written by the program: do not edit.\n"
ORDER_KEYS = ("team", "actor", "events")


@dataclass(frozen=True)
class Game:
    """A game's settings and progress, as game.yaml holds them."""

    folder: Path
    turn: int  # months per turn
    month: int  # months played so far
    horizon: int  # the scenario's months: the game ends there
    start: int  # the month the game took over from the scenario (0, or N with --from)
    teams: tuple[str, ...] = ()  # actors the teams control (for prompting; any actor may be ordered)
    relations_file: str | None = None  # relative to the game folder
    seed: int | None = None
    turns_played: int = 0

    @property
    def over(self) -> bool:
        return self.month >= self.horizon

    def next_turn(self) -> tuple[int, int]:
        """First and last month of the coming turn."""
        return self.month + 1, min(self.month + self.turn, self.horizon)

    def to_dict(self) -> dict:
        return {"turn": self.turn, "month": self.month, "horizon": self.horizon, "start": self.start,
                "teams": list(self.teams), "relations_file": self.relations_file, "seed": self.seed,
                "turns_played": self.turns_played}


@dataclass(frozen=True)
class Move:
    """One event a team or the news adds, in scenario-event form, with who asked for it."""

    event: dict
    by: str  # the team (orders file name) or 'news'
    file: str = ""


@dataclass(frozen=True)
class TurnPlan:
    """What the coming turn adds: the moves of every team and the news, already checked."""

    first: int
    last: int
    moves: tuple[Move, ...]
    order_files: tuple[Path, ...] = ()
    news_files: tuple[Path, ...] = ()


def _dump(data) -> str:
    import yaml

    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


def _write(path: Path, text: str) -> None:
    """Write a file of the game (never through a link: sim.io.safe_files); its folder exists."""
    write_file(path, text, what="game file", option="--state")


def _copied_bytes(path, what: str, *, inside: bool = False) -> bytes:
    """A file's bytes to copy into the game, bounded like any YAML input; `inside`: a file in the game folder,
    which must be the file itself, not a link to one elsewhere."""
    from ..io.paths import read_input_bytes
    from ..io.safe_yaml import MAX_BYTES

    too_large = EntenteError(f"the {what} is larger than the limit of {MAX_BYTES:,} bytes", file=str(path),
                             hint="Orders, news, scenario and relations files are a few kilobytes.")
    return read_input_bytes(path, what, MAX_BYTES, too_large, follow_links=not inside)


# ---------------------------------------------------------------------------------------- game folder

def new_game(scenario_path, folder, *, turn: int, teams=(), relations_file=None, seed=None,
             start: int = 0, relations_sha256: str | None = None) -> Game:
    """Set up a game folder at month `start` (0, or N when continuing a result); nothing is played yet.

    relations_sha256: the checksum a result records for its relations file (--from): a file that no longer
    has it is refused."""
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
        resolved_teams.append(name)
    relations = relations_file or scenario.relations_file
    if relations and not Path(relations).is_file():
        raise EntenteError("the relations file is not there", file=str(relations),
                           hint="Give the path of a file made by python -m sim seed.")
    # Everything is read and checked before the folder is made: a refusal leaves nothing behind.
    copies = {SCENARIO_COPY: _copied_bytes(found, "scenario file")}
    if relations:  # a copy inside the game folder, so the game continues on any computer
        import hashlib

        from ..io.relations import load_relations

        copies[RELATIONS_COPY] = _copied_bytes(relations, "relations file")
        load_relations(relations)
        if relations_sha256 is not None and hashlib.sha256(copies[RELATIONS_COPY]).hexdigest() != relations_sha256:
            raise EntenteError("the relations file has changed since the result was made (its sha256 differs from "
                               "the one the result records)", file=str(relations),
                               hint="Start the game from the scenario instead, or run the result again.")
    game = Game(folder, turn, start, scenario.months, start, tuple(resolved_teams),
                RELATIONS_COPY if relations else None, seed)
    with removed_on_failure(folder):
        owned_folder(folder, ORDERS, what="game folder", option="--state")
        for name, data in copies.items():
            write_file(folder / name, data, what="game file", option="--state")
        return save(game, [])


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
    """Read game.yaml; a folder that is not a game gets the usual one-paragraph error."""
    from ..io.safe_yaml import load_yaml

    folder = Path(folder)
    path = folder / GAME_FILE
    if not path.is_file():
        raise EntenteError("this folder holds no game (no game.yaml)", file=str(folder),
                           hint="Start one with: python -m sim play SCENARIO --turn MONTHS --state FOLDER")
    data = load_yaml(path, what="game file", follow_links=False).data
    try:
        return Game(folder, int(data["turn"]), int(data["month"]), int(data["horizon"]), int(data["start"]),
                    tuple(data.get("teams") or ()), data.get("relations_file"), data.get("seed"),
                    int(data.get("turns_played", 0)))
    except (KeyError, TypeError, ValueError) as error:
        raise EntenteError(f"the game file is damaged ({error})", file=str(path),
                           hint="It is written by the program; restore it from a copy of the game folder.") from None


def played_events(game: Game) -> list[dict]:
    from ..io.safe_yaml import load_yaml

    return list(load_yaml(game.folder / PLAYED_EVENTS, what="game file", follow_links=False).data.get("events") or [])


def save(game: Game, events: list[dict]) -> Game:
    """Write the state: game.yaml, played.yaml and played_scenario.yaml (the scenario up to this month)."""
    _write(game.folder / PLAYED_EVENTS, HEADER + _dump({"events": events}))
    _write(game.folder / PLAYED_SCENARIO, HEADER + _dump(played_scenario_data(game, events)))
    _write(game.folder / GAME_FILE, HEADER + _dump(game.to_dict()))
    return game


def _scenario_data(game: Game) -> dict:
    from ..io.safe_yaml import load_yaml

    return dict(load_yaml(game.folder / SCENARIO_COPY, what="scenario file", follow_links=False).data)


def as_written_data(game: Game, month: int | None = None) -> dict:
    """The scenario as written, cut at `month` (default: the current month), runnable on its own.

    Its events after the game's start month are kept only up to `month`: a game that took over at month
    N (--from) replaces what the scenario planned after N with what the teams play.
    """
    month = game.month if month is None else month
    data = _scenario_data(game)
    data["months"] = max(month, 1)
    data.pop("expect", None)  # expectations about later months do not apply to a game cut short
    data["events"] = [e for e in data.get("events") or [] if int(e["at"]) <= month]
    data["changes"] = [c for c in data.get("changes") or [] if int(c["at"]) <= month]
    if not data["changes"]:
        data.pop("changes")
    if game.relations_file:
        data["relations_file"] = game.relations_file
    if game.seed is not None:
        data["seed"] = game.seed
    return data


def played_scenario_data(game: Game, events: list[dict]) -> dict:
    """The scenario plus every played event, with the current month as its horizon."""
    data = as_written_data(game, game.month)
    if game.start:
        data["events"] = [e for e in data["events"] if int(e["at"]) <= game.start]
    data["name"] = f"{str(data['name']).strip()} (played to month {game.month})"
    data["events"] = sorted([*data["events"], *events], key=lambda e: int(e["at"]))  # stable
    return data


# --------------------------------------------------------------------------------------------- orders

def _actor_names(scenario) -> list[str]:
    from ..io.tables import canonical_actors

    return [a.name for a in canonical_actors()] + [a.name for a in scenario.added_actors]


def _resolve(text: str, names: list[str]) -> str | None:
    wanted = str(text).strip().casefold()
    return next((name for name in names if name.casefold() == wanted), None)


def read_orders(path: Path, game: Game) -> list[Move]:
    """One team's orders file, checked like a scenario's events, plus the rules of play."""
    from ..io.safe_yaml import load_yaml

    document = load_yaml(path, what="orders file")
    data = document.data

    def fail(where, problem, hint=None):
        return document.error(where, problem, hint, file=str(path))

    if not isinstance(data, dict):
        raise fail((), "an orders file is a mapping with 'actor:' and 'events:'",
                   "Start from the template: python -m sim play --template --state GAME_FOLDER")
    for key in data:
        if key not in ORDER_KEYS:
            raise fail((key,), f"unknown key {key!r}",
                       did_you_mean(str(key), list(ORDER_KEYS)) or f"Allowed keys: {', '.join(ORDER_KEYS)}.")
    if "actor" not in data:
        raise fail((), "the orders do not say which actor the team plays", "Add a line such as 'actor: India'.")
    scenario = load_scenario(game.folder / PLAYED_SCENARIO)
    actor = _resolve(data["actor"], _actor_names(scenario))
    if actor is None:
        names = _actor_names(scenario)
        raise fail(("actor",), f"unknown actor {data['actor']!r}",
                   (did_you_mean(str(data["actor"]), names) + " ").lstrip() + f"Actors: {', '.join(names)}.")
    moves = _checked_events(data, document, path, game, fail, team=path.stem)
    for index, move in enumerate(moves):
        if not takes_part(move.event, actor, _actor_names(scenario)):
            problem, hint = own_actor_rule(actor)
            raise fail(("events", index), problem, hint)
    return moves


def takes_part(event: dict, actor: str, names: list[str]) -> bool:
    """Whether `actor` is the 'from', a 'to' or one of the 'between' of a scenario-event entry."""
    to = event.get("to")
    parties = [event.get("from"), *(to if isinstance(to, list) else [to]), *(event.get("between") or [])]
    return actor in {_resolve(p, names) for p in parties if isinstance(p, str)}


def own_actor_rule(actor: str) -> tuple[str, str]:
    """The rule of play a move broke when its team's actor is not in it: (problem, hint)."""
    return (f"a team playing {actor} can only order moves {actor} takes part in",
            f"Make {actor} the 'from' or the 'to' of this event, or leave the move to the team "
            "that plays those actors.")


def read_news(path: Path, game: Game) -> list[Move]:
    """The teacher's news for the turn: events between any actors, checked like a scenario's events."""
    from ..io.safe_yaml import load_yaml

    document = load_yaml(path, what="news file")
    data = document.data

    def fail(where, problem, hint=None):
        return document.error(where, problem, hint, file=str(path))

    if not isinstance(data, dict) or set(data) - {"events"}:
        raise fail((), "a news file holds one key, 'events:', a list of events as in a scenario",
                   "Write 'events:' and under it items such as '- {type: border_clash, from: India, "
                   "to: Pakistan, note: ...}'.")
    return _checked_events(data, document, path, game, fail, team="news")


def _checked_events(data, document, path: Path, game: Game, fail, *, team: str) -> list[Move]:
    first, last = game.next_turn()
    events = data.get("events")
    if events is None:
        events = []
    if not isinstance(events, list):
        raise fail(("events",), "'events:' must be a list of moves (lines starting with '- ')")
    filled = []
    for index, event in enumerate(events):
        if isinstance(event, dict):
            event = dict(event)
            event.setdefault("at", first)  # a move without a month happens at the start of the turn
            if not str(event.get("note", "")).strip():
                raise fail(("events", index), "every move needs a one-line justification in 'note:'",
                           "Add for instance \"note: to answer Pakistan's new fighters\".")
        filled.append(event)
    # The scenario checker, on a scenario holding just these events: its messages, this file's lines.
    scenario_from_data({"name": "orders", "months": game.horizon, "events": filled},
                       file=str(path), position=document.position)
    for index, event in enumerate(filled):
        if not first <= int(event["at"]) <= last:
            raise fail(("events", index, "at"), f"month {event['at']} is not in this turn (months {first} to {last})",
                       f"Write a month from {first} to {last}, or leave 'at:' out for month {first}.")
    return [Move(event, team, str(path)) for event in filled]


def plan_turn(game: Game, inject: list[Path] = ()) -> TurnPlan:
    """Read and check every orders file in orders/ and the news (news.yaml, --inject files)."""
    if game.over:
        raise EntenteError(f"the game is over: it has reached month {game.horizon}, the scenario's horizon",
                           file=str(game.folder), hint="Run the debrief: python -m sim play --debrief "
                                                       f"--state {game.folder}")
    first, last = game.next_turn()
    owned_folder(game.folder, ORDERS, what="orders folder", option="--state")  # a real folder, never a link
    order_files = tuple(sorted((game.folder / ORDERS).glob("*.yaml")))
    news_inside = [game.folder / NEWS] if os.path.lexists(game.folder / NEWS) else []
    for path in (*order_files, *news_inside):  # files in the game folder are read as they are, never via a link
        check_input_file(path, "orders file" if path.parent.name == ORDERS else "news file", follow_links=False)
    news_files = tuple(p for p in [game.folder / NEWS, *map(Path, inject)] if p.is_file())
    for path in inject:
        if not Path(path).is_file():
            raise EntenteError("there is no such news file", file=str(path),
                               hint="Give the path of a YAML file with an 'events:' list.")
    moves = []
    for path in order_files:
        moves += read_orders(path, game)
    for path in news_files:
        moves += read_news(path, game)
    return TurnPlan(first, last, tuple(moves), order_files, news_files)


def play_turn(game: Game, plan: TurnPlan) -> Game:
    """Add the turn's moves, archive its orders and news, and save the state at the turn's last month."""
    number = game.turns_played + 1
    # Read first, then write, never through a link: an archive name planted as a link to a student's file is
    # refused, not followed (sim.io.safe_files), and orders are the files in the game folder, not links.
    copies = {f"{ORDERS}/{path.name}": _copied_bytes(path, "orders file", inside=True) for path in plan.order_files}
    for index, path in enumerate(plan.news_files):
        inside = Path(path).parent == game.folder
        copies[NEWS if index == 0 else f"news_{index + 1}.yaml"] = _copied_bytes(path, "news file", inside=inside)
    archive = owned_folder(game.folder, TURNS, f"{number:03d}", what="turn archive", option="--state")
    owned_folder(archive, ORDERS, what="turn archive", option="--state")
    for name, data in copies.items():
        write_file(archive / name, data, what="turn archive", option="--state")
    events = played_events(game)
    for move in plan.moves:
        event = dict(move.event)
        event["note"] = f"{move.by}: {str(event['note']).strip()}"
        events.append(event)
    events.sort(key=lambda e: int(e["at"]))  # stable: same-month moves keep the order they were read in
    advanced = replace(game, month=plan.last, turns_played=number)
    save(advanced, events)
    for path in plan.order_files:  # the orders are used: next turn starts from an empty folder
        path.unlink()
    if (game.folder / NEWS).is_file():
        (game.folder / NEWS).unlink()
    return advanced


def played_scenario(game: Game):
    """The Scenario the game's state stands for (a file `sim run` accepts)."""
    return load_scenario(game.folder / PLAYED_SCENARIO)


def game_from_result(result_dir, folder, *, month: int, turn: int, teams=(), scenario_path=None) -> Game:
    """A new game that takes over a result folder's scenario at month N (seed and relations as recorded).

    The result folder is read back as untrusted input (sim.io.folder_reader: manifest checked, links refused;
    sim.io.summary_fields: summary.json's types checked), and the relations file it names is copied only when it is
    a relations file with the sha256 the result records: a tampered summary.json cannot make the game copy
    any other file."""
    from ..io.folder_reader import CheckedFolder
    from ..io.summary_fields import check_summary

    checked = CheckedFolder(result_dir)
    if not checked.has("summary.json"):
        raise EntenteError("this is not a result folder (its manifest lists no summary.json)", file=str(result_dir),
                           hint="Give a folder written by python -m sim run.")
    summary_path = Path(result_dir) / "summary.json"
    summary = check_summary(checked.json("summary.json"), str(summary_path))
    source = scenario_path or summary["scenario_file"]
    if not source:
        raise EntenteError("the result does not record its scenario file", file=str(summary_path),
                           hint="Name it with --scenario FILE.")
    source = str(source).removesuffix(" (bundled)")
    if not find_scenario(source).exists():
        raise EntenteError(f"the result's scenario file {source!r} is not there any more", file=str(summary_path),
                           hint="Run from the folder the result was made in, or name the file with --scenario.")
    if not 0 <= month < summary["months"]:
        raise EntenteError(f"--month must be from 0 to {summary['months'] - 1} for this result, got {month}")
    from ..io.relations import recorded_relations_path

    recorded, recorded_sha256 = summary.get("relations_file"), summary.get("relations_sha256")
    relations = str(recorded_relations_path(recorded)) if recorded else None
    if relations is not None and not recorded_sha256:
        raise EntenteError("the result names a relations file but not its sha256", file=str(summary_path),
                           field="relations_sha256", hint="Run the scenario again to make the result afresh.")
    return new_game(source, folder, turn=turn, teams=teams, relations_file=relations,
                    seed=summary["seed"], start=month, relations_sha256=recorded_sha256 if relations else None)


ORDERS_TEMPLATE = """\
# Orders for one turn of an Entente game. Save as orders/TEAM.yaml in the game folder (one file a team).
# Each move is an event as in a scenario file, taken by (or towards) the actor the team plays.
# Event types and what they mean: python -m sim list events.  Actors: python -m sim list actors.
actor: {actor}
events:
  - type: diplomatic_visit   # an event type from the codebook
    from: {actor}
    to: {other}
    intensity: 1.0           # 1 = a full event of its type; 0.5 a small one
    at: {first}                  # a month of this turn ({first} to {last}); leave out for month {first}
    note: why we do it, in one line
"""


def orders_template(game: Game, actor: str | None = None) -> str:
    first, last = game.next_turn()
    actor = actor or (game.teams[0] if game.teams else "India")
    other = "Russia" if actor != "Russia" else "China"
    return ORDERS_TEMPLATE.format(actor=actor, other=other, first=first, last=last)


def write_orders(game: Game, team: str, actor: str, events: list[dict]) -> Path:
    """Orders typed at the terminal, written as a file so that they are checked and kept like the rest."""
    path = game.folder / ORDERS / f"{team}.yaml"
    _write(path, "# Typed at the terminal (python -m sim play, interactive).\n"
           + _dump({"actor": actor, "events": events}))
    return path
