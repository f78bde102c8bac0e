"""A class game's record in one SQLite file: every join, order, answer, inject and turn, written before it is
acknowledged, so that the room's server can be stopped at any moment and resumed without losing any of it.

stdlib sqlite3 in WAL mode with synchronous=FULL (a committed write survives a killed process and a power
cut), one connection shared under a lock (the web server's threads take turns; a class makes a few writes a
second at most). The schema carries its version in `meta`; a file of a newer version is refused, never
altered. The game's state between turns is the saved-game text of sim/classroom/saved_game.py (the format
`sim play` keeps), stored once per turn played: undoing a turn deletes its row.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from pathlib import Path

from ..errors import EntenteError

SCHEMA_VERSION = 1
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE teams (position INTEGER NOT NULL, team TEXT PRIMARY KEY, actor TEXT NOT NULL, code TEXT NOT NULL UNIQUE);
CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, who TEXT NOT NULL, created REAL NOT NULL,
                       replaced INTEGER NOT NULL DEFAULT 0);
CREATE TABLE joins (id INTEGER PRIMARY KEY, who TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, turn INTEGER NOT NULL, team TEXT NOT NULL, do TEXT NOT NULL,
                     intensity REAL NOT NULL, note TEXT NOT NULL, removed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE answers (turn INTEGER NOT NULL, team TEXT NOT NULL, proposal TEXT NOT NULL, answer TEXT NOT NULL,
                      PRIMARY KEY (turn, team, proposal));
CREATE TABLE submitted (turn INTEGER NOT NULL, team TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (turn, team));
CREATE TABLE deck (position INTEGER PRIMARY KEY, title TEXT NOT NULL, events TEXT NOT NULL);
CREATE TABLE injects (id INTEGER PRIMARY KEY, turn INTEGER NOT NULL, title TEXT NOT NULL, events TEXT NOT NULL);
CREATE TABLE turns (number INTEGER PRIMARY KEY, game TEXT NOT NULL, report_html TEXT NOT NULL,
                    report_text TEXT NOT NULL, outcome TEXT NOT NULL, at REAL NOT NULL);
"""
SUFFIX = ".sqlite"


class Store:
    """The game's database file (made by `create`, reopened by `open_store`)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.path = path

    # ----------------------------------------------------------------------------------- plumbing
    def _write(self, sql: str, args=()) -> int:
        with self._lock, self._db:  # one transaction, committed (and synced) before this returns
            return self._db.execute(sql, args).rowcount

    def _many(self, statements) -> None:
        with self._lock, self._db:
            for sql, args in statements:
                self._db.execute(sql, args)

    def _rows(self, sql: str, args=()) -> list[tuple]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ----------------------------------------------------------------------------------- the game
    def meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def teams(self) -> list[tuple[str, str, str]]:
        """(team, actor, join code) in the order the teacher named them."""
        return [tuple(r) for r in self._rows("SELECT team, actor, code FROM teams ORDER BY position")]

    def turns(self) -> list[tuple[int, str, str, str, str]]:
        """(number, game text after it, report html, report text, outcome json), first turn first."""
        return [tuple(r) for r in self._rows(
            "SELECT number, game, report_html, report_text, outcome FROM turns ORDER BY number")]

    def last_turn(self) -> tuple[int, str, str, str, str] | None:
        rows = self._rows("SELECT number, game, report_html, report_text, outcome FROM turns "
                          "ORDER BY number DESC LIMIT 1")
        return tuple(rows[0]) if rows else None

    def add_turn(self, number: int, game: str, html: str, text: str, outcome: dict) -> None:
        self._write("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                    (number, game, html, text, json.dumps(outcome), time.time()))

    def remove_turn(self, number: int) -> None:
        self._write("DELETE FROM turns WHERE number = ?", (number,))

    # ----------------------------------------------------------------------------------- sessions
    def add_session(self, token_hash: str, who: str) -> None:
        """A new session for `who` (a team, or the teacher), with its join."""
        now = time.time()
        self._many([("INSERT INTO joins (who, at) VALUES (?, ?)", (who, now)),
                    ("INSERT INTO sessions VALUES (?, ?, ?, 0)", (token_hash, who, now))])

    def renew_code(self, team: str, code: str) -> None:
        """A team's new join code; every session it had ends (a code that got out of the team)."""
        self._many([("UPDATE teams SET code = ? WHERE team = ?", (code, team)),
                    ("UPDATE sessions SET replaced = 1 WHERE who = ?", (team,))])

    def session(self, token_hash: str) -> tuple[str, bool] | None:
        """(who, replaced) for a token's hash, or None for a token this game never issued."""
        rows = self._rows("SELECT who, replaced FROM sessions WHERE token_hash = ?", (token_hash,))
        return (rows[0][0], bool(rows[0][1])) if rows else None

    def joined(self) -> set[str]:
        return {r[0] for r in self._rows("SELECT DISTINCT who FROM joins")}

    # ----------------------------------------------------------------------------------- a turn's input
    def add_order(self, turn: int, team: str, do: str, intensity: float, note: str) -> int:
        with self._lock, self._db:
            cursor = self._db.execute("INSERT INTO orders (turn, team, do, intensity, note) VALUES (?, ?, ?, ?, ?)",
                                      (turn, team, do, intensity, note))
            return int(cursor.lastrowid or 0)

    def remove_order(self, turn: int, team: str, order_id: int) -> bool:
        return self._write("UPDATE orders SET removed = 1 WHERE id = ? AND turn = ? AND team = ?",
                           (order_id, turn, team)) == 1

    def orders(self, turn: int, team: str | None = None) -> list[tuple[int, str, str, float, str]]:
        """(id, team, words, intensity, note) of the turn's standing orders, in the order given."""
        sql = "SELECT id, team, do, intensity, note FROM orders WHERE turn = ? AND removed = 0"
        args: tuple = (turn,)
        if team is not None:
            sql, args = sql + " AND team = ?", (turn, team)
        return [tuple(r) for r in self._rows(sql + " ORDER BY id", args)]

    def answer(self, turn: int, team: str, proposal: str, answer: str, order: tuple | None = None) -> None:
        """A team's answer to a proposal; accepting writes its order in the same transaction."""
        statements = [("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)", (turn, team, proposal, answer))]
        if order is not None:
            statements.append(("INSERT INTO orders (turn, team, do, intensity, note) VALUES (?, ?, ?, ?, ?)",
                               (turn, team, *order)))
        self._many(statements)

    def answers(self, turn: int, team: str) -> dict[str, str]:
        return dict(self._rows("SELECT proposal, answer FROM answers WHERE turn = ? AND team = ?", (turn, team)))

    def set_submitted(self, turn: int, team: str, submitted: bool) -> None:
        if submitted:
            self._write("INSERT OR REPLACE INTO submitted VALUES (?, ?, ?)", (turn, team, time.time()))
        else:
            self._write("DELETE FROM submitted WHERE turn = ? AND team = ?", (turn, team))

    def submitted(self, turn: int) -> set[str]:
        return {r[0] for r in self._rows("SELECT team FROM submitted WHERE turn = ?", (turn,))}

    # ----------------------------------------------------------------------------------- news
    def deck(self) -> list[tuple[int, str, list]]:
        return [(r[0], r[1], json.loads(r[2])) for r in self._rows("SELECT position, title, events FROM deck "
                                                                     "ORDER BY position")]

    def add_inject(self, turn: int, title: str, events: list) -> None:
        self._write("INSERT INTO injects (turn, title, events) VALUES (?, ?, ?)", (turn, title, json.dumps(events)))

    def injects(self, turn: int) -> list[tuple[int, str, list]]:
        return [(r[0], r[1], json.loads(r[2])) for r in self._rows(
            "SELECT id, title, events FROM injects WHERE turn = ? ORDER BY id", (turn,))]

    def remove_inject(self, turn: int, inject_id: int) -> bool:
        return self._write("DELETE FROM injects WHERE id = ? AND turn = ?", (inject_id, turn)) == 1


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path), check_same_thread=False, isolation_level="DEFERRED", timeout=10)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


