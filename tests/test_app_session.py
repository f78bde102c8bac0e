"""The page's game state (sim/app/session.py), its plain-language lines and its downloads, without a browser."""

from __future__ import annotations

import html
import io
import re
import subprocess
import sys
import time
import urllib.request
import zipfile

import numpy as np
import pytest

import sim
from conftest import ROOT, cli, source_env
from sim.app.downloads import DOWNLOADS, result_zip
from sim.app.narrate import what_happened
from sim.app.session import GameSession, load_game, save_game
from sim.cli.main import main
from sim.errors import EntenteError


@pytest.fixture(scope="module")
def arms_sale():
    return GameSession.bundled("arms_sale_pakistan")


def test_the_run_to_a_month_is_exactly_the_start_of_the_full_run(arms_sale):
    partial = arms_sale.step(12).result
    full = sim.run(sim.load_scenario("arms_sale_pakistan"))
    assert partial.months == 12
    for table in ("alignment", "baseline"):
        head = getattr(full, table)
        head = head[head["month"] <= 12].reset_index(drop=True)
        assert np.array_equal(getattr(partial, table)["score"].to_numpy(), head["score"].to_numpy())
    full_events = full.events[full.events["month"] <= 12].reset_index(drop=True)
    assert partial.events.equals(full_events)


def test_a_live_event_happens_next_month_and_moves_the_pair(arms_sale):
    at_12 = arms_sale.step(12)
    live = at_12.inject("arms_sale", "US", ("India",), intensity=1.0, note="F-16s")
    assert [(e.month, e.source, e.target) for e in live.live_events] == [(13, "US", "India")]
    assert at_12.live_events == ()  # the session it came from is unchanged
    with_it, without = live.run_to_end().result, at_12.run_to_end().result
    row = with_it.events[(with_it.events["month"] == 13) & (with_it.events["source"] == "US")]
    assert list(row["origin"]) == ["scenario"]
    assert [with_it.summary.notes[place] for place in row["reason"]] == ["F-16s"]  # the note, stored once
    us, india = with_it.actors.index("US"), with_it.actors.index("India")
    assert with_it.matrix(36)[india, us] > without.matrix(36)[india, us] + 0.05
    assert live.reset().injects == () and live.reset().month == 0


def test_a_meeting_added_live_is_split_into_pairs(arms_sale):
    live = arms_sale.step(2).inject("summit", between=("Russia", "India", "China"))
    assert len(live.live_events) == 3 and {e.month for e in live.live_events} == {3}


def test_a_wrong_live_event_is_refused_with_the_checkers_words(arms_sale):
    with pytest.raises(EntenteError) as caught:
        arms_sale.inject("arms_sale", "Rusia", ("India",))
    assert "live event" in caught.value.message() and "Did you mean 'Russia'" in caught.value.message()
    with pytest.raises(EntenteError, match="last month"):
        arms_sale.run_to_end().inject("arms_sale", "US", ("India",))


def test_steps_stop_at_the_horizon_and_sliders_replay_the_months(arms_sale):
    assert arms_sale.step(500).month == 36
    faster = arms_sale.step(10).with_parameter("memory", 0.5)
    assert faster.month == 10 and faster.scenario.parameters.memory == 0.5
    assert not np.array_equal(faster.result.matrix(10), arms_sale.step(10).result.matrix(10))
    with pytest.raises(EntenteError, match="memory"):
        arms_sale.with_parameter("memory", 7.0)


def test_an_uploaded_broken_file_gets_the_same_message_as_validate(tmp_path):
    broken = ROOT / "tests" / "broken_scenarios" / "01_unknown_actor.yaml"
    done = cli("validate", broken)
    expected = done.stderr.strip().removeprefix("error: ").replace(str(broken), "mine.yaml")
    with pytest.raises(EntenteError) as caught:
        GameSession.uploaded("C:\\Users\\me\\mine.yaml", broken.read_bytes())
    assert caught.value.message() == expected


def test_an_uploaded_good_file_plays(tmp_path):
    text = (ROOT / "scenarios" / "s400_india.yaml").read_bytes()
    session = GameSession.uploaded("s400.yaml", text).step(3)
    assert session.label == "s400.yaml" and session.result.months == 3


