"""One browser session's game: a scenario, its parameters and seed, the events added live, and the month.

The page holds one `GameSession` per browser session and replaces it with a new one on every action (the
type is frozen), so two sessions never share a model and a re-render never sees half an update.

How the model reaches the current month: every Result is a deterministic re-run from month 0 to the
current month, of the scenario with the live events added to its events list. The model draws its random
numbers month by month whatever the horizon, so the run to month 12 is exactly the first 12 months of the
run to month 36 (tests/test_app_session.py checks it), and a live event is an ordinary scenario event that
the same checker as the command line accepts or refuses. Changing a parameter or the seed replays the
months so far under the new value. Re-running costs a fraction of a second at classroom sizes; stepping
one `AlignmentModel` and its baseline in place would save that but keep two mutable models per session.

Play mode (turn-by-turn moves by teams, as `sim play`): a team's move waits in `pending` until the
teacher advances the turn, which injects every pending move for the coming month (its note starts with
the team, as in `sim play`'s played.yaml) and steps the turn's months. The whole game is plain data, so
`save_game`/`load_game` write and read it as a small YAML file, and a continued game re-runs to exactly
the same Result.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from ..core.events import ScheduledEvent
from ..core.parameters import specs
from ..core.scenario import Scenario
from ..errors import EntenteError, describe_value, did_you_mean
from ..experiment.play import own_actor_rule, takes_part
from ..experiment.result import Result
from ..experiment.runner import run
from ..io.cost import check_scenario
from ..io.resources import bundled_scenario, bundled_scenarios
from ..io.safe_yaml import MAX_BYTES, load_yaml
from ..io.scenario_file import scenario_from_data
from ..io.tables import load_codebook

_PLACE = re.compile(r"events\[(\d+)\]")
PAGE_LIFT = ("run it on your own computer with `python -m sim run FILE --allow-large` (the page keeps to the "
             "limits, as it serves the whole class)")


def bundled_names() -> list[str]:
    """The bundled scenarios a page can offer, by name (`arms_sale_pakistan`)."""
    return [path.stem for path in bundled_scenarios()]


@dataclass(frozen=True)
class GameSession:
    """What one browser session is playing. Every method returns a new session; none changes this one.

    data: the scenario as plain data (parsed YAML), kept so that live events and slider values go through
    the same checks as a scenario file. label: how errors name the file. parameters: the sliders' values
    (overrides of the file's). injects: the live events, as scenario event entries with their month.
    """

    data: dict
    label: str
    position: Callable[[tuple], Any] | None = field(default=None, compare=False)
    base_dir: Path | None = None
    parameters: dict = field(default_factory=dict)
    seed: int | None = None
    injects: tuple[dict, ...] = ()
    month: int = 0
    bundled_name: str | None = None  # set for a bundled scenario: a saved game names it instead of copying it
    turn: int = 1  # play mode: months per turn
    teams: tuple[tuple[str, str], ...] = ()  # play mode: (team, the actor it plays)
    pending: tuple[dict, ...] = ()  # play mode: moves for the coming turn, {"team": ..., **event entry}

    # -- starting a session -------------------------------------------------------------------------------
    @classmethod
    def bundled(cls, name: str) -> "GameSession":
        """A session on a bundled scenario, by name."""
        path = bundled_scenario(name)
        if path is None:
            raise EntenteError(f"there is no bundled scenario {name!r}",
                               hint=f"The bundled scenarios are: {', '.join(bundled_names())}.")
        session = cls._from_file(path, f"{path.stem} (bundled)", base_dir=path.resolve().parent)
        return replace(session, bundled_name=path.stem)

    @classmethod
    def uploaded(cls, filename: str, content: bytes) -> "GameSession":
        """A session on an uploaded scenario file; its errors name the file as the student named it.

        The bytes go through the same reader as `sim validate` (size, encoding, safe YAML, schema, world).
        """
        name = Path(filename.replace("\\", "/")).name or "uploaded.yaml"
        if len(content) > MAX_BYTES:
            raise EntenteError(f"the scenario file is larger than the limit of {MAX_BYTES:,} bytes", file=name,
                               hint="Scenario files are a few kilobytes; check you chose the right file.")
        with tempfile.TemporaryDirectory(prefix="entente-upload-") as folder:
            path = Path(folder) / "scenario.yaml"
            path.write_bytes(content)
            try:
                return cls._from_file(path, name, base_dir=None)
            except EntenteError as error:
                if error.file is not None and error.file.startswith(folder):
                    error.file = name
                raise

    @classmethod
    def _from_file(cls, path: Path, label: str, *, base_dir: Path | None) -> "GameSession":
        document = load_yaml(path, what="scenario file")
        if base_dir is None:  # sent by a browser: it may name no file of the server
            refuse_server_files(document.data, label, document.position)
        return cls(data=document.data, label=label, position=document.position, base_dir=base_dir).checked()

    # -- what the session is ------------------------------------------------------------------------------
    @cached_property
    def scenario(self) -> Scenario:
        """The scenario with the sliders' values, the seed and the live events, checked like a file."""
        data = dict(self.data)
        if self.parameters:
            data["parameters"] = {**data.get("parameters", {}), **self.parameters}
        if self.seed is not None:
            data["seed"] = self.seed
        if self.injects:
            data["events"] = [*data.get("events", []), *self.injects]
        return scenario_from_data(data, file=self.label, position=self._position, base_dir=self.base_dir)

    def _position(self, path: tuple):
        """Where a part of the file was written; None for the live events, which no file holds."""
        written = len(self.data.get("events", []))
        if len(path) >= 2 and path[0] == "events" and isinstance(path[1], int) and path[1] >= written:
            return None
        return self.position(path) if self.position else None

    def checked(self) -> "GameSession":
        """This session, once its scenario has passed the checks (raises EntenteError otherwise): the same
        checker as a scenario file, and the same cost limits as `sim run`, for the whole horizon (the page
        serves a class from one server: it never lifts them)."""
        check_scenario(self.scenario, lift=PAGE_LIFT)
        return self

    @property
    def months(self) -> int:
        return self.scenario.months

    @property
    def finished(self) -> bool:
        return self.month >= self.months

    @property
    def live_events(self) -> tuple[ScheduledEvent, ...]:
        """The events added live, as the model receives them (a meeting split into pairs)."""
        first = len(self.data.get("events", []))
        return tuple(event for event in self.scenario.events
                     if (match := _PLACE.fullmatch(event.place)) and int(match.group(1)) >= first)

    @cached_property
    def result(self) -> Result:
        """The run from month 0 to the current month (and its baseline), summary included."""
        scenario = self.scenario
        upto = replace(scenario, months=self.month,
                       events=tuple(e for e in scenario.events if e.month <= self.month),
                       changes=tuple(c for c in scenario.changes if c.month <= self.month),
                       expectations=())
        return run(upto)

    # -- actions ------------------------------------------------------------------------------------------
    def step(self, months: int = 1) -> "GameSession":
        """Advance by some months (not past the scenario's horizon)."""
        return replace(self, month=min(self.month + max(months, 0), self.months))

    def run_to_end(self) -> "GameSession":
        return replace(self, month=self.months)

    def reset(self) -> "GameSession":
        """Back to month 0 without the live events or pending moves; sliders, seed and teams stay."""
        return replace(self, month=0, injects=(), pending=())

    def with_parameter(self, name: str, value) -> "GameSession":
        """A slider moved: the months so far are replayed under the new value."""
        return replace(self, parameters={**self.parameters, name: value}).checked()

    def with_seed(self, seed: int) -> "GameSession":
        return replace(self, seed=int(seed)).checked()

    def inject(self, type: str, source: str | None = None, targets: tuple[str, ...] = (),
               between: tuple[str, ...] = (), intensity: float = 1.0, note: str = "") -> "GameSession":
        """Add an event for the coming month (the current month + 1), checked like a scenario file's event.

        Either source and targets (one actor acting on others) or between (a meeting of several).
        """
        return self._with_entry(_entry(type, source, targets, between, intensity, note))

    def _with_entry(self, entry: dict) -> "GameSession":
        if self.finished:
            raise EntenteError(f"the scenario has reached its last month ({self.months}): nothing can happen "
                               f"after it", hint="Reset to play it again, or raise 'months:' in the file.")
        entry = {"at": self.month + 1, **entry}
        try:
            return replace(self, injects=(*self.injects, entry)).checked()
        except EntenteError as error:  # name the live event, not its place in a list no file holds
            place = f"events[{len(self.data.get('events', [])) + len(self.injects)}]"
            if error.field and error.field.startswith(place):
                raise EntenteError(error.problem, field="the live event" + error.field[len(place):],
                                   hint=error.hint) from None
            raise


    # -- play mode -----------------------------------------------------------------------------------------
    def with_play(self, turn: int, teams: dict[str, str]) -> "GameSession":
        """Set the turn length (months) and the teams (team name -> the actor it plays)."""
        if not 1 <= int(turn) <= self.months:
            raise EntenteError(f"a turn must be from 1 to {self.months} months (the scenario's horizon), "
                               f"got {turn}", field="turn length", hint="Choose a few months, e.g. 3 or 6.")
        names = actor_choices(self)
        pairs = []
        for team, actor in teams.items():
            team = str(team).strip()
            if not team:
                raise EntenteError("every team needs a name", field="teams", hint="Name it after its actor.")
            if actor not in names:
                raise EntenteError(f"team {team!r} plays {actor!r}, which is not an actor of this scenario",
                                   field="teams", hint=f"{did_you_mean(str(actor), names)} Actors: "
                                                       f"{', '.join(names)}.".lstrip())
            pairs.append((team, actor))
        return replace(self, turn=int(turn), teams=tuple(pairs))

    def actor_of(self, team: str) -> str:
        actors = dict(self.teams)
        if team not in actors:
            raise EntenteError(f"there is no team {team!r} in this game", field="team",
                               hint=f"The teams are: {', '.join(actors) or 'none yet (add them first)'}.")
        return actors[team]

    def move(self, team: str, type: str, source: str | None = None, targets: tuple[str, ...] = (),
             between: tuple[str, ...] = (), intensity: float = 1.0, note: str = "") -> "GameSession":
        """A team's move for the coming turn, checked now (the scenario checker plus `sim play`'s rules)."""
        self.actor_of(team)
        if not note.strip():
            raise EntenteError("every move needs a one-line justification", field="justification",
                               hint="Add for instance \"to answer Pakistan's new fighters\".")
        move = {"team": team, **_entry(type, source, targets, between, intensity, note)}
        return replace(self, pending=(*self.pending, self.checked_move(move)))

    def checked_move(self, move) -> dict:
        """A pending move ({"team": ..., **event entry}) checked as the page checks one made on it: its team,
        a justification, the scenario checker, and `sim play`'s rule that a team moves its own actor.
        A saved game's pending moves come back through here, whatever the file holds."""
        if not isinstance(move, dict):
            raise EntenteError(f"a move must be a mapping of its fields, got {describe_value(move)}", field="the move")
        unknown = sorted(str(key) for key in move if key not in MOVE_KEYS)
        if unknown:
            raise EntenteError(f"a move has the unknown field(s) {', '.join(map(repr, unknown))}", field="the move",
                               hint=f"A move has only: {', '.join(MOVE_KEYS)}.")
        team = move.get("team")
        actor = self.actor_of(team if isinstance(team, str) else describe_value(team))
        note = move.get("note")
        if not isinstance(note, str) or not note.strip():
            raise EntenteError(f"team {team!r}: every move needs a one-line justification", field="justification",
                               hint="Add for instance \"to answer Pakistan's new fighters\".")
        entry = {key: value for key, value in move.items() if key != "team"}
        self._with_entry(entry)  # refused here, with the checker's words, if the event itself is wrong
        if not takes_part(entry, actor, actor_choices(self)):
            problem, hint = own_actor_rule(actor)
            raise EntenteError(f"team {team!r}: {problem}", field="the move", hint=hint)
        return {"team": team, **entry}

    def advance_turn(self) -> "GameSession":
        """Every pending move happens in the coming month; then the turn's months are played."""
        session = replace(self, pending=())
        for move in self.pending:
            entry = {key: value for key, value in move.items() if key != "team"}
            entry["note"] = f"{move['team']}: {entry['note']}"  # as `sim play` writes played.yaml
            session = session._with_entry(entry)
        return session.step(self.turn)


MOVE_KEYS = ("team", "type", "from", "to", "between", "intensity", "note")  # what `move` stores; no "at"


def _entry(type: str, source: str | None, targets: tuple[str, ...], between: tuple[str, ...],
           intensity: float, note: str) -> dict:
    """A scenario event entry (without its month) from the page's choices."""
    entry: dict[str, Any] = {"type": type, "intensity": float(intensity)}
    if between:
        entry["between"] = list(between)
    else:
        if source is not None:
            entry["from"] = source
        if targets:
            entry["to"] = list(targets) if len(targets) > 1 else targets[0]
    if note.strip():
        entry["note"] = note.strip()
    return entry


# -- save and continue ------------------------------------------------------------------------------------
GAME_FORMAT = 1
GAME_HEADER = ("# An Entente game saved from the browser page (python -m sim app). Continue it there with "
               "'Continue a saved game'.\n")
GAME_KEYS = ("entente_game", "scenario", "scenario_data", "label", "parameters", "seed", "month", "turn",
             "teams", "injects", "pending")


def save_game(session: GameSession) -> str:
    """The game as a small YAML text: the session's plain data, enough to re-run it exactly."""
    import yaml

    data: dict[str, Any] = {"entente_game": GAME_FORMAT}
    if session.bundled_name:
        data["scenario"] = session.bundled_name
    else:
        data["scenario_data"] = session.data
    data.update({"label": session.label, "parameters": dict(session.parameters), "seed": session.seed,
                 "month": session.month, "turn": session.turn,
                 "teams": {team: actor for team, actor in session.teams},
                 "injects": [dict(e) for e in session.injects], "pending": [dict(m) for m in session.pending]})
    return GAME_HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def load_game(filename: str, content: bytes) -> GameSession:
    """A saved game, read by the safe YAML reader and checked again like a scenario (errors name the file)."""
    name = Path(filename.replace("\\", "/")).name or "game.yaml"
    if len(content) > MAX_BYTES:
        raise EntenteError(f"the game file is larger than the limit of {MAX_BYTES:,} bytes", file=name,
                           hint="A saved game is a few kilobytes; check you chose the right file.")
    with tempfile.TemporaryDirectory(prefix="entente-game-") as folder:
        path = Path(folder) / "game.yaml"
        path.write_bytes(content)
        try:
            document = load_yaml(path, what="game file")
        except EntenteError as error:
            if error.file is not None and error.file.startswith(folder):
                error.file = name
            raise
    data = document.data

    def fail(key, problem, hint="Save the game again from the page; the file is written by the program."):
        line, column = (document.position((key,)) if key else None) or (None, None)
        return EntenteError(problem, file=name, line=line, column=column, field=key, hint=hint)

    if not isinstance(data, dict) or data.get("entente_game") != GAME_FORMAT:
        raise fail(None, "this is not a game saved from the page (no 'entente_game: 1')",
                   "Choose a file made by 'Save game'; a scenario file goes in the scenario upload instead.")
    for key in data:
        if key not in GAME_KEYS:
            raise fail(key, f"unknown key {key!r}", did_you_mean(str(key), list(GAME_KEYS)) or
                       f"Allowed keys: {', '.join(GAME_KEYS)}.")
    def kind(key, wanted, default, words):
        value = data.get(key, default)
        if value is None:
            value = default
        if not isinstance(value, wanted) or isinstance(value, bool):
            raise fail(key, f"'{key}' must be {words}, got {describe_value(value)}")
        return value

    label = kind("label", str, name, "a line of text")
    if "scenario" in data:
        session = GameSession.bundled(str(kind("scenario", str, "", "the name of a bundled scenario")))
    elif isinstance(data.get("scenario_data"), dict):
        refuse_server_files(data["scenario_data"], name, lambda path: document.position(("scenario_data", *path)))
        session = GameSession(data=data["scenario_data"], label=label).checked()
    else:
        raise fail(None, "the game names no scenario ('scenario:' or 'scenario_data:')")
    teams = kind("teams", dict, {}, "a mapping of team names to the actors they play")
    seed = data.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise fail("seed", f"'seed' must be a whole number, got {describe_value(seed)}")
    for key in ("injects", "pending"):
        if not all(isinstance(entry, dict) for entry in kind(key, list, [], "a list")):
            raise fail(key, f"every entry of '{key}' must be a mapping of its fields")
    month, turn = kind("month", int, 0, "a whole number"), kind("turn", int, 1, "a whole number")
    try:  # the checks of the page: the scenario checker, then the rules of play, then each pending move
        session = replace(session, parameters=dict(kind("parameters", dict, {}, "a mapping")), seed=seed,
                          injects=tuple(dict(e) for e in data.get("injects") or ())).checked()
        session = session.with_play(turn, {str(team): str(actor) for team, actor in teams.items()})
        if not 0 <= month <= session.months:
            raise fail("month", f"month {month} is outside the scenario's 0 to {session.months}")
        session = replace(session, month=month)
        pending = tuple(session.checked_move(move) for move in data.get("pending") or ())
    except EntenteError as error:  # the scenario was checked above: what is wrong is in the game file
        key = str(error.field or "").split(".")[0].split("[")[0]
        key = {"events": "injects"}.get(key, key)
        line, column = (document.position((key,)) if key in data else None) or (None, None)
        raise EntenteError(error.problem, file=name, line=line, column=column, field=error.field,
                           hint=error.hint) from None
    return replace(session, pending=pending)


def refuse_server_files(data, name: str, position=None) -> None:
    """A scenario sent by a browser names no file of the server (its relations file would be read there)."""
    if isinstance(data, dict) and "relations_file" in data:
        line, column = (position(("relations_file",)) if position else None) or (None, None)
        raise EntenteError("a scenario sent to the page cannot name a relations file: it would be read on the "
                           "server, not on your computer", file=name, line=line, column=column,
                           field="relations_file",
                           hint="Remove relations_file (the page starts from the bundled article's relations), or "
                                "run the scenario on your computer with `python -m sim run`.")


def upload_event(data, *, default_name: str, what: str) -> tuple[str, bytes]:
    """The file name and bytes of an upload event sent by the page's file input, whatever a browser sent.

    The page's script sends {name, too_large, bytes: [0..255, ...]}; a hand-made websocket message can send
    anything, so every part is checked before use and the size before the bytes are built.
    """
    if not isinstance(data, dict):
        raise EntenteError(f"the {what} did not arrive whole", hint="Choose the file again.")
    raw_name = data.get("name")
    name = Path(raw_name.replace("\\", "/")).name if isinstance(raw_name, str) else ""
    name = name[:200] or default_name
    content = data.get("bytes", [])
    if data.get("too_large") is True or (isinstance(content, (list, str, bytes)) and len(content) > MAX_BYTES):
        raise EntenteError(f"the {what} is larger than the limit of {MAX_BYTES:,} bytes", file=name,
                           hint="A scenario file or a saved game is a few kilobytes; check you chose the right file.")
    if not isinstance(content, list) or not all(type(b) is int and 0 <= b <= 255 for b in content):
        raise EntenteError(f"the {what} did not arrive whole", file=name, hint="Choose the file again.")
    return name, bytes(content)


def actor_choices(session: GameSession) -> list[str]:
    """The actors of the session's world, in matrix order (the default actors plus any the file adds)."""
    from ..io.world import build_world

    return list(build_world(session.scenario).names)


def event_type_choices() -> dict[str, str]:
    """Event type name -> its label in the codebook, in the codebook's order."""
    return {name: kind.label for name, kind in load_codebook().items()}


def parameter_specs():
    """The parameters the page shows as controls, with their meanings: one source (sim.core.parameters)."""
    return specs()
