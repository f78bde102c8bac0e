"""The crisis-simulation lesson pack (exercises/crisis/): a 90-minute plan, ten inject cards that `sim play`
reads as news, debrief questions tied to IR theory, a rubric, and role briefs (tests/test_roles.py)."""

from __future__ import annotations

import re

import pytest
import yaml

from conftest import ROOT, sim
from sim.classroom.play import new_game, read_news
from sim.inputs.tables import load_codebook

PACK = ROOT / "exercises" / "crisis"
CARDS = sorted((PACK / "injects").glob("*.yaml"))


def header(card) -> dict[str, str]:
    lines = [line[2:] for line in card.read_text(encoding="utf-8").splitlines() if line.startswith("# ")]
    found, key = {}, None
    for line in lines:
        match = re.match(r"(Date|Card|Source): (.*)", line)
        if match:
            key = match.group(1)
            found[key] = match.group(2)
        elif key in ("Card", "Source") and not line.startswith("A news file"):
            found[key] += " " + line
        else:
            key = None
    return found


def test_the_deck_holds_ten_dated_sourced_cards():
    assert len(CARDS) == 10
    dates = [header(card)["Date"] for card in CARDS]
    assert len(set(dates)) == 10 and all(re.search(r"\b(19|20)\d\d\b", date) for date in dates)
    for card in CARDS:
        found = header(card)
        assert found.get("Card") and found.get("Source"), card.name
        year = re.search(r"\b(?:19|20)\d\d\b", found["Date"]).group(0)
        assert year in found["Source"] or year in found["Card"], card.name  # the source dates the event


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.stem)
def test_each_card_is_a_news_file_sim_play_accepts(card, tmp_path):
    game = new_game("arms_sale_pakistan", tmp_path / "game", turn=6)
    moves = read_news(card, game)
    assert moves and all(move.by == "news" for move in moves)
    codebook = load_codebook()
    for move in moves:
        assert move.event["type"] in codebook and move.event["at"] == 1  # the first month of the turn
        assert move.event["note"].startswith("news: ")
    assert set(yaml.safe_load(card.read_text(encoding="utf-8"))) == {"events"}


def test_a_card_plays_a_turn_from_the_command_line(tmp_path):
    folder = tmp_path / "crisis"
    started = sim("play", "arms_sale_pakistan", "--turn", "6", "--state", folder, "--teams", "India,Pakistan")
    assert started.returncode == 0, started.stderr
    card = PACK / "injects" / "07_s400_contract.yaml"
    played = sim("play", "--continue", "--state", folder, "--inject", card)
    assert played.returncode == 0, played.stderr
    events = yaml.safe_load((folder / "game.yaml").read_text(encoding="utf-8"))["played"]
    text = yaml.safe_dump(events)
    assert "S-400 contract signed" in text and "arms_sale" in text


def test_the_plan_lasts_90_minutes_in_named_phases():
    plan = (PACK / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+)–(\d+) \| \*\*([^*]+)\*\*", plan, flags=re.M)
    assert rows[0][0] == "0" and rows[-1][1] == "90"
    assert all(int(end) == int(rows[k + 1][0]) for k, (_, end, _) in enumerate(rows[:-1]))  # no gap
    phases = " ".join(name.lower() for _, _, name in rows)
    for phase in ("briefing", "negotiation", "orders", "situation report", "debrief"):
        assert phase in phases
    assert "## Playing the Taliban" in plan
    for linked in ("injects/", "debrief.md", "rubric.md", "sim roles"):
        assert linked in plan


def test_the_debrief_ties_questions_to_the_theories_it_cites():
    debrief = (PACK / "debrief.md").read_text(encoding="utf-8")
    for theory, citation in (("Balance of threat", "Walt, S. M. (1987)"), ("security dilemma", "Jervis, R. (1978)"),
                             ("Alliance politics", "Snyder, G. H. (1984)")):
        section = debrief[debrief.index(theory):]
        assert re.search(r"^\d+\. ", section, flags=re.M), theory  # questions under the theory's heading
        assert citation in debrief
    rubric = (PACK / "rubric.md").read_text(encoding="utf-8")
    assert rubric.count("| **") >= 10 and "| criterion | 0 | 1 | 2 |" in rubric