def test_what_happened_names_the_scenario_event_and_the_reaction(arms_sale):
    at_3 = arms_sale.step(3)
    assert what_happened(at_3.result, 2)[0].startswith("Month 3: Russia → Pakistan, cooperate militarily")
    from sim.inputs.resources import bundled_scenario

    text = bundled_scenario("arms_sale_pakistan").read_text(encoding="utf-8")  # every concerned actor answers
    eager = GameSession.uploaded("eager.yaml", text.replace("\nevents:", "\nparameters: {reaction_ceiling: 1}\n"
                                                            "events:", 1).encode("utf-8"))
    lines = what_happened(eager.step(5).result, 4)  # India's answer comes two months after the sale
    assert any("a reaction by" in line for line in lines), lines
    assert what_happened(arms_sale.result, 0)[0].startswith("Month 0: the start")


def test_the_zip_holds_the_result_folder_and_is_reproducible(arms_sale):
    result = arms_sale.step(6).result
    data = result_zip(result)
    assert data == result_zip(result)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    for name in ("alignment.csv", "baseline.csv", "blocs.csv", "events.csv", "summary.json", "manifest.json",
                 "pairs_over_time.png"):
        assert name in names
    summary = sim.Summary.from_json(zipfile.ZipFile(io.BytesIO(data)).read("summary.json").decode())
    assert summary.months == 6
    assert "report.html" in names
    assert [d.suffix for d in DOWNLOADS] == [".zip", ".html"]


def test_the_report_download_is_the_run_s_report(arms_sale):
    result = arms_sale.step(6).result
    report = next(d for d in DOWNLOADS if d.suffix == ".html").build(result).decode("utf-8")
    assert report.startswith("<!DOCTYPE html>") and "data:image/png;base64," in report
    assert result.name in report and "http://" not in report and "https://" not in report