def create(path, *, game_text: str, teams: list[tuple[str, str, str]], pin: str,
           deck: list[tuple[str, list]]) -> Store:
    """A new game's database file (refused if the file exists: a game is never overwritten)."""
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise EntenteError("a game's database file is already there", file=str(path),
                           hint="Resume it with --resume, or choose another --folder.")
    connection = _connect(path)
    try:
        with connection:
            connection.executescript("BEGIN;" + SCHEMA + "COMMIT;")
        with connection:
            connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("schema_version", str(SCHEMA_VERSION)), ("start_game", game_text), ("pin", pin),
                ("created", repr(time.time()))])
            connection.executemany("INSERT INTO teams VALUES (?, ?, ?, ?)",
                                   [(i, t, a, c) for i, (t, a, c) in enumerate(teams)])
            connection.executemany("INSERT INTO deck VALUES (?, ?, ?)",
                                   [(i, title, json.dumps(events)) for i, (title, events) in enumerate(deck)])
    except BaseException:
        connection.close()
        path.unlink(missing_ok=True)
        raise
    return Store(connection, path)


def open_store(path) -> Store:
    """An existing game's database file, after checking it is one, of a schema this version reads."""
    path = Path(path)
    if not path.is_file():
        raise EntenteError("there is no game database here", file=str(path),
                           hint="Give the .sqlite file `python -m sim classroom host` printed when the game began.")
    try:
        with open(path, "rb") as handle:
            if handle.read(16) != b"SQLite format 3\x00":
                raise EntenteError("this file is not a game database (not an SQLite file)", file=str(path),
                                   hint="Give the .sqlite file `python -m sim classroom host` printed.")
        connection = _connect(path)
        rows = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    except sqlite3.DatabaseError as error:
        raise EntenteError(f"this file is not a game database ({error})", file=str(path),
                           hint="Give the .sqlite file `python -m sim classroom host` printed.") from None
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError:
        tables = set()
    version = int(rows[0][0]) if rows and str(rows[0][0]).isdigit() else None
    if version is None:
        connection.close()
        raise EntenteError("this database holds no Entente game (no schema version)", file=str(path))
    if version > SCHEMA_VERSION:
        connection.close()
        raise EntenteError(f"this game was saved by a newer Entente (database schema {version}; this version "
                           f"reads up to {SCHEMA_VERSION})", file=str(path), field="meta.schema_version",
                           hint="Upgrade Entente (pip install -U entente-sim) to resume it; the file is unchanged.")
    missing = sorted(set(re.findall(r"CREATE TABLE (\w+)", SCHEMA)) - tables)
    if missing:
        connection.close()
        raise EntenteError(f"this game database is damaged: it lacks the table(s) {', '.join(missing)}",
                           file=str(path), hint="Resume from a copy of the file, or export the game and start anew.")
    return Store(connection, path)
