"""The page trusts neither saved games nor upload events (issue 22, Medium 9), and its heavy runs go through one
queue per server (Low 13). Session level, no browser: sim/app/session.py, sim/app/run_queue.py."""

from __future__ import annotations

import threading
import time

import pytest
import yaml

from sim.app.run_queue import Cancelled, RunQueue, run_in_turn
from sim.app.session import GameSession, load_game, save_game, upload_event
from sim.errors import EntenteError
from sim.classroom.saved_game import GAME_HEADER
from sim.inputs.safe_yaml import MAX_BYTES


@pytest.fixture(scope="module")
def saved():
    """A saved game with two teams and one pending move, as plain data."""
    session = GameSession.bundled("arms_sale_pakistan").with_play(3, {"Delhi": "India", "Islamabad": "Pakistan"})
    session = session.move("Delhi", "buy_arms from US", note="F-16s")
    return yaml.safe_load(save_game(session))


def game(data: dict, **changes) -> bytes:
    return (GAME_HEADER + yaml.safe_dump({**data, **changes}, sort_keys=False)).encode()


def refused(data: bytes) -> str:
    with pytest.raises(EntenteError) as caught:
        load_game("class.yaml", data)
    message = caught.value.message()
    assert message.startswith("class.yaml") and "Traceback" not in message and "/" not in message, message
    return message


def test_the_saved_game_used_below_loads(saved):
    session = load_game("class.yaml", game(saved))
    assert [m["team"] for m in session.pending] == ["Delhi"]


@pytest.mark.parametrize("move, words", [
    ({"team": "Delhi", "do": 5, "intensity": 1.0, "note": "x"}, "not a team's order"),
    ({"team": "Delhi", "do": "buy_arms from US", "intensity": 1.0}, "justification"),
    ({"team": "Delhi", "do": "buy_arms from US", "note": "   "}, "justification"),
    ({"team": "Delhi", "do": "buy_arms from US", "note": ["a"]}, "a line of text"),
    ({"team": "Delhi", "do": "buy_arms from US", "note": "x", "at": 1}, "not a team's order"),
    ({"team": "Delhi", "do": "buy_arms from Narnia", "note": "x"}, "unknown actor 'Narnia'"),
    ({"team": ["Delhi"], "do": "buy_arms from US", "note": "x"}, "not a team's order"),
    ({"team": "Delhi", "do": "buy_arms from US", "note": "x", "intensity": "high"}, "intensity"),
    ({"team": "Delhi", "do": "buy_arms from US", "note": "x", "intensity": 9}, "outside the rules' range"),
    ("arms_sale", "mapping"),
])
def test_a_tampered_pending_move_is_refused_with_the_checks_of_the_page(saved, move, words):
    message = refused(game(saved, pending=[move]))
    assert words in message


@pytest.mark.parametrize("changes, words", [
    ({"seed": 1e400}, "'seed' must be a whole number"),
    ({"seed": "7"}, "'seed' must be a whole number"),
    ({"seed": 10 ** 400}, "seed must be at most"),
    ({"month": 1e400}, "'month' must be a whole number"),
    ({"month": 99}, "outside the game's 0 to 36"),
    ({"turn": "3"}, "'turn' must be a whole number"),
    ({"turn": 0}, "a turn must be from 1"),
    ({"teams": ["India"]}, "'teams' must be a mapping"),
    ({"parameters": [1]}, "'parameters' must be a mapping"),
    ({"parameters": {"memory": "lots"}}, "memory"),
    ({"played": "none"}, "'played' must be a list"),
    ({"played": [3]}, "every entry of 'played'"),
    ({"pending": {"team": "Delhi"}}, "'pending' must be a list"),
    ({"label": ["x"]}, "'label' must be a line of text"),
    ({"scenario": 5}, "'scenario' must be the name"),
])
def test_a_tampered_field_is_refused_in_one_paragraph(saved, changes, words):
    assert words in refused(game(saved, **changes))


