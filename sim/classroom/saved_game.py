"""One saved-game format for `sim play` and the app: a game is a small YAML file of plain data.

`sim play` keeps it as game.yaml in its game folder; the app's "Save game" downloads the same text and
"Continue a saved game" reads it back (so a game started on the page continues at the terminal, and the
other way round). It holds the scenario as written, the rules, the teams, every move and news item played
(each with who asked for it), the proposals waiting for an answer, and the month. Nothing in it is a model
snapshot: the model is deterministic for a scenario and a seed, so re-running the scenario plus the played
events from month 0 gives exactly the game's world.

Older saves are read too: a game folder written before this format (game.yaml with `horizon:`, plus
scenario.yaml and played.yaml) and a page save with `entente_game: 1`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from .play_rules import Proposal, Rules, words_for

GAME_FORMAT = 2
GAME_HEADER = ("# An Entente game, saved by python -m sim play or the app's 'Save game' (the same format).\n"
               "# Written by the program. Between turns a teacher may edit the 'rules:' block.\n")
GAME_KEYS = ("entente_game", "scenario", "scenario_data", "label", "relations_file", "parameters", "seed",
             "start", "month", "turn", "teams", "rules", "turns_played", "played", "proposals", "pending")
NEWS = "news"  # who a news item (or a teacher's live event) is by
PENDING_KEYS = ("team", "do", "intensity", "note")
RESERVED_TEAMS = ("news", "scenario", "reactions", "the world's own pull")  # names the reports use
RELATIONS_COPY = "relations.yaml"  # a game's own copy of the relations file it started from
_TEAM_NAME = re.compile(r"[^\W_][\w .'-]{0,39}")  # letters or digits first; never a path separator


def team_name_problem(name: str) -> str | None:
    """Why `name` cannot name a team (it becomes an orders file's name and a report's column), or None."""
    if not _TEAM_NAME.fullmatch(name) or name.endswith((".", " ")):
        return (f"{name!r} cannot be a team's name: use up to 40 letters, digits, spaces, dots, hyphens or "
                "apostrophes, starting with a letter or digit")
    if name.casefold() in RESERVED_TEAMS or " and " in name:
        return f"{name!r} cannot be a team's name: the reports use it for something else"
    return None


@dataclass(frozen=True)
class Game:
    """A game's whole state, as its saved file holds it (folder: where `sim play` keeps it, if anywhere)."""

    scenario_data: dict
    label: str
    turn: int  # months per turn
    month: int = 0  # months played so far
    start: int = 0  # the month the game took over from the scenario (0, or N with --from)
    teams: tuple[tuple[str, str], ...] = ()  # (team, the actor it plays)
    rules: Rules = Rules()
    played: tuple[dict, ...] = ()  # scenario-event entries with 'by' (a team, 'A and B', or 'news')
    proposals: tuple[Proposal, ...] = ()  # cooperative moves waiting for the other team's answer
    pending: tuple[dict, ...] = ()  # moves ordered on the page for the coming turn (PENDING_KEYS)
    turns_played: int = 0
    parameters: dict = field(default_factory=dict)
    seed: int | None = None
    relations_file: str | None = None  # relative to the game folder (sim play only)
    bundled: str | None = None  # the bundled scenario's name, when it is one
    folder: Path | None = field(default=None, compare=False)

    @property
    def horizon(self) -> int:
        return int(self.scenario_data["months"])

    @property
    def over(self) -> bool:
        return self.month >= self.horizon

    def next_turn(self) -> tuple[int, int]:
        """First and last month of the coming turn."""
        return self.month + 1, min(self.month + self.turn, self.horizon)

    def team_actors(self) -> dict[str, str]:
        return dict(self.teams)

    def team_named(self, text: str) -> str | None:
        """The team whose name is `text` (any case), or None."""
        wanted = str(text).strip().casefold()
        return next((team for team, _ in self.teams if team.casefold() == wanted), None)

    def to_dict(self) -> dict:
        data: dict = {"entente_game": GAME_FORMAT}
        if self.bundled:
            data["scenario"] = self.bundled
        data.update({
            "scenario_data": self.scenario_data, "label": self.label, "relations_file": self.relations_file,
            "parameters": dict(self.parameters), "seed": self.seed, "start": self.start, "month": self.month,
            "turn": self.turn, "teams": {team: actor for team, actor in self.teams}, "rules": self.rules.to_dict(),
            "turns_played": self.turns_played, "played": [dict(e) for e in self.played],
            "proposals": [p.to_dict() for p in self.proposals], "pending": [dict(m) for m in self.pending]})
        return data


