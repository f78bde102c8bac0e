"""Turn-by-turn play: orders, news, a saved state that continues identically, clear errors, a debrief."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from conftest import SCENARIOS
from sim.cli.main import main

DATA_FILES = ("alignment.csv", "baseline.csv", "blocs.csv", "events.csv")

INDIA_ORDERS = """\
team: India
moves:
  - do: summit with US
    at: 2
    note: reassure Washington after the sale
"""
PAKISTAN_ORDERS = """\
moves:
  - do: buy_arms from China
    intensity: 0.8
    note: answer India's summit
"""
PAKISTAN_TURN_2 = """\
moves:
  - do: diplomatic_visit with Russia
    at: 9
    note: keep the seller close
"""
NEWS = """\
events:
  - type: border_clash
    from: Pakistan
    to: India
    at: 5
    note: an exchange of fire (invented for the exercise)
"""


def sim_ok(capsys, *args) -> str:
    code = main([*args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def start(tmp_path, capsys, name="game"):
    game = tmp_path / name
    sim_ok(capsys, "play", str(SCENARIOS / "arms_sale_pakistan.yaml"), "--turn", "6", "--state", str(game),
           "--teams", "India,Pakistan")
    return game


def turn_one(game, tmp_path, capsys):
    (game / "orders" / "india.yaml").write_text(INDIA_ORDERS, encoding="utf-8")
    (game / "orders" / "pakistan.yaml").write_text(PAKISTAN_ORDERS, encoding="utf-8")
    news = tmp_path / "news.yaml"
    news.write_text(NEWS, encoding="utf-8")
    return sim_ok(capsys, "play", "--continue", "--state", str(game), "--inject", str(news), "--no-plots")


def turn_two(game, capsys):
    (game / "orders" / "pakistan.yaml").write_text(PAKISTAN_TURN_2, encoding="utf-8")
    return sim_ok(capsys, "play", "--continue", "--state", str(game), "--no-plots")


def data(folder) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in DATA_FILES}


def test_a_two_turn_game_with_two_teams_and_news(tmp_path, capsys):
    game = start(tmp_path, capsys)
    out = turn_one(game, tmp_path, capsys)
    assert "2 order(s) from 2 orders file(s), 1 news item(s); 2 move(s) played" in out
    assert yaml.safe_load((game / "game.yaml").read_text())["month"] == 6
    assert not list((game / "orders").glob("*.yaml")), "used orders leave the orders folder"
    assert sorted(p.name for p in (game / "turns" / "001" / "orders").iterdir()) == ["india.yaml", "pakistan.yaml"]
    assert (game / "turns" / "001" / "news.yaml").read_text() == NEWS
    turn_two(game, capsys)
    assert yaml.safe_load((game / "game.yaml").read_text())["month"] == 12
    scenario = yaml.safe_load((game / "played_scenario.yaml").read_text())
    notes = {(e["type"], e["at"]): e["note"] for e in scenario["events"]}
    assert notes[("summit", 2)] == "India: reassure Washington after the sale"
    assert notes[("arms_sale", 1)] == "Pakistan: answer India's summit"  # no 'at': the turn's first month
    assert notes[("border_clash", 5)] == "an exchange of fire (invented for the exercise)"  # news: as written
    assert notes[("diplomatic_visit", 9)] == "Pakistan: keep the seller close"
    assert scenario["months"] == 12
    alignment = pd.read_csv(game / "result" / "alignment.csv")
    assert alignment["month"].max() == 12


def test_the_played_events_are_in_the_result_at_their_months(tmp_path, capsys):
    game = start(tmp_path, capsys)
    turn_one(game, tmp_path, capsys)
    turn_two(game, capsys)
    events = pd.read_csv(game / "result" / "events.csv")
    scheduled = events[events["origin"] == "scenario"]
    rows = set(map(tuple, scheduled[["month", "type", "source", "target"]].values.tolist()))
    assert rows == {(2, "summit", "India", "US"), (1, "arms_sale", "China", "Pakistan"),
                    (3, "arms_sale", "Russia", "Pakistan"), (5, "border_clash", "Pakistan", "India"),
                    (9, "diplomatic_visit", "Pakistan", "Russia")}


def test_continuing_a_copied_game_is_byte_identical_to_playing_straight_through(tmp_path, capsys):
    """Stop after turn 1, copy the folder (next week, another computer), continue: same bytes as playing
    on, and as `sim run played_scenario.yaml`, which re-runs from month 0 with the same seed."""
    game = start(tmp_path, capsys)
    turn_one(game, tmp_path, capsys)
    copy = tmp_path / "next_week"
    shutil.copytree(game, copy)
    turn_two(game, capsys)
    turn_two(copy, capsys)
    assert data(game / "result") == data(copy / "result")
    straight = tmp_path / "straight"
    sim_ok(capsys, "run", str(game / "played_scenario.yaml"), "--out", str(straight), "--no-plots")
    assert data(straight) == data(game / "result")


def test_bad_orders_get_one_paragraph_naming_file_line_and_field(tmp_path, capsys):
    game = start(tmp_path, capsys)
    bad = game / "orders" / "india.yaml"
    bad.write_text(INDIA_ORDERS.replace("do: summit", "do: sumit"), encoding="utf-8")
    assert main(["play", "--continue", "--state", str(game), "--no-plots"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert f"{bad}, line 3" in err and "field moves[0].do" in err and "'summit'" in err
    assert yaml.safe_load((game / "game.yaml").read_text())["month"] == 0, "a refused turn changes nothing"
    assert bad.exists()


@pytest.mark.parametrize("orders, words", [
    (INDIA_ORDERS.replace("    note: reassure Washington after the sale\n", ""), ("line 3", "justification")),
    (INDIA_ORDERS.replace("at: 2", "at: 8"), ("line 4", "field moves[0].at", "months 1 to 6")),
    (INDIA_ORDERS.replace("summit with US", "sumit with US"), ("line 3", "field moves[0].do", "'summit'")),
    (INDIA_ORDERS.replace("summit with US", "summit with Indai"), ("line 3", "unknown actor", "'India'")),
    (INDIA_ORDERS + "budget: 3\n", ("line 6", "unknown key 'budget'")),
])
def test_each_rule_of_play_names_its_place(tmp_path, capsys, orders, words):
    game = start(tmp_path, capsys)
    (game / "orders" / "india.yaml").write_text(orders, encoding="utf-8")
    assert main(["play", "--continue", "--state", str(game), "--no-plots"]) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, err


def test_a_result_can_be_continued_from_month_n(tmp_path, capsys):
    result = tmp_path / "original"
    sim_ok(capsys, "run", str(SCENARIOS / "arms_sale_pakistan.yaml"), "--out", str(result), "--no-plots")
    game = tmp_path / "from_month_4"
    sim_ok(capsys, "play", "--from", str(result), "--month", "4", "--turn", "4", "--state", str(game),
           "--no-plots")
    taken = pd.read_csv(game / "result" / "alignment.csv")
    original = pd.read_csv(result / "alignment.csv")
    assert taken["month"].max() == 4
    pd.testing.assert_frame_equal(taken, original[original["month"] <= 4].reset_index(drop=True))
    (game / "orders" / "india.yaml").write_text(INDIA_ORDERS.replace("at: 2", "at: 6"), encoding="utf-8")
    sim_ok(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert yaml.safe_load((game / "game.yaml").read_text())["month"] == 8


def test_the_debrief_compares_played_written_and_baseline(tmp_path, capsys):
    game = start(tmp_path, capsys)
    turn_one(game, tmp_path, capsys)
    out = sim_ok(capsys, "play", "--debrief", "--state", str(game))
    markdown = (game / "debrief.md").read_text(encoding="utf-8")
    assert "| pair | baseline | as written | played | teams |" in markdown
    assert "India: reassure Washington after the sale" in markdown and "-0.00" not in out
    # as written = the bundled scenario run to month 6; baseline = no events at all
    written = tmp_path / "written"
    scenario = yaml.safe_load((SCENARIOS / "arms_sale_pakistan.yaml").read_text())
    scenario["months"] = 6
    scenario.pop("expect", None)
    (tmp_path / "written.yaml").write_text(yaml.safe_dump(scenario), encoding="utf-8")
    sim_ok(capsys, "run", str(tmp_path / "written.yaml"), "--out", str(written), "--no-plots")
    table = pd.read_csv(written / "alignment.csv")
    us_india = table[(table["month"] == 6) & (table["source"] == "US") & (table["target"] == "India")]["score"].item()
    row = next(line for line in markdown.splitlines() if line.startswith("| US → India |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[2] == f"{round(us_india, 2) + 0.0:+.2f}"
    assert float(cells[3]) > float(cells[2]), "the India–US summit warms the US to India"
    assert abs(float(cells[4]) - (float(cells[3]) - float(cells[2]))) <= 0.011


def test_a_non_empty_folder_is_not_taken_for_a_new_game(tmp_path, capsys):
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert main(["play", "arms_sale_pakistan", "--turn", "6", "--state", str(folder)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_moves_typed_at_the_terminal_become_checked_orders(tmp_path, capsys, monkeypatch):
    game = start(tmp_path, capsys)
    answers = iter(["summit with US", "0.5", "talks after the sale", "",  # India: one move, then done
                    "", ])  # Pakistan: no move
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    sim_ok(capsys, "play", "--continue", "--interactive", "--state", str(game), "--no-plots")
    kept = yaml.safe_load((game / "turns" / "001" / "orders" / "India.yaml").read_text())
    assert kept["team"] == "India"
    assert kept["moves"] == [{"do": "summit with US", "intensity": 0.5, "at": 1, "note": "talks after the sale"}]
    scenario = yaml.safe_load((game / "played_scenario.yaml").read_text())
    assert {"type": "summit", "from": "India", "to": "US", "intensity": 0.5, "at": 1,
            "note": "India: talks after the sale"} in scenario["events"]


def test_a_game_started_with_a_relations_file_keeps_a_copy_and_moves_with_its_folder(tmp_path, capsys):
    from conftest import ARTICLE

    relations = tmp_path / "class_relations.yaml"
    sim_ok(capsys, "seed", str(ARTICLE), "--out", str(relations), "--document-only")
    game = tmp_path / "game"
    sim_ok(capsys, "play", "arms_sale_pakistan", "--turn", "6", "--state", str(game), "--relations", str(relations))
    assert (game / "relations.yaml").read_bytes() == relations.read_bytes()
    relations.unlink()  # the original is gone: the game must not need it
    moved = tmp_path / "elsewhere"
    shutil.move(str(game), moved)
    sim_ok(capsys, "play", "--continue", "--state", str(moved), "--no-plots")
    alignment = pd.read_csv(moved / "result" / "alignment.csv")
    start_scores = alignment[(alignment["month"] == 0) & (alignment["source"] == "Russia")
                             & (alignment["target"] == "Pakistan")]["score"].item()
    from sim.inputs.relations import load_relations

    assert start_scores != load_relations().scores[("Russia", "Pakistan")]  # the article-only score, not the bundled
    out = sim_ok(capsys, "play", "--debrief", "--state", str(moved))
    assert "Debrief" in out