def test_a_scenario_sent_to_the_page_cannot_read_a_file_of_the_server(saved):
    scenario = {"name": "probe", "months": 6, "relations_file": "/etc/passwd"}
    with pytest.raises(EntenteError, match="cannot name a relations file") as caught:
        GameSession.uploaded("probe.yaml", yaml.safe_dump(scenario).encode())
    assert caught.value.file == "probe.yaml" and caught.value.line == 3
    data = {key: value for key, value in saved.items() if key != "scenario"}
    assert "cannot name a relations file" in refused(game(data, scenario_data=scenario, month=0, pending=[]))


def test_a_scenario_sent_to_the_page_cannot_probe_the_server_for_an_event_series(saved):
    scenario = {"name": "probe", "months": 6,
                "observed": {"file": "/etc/passwd", "start": "2018-05", "pairs": [["US", "Iran"]]}}
    with pytest.raises(EntenteError, match="cannot name an event series") as caught:
        GameSession.uploaded("probe.yaml", yaml.safe_dump(scenario).encode())
    assert caught.value.file == "probe.yaml" and caught.value.line == 3 and caught.value.field == "observed"
    data = {key: value for key, value in saved.items() if key != "scenario"}
    assert "cannot name an event series" in refused(game(data, scenario_data=scenario, month=0, pending=[]))


@pytest.mark.parametrize("event", [
    None, "bytes", [1, 2], {"name": "a.yaml"} | {"bytes": "abc"}, {"name": "a.yaml", "bytes": [300]},
    {"name": "a.yaml", "bytes": [-1]}, {"name": "a.yaml", "bytes": [1.5]}, {"name": "a.yaml", "bytes": [True]},
    {"name": "a.yaml", "bytes": {"0": 1}}, {"name": "a.yaml", "bytes": [0] * (MAX_BYTES + 1)},
    {"name": "a.yaml", "too_large": True, "bytes": []},
])
def test_a_malformed_upload_event_is_one_paragraph(event):
    with pytest.raises(EntenteError) as caught:
        upload_event(event, default_name="uploaded.yaml", what="scenario file")
    assert "did not arrive whole" in caught.value.problem or "larger than the limit" in caught.value.problem


def test_an_upload_event_from_the_page_gives_its_name_and_bytes():
    name, content = upload_event({"name": "C:\\Users\\me\\war.yaml", "too_large": False, "bytes": [110, 58]},
                                 default_name="uploaded.yaml", what="scenario file")
    assert (name, content) == ("war.yaml", b"n:")
    assert upload_event({"name": 7, "bytes": []}, default_name="game.yaml", what="game file")[0] == "game.yaml"


# ------------------------------------------------------------------------------------------- the queue

def test_runs_go_one_at_a_time_in_the_order_queued_and_each_learns_its_place():
    queue = RunQueue()
    gate = threading.Event()
    active, most, order = [0], [0], []
    places: dict[int, list[int]] = {i: [] for i in range(5)}
    lock = threading.Lock()

    def work(i):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        gate.wait(5)
        time.sleep(0.02)
        order.append(i)
        with lock:
            active[0] -= 1
        return i

    threads = []
    for i in range(5):
        thread = threading.Thread(target=queue.run, args=(lambda i=i: work(i),),
                                  kwargs={"on_place": places[i].append, "poll": 0.05})
        thread.start()
        threads.append(thread)
        deadline = time.monotonic() + 5
        while queue.waiting() < i + 1 and time.monotonic() < deadline:  # queued in this order
            time.sleep(0.005)
    gate.set()
    for thread in threads:
        thread.join(10)
    assert order == [0, 1, 2, 3, 4] and most[0] == 1
    assert places[0] == [0] and places[4][0] == 4 and places[4][-1] == 0
    assert places[4] == sorted(places[4], reverse=True)
    assert queue.waiting() == 0