def game_text(game: Game) -> str:
    """The saved game as YAML text (game.yaml, or the app's download)."""
    import yaml

    return GAME_HEADER + yaml.safe_dump(game.to_dict(), sort_keys=False, allow_unicode=True, width=100,
                                        default_flow_style=False)


def read_game(document, name: str, folder: Path | None = None) -> Game:
    """A saved game from its parsed YAML (sim.inputs.safe_yaml); every mistake names the file and the place.

    folder: the game folder, when the file is a game folder's game.yaml (an old folder is read from it).
    """
    data = document.data

    def fail(path, problem, hint="The file is written by the program: restore it from a copy, or save the "
                                 "game again."):
        return document.error(path, problem, hint, file=name)

    if not isinstance(data, dict):
        raise fail((), "this is not a saved game", "Choose a game.yaml from a game folder or a file made by "
                                                  "'Save game'.")
    version = data.get("entente_game")
    if version is None and "horizon" in data and folder is not None:
        return _from_old_folder(data, folder, fail)
    if version == 1:
        return _from_page_format_1(data, name, fail)
    if version != GAME_FORMAT:
        raise fail((), f"this is not a saved game of this version (entente_game: {version!r}, expected "
                       f"{GAME_FORMAT})", "Choose a game.yaml from a game folder or a file made by 'Save game'; "
                                          "a scenario file goes in the scenario upload instead.")
    for key in data:
        if key not in GAME_KEYS:
            raise fail((key,), f"unknown key {key!r}", did_you_mean(str(key), list(GAME_KEYS)) or
                       f"Allowed keys: {', '.join(GAME_KEYS)}.")
    scenario_data = data.get("scenario_data")
    if scenario_data is None and data.get("scenario"):
        scenario_data = _bundled_data(str(data["scenario"]), fail)
    if not isinstance(scenario_data, dict):
        raise fail(("scenario_data",), "the game holds no scenario ('scenario_data:')")
    _check_types(data, fail)
    rules = Rules.from_data(data.get("rules"), lambda path, problem, hint=None: fail(path, problem, hint))
    try:
        teams = tuple((str(t), str(a)) for t, a in (data.get("teams") or {}).items())
        played = tuple(dict(e) for e in data.get("played") or ())
        proposals = tuple(Proposal.from_dict(p) for p in data.get("proposals") or ())
        pending = tuple(dict(m) for m in data.get("pending") or ())
        seed = data.get("seed")
        game = Game(scenario_data, str(data.get("label") or name), int(data["turn"]), int(data.get("month", 0)),
                    int(data.get("start", 0)), teams, rules, played, proposals, pending,
                    int(data.get("turns_played", 0)), dict(data.get("parameters") or {}),
                    None if seed is None else int(seed), data.get("relations_file"),
                    None if data.get("scenario") is None else str(data["scenario"]), folder)
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as error:
        raise fail((), f"the game file is damaged ({type(error).__name__}: {error})") from None
    _check(game, fail, document)
    return game


