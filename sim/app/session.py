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

Play mode (turn-by-turn moves by teams, as `sim play`): a team's move, in its actor's words
(`buy_arms from China`), waits in `pending` until the teacher advances the turn. The turn is resolved by
the same rules as `sim play` (sim/classroom/play_rules.py: moves per turn, intensity range, consent: a
cooperative move towards another team's actor is a proposal that team accepts or leaves), the moves played
happen in the coming month and the turn's months are stepped. The whole game is plain data in the saved-game
format `sim play` keeps as game.yaml (sim/classroom/saved_game.py), so `save_game`/`load_game` write and
read the same file the command line does, and a continued game re-runs to exactly the same Result.
"""

from __future__ import annotations

import functools
import re
import tempfile
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

from ..model.events import ScheduledEvent
from ..model.parameters import specs
from ..model.scenario import Scenario
from ..errors import EntenteError, describe_value, did_you_mean
from ..classroom.play import TurnPlan, page_order
from ..classroom.saved_game import scenario_entry
from ..classroom.play_rules import Proposal, Rules, proposal_sentence, resolve
from ..results.result import Result
from ..classroom.saved_game import NEWS, Game, game_text, read_game, team_name_problem
from ..results.runner import run
from ..inputs.cost import check_scenario
from ..inputs.resources import bundled_scenario, bundled_scenarios
from ..inputs.safe_yaml import MAX_BYTES, load_yaml
from ..inputs.scenario_file import scenario_from_data
from ..inputs.tables import load_codebook

_PLACE = re.compile(r"events\[(\d+)\]")
PAGE_LIFT = ("run it on your own computer with `python -m sim run FILE --allow-large` (the page keeps to the "
             "limits, as it serves the whole class)")


def bundled_names() -> list[str]:
    """The bundled scenarios a page can offer, by name (`arms_sale_pakistan`)."""
    return [path.stem for path in bundled_scenarios()]


@functools.lru_cache(maxsize=1)
def bundled_titles() -> dict[str, str]:
    """Each bundled scenario's title as its file writes it ('name:'), by file name: what the page shows.

    Read once with the safe YAML reader; a file without a name shows its file name."""
    titles = {}
    for path in bundled_scenarios():
        data = load_yaml(path, what="scenario file").data
        name = data.get("name") if isinstance(data, dict) else None
        titles[path.stem] = " ".join(str(name).split()) if name else path.stem
    return titles


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
    pending: tuple[dict, ...] = ()  # play mode: orders for the coming turn, {team, do, intensity, note}
    rules: Rules = Rules()  # play mode: the rules the teacher set
    proposals: tuple[Proposal, ...] = ()  # play mode: cooperative moves waiting for the other team's answer
    turns_played: int = 0
    last_turn: tuple[str, ...] = field(default=(), compare=False)  # play mode: the last turn's deals, in words
    last_plan: Any = field(default=None, compare=False)  # play mode: the last turn as resolved (a TurnPlan)

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
            data["events"] = [*data.get("events", []), *(scenario_entry(e) for e in self.injects)]
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

    @cached_property
    def actors(self) -> tuple[str, ...]:
        """The actors of this session's world, in matrix order: the world built once, not once per part of the
        page that lists them."""
        from ..inputs.world import build_world

        return tuple(build_world(self.scenario).names)

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
        return run(upto, summarise=True)

    # -- actions ------------------------------------------------------------------------------------------
    def step(self, months: int = 1) -> "GameSession":
        """Advance by some months (not past the scenario's horizon)."""
        return replace(self, month=min(self.month + max(months, 0), self.months))

    def run_to_end(self) -> "GameSession":
        return replace(self, month=self.months)

    def reset(self) -> "GameSession":
        """Back to month 0 without the live events, pending moves or proposals; sliders, seed, teams and
        rules stay."""
        return replace(self, month=0, injects=(), pending=(), proposals=(), turns_played=0, last_turn=(),
                       last_plan=None)

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

    def _with_entry(self, entry: dict, by: str = NEWS, turn: int | None = None) -> "GameSession":
        if self.finished:
            raise EntenteError(f"the scenario has reached its last month ({self.months}): nothing can happen "
                               f"after it", hint="Reset to play it again, or raise 'months:' in the file.")
        entry = {"at": self.month + 1, **entry, "by": by, **({} if turn is None else {"turn": turn})}
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
            problem = team_name_problem(team)
            if problem:
                raise EntenteError(problem, field="teams", hint="Name the team after its actor or its capital.")
            if actor not in names:
                raise EntenteError(f"team {team!r} plays {actor!r}, which is not an actor of this scenario",
                                   field="teams", hint=f"{did_you_mean(str(actor), names)} Actors: "
                                                       f"{', '.join(names)}.".lstrip())
            pairs.append((team, actor))
        return replace(self, turn=int(turn), teams=tuple(pairs))

    def with_rules(self, rules: Rules) -> "GameSession":
        return replace(self, rules=rules)

    def actor_of(self, team: str) -> str:
        actors = dict(self.teams)
        if team not in actors:
            raise EntenteError(f"there is no team {team!r} in this game", field="team",
                               hint=f"The teams are: {', '.join(actors) or 'none yet (add them first)'}.")
        return actors[team]

    def move(self, team: str, words: str, intensity: float = 1.0, note: str = "") -> "GameSession":
        """A team's move for the coming turn, in its actor's words, checked now by `sim play`'s rules."""
        self.actor_of(team)
        if self.finished:
            raise EntenteError(f"the scenario has reached its last month ({self.months}): nothing can happen "
                               f"after it", hint="Reset to play it again, or raise 'months:' in the file.")
        order = {"team": team, "do": str(words).strip(), "intensity": intensity, "note": note.strip()}
        mine = [m for m in self.pending if m["team"] == team]
        if len(mine) >= self.rules.moves_per_turn:
            raise EntenteError(f"team {team!r} has ordered its {self.rules.moves_per_turn} moves for this turn",
                               field="the move", hint="The rules allow that many a turn; advance the turn.")
        order_checked = page_order(self.as_game(), order, actor_choices(self), len(self.pending))
        self._with_entry({k: v for k, v in order_checked.event.items() if k != "at"})  # the scenario checker
        return replace(self, pending=(*self.pending, order))

    def accept(self, index: int) -> "GameSession":
        """The other team accepts a proposal: its answer, in its own words, joins the coming turn's orders."""
        proposal = self.proposals[index]
        actor = self.actor_of(proposal.to_team)
        return self.move(proposal.to_team, proposal.answer_words(actor), float(proposal.event["intensity"]),
                         f"we accept {proposal.by}'s proposal")

    def advance_turn(self) -> "GameSession":
        """Resolve the orders as `sim play` does (consent between teams), play what is agreed in the coming
        month, and step the turn's months."""
        game = self.as_game()
        names = actor_choices(self)
        orders = [page_order(game, move, names, index) for index, move in enumerate(self.pending)]
        number = self.turns_played + 1
        outcome = resolve(orders, list(self.proposals), dict(self.teams), self.rules, number)
        session = replace(self, pending=())
        for event, by in outcome.played:
            session = session._with_entry({k: v for k, v in event.items() if k != "at"}, by, number)
        sentences = (*outcome.agreed, *(proposal_sentence(p) for p in outcome.proposed), *outcome.refused)
        after = session.step(self.turn)
        plan = TurnPlan(self.month + 1, after.month, tuple(orders), (), outcome)
        return replace(after, proposals=outcome.proposed, turns_played=number, last_turn=sentences, last_plan=plan)

    def situation_page(self) -> str | None:
        """The last turn's situation report, the page `sim play` writes for the projector (None before a turn)."""
        from ..classroom.situation import situation
        from ..classroom.situation_report import situation_html

        if self.last_plan is None or self.month < self.last_plan.last:
            return None
        return situation_html(situation(self.as_game(), self.last_plan, self.result))

    def as_game(self) -> Game:
        """The session as a saved game (the format `sim play` keeps as game.yaml)."""
        return Game(self.data, self.label, self.turn, self.month, 0, self.teams, self.rules,
                    tuple(dict(e) for e in self.injects), self.proposals, tuple(dict(m) for m in self.pending),
                    self.turns_played, dict(self.parameters), self.seed, None, self.bundled_name)




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

def save_game(session: GameSession) -> str:
    """The game as a small YAML text: the saved-game format `sim play` keeps as game.yaml."""
    return game_text(session.as_game())


def load_game(filename: str, content: bytes) -> GameSession:
    """A saved game (from the page or a `sim play` folder's game.yaml), read by the safe YAML reader and
    checked again like a scenario (errors name the file)."""
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
    game = read_game(document, name)
    if game.relations_file or game.start:
        raise EntenteError("this game " + ("starts from its own relations file" if game.relations_file else
                                           f"took over a result at month {game.start}")
                           + ", which the page cannot replay", file=name,
                           hint="Continue it with python -m sim play --continue --state ITS_FOLDER.")
    from ..inputs.resources import bundled_scenario

    refuse_server_files(game.scenario_data, name)
    path = bundled_scenario(game.bundled) if game.bundled else None
    session = GameSession(data=game.scenario_data, label=game.label, base_dir=path.resolve().parent if path else None,
                          bundled_name=game.bundled if path else None)
    try:
        session = replace(session.checked(), parameters=dict(game.parameters), seed=game.seed,
                          injects=tuple(dict(e) for e in game.played),
                          rules=game.rules, proposals=game.proposals, turns_played=game.turns_played)
        session = session.checked().with_play(game.turn, dict(game.teams))
        session = replace(session, month=game.month)
        for index, move in enumerate(game.pending):  # each pending move through the page's own checks
            intensity, note = move.get("intensity", 1.0), move.get("note", "")
            if not isinstance(intensity, (int, float)) or isinstance(intensity, bool) or not isinstance(note, str):
                raise EntenteError(f"pending move {index + 1} has an intensity {describe_value(intensity)} and a "
                                   f"note {describe_value(note)}: a number and a line of text are expected",
                                   field=f"pending[{index}]", hint="Save the game again from the page.")
            session = session.move(str(move["team"]), str(move["do"]), float(intensity), note)
    except EntenteError as error:
        if error.file is None or error.file == game.label:
            error.file = name
        raise
    return session


_SERVER_FILES = {  # the keys of a scenario that name a file, what each names, and the fix
    "relations_file": ("a relations file", "Remove relations_file (the page starts from the bundled article's "
                       "relations), or run the scenario on your computer with `python -m sim run`."),
    "observed": ("an event series (observed:)", "Remove observed: (the page does not score hindcasts), or score "
                 "the episode on your computer with `python -m sim hindcast`."),
}


def refuse_server_files(data, name: str, position=None) -> None:
    """A scenario sent by a browser names no file of the server (its relations file or its observed event
    series would be looked for there)."""
    for key, (what, hint) in _SERVER_FILES.items():
        if isinstance(data, dict) and key in data:
            line, column = (position((key,)) if position else None) or (None, None)
            raise EntenteError(f"a scenario sent to the page cannot name {what}: it would be looked for on the "
                               "server, not on your computer", file=name, line=line, column=column, field=key,
                               hint=hint)


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
    return list(session.actors)


def event_type_choices() -> dict[str, str]:
    """Event type name -> its label in the codebook, in the codebook's order."""
    return {name: kind.label for name, kind in load_codebook().items()}


def move_verbs() -> list[str]:
    """The words a team's move may start with (sell_arms, buy_arms, then the event types)."""
    from ..classroom.play_rules import verbs

    return verbs()


def move_prepositions(verb: str) -> list[str]:
    from ..classroom.play_rules import prepositions

    return prepositions(verb)


def parameter_specs():
    """The parameters the page shows as controls, with their meanings: one source (sim.model.parameters)."""
    return specs()