def test_a_run_whose_page_closed_leaves_the_queue_unrun_and_a_failure_frees_it():
    queue = RunQueue()
    release, closed, ran = threading.Event(), threading.Event(), []
    first = threading.Thread(target=queue.run, args=(lambda: release.wait(5),))
    first.start()
    while queue.waiting() < 1:
        time.sleep(0.005)
    outcome = []

    def waiter():
        try:
            queue.run(lambda: ran.append("closed page"), cancelled=closed.is_set, poll=0.02)
        except Cancelled:
            outcome.append("left")

    second = threading.Thread(target=waiter)
    second.start()
    closed.set()
    second.join(5)
    assert outcome == ["left"] and queue.waiting() == 1
    release.set()
    first.join(5)
    with pytest.raises(ZeroDivisionError):
        queue.run(lambda: 1 / 0)
    assert queue.run(lambda: "next") == "next" and ran == [] and queue.waiting() == 0


def test_run_in_turn_shows_errors_as_a_paragraph_without_server_paths():
    said, places, applied = [], [], []

    def fail_input():
        raise EntenteError("months must be at most 240", file="war.yaml")

    def fail_bug():
        raise OSError(2, "No such file or directory", "/srv/entente/secret/path.npz")

    for compute in (fail_input, fail_bug, lambda: "result"):
        run_in_turn(lambda: None, lambda _, compute=compute: compute(), lambda _: applied.append(True), page=RunQueue(),
                    on_place=places.append, on_error=said.append, queue=RunQueue()).join(5)
    assert said[0].startswith("war.yaml: months must be at most 240")
    assert "FileNotFoundError" in said[1] and "/srv" not in said[1] and "secret" not in said[1]
    assert applied == [True] and places == [0, None, 0, None, 0, None]  # cleared before apply


def test_a_page_s_actions_keep_the_order_they_were_clicked_in_each_on_the_newest_session():
    page, server = RunQueue(), RunQueue()
    latest, shown, errors = [0], [], []
    slow = threading.Event()

    def click(step):
        def prepare():
            if step == "bad":
                raise EntenteError("refused")
            return latest[0] + step

        def apply(value):
            latest[0] = value
            shown.append(value)

        return run_in_turn(prepare, lambda value: slow.wait(0.05) if value == 1 else None, apply, page=page,
                           on_place=lambda place: None, on_error=errors.append, queue=server)

    threads = [click(step) for step in (1, "bad", 10, 100)]  # clicked faster than the first one runs
    for thread in threads:
        thread.join(5)
    assert shown == [1, 11, 111] and errors == ["refused"]
    assert server.waiting() == 0  # the refused action gave its place back


def test_pages_run_in_the_order_their_clicks_were_served_however_late_their_threads_start():
    """The server's place is taken when the click is served: a page whose action's thread is slow to get going
    (a busy server) still runs before a page clicked after it, and the later page sees a run ahead of it."""
    server, ran, places = RunQueue(), [], []
    started = threading.Event()

    def late_prepare():
        started.wait(5)  # this thread gets going only after the second page has clicked
        return "first"

    first = run_in_turn(late_prepare, ran.append, lambda _: None, page=RunQueue(), on_place=lambda place: None,
                        on_error=pytest.fail, queue=server)
    second = run_in_turn(lambda: "second", ran.append, lambda _: None, page=RunQueue(), on_place=places.append,
                         on_error=pytest.fail, queue=server)
    time.sleep(0.2)
    started.set()
    first.join(5)
    second.join(5)
    assert ran == ["first", "second"] and places[0] == 1 and server.waiting() == 0


def test_a_number_field_reads_what_was_typed_and_refuses_the_rest():
    from sim.app.number_field import parsed

    assert parsed(" 0.123 ", whole=False) == 0.123 and parsed("0,25", whole=False) == 0.25
    assert parsed("12", whole=True) == 12 and isinstance(parsed("12.0", whole=True), int)
    for text, whole, words in (("", False, "type a number"), ("abc", False, "not a number"),
                               ("1.5", True, "a whole number"), ("nan?", False, "not a number")):
        with pytest.raises(ValueError, match=words):
            parsed(text, whole)