_KINDS = {  # key: (accepted types, in words); None is accepted where a default exists
    "label": ((str,), "a line of text"), "scenario": ((str,), "the name of a bundled scenario"),
    "seed": ((int,), "a whole number"), "start": ((int,), "a whole number"), "month": ((int,), "a whole number"),
    "turn": ((int,), "a whole number"), "turns_played": ((int,), "a whole number"),
    "parameters": ((dict,), "a mapping"), "teams": ((dict,), "a mapping of team names to the actors they play"),
    "played": ((list,), "a list"), "proposals": ((list,), "a list"), "pending": ((list,), "a list"),
}


def _check_types(data: dict, fail) -> None:
    """Every field of a saved game is of its kind before anything is built from it (a hand-edited or
    tampered file gets one paragraph naming the field, not a Python error)."""
    from ..errors import describe_value

    for key, (kinds, words) in _KINDS.items():
        value = data.get(key)
        if value is not None and (not isinstance(value, kinds) or isinstance(value, bool)):
            raise fail((key,), f"'{key}' must be {words}, got {describe_value(value)}")
    for team, actor in (data.get("teams") or {}).items():
        if not isinstance(team, str) or not isinstance(actor, str):
            raise fail(("teams",), "every team and the actor it plays must be names (text)")
    for key in ("played", "proposals", "pending"):
        for index, entry in enumerate(data.get(key) or ()):
            if not isinstance(entry, dict):
                raise fail((key, index), f"every entry of '{key}' must be a mapping of its fields, got "
                                         f"{describe_value(entry)}")
    for index, move in enumerate(data.get("pending") or ()):
        if not all(isinstance(move.get(k), str) for k in ("team", "do")):
            raise fail(("pending", index), "a pending move is not a team's order ('team:', 'do:', 'note:')")


def _check_events(game: Game, fail, document) -> None:
    """The scenario and every played entry pass the scenario checker, errors naming this file's lines."""
    from ..inputs.scenario_file import scenario_from_data

    name = fail((), "").file
    position = (lambda path: document.position(path)) if document is not None else None
    try:
        scenario_from_data(game.scenario_data, file=name, base_dir=game.folder,
                           position=position and (lambda path: position(("scenario_data", *path))))
    except EntenteError as error:
        error.field = "scenario_data" + (f".{error.field}" if error.field else "")
        raise
    entries = []
    for index, entry in enumerate(game.played):
        if not isinstance(entry.get("by"), str) or not entry["by"].strip():
            raise fail(("played", index), "a played move does not say who played it ('by:')")
        entries.append(scenario_entry(entry))
    try:
        scenario_from_data({"name": "played", "months": game.horizon, "events": entries}, file=name,
                           position=position and (lambda path: position(("played", *path[1:]))))
    except EntenteError as error:
        if error.field and error.field.startswith("events"):
            error.field = "played" + error.field[len("events"):]
        raise


def _check(game: Game, fail, document=None) -> None:
    """What the program relies on: months in range, every entry's keys, moves by the game's teams."""
    if game.relations_file not in (None, RELATIONS_COPY):
        raise fail(("relations_file",), f"a game's relations file is its own copy, {RELATIONS_COPY!r}, not "
                                        f"{game.relations_file!r}")
    try:
        _check_events(game, fail, document)
    except (AttributeError, KeyError, TypeError, ValueError, OverflowError) as error:
        raise fail((), f"the game file is damaged ({type(error).__name__}: {error})") from None
    if not 1 <= game.turn <= game.horizon:
        raise fail(("turn",), f"a turn must be from 1 to {game.horizon} months, got {game.turn}")
    if not 0 <= game.start <= game.month <= game.horizon:
        raise fail(("month",), f"month {game.month} is outside the game's {game.start} to {game.horizon}")
    teams = game.team_actors()
    for team in teams:
        problem = team_name_problem(team)
        if problem:
            raise fail(("teams", team), problem)
    for index, move in enumerate(game.pending):
        if set(move) - set(PENDING_KEYS) or move.get("team") not in teams or not isinstance(move.get("do"), str):
            raise fail(("pending", index), "a pending move is not a team's order ('team:', 'do:', 'note:')")
    for index, proposal in enumerate(game.proposals):
        if proposal.by not in teams or proposal.to_team not in teams:
            raise fail(("proposals", index), "a proposal names a team that is not in this game")


