"""The class game on the room's network (sim/classroom/room.py, sim/room/): who may do what, the game's rules
through the web layer, the SQLite record, and the export `sim play --continue` carries on.

Starlette's TestClient drives the app in this process (no browser, no server): tests/test_room_browser.py
plays the same game in chromium, tests/test_room_resume.py kills a real server.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import socket
import sqlite3
import warnings
import zipfile

import pytest

from conftest import ROOT, cli

pytest.importorskip("starlette", reason="the room extra is not installed: pip install -e \".[test]\"")
pytest.importorskip("multipart", reason="the room extra is not installed: pip install -e \".[test]\"")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note about httpx's successor, not about this code
    from starlette.testclient import TestClient

from sim.classroom import room_store  # noqa: E402
from sim.classroom.room import CODE_LENGTH, PIN_LENGTH, Room  # noqa: E402
from sim.errors import EntenteError  # noqa: E402
from sim.room.guard import FREE_FAILURES, Throttle  # noqa: E402
from sim.room.web import TEAM_COOKIE, build_app  # noqa: E402

TEAMS = ["India", "Pakistan", "US", "China"]
BASE = "http://127.0.0.1:8766"
DECK = ROOT / "exercises" / "crisis" / "injects"


@pytest.fixture
def room(tmp_path):
    game = Room.start("arms_sale_pakistan", tmp_path, TEAMS, turn=3, deck_folder=DECK)
    yield game
    game.store.close()


def client(app, address: str = "testclient") -> TestClient:
    return TestClient(app, base_url=BASE, client=(address, 50000))


def joined(app, code: str) -> TestClient:
    browser = client(app)
    answer = browser.post("/join", data={"code": code}, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return browser


def alert(page: str) -> str:
    found = re.search(r'role="alert">([^<]*)<', page)
    return found.group(1).replace("&#x27;", "'") if found else ""


def order(browser, team: str, verb: str, preposition: str, actor: str, note: str = "a reason"):
    return browser.post(f"/team/{team}/order", data={"verb": verb, "preposition": preposition, "actor": actor,
                                                     "intensity": "1", "note": note})


def test_codes_and_pin_are_long_random_and_distinct(tmp_path):
    rooms = [Room.start("arms_sale_pakistan", tmp_path / str(n), TEAMS, turn=3) for n in range(2)]
    codes = [code for r in rooms for code in r.codes().values()]
    assert all(len(code) >= max(8, CODE_LENGTH) and code.isalnum() for code in codes)
    assert len(set(codes)) == len(codes)
    assert rooms[0].pin() != rooms[1].pin() and len(rooms[0].pin()) >= max(8, PIN_LENGTH)


def test_a_team_sees_and_acts_only_for_itself(room):
    app = build_app(room)
    india = joined(app, room.codes()["India"].lower())  # any case
    page = india.get("/team/India")
    assert page.status_code == 200 and "Team India (India)" in page.text
    cookie = page.request.headers["cookie"]
    assert TEAM_COOKIE in cookie
    set_cookie = client(app).post("/join", data={"code": room.codes()["US"]}, follow_redirects=False).headers
    assert "httponly" in set_cookie["set-cookie"].lower() and "samesite=strict" in set_cookie["set-cookie"].lower()
    # India's token on Pakistan's pages and order endpoint: refused, nothing written.
    assert india.get("/team/Pakistan").status_code == 403
    answer = order(india, "Pakistan", "buy_arms", "from", "China")
    assert answer.status_code == 403 and "cannot see or act for team Pakistan" in answer.text
    assert india.get("/team/Pakistan/report").status_code == 403
    assert room.store.orders(room.turn) == []
    # The teacher's pages are not a team's.
    assert india.post("/teacher/advance", data={"missing_ok": "1"}).status_code == 401
    assert room.game.turns_played == 0
    # A team's page shows its own orders, never another team's.
    assert order(india, "India", "summit", "with", "US", "talks on trade").status_code == 200
    pakistan = joined(app, room.codes()["Pakistan"])
    assert order(pakistan, "Pakistan", "buy_arms", "from", "China", "secret jets").status_code == 200
    assert "secret jets" not in india.get("/team/India").text
    assert "secret jets" in pakistan.get("/team/Pakistan").text


def test_forged_guessed_and_replayed_tokens_are_refused(room):
    app = build_app(room)
    guessed = client(app).post("/join", data={"code": "ABCDEFGHJK"})
    assert guessed.status_code == 403 and "not a join code" in guessed.text
    forged = client(app)
    forged.cookies.set(TEAM_COOKIE, "x" * 43)
    answer = forged.get("/team/India")
    assert answer.status_code == 401 and "no session in this game" in answer.text
    first = joined(app, room.codes()["India"])
    second = joined(app, room.codes()["India"])  # a second device of the team: both may order
    assert order(first, "India", "summit", "with", "US").status_code == 200
    assert second.get("/team/India").text.count("summit with US") == 1
    old_code, old_token = room.codes()["India"], first.cookies[TEAM_COOKIE]
    teacher = _teacher(app, room)
    assert teacher.post("/teacher/new-code", data={"team": "India"}).status_code == 200
    assert room.codes()["India"] != old_code
    replayed = client(app)
    replayed.cookies.set(TEAM_COOKIE, old_token)
    answer = order(replayed, "India", "summit", "with", "Russia")
    assert answer.status_code == 401 and "has ended" in answer.text
    assert second.get("/team/India/poll").status_code == 401
    assert client(app).post("/join", data={"code": old_code}).status_code == 403
    assert len(room.store.orders(room.turn)) == 1
    assert order(joined(app, room.codes()["India"]), "India", "summit", "with", "Russia").status_code == 200
    # A token of another game is not a session of this one.
    other = Room.start("arms_sale_pakistan", room.store.path.parent / "other", TEAMS, turn=3)
    stranger = joined(build_app(other), other.codes()["India"])
    carried = client(app)
    carried.cookies.set(TEAM_COOKIE, stranger.cookies[TEAM_COOKIE])
    assert carried.get("/team/India").status_code == 401


def test_wrong_codes_are_slowed_down_and_logged(room, caplog):
    app = build_app(room)
    guesser = client(app, "10.0.0.66")
    statuses = []
    with caplog.at_level(logging.INFO, logger="sim.room"):
        for n in range(100):
            statuses.append(guesser.post("/join", data={"code": f"WRONG{n:05d}"}).status_code)
        right = guesser.post("/join", data={"code": room.codes()["India"]}, follow_redirects=False)
    assert statuses[:FREE_FAILURES] == [403] * FREE_FAILURES
    assert statuses.count(429) >= 100 - FREE_FAILURES - 1
    assert right.status_code == 429  # even the right code waits while the address is slowed down
    warnings_logged = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("wrong join code from 10.0.0.66" in m and "slowed down" in m for m in warnings_logged)
    assert not any(code in r.getMessage() for r in caplog.records for code in room.codes().values())
    assert not any(f"WRONG{n:05d}" in r.getMessage() for r in caplog.records for n in range(100))
    # Another device in the room is not slowed down by this one.
    assert client(app, "10.0.0.7").post("/join", data={"code": room.codes()["US"]},
                                        follow_redirects=False).status_code == 303


def test_the_wait_doubles_and_a_right_code_resets_it():
    now = [0.0]
    throttle = Throttle(clock=lambda: now[0])
    for _ in range(FREE_FAILURES - 1):
        throttle.failed("a", "join code")
    assert throttle.wait("a") == 0
    throttle.failed("a", "join code")
    first = throttle.wait("a")
    throttle.failed("a", "join code")
    assert first > 0 and throttle.wait("a") == 2 * first
    now[0] += 2 * first
    assert throttle.wait("a") == 0
    throttle.succeeded("a")
    throttle.failed("a", "join code")
    assert throttle.wait("a") == 0


def test_teacher_pin_is_checked_and_throttled(room):
    app = build_app(room)
    stranger = client(app, "10.0.0.9")
    assert "PIN" in stranger.get("/teacher").text and "Advance the turn" not in stranger.get("/teacher").text
    assert stranger.post("/teacher/login", data={"pin": "00000000"}).status_code == 403
    for _ in range(FREE_FAILURES):
        stranger.post("/teacher/login", data={"pin": "00000000"})
    assert stranger.post("/teacher/login", data={"pin": room.pin()}).status_code == 429
    teacher = client(app)
    assert teacher.post("/teacher/login", data={"pin": room.pin()}).status_code == 200
    assert "Advance the turn" in teacher.get("/teacher").text
    assert teacher.get("/teacher/qr.svg").text.startswith("<?xml")


def test_large_bodies_and_other_sites_forms_are_refused(room):
    app = build_app(room)
    india = joined(app, room.codes()["India"])
    big = india.post("/team/India/order", data={"verb": "summit", "preposition": "with", "actor": "US",
                                                 "note": "x" * 20_000})
    assert big.status_code == 413
    elsewhere = india.post("/team/India/order", headers={"Origin": "http://evil.example"},
                           data={"verb": "summit", "preposition": "with", "actor": "US", "note": "n"})
    assert elsewhere.status_code == 403
    assert room.store.orders(room.turn) == []


def test_orders_follow_the_games_rules(room):
    app = build_app(room)
    india = joined(app, room.codes()["India"])
    hostile = order(india, "India", "sanctions", "with", "Pakistan")
    assert hostile.status_code == 400 and "hostile act" in alert(hostile.text)
    assert order(india, "India", "summit", "with", "India").status_code == 400
    no_note = order(india, "India", "summit", "with", "US", "")
    assert no_note.status_code == 400 and "justification" in alert(no_note.text)
    too_strong = india.post("/team/India/order", data={"verb": "summit", "preposition": "with", "actor": "US",
                                                       "intensity": "5", "note": "n"})
    assert too_strong.status_code == 400 and "outside the rules' range" in alert(too_strong.text)
    for actor in ("US", "Russia", "Iran"):
        assert order(india, "India", "summit", "with", actor).status_code == 200
    fourth = order(india, "India", "summit", "with", "China")
    assert fourth.status_code == 400 and "3 moves a turn" in alert(fourth.text)
    india.post("/team/India/submit", data={"submitted": "1"})
    frozen = india.post("/team/India/remove", data={"order": str(room.store.orders(room.turn)[0][0])})
    assert frozen.status_code == 400 and "submitted" in alert(frozen.text)
    assert len(room.store.orders(room.turn, "India")) == 3


def _teacher(app, room):
    teacher = client(app)
    teacher.post("/teacher/login", data={"pin": room.pin()})
    return teacher


def test_two_turns_proposals_news_undo_and_export(room, tmp_path):
    app = build_app(room)
    teams = {team: joined(app, code) for team, code in room.codes().items()}
    teacher = _teacher(app, room)
    # Turn 1: India proposes a summit to the US, Pakistan asks China for arms; China does not submit.
    order(teams["India"], "India", "summit", "with", "US", "talks on trade")
    order(teams["Pakistan"], "Pakistan", "buy_arms", "from", "China", "to answer the sale")
    order(teams["US"], "US", "sanctions", "on", "Iran", "pressure")
    for team in ("India", "Pakistan", "US"):
        teams[team].post(f"/team/{team}/submit", data={"submitted": "1"})
    assert teacher.post("/teacher/card", data={"card": "0"}).status_code == 200  # Doklam standoff
    waiting = teacher.post("/teacher/advance", data={})
    assert waiting.status_code == 400 and "not submitted yet: China" in alert(waiting.text)
    assert teacher.post("/teacher/advance", data={"missing_ok": "1"}).status_code == 200
    assert room.game.turns_played == 1
    played = {(e["type"], e["by"]) for e in room.game.played}
    assert played == {("sanctions", "US"), ("border_clash", "news")}  # the proposals wait for an answer
    us_page = teams["US"].get("/team/US").text
    assert "India proposes <strong>summit with US</strong>" in us_page and "Situation report: turn 1" in us_page
    assert "China did not submit" in teams["China"].get("/team/China").text
    assert "Doklam" in teams["India"].get("/team/India/report").text
    # Turn 2: the US accepts, China refuses; the teacher writes a news item.
    key = next(k for k, p in room._offers("US"))
    teams["US"].post("/team/US/answer", data={"proposal": key, "accept": "1"})
    china_key = next(k for k, p in room._offers("China"))
    teams["China"].post("/team/China/answer", data={"proposal": china_key, "accept": "0"})
    assert "refused" in teams["China"].get("/team/China").text
    news = teacher.post("/teacher/news", data={"type": "summit", "from": "Russia", "to": "China", "intensity": "1",
                                               "note": "a summit in Moscow (invented)"})
    assert news.status_code == 200 and room.injects()
    bad_news = teacher.post("/teacher/news", data={"type": "sumit", "from": "Russia", "to": "China", "note": "n"})
    assert bad_news.status_code == 400 and "sumit" in alert(bad_news.text)
    for team in TEAMS:
        teams[team].post(f"/team/{team}/submit", data={"submitted": "1"})
    assert teacher.post("/teacher/advance", data={}).status_code == 200
    second = room.report()
    assert second is not None and second[0] == 2
    assert "US accepted India&#x27;s proposal" in second[1] and "China did not accept Pakistan" in second[1]
    assert ("summit", "India and US") in {(e["type"], e["by"]) for e in room.game.played}
    for team in TEAMS:
        assert "Situation report: turn 2" in teams[team].get(f"/team/{team}").text
    # Undo: turn 2's orders, answers and news are open again; playing it again gives the same report.
    assert teacher.post("/teacher/undo", data={}).status_code == 200
    assert room.game.turns_played == 1 and room.report()[0] == 1
    assert [w for _, w, _, _ in room.team_view("US").orders] == ["summit with India"]
    assert teacher.post("/teacher/advance", data={}).status_code == 200
    assert room.report() == second
    # Turn 3 is being ordered when the game is exported: India's submitted move and the news go with it.
    order(teams["India"], "India", "diplomatic_visit", "with", "Russia", "carried over")
    teams["India"].post("/team/India/submit", data={"submitted": "1"})
    order(teams["US"], "US", "summit", "with", "China", "not submitted, not carried")
    teacher.post("/teacher/card", data={"card": "6"})  # the S-400 contract
    debrief = teacher.get("/teacher/debrief").text
    assert "Debrief · Russia sells" in debrief and "month 6" in debrief
    # Export: the CLI's game folder; `sim play --continue` carries on from it.
    archive = teacher.get("/teacher/export")
    assert archive.headers["content-type"] == "application/zip"
    zipfile.ZipFile(io.BytesIO(archive.content)).extractall(tmp_path / "out")
    folder = tmp_path / "out" / "game"
    assert (folder / "turns" / "002" / "situation.html").read_text() == second[1]
    done = cli("play", "--continue", "--state", str(folder), "--no-plots")
    assert done.returncode == 0, done.stderr
    assert "turn 3 · months 7 to 9" in done.stdout and "month 9 of 36" in done.stdout
    assert "India: diplomatic_visit with Russia (month 7): carried over" in done.stdout
    assert "not carried" not in done.stdout and "S-400" in done.stdout


def test_the_record_survives_reopening_and_refuses_a_newer_schema(room):
    app = build_app(room)
    india = joined(app, room.codes()["India"])
    order(india, "India", "summit", "with", "US", "kept")
    path = room.store.path
    room.store.close()
    again = Room.resume(path)
    assert [w for _, w, _, _ in again.team_view("India").orders] == ["summit with US"]
    same_browser = client(build_app(again), "x")
    same_browser.cookies.set(TEAM_COOKIE, india.cookies[TEAM_COOKIE])
    assert same_browser.get("/team/India").status_code == 200
    again.store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(room_store.SCHEMA_VERSION + 1),))
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(EntenteError) as refused:
        Room.resume(path)
    assert "newer Entente" in refused.value.problem and refused.value.file == str(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_the_command_refuses_bad_input_in_one_paragraph(tmp_path):
    text = tmp_path / "notes.sqlite"
    text.write_text("not a database\n")
    done = cli("classroom", "host", "--resume", str(text))
    assert done.returncode == 2 and "not a game database" in done.stderr and "Traceback" not in done.stderr
    stranger = tmp_path / "other.sqlite"
    with sqlite3.connect(stranger) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    done = cli("classroom", "host", "--resume", str(stranger))
    assert done.returncode == 2 and "damaged" in done.stderr and "teams" in done.stderr
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = cli("classroom", "host", "arms_sale_pakistan", "--teams", "India,US", "--folder",
                   str(tmp_path / "busy"), "--port", str(busy.getsockname()[1]), "--no-qr")
    assert done.returncode == 2 and "cannot serve on 127.0.0.1" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "busy").exists()
    done = cli("classroom", "host", "arms_sale_pakistan", "--teams", "India,Atlantis", "--folder",
               str(tmp_path / "games"))
    assert done.returncode == 2 and "Atlantis" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "games").exists() or not any((tmp_path / "games").iterdir())
    done = cli("classroom", "host", "arms_sale_pakistan", "--teams", "India,../x", "--folder",
               str(tmp_path / "games"))
    assert done.returncode == 2 and "cannot be a team's name" in done.stderr


def test_the_terminal_says_how_to_join(room):
    from sim.room.host import announce, join_address

    printed = io.StringIO()
    announce(room, "http://127.0.0.1:8766/", out=printed)
    text = printed.getvalue()
    for team, code in room.codes().items():
        assert f"Team {team} ({team}): join code {code}" in text
    assert f"PIN {room.pin()}" in text and f"--resume {room.store.path}" in text
    assert "█" in text or "▀" in text  # the QR code, drawn with block characters
    assert join_address("127.0.0.1", 8766) == "http://127.0.0.1:8766/"
    lan = join_address("0.0.0.0", 8766)
    assert lan.startswith("http://") and "0.0.0.0" not in lan


def test_a_form_sent_after_the_turn_moved_on_is_refused(room):
    app = build_app(room)
    india = joined(app, room.codes()["India"])
    page = india.get("/team/India").text
    assert page.count('name="turn" value="1"') >= 2  # the move form and the submit button
    teacher = _teacher(app, room)
    assert teacher.post("/teacher/advance", data={"missing_ok": "1"}).status_code == 200
    late = india.post("/team/India/submit", data={"submitted": "1", "turn": "1"})
    assert late.status_code == 400 and "moved on to turn 2" in alert(late.text)
    late = india.post("/team/India/order", data={"verb": "summit", "preposition": "with", "actor": "US",
                                                 "note": "n", "turn": "1"})
    assert late.status_code == 400 and room.store.submitted(2) == set() and room.store.orders(2) == []
    assert india.post("/team/India/submit", data={"submitted": "1", "turn": "2"}).status_code == 200
    assert room.store.submitted(2) == {"India"}


def test_one_server_per_game(room):
    from sim.cli.classroom import one_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with one_server(room.store.path):
        done = cli("classroom", "host", "--resume", str(room.store.path), "--port", str(port), "--no-qr")
    assert done.returncode == 2 and "another `sim classroom host` is serving the game" in done.stderr


def test_the_app_s_page_hosts_a_class_game_and_stops_it(tmp_path, monkeypatch):
    """The same as `sim classroom host`, from the app's front page: the card starts the game on a free port of
    this computer, shows the join address, each team's code and the teacher's PIN, and stops it."""
    import urllib.request

    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    from sim.app.page import class_game
    from sim.app.session import GameSession

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ENTENTE_APP_HOST", "127.0.0.1")
    session = GameSession.bundled("arms_sale_pakistan").with_play(6, {"Delhi": "India", "Islamabad": "Pakistan"})
    _, rendering = solara.render(class_game(session), handle_error=False)
    rendering.find(v.Btn, children=["Host it for the room"]).widget.click()
    def pages(widget):  # every HTML part of the card
        yield str(getattr(widget, "unsafe_innerHTML", ""))
        for child in getattr(widget, "children", None) or []:
            if hasattr(child, "keys"):
                yield from pages(child)

    shown = [text for text in pages(rendering.find(v.Card).widget) if "Join address" in text]
    assert len(shown) == 1, "the card shows the join address"
    address = shown[0].split('data-testid="room-address">')[1].split("<")[0]
    assert address.startswith("http://127.0.0.1:") and "India (India): join code" in shown[0]
    assert "Pakistan (Pakistan): join code" in shown[0] and "PIN <code>" in shown[0] and "<svg" in shown[0]
    with urllib.request.urlopen(address, timeout=5) as answer:
        assert answer.status == 200
    assert list((tmp_path / "class_games").glob("*.sqlite"))
    rendering.find(v.Btn, children=["Stop the class game"]).widget.click()
    with pytest.raises(OSError):
        urllib.request.urlopen(address, timeout=2)
    rendering.close()


def test_the_page_starts_no_game_when_other_computers_can_reach_it(monkeypatch):
    solara = pytest.importorskip("solara")
    import ipyvuetify as v

    from sim.app.page import class_game
    from sim.app.session import GameSession

    monkeypatch.setenv("ENTENTE_APP_HOST", "0.0.0.0")
    _, rendering = solara.render(class_game(GameSession.bundled("arms_sale_pakistan")), handle_error=False)
    assert not rendering.find(v.Btn, children=["Host it for the room"]).widgets
    rendering.close()