def test_sim_app_without_the_extra_says_how_to_install_it(monkeypatch, capsys):
    import sim.cli.app as app

    monkeypatch.setattr(app, "APP_PACKAGES", ("solara", "no_such_package_entente"))
    assert main(["app"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no_such_package_entente" in err and '".[app]"' in err
    assert "Traceback" not in err and err.count("\n") == 1


@pytest.mark.skipif(sys.platform == "win32", reason="on Windows the server is a child, stopped by Ctrl+C")
def test_stopping_sim_app_stops_its_server(tmp_path):
    """A stopped `sim app` leaves nothing serving: the command is the server, not its parent."""
    pytest.importorskip("solara", reason="the app extra is not installed: pip install -e \".[test]\"")
    command = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", "0"], cwd=tmp_path,
                               env=source_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        address = re.search(r"http://\S+/", command.stdout.readline()).group(0)
        deadline = time.monotonic() + 60
        while not _answers(address):
            assert time.monotonic() < deadline and command.poll() is None, "sim app did not start serving"
            time.sleep(0.3)
        command.terminate()  # as a closed terminal or `kill` would
        command.wait(timeout=20)
        assert not _answers(address)
    finally:
        if command.poll() is None:
            command.kill()
        command.stdout.close()


def _answers(address: str) -> bool:
    try:
        urllib.request.urlopen(address, timeout=2).read()
        return True
    except OSError:
        return False


# -- play mode -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_teams(arms_sale):
    return arms_sale.with_play(3, {"Delhi": "India", "Islamabad": "Pakistan"})


def test_two_teams_move_and_the_turn_applies_both_next_month(two_teams):
    at_6 = two_teams.step(6)
    planned = (at_6.move("Delhi", "diplomatic_visit with Russia", note="keep Moscow close")
               .move("Islamabad", "buy_arms from China", intensity=0.5, note="ask Beijing for jets"))
    assert planned.injects == () and len(planned.pending) == 2 and planned.month == 6  # nothing happens yet
    played = planned.advance_turn()
    assert played.month == 9 and played.pending == ()
    assert [(e.month, e.type, e.source, e.target) for e in played.live_events] == [
        (7, "diplomatic_visit", "India", "Russia"), (7, "arms_sale", "China", "Pakistan")]
    events = played.result.events
    notes = {played.result.summary.notes[p] for p in events[events["month"] == 7]["reason"]
             if p in played.result.summary.notes}
    assert {"Delhi: keep Moscow close", "Islamabad: ask Beijing for jets"} <= notes  # the team, as `sim play`
    india, russia = played.result.actors.index("India"), played.result.actors.index("Russia")
    assert played.result.matrix(9)[russia, india] != at_6.step(3).result.matrix(9)[russia, india]


def test_a_team_moves_only_in_its_own_words_within_the_rules(two_teams):
    with pytest.raises(EntenteError) as caught:
        two_teams.move("Delhi", "border_clash from Pakistan", note="they attack us")
    message = caught.value.message()
    assert "team 'Delhi'" in message and "hostile act" in message and "border_clash on Pakistan" in message
    with pytest.raises(EntenteError, match="justification"):
        two_teams.move("Delhi", "diplomatic_visit with Russia", note="  ")
    with pytest.raises(EntenteError, match="no team 'Kabul'"):
        two_teams.move("Kabul", "diplomatic_visit with Pakistan", note="x")
    with pytest.raises(EntenteError) as caught:
        two_teams.move("Delhi", "diplomatic_visit with Rusia", note="x")
    assert "Did you mean 'Russia'" in caught.value.message()
    with pytest.raises(EntenteError, match="outside the rules' range"):
        two_teams.move("Delhi", "summit with US", intensity=3.0, note="x")
    full = two_teams.move("Delhi", "summit with US", note="a").move("Delhi", "summit with Iran", note="b") \
        .move("Delhi", "summit with China", note="c")
    with pytest.raises(EntenteError, match="ordered its 3 moves"):
        full.move("Delhi", "summit with Russia", note="d")
    with pytest.raises(EntenteError, match="Did you mean 'India'"):
        two_teams.with_play(3, {"Delhi": "Indai"})
    with pytest.raises(EntenteError, match="cannot be a team's name"):
        two_teams.with_play(3, {"news": "India"})
    with pytest.raises(EntenteError, match="from 1 to 36"):
        two_teams.with_play(0, {})


def test_a_proposal_is_accepted_or_refused_in_the_next_turn(two_teams):
    turn_1 = (two_teams.move("Delhi", "defence_pact with Pakistan", note="a pact")
              .move("Delhi", "economic_deal with Pakistan", note="a deal").advance_turn())
    assert turn_1.live_events == () and len(turn_1.proposals) == 2
    assert any("Delhi proposes to Islamabad: defence_pact with Pakistan" in s for s in turn_1.last_turn)
    turn_2 = turn_1.accept(0).advance_turn()
    assert [(e.month, e.type, e.source, e.target) for e in turn_2.live_events] == [
        (4, "defence_pact", "India", "Pakistan")]
    assert turn_2.injects[0]["by"] == "Delhi and Islamabad"
    assert any("Islamabad did not accept Delhi's proposal (economic_deal with Pakistan" in s for s in turn_2.last_turn)
    assert turn_2.proposals == ()


def test_a_saved_game_continues_exactly_as_if_never_stopped(two_teams):
    turn_1 = (two_teams.move("Delhi", "diplomatic_visit with Russia", note="keep Moscow close")
              .move("Delhi", "defence_pact with Pakistan", note="an offer")
              .advance_turn().with_seed(7).with_parameter("memory", 0.8)
              .move("Islamabad", "summit with China", note="a summit with Beijing"))
    text = save_game(turn_1)
    assert "scenario: arms_sale_pakistan" in text and "entente_game: 2" in text
    again = load_game("C:\\games\\class.yaml", text.encode("utf-8"))
    assert again == turn_1 and again.pending == turn_1.pending and again.teams == turn_1.teams
    assert again.proposals == turn_1.proposals and len(again.proposals) == 1
    straight = turn_1.advance_turn().advance_turn()
    resumed = again.advance_turn().advance_turn()
    assert resumed.month == straight.month == 9
    assert resumed.result.alignment.to_csv().encode() == straight.result.alignment.to_csv().encode()
    assert resumed.result.events.to_csv().encode() == straight.result.events.to_csv().encode()
    assert save_game(resumed) == save_game(straight)


def test_one_saved_game_format_for_the_page_and_sim_play(two_teams, tmp_path, capsys):
    """A game saved on the page continues at the terminal (sim play --load), and a sim play folder's
    game.yaml continues on the page: the same file, the same world."""
    from sim.cli.main import main

    on_page = two_teams.move("Delhi", "summit with US", note="talks").advance_turn()
    saved = tmp_path / "from_page.yaml"
    saved.write_text(save_game(on_page), encoding="utf-8")
    folder = tmp_path / "folder"
    assert main(["play", "--load", str(saved), "--state", str(folder), "--no-plots"]) == 0
    (folder / "orders" / "Islamabad.yaml").write_text("moves:\n  - do: buy_arms from China\n    note: jets\n")
    assert main(["play", "--continue", "--state", str(folder), "--no-plots"]) == 0
    capsys.readouterr()
    back = load_game("game.yaml", (folder / "game.yaml").read_bytes())
    on_page_too = on_page.move("Islamabad", "buy_arms from China", note="jets").advance_turn()
    assert back.month == on_page_too.month == 6
    assert back.result.alignment.to_csv() == on_page_too.result.alignment.to_csv()
    import pandas as pd

    written = pd.read_csv(folder / "result" / "alignment.csv")
    assert written["score"].round(6).tolist() == back.result.alignment["score"].round(6).tolist()


def test_a_page_save_of_the_previous_format_still_loads(arms_sale):
    old = ("entente_game: 1\nscenario: arms_sale_pakistan\nlabel: x\nparameters: {}\nseed: null\nmonth: 3\n"
           "turn: 3\nteams: {Delhi: India}\ninjects:\n- {at: 2, type: summit, from: India, to: US, "
           "intensity: 1.0, note: 'Delhi: talks'}\npending:\n- {team: Delhi, type: arms_sale, from: Russia, "
           "to: India, intensity: 1.0, note: jets}\n")
    session = load_game("old.yaml", old.encode())
    assert session.injects[0]["by"] == "Delhi" and session.pending[0]["do"] == "buy_arms from Russia"
    assert [(e.month, e.type) for e in session.live_events] == [(2, "summit")]


def test_an_uploaded_scenario_is_saved_with_its_data_and_a_bad_game_file_is_refused():
    text = (ROOT / "scenarios" / "s400_india.yaml").read_bytes()
    session = GameSession.uploaded("s400.yaml", text).with_play(2, {"Moscow": "Russia"}).step(2)
    saved = save_game(session)
    assert "scenario_data" in saved
    assert load_game("g.yaml", saved.encode()).result.alignment.equals(session.result.alignment)
    with pytest.raises(EntenteError) as caught:
        load_game("mine.yaml", text)
    assert "mine.yaml" in caught.value.message() and "Save game" in caught.value.message()
    with pytest.raises(EntenteError) as caught:
        load_game("mine.yaml", saved.replace("month: 2", "month: 99").encode())
    assert "mine.yaml" in caught.value.message() and "month 99" in caught.value.message()


def test_the_page_gives_the_same_situation_report_as_sim_play(two_teams):
    played = (two_teams.step(3).move("Islamabad", "border_clash on India", note="test the line")
              .move("Delhi", "defence_pact with Pakistan", note="an offer").advance_turn())
    page = played.situation_page()
    assert "Situation report: turn 1, months 4 to 6" in page
    assert "Proposed: Delhi proposes to Islamabad: defence_pact with Pakistan" in page
    events = played.result.events
    reactions = events[(events["origin"] == "reaction") & (events["month"] >= 4)]
    assert len(reactions) >= 1
    for reason in reactions["reason"]:
        assert html.escape(reason) in page
    assert "<th>Islamabad</th>" in page and "<th>Delhi</th>" not in page  # Delhi's offer was not played
    assert two_teams.situation_page() is None


def test_the_buttons_keep_their_widgets_while_orders_proposals_and_outcomes_come_and_go(two_teams):
    """A part of the play card that appears or goes must not shift the widgets after it: the renderer keys
    children by place, so a shifted button is rebuilt, and a click that reaches a button being rebuilt is lost
    (a browser test's 'Advance the turn' after an accepted proposal did nothing, once in a while)."""
    solara = pytest.importorskip("solara", reason="the app extra is not installed")
    import ipyvuetify as v

    from sim.app.page import Play

    turn_1 = (two_teams.move("Delhi", "defence_pact with Pakistan", note="a pact")
              .move("Delhi", "economic_deal with Pakistan", note="a deal").advance_turn())
    shown = solara.reactive(two_teams)

    @solara.component
    def Card():
        Play(shown.value, lambda change, keep_since=False: None, lambda data: None)

    _, rendering = solara.render(Card(), handle_error=False)

    def advance():
        return rendering.find(v.Btn, children=["Advance the turn"]).widget

    first = advance()
    for session in (two_teams.move("Delhi", "summit with US", note="talks"), turn_1, turn_1.accept(0), two_teams):
        shown.value = session
        assert advance() is first
    rendering.close()