def _bundled_data(name: str, fail) -> dict:
    from ..inputs.resources import bundled_scenario
    from ..inputs.safe_yaml import load_yaml

    path = bundled_scenario(name)
    if path is None:
        raise fail(("scenario",), f"there is no bundled scenario {name!r}")
    return dict(load_yaml(path, what="scenario file").data)


def _note_and_by(entry: dict, teams) -> dict:
    """An old save kept who played a move as the note's prefix ('India: ...'): split it off again."""
    entry = dict(entry)
    note = str(entry.get("note", ""))
    by, _, rest = note.partition(": ")
    entry["by"], entry["note"] = (by, rest) if rest and by in teams else (NEWS, note)
    return entry


def _from_old_folder(data: dict, folder: Path, fail) -> Game:
    """A game folder written before saved games had one format: its game.yaml, scenario.yaml and played.yaml."""
    from ..inputs.safe_yaml import load_yaml

    try:
        scenario = dict(load_yaml(folder / "scenario.yaml", what="scenario file").data)
        played = load_yaml(folder / "played.yaml", what="game file").data.get("events") or []
        actors = [str(a) for a in data.get("teams") or ()]
        teams = tuple((a, a) for a in actors)
        game = Game(scenario, str(scenario.get("name", folder.name)), int(data["turn"]), int(data["month"]),
                    int(data["start"]), teams, Rules(), tuple(_note_and_by(e, actors) for e in played),
                    turns_played=int(data.get("turns_played", 0)), seed=data.get("seed"),
                    relations_file=data.get("relations_file"), folder=folder)
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise fail((), f"this game folder was written by an older version and cannot be read ({error})",
                   f"Start the game again from its played scenario: python -m sim play "
                   f"{folder / 'played_scenario.yaml'} --turn MONTHS --state NEW_FOLDER") from None
    return game


def _from_page_format_1(data: dict, name: str, fail) -> Game:
    """A game saved by the page before the shared format: injects and pending moves in scenario form."""
    try:
        scenario_data = data.get("scenario_data")
        if scenario_data is None:
            scenario_data = _bundled_data(str(data["scenario"]), fail)
        teams = tuple((str(t), str(a)) for t, a in (data.get("teams") or {}).items())
        team_names = [t for t, _ in teams]
        actors = dict(teams)
        pending = tuple({"team": m["team"], "do": words_for({**m, "to": _one(m["to"])}, actors[m["team"]]),
                         "intensity": float(m.get("intensity", 1.0)), "note": m["note"]}
                        for m in data.get("pending") or ())
        game = Game(dict(scenario_data), str(data.get("label") or name), int(data.get("turn", 1)),
                    int(data.get("month", 0)), 0, teams, Rules(),
                    tuple(_note_and_by(e, team_names) for e in data.get("injects") or ()), (), pending, 0,
                    dict(data.get("parameters") or {}), None if data.get("seed") is None else int(data["seed"]),
                    None, None if data.get("scenario") is None else str(data["scenario"]))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise fail((), f"this game was saved by an older version of the page and cannot be read ({error})",
                   "Open its scenario again and replay the moves listed in the file.") from None
    _check(game, fail)
    return game


def _one(value):
    return value[0] if isinstance(value, list) else value


def scenario_entry(played: dict) -> dict:
    """A played entry as a scenario event: a team's name becomes the note's prefix ('India: to answer ...');
    news (and the teacher's live events) keep their note as written."""
    entry = {key: value for key, value in played.items() if key not in ("by", "turn")}
    note = str(played.get("note", "")).strip()
    if played["by"] != NEWS:
        entry["note"] = f"{played['by']}: {note}" if note else str(played["by"])
    return entry
