"""A class game played in the room: each team orders its own moves from its own device, the teacher runs
the clock and the news. The rules, proposals, situation reports and saved-game format are those of
`sim play` (play.py, play_rules.py, situation.py, saved_game.py); this module only adds who may do what,
and keeps every step in the game's SQLite record (room_store.py) before it is acknowledged.

The web layer (sim/room/) calls these methods and renders what they return; it holds no game state.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import EntenteError, printable
from . import room_store
from .play import Move, advanced_game, game_actors, new_game, plan_turn, save
from .play_rules import Proposal
from .saved_game import NEWS, Game, game_text, read_game, team_name_problem

# Join codes and the PIN: drawn by `secrets`, from letters and digits that cannot be misread (no 0/O, 1/I/L).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10
PIN_LENGTH = 8
TEACHER = "teacher"  # the `who` of the teacher's sessions (a team may not be called this)
MAX_TEXT = 300  # a note or a written news item's longest text


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_LENGTH))


def token_hash(token: str) -> str:
    """What the database keeps of a session token (the token itself lives only in the browser's cookie)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8", "replace"), b.encode("utf-8", "replace"))


@dataclass(frozen=True)
class TeamView:
    """What one team may see: its own orders and answers, and what the situation report shows everyone."""

    team: str
    actor: str
    turn: int
    months: tuple[int, int]
    over: bool
    orders: tuple[tuple[int, str, float, str], ...]  # (id, words, intensity, note)
    offers: tuple[tuple[str, Proposal, str], ...]  # (key, proposal, 'open' | 'accepted' | 'refused')
    submitted: bool
    moves_per_turn: int
    intensity: tuple[float, float]
    outcome: tuple[str, ...]  # the last turn's sentences that concern this team
    report_turn: int  # 0 before the first turn


class Room:
    """One class game: its record (a Store) and the game state it stands for."""

    def __init__(self, store: room_store.Store) -> None:
        self.store = store
        self._lock = threading.RLock()  # one change of the game at a time
        self.teams = {team: actor for team, actor, _ in store.teams()}
        self._codes = {code: team for team, _, code in store.teams()}
        self.version = 0  # bumped on every change: the teacher's page polls it
        self.epoch = 0  # bumped when a turn is played or undone: every view polls it
        self.closing = False  # a turn is being played: orders wait
        self._game = self._load_game()
        self._debrief: tuple[int, str] | None = None

    # ------------------------------------------------------------------------------------- set up
    @classmethod
    def start(cls, scenario, folder, teams: list[str], *, turn: int, seed=None, deck_folder=None) -> Room:
        """A new game: checked, then its database file made in `folder` (named after the scenario)."""
        import tempfile

        from ..inputs.cost import check_scenario
        from .play import played_scenario

        for team in teams:
            problem = team_name_problem(team)
            if problem or team.casefold() == TEACHER:
                raise EntenteError(problem or f"{team!r} cannot be a team's name", field="--teams")
        if len(teams) < 2 or len({t.casefold() for t in teams}) != len(teams):
            raise EntenteError("a class game needs at least two teams, each named once", field="--teams",
                               hint="For example: --teams India,Pakistan,US,China")
        with tempfile.TemporaryDirectory() as scratch:
            game = new_game(scenario, Path(scratch) / "game", turn=turn, teams=teams, seed=seed)
        game = replace(game, folder=None)
        if game.relations_file:
            raise EntenteError("a class game starts from the bundled relations, not a relations file",
                               hint="Remove 'relations_file:' from the scenario, or play it with `sim play`.")
        check_scenario(replace(played_scenario(game), months=game.horizon), what="this game")
        deck = read_deck(deck_folder, game) if deck_folder else []
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        stem = Path(str(game.bundled or Path(game.label).stem)).name
        path = next(folder / f"{stem}-{n}{room_store.SUFFIX}" for n in range(1, 10_000)
                    if not (folder / f"{stem}-{n}{room_store.SUFFIX}").exists())
        codes: set[str] = set()
        while len(codes) < len(game.teams):
            codes.add(new_code())
        store = room_store.create(path, game_text=game_text(game), pin=new_pin(), deck=deck,
                                  teams=[(t, a, c) for (t, a), c in zip(game.teams, sorted(codes))])
        return cls(store)

    @classmethod
    def resume(cls, path) -> Room:
        return cls(room_store.open_store(path))

    def _load_game(self) -> Game:
        from ..inputs.safe_yaml import load_yaml_text

        last = self.store.last_turn()
        text = last[1] if last else self.store.meta("start_game")
        name = f"{self.store.path} (turn {last[0]})" if last else str(self.store.path)
        return read_game(load_yaml_text(text or "", filename=name, what="game file"), name)

    @staticmethod
    def warm() -> None:
        """Import what playing a turn needs (the engine, pandas, Mesa) before the class arrives, so that the
        first 'advance' takes as long as the others (about 3 s of imports otherwise)."""
        from ..results import runner  # noqa: F401
        from . import debrief, situation, situation_report  # noqa: F401

    @property
    def game(self) -> Game:
        return self._game

    @property
    def turn(self) -> int:
        """The number of the turn being ordered (1 before anything is played)."""
        return self._game.turns_played + 1

    def codes(self) -> dict[str, str]:
        """Team -> join code (for the teacher: printed at the terminal and on the console)."""
        return {team: code for team, _, code in self.store.teams()}

    def pin(self) -> str:
        return self.store.meta("pin") or ""

    # ------------------------------------------------------------------------------------- who is who
    def team_for_code(self, code: str) -> str | None:
        """The team whose join code this is (any case, spaces ignored), or None."""
        wanted = "".join(str(code).split()).upper()[:64]
        found = None
        for known, team in self._codes.items():
            if _same(wanted, known):  # every code compared, in constant time each
                found = team
        return found

    def pin_ok(self, pin: str) -> bool:
        return _same("".join(str(pin).split())[:64], self.pin())

    def new_session(self, who: str) -> str:
        """A session token for a team (each of its devices has one) or the teacher."""
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.store.add_session(token_hash(token), who)
            self.version += 1
        return token

    def renew_code(self, team: str) -> str:
        """A new join code for a team whose code got out: its devices are signed out and must join again."""
        if team not in self.teams:
            raise EntenteError("there is no such team in this game")
        with self._lock:
            code = new_code()
            while code in self._codes:
                code = new_code()
            self.store.renew_code(team, code)
            self._codes = {c: t for c, t in self._codes.items() if t != team} | {code: team}
            self.version += 1
            self.epoch += 1  # the team's pages reload, and find their session ended
            return code

    def session(self, token: str | None) -> tuple[str, bool] | None:
        """(who, replaced) for a session token, or None for one this game never issued."""
        if not token or len(token) > 200:
            return None
        return self.store.session(token_hash(token))

    def joined(self) -> set[str]:
        return self.store.joined() & set(self.teams)

    # ------------------------------------------------------------------------------------- a team's turn
    def _open(self, turn: int | None = None) -> None:
        """Orders may change: no turn is being played, the game goes on, and the form was made for this turn."""
        if turn is not None and turn != self.turn:
            raise EntenteError(f"the game has moved on to turn {self.turn} since this page was shown",
                               hint="Read the new situation report below, then order again.")
        if self.closing:
            raise EntenteError("the teacher is playing the turn right now", hint="Wait a moment: the page will "
                                                                                 "show the new situation.")
        if self._game.over:
            raise EntenteError("the game is over: no more orders", hint="Your teacher will run the debrief.")

    def _not_submitted(self, team: str) -> None:
        if team in self.store.submitted(self.turn):
            raise EntenteError("your orders are submitted", hint="Press 'Change our orders' first to change them.")

    def order(self, team: str, words: str, intensity, note: str, turn: int | None = None) -> int:
        """A team's move for the coming turn, checked by the game's rules before it is written (turn: the turn
        the team's page was showing; a move sent as the teacher played that turn is refused, not moved on)."""
        from .play import page_order

        with self._lock:
            self._open(turn)
            self._not_submitted(team)
            if len(self.store.orders(self.turn, team)) >= self._game.rules.moves_per_turn:
                raise EntenteError(f"the rules allow {self._game.rules.moves_per_turn} moves a turn",
                                   hint="Remove a move to make room for this one.")
            try:
                value = float(str(intensity).strip() or "1")
            except ValueError:
                raise EntenteError(f"the intensity must be a number, got {printable(intensity, limit=20)!r}",
                                   field="intensity") from None
            note = " ".join(str(note).split())[:MAX_TEXT]
            move = {"team": team, "do": " ".join(str(words).split())[:200], "intensity": value, "note": note}
            checked = page_order(self._game, move, game_actors(self._game))
            order_id = self.store.add_order(self.turn, team, checked.words, value, note)
            self.version += 1
            return order_id

    def remove_order(self, team: str, order_id: int, turn: int | None = None) -> None:
        with self._lock:
            self._open(turn)
            self._not_submitted(team)
            if not self.store.remove_order(self.turn, team, order_id):
                raise EntenteError("that move is not one of your orders for this turn")
            self.version += 1

    def answer(self, team: str, key: str, accept: bool, turn: int | None = None) -> None:
        """Accept (the answering move becomes one of the team's orders) or refuse a proposal made to it."""
        with self._lock:
            self._open(turn)
            self._not_submitted(team)
            proposal = next((p for k, p in self._offers(team) if k == key), None)
            if proposal is None:
                raise EntenteError("there is no such proposal to your team this turn")
            order = None
            if accept:
                order = (proposal.answer_words(self.teams[team]), min(float(proposal.event.get("intensity", 1.0)),
                                                                      self._game.rules.intensity[1]),
                         f"we accept {proposal.by}'s proposal")
            self.store.answer(self.turn, team, key, "accept" if accept else "refuse", order)
            self.version += 1

    def _offers(self, team: str) -> list[tuple[str, Proposal]]:
        return [(f"{p.turn}:{p.by}:{p.words}", p) for p in self._game.proposals if p.to_team == team]

    def submit(self, team: str, submitted: bool = True, turn: int | None = None) -> None:
        with self._lock:
            self._open(turn)
            self.store.set_submitted(self.turn, team, submitted)
            self.version += 1

    def team_view(self, team: str) -> TeamView:
        game, turn = self._game, self.turn
        orders = tuple((i, words, intensity, note) for i, _, words, intensity, note in self.store.orders(turn, team))
        answers = self.store.answers(turn, team)
        standing = {words for _, words, _, _ in orders}
        offers = []
        for key, proposal in self._offers(team):
            state = ("accepted" if proposal.answer_words(self.teams[team]) in standing
                     else "refused" if answers.get(key) == "refuse" else "open")
            offers.append((key, proposal, state))
        last = self.store.last_turn()
        outcome: tuple[str, ...] = ()
        if last:
            import json

            sentences = json.loads(last[4])
            mentions = re.compile(rf"(?<![\w]){re.escape(team)}(?![\w])")
            outcome = tuple(s for s in sentences if mentions.search(s))
        return TeamView(team, self.teams[team], turn, game.next_turn(), game.over, orders, tuple(offers),
                        team in self.store.submitted(turn), game.rules.moves_per_turn, game.rules.intensity,
                        outcome, last[0] if last else 0)

    # ------------------------------------------------------------------------------------- the teacher
    def status(self) -> dict[str, tuple[bool, bool, int]]:
        """Team -> (joined, submitted, number of standing orders) for the coming turn."""
        joined, submitted = self.joined(), self.store.submitted(self.turn)
        return {team: (team in joined, team in submitted, len(self.store.orders(self.turn, team)))
                for team in self.teams}

    def deck(self) -> list[tuple[int, str, list]]:
        return self.store.deck()

    def injects(self) -> list[tuple[int, str, list]]:
        return self.store.injects(self.turn)

    def play_card(self, position: int) -> None:
        card = next((c for c in self.store.deck() if c[0] == position), None)
        if card is None:
            raise EntenteError("there is no such card in the deck")
        with self._lock:
            self._open()
            self.store.add_inject(self.turn, card[1], card[2])
            self.version += 1

    def write_news(self, kind: str, source: str, target: str, intensity, note: str) -> None:
        """A news item the teacher writes: any event between any actors, checked like a scenario's event."""
        try:
            value = float(str(intensity).strip() or "1")
        except ValueError:
            raise EntenteError("the intensity must be a number", field="intensity") from None
        note = " ".join(str(note).split())[:MAX_TEXT]
        if not note:
            raise EntenteError("every news item needs a one-line note", field="note",
                               hint="For instance: an exchange of fire on the border (invented for the exercise).")
        event = {"type": str(kind).strip(), "from": str(source).strip(), "to": str(target).strip(),
                 "intensity": value, "note": note}
        with self._lock:
            self._open()
            check_news(self._game, [event])
            self.store.add_inject(self.turn, f"written: {note}", [event])
            self.version += 1

    def remove_inject(self, inject_id: int) -> None:
        with self._lock:
            self._open()
            if not self.store.remove_inject(self.turn, inject_id):
                raise EntenteError("that news item is not in this turn")
            self.version += 1

    def plan(self, missing_ok: bool):
        """The coming turn as `sim play` would resolve it: the submitted teams' orders and the news."""
        game, turn = self._game, self.turn
        submitted = self.store.submitted(turn)
        missing = [t for t in self.teams if t not in submitted]
        if missing and not missing_ok:
            raise EntenteError(f"not submitted yet: {', '.join(missing)}",
                               hint="Wait for them, or tick 'play without the missing teams' (their moves are "
                                    "left out this turn).")
        pending = tuple({"team": team, "do": words, "intensity": intensity, "note": note}
                        for _, team, words, intensity, note in self.store.orders(turn) if team in submitted)
        plan = plan_turn(replace(game, pending=pending))
        first = plan.first
        news = tuple(Move({**event, "at": first}, NEWS) for _, _, events in self.store.injects(turn)
                     for event in events)
        check_news(game, [m.event for m in news])
        return replace(game, pending=pending), replace(plan, news=news), missing

    def advance(self, missing_ok: bool = False) -> str:
        """Play the coming turn: resolve it, run the played world, write the turn with its situation report.
        Returns the report as text."""
        from ..results.runner import run
        from .play import played_scenario
        from .situation import situation
        from .situation_report import situation_html, situation_text

        with self._lock:
            if self._game.over:
                raise EntenteError("the game is over", hint="Show the debrief, or export the game.")
            game, plan, missing = self.plan(missing_ok)
            self.closing = True
            try:
                after = advanced_game(game, plan)
                result = run(played_scenario(after), summarise=True)
                report = situation(after, plan, result)
                outcome = [*plan.outcome.agreed, *(f"{p.by} proposed to {p.to_team}: {p.words}"
                                                   for p in plan.outcome.proposed), *plan.outcome.refused]
                outcome += [f"{team} did not submit: its moves were left out this turn" for team in missing]
                self.store.add_turn(after.turns_played, game_text(after), situation_html(report),
                                    situation_text(report), outcome)
                self._game = after
            finally:
                self.closing = False
                self.version += 1
                self.epoch += 1
            return situation_text(report)

    def undo(self) -> int:
        """Take back the last turn played: its orders, answers and news are open again. Returns its number."""
        with self._lock:
            last = self.store.last_turn()
            if last is None:
                raise EntenteError("no turn has been played yet")
            self.store.remove_turn(last[0])
            self._game = self._load_game()
            self.version += 1
            self.epoch += 1
            return last[0]

    def report(self) -> tuple[int, str] | None:
        """(turn, situation page) of the last turn played, or None."""
        last = self.store.last_turn()
        return (last[0], last[2]) if last else None

    def debrief_text(self) -> str:
        """The debrief of the game so far (as `sim play --debrief` prints it), cached per turn."""
        from .debrief import debrief
        from .debrief_report import debrief_text

        with self._lock:
            if self._game.month == self._game.start:
                raise EntenteError("nothing has been played yet", hint="Play a turn first.")
            if self._debrief is None or self._debrief[0] != self.epoch:
                self._debrief = (self.epoch, debrief_text(debrief(self._game)))
            return self._debrief[1]

    def export_zip(self) -> bytes:
        """The game as `sim play`'s game folder, zipped: game.yaml (the submitted orders pending), played_scenario
        .yaml, news.yaml (this turn's news), the situation reports. `sim play --continue` carries on."""
        import io
        import tempfile
        import zipfile

        import yaml

        from .play import NEWS as NEWS_FILE
        from .play import ORDERS, SITUATION, TURNS
        from ..inputs.safe_files import owned_folder, write_file

        with self._lock:
            game, turn = self._game, self.turn
            submitted = self.store.submitted(turn)
            pending = tuple({"team": team, "do": words, "intensity": intensity, "note": note}
                            for _, team, words, intensity, note in self.store.orders(turn) if team in submitted)
            news = [{**event, "at": game.next_turn()[0]} for _, _, events in self.store.injects(turn)
                    for event in events]
            turns = self.store.turns()
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch) / "game"
            owned_folder(folder, ORDERS, what="game folder")
            save(replace(game, pending=pending, folder=folder))
            if news and not game.over:
                write_file(folder / NEWS_FILE, "# This turn's news from the class game.\n"
                           + yaml.safe_dump({"events": news}, sort_keys=False, allow_unicode=True))
            for number, _, html, _, _ in turns:
                owned_folder(folder, TURNS, f"{number:03d}", what="game folder")
                write_file(folder / TURNS / f"{number:03d}" / SITUATION, html)
            if turns:
                write_file(folder / SITUATION, turns[-1][2])
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for path in sorted(folder.rglob("*")):
                    archive.write(path, path.relative_to(folder.parent).as_posix())
        return buffer.getvalue()


def check_news(game: Game, events: list[dict]) -> None:
    """News events checked by the scenario checker (its messages), in the first month of the coming turn."""
    from ..inputs.scenario_file import scenario_from_data

    first = game.next_turn()[0]
    filled = [{**event, "at": first} for event in events]
    scenario_from_data({"name": "news", "months": game.horizon, "events": filled}, file="the news")


def read_deck(folder, game: Game) -> list[tuple[str, list]]:
    """Inject cards (exercises/crisis/injects: news files with a '# Inject card NN: TITLE' line), checked."""
    from .play import read_news

    folder = Path(folder)
    if not folder.is_dir():
        raise EntenteError("the inject deck is not a folder", file=str(folder),
                           hint="Give a folder of news files, such as exercises/crisis/injects.")
    cards = []
    for path in sorted(folder.glob("*.yaml")):
        title = path.stem.replace("_", " ")
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle.read(4096).splitlines():
                if line.startswith("# Inject card"):
                    title = line.removeprefix("#").strip()
                    break
        moves = read_news(path, replace(game, month=0))
        cards.append((title, [{k: v for k, v in m.event.items() if k != "at"} for m in moves]))
    if not cards:
        raise EntenteError("the inject deck holds no .yaml news files", file=str(folder))
    return cards
