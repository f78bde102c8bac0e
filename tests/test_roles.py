"""Role sheets: one per actor, with the seeded ties, the article's sentences verbatim and neutral wording."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import ARTICLE
from sim.cli.main import main
from sim.inputs.relations import load_relations
from sim.inputs.tables import canonical_actors

ACTORS = [actor.name for actor in canonical_actors()]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory):
    out = tmp_path_factory.mktemp("roles")
    assert main(["roles", "--out", str(out)]) == 0
    return out


def test_one_markdown_and_one_html_sheet_per_actor(sheets):
    names = sorted(p.name for p in sheets.iterdir())
    expected = sorted(f"{actor.lower()}.{ext}" for actor in ACTORS for ext in ("md", "html"))
    assert names == expected


def test_quoted_sentences_are_verbatim_from_the_line_they_cite(sheets):
    lines = ARTICLE.read_text(encoding="utf-8").splitlines()
    quoted = 0
    for path in sheets.glob("*.md"):
        for number, sentence in re.findall(r'^- Article, line (\d+): "(.*)"$', path.read_text(encoding="utf-8"),
                                           flags=re.M):
            assert sentence in lines[int(number) - 1], f"{path.name}: line {number} does not hold {sentence!r}"
            quoted += 1
    assert quoted > 50
    assert "Su fighter jets" in (sheets / "pakistan.md").read_text(encoding="utf-8")  # never repaired


def test_partners_and_rivals_follow_the_seeded_scores(sheets):
    scores = load_relations().scores
    for actor in ACTORS:
        text = (sheets / f"{actor.lower()}.md").read_text(encoding="utf-8")
        partners = re.search(r"^- Partners .*?: (.*)$", text, flags=re.M).group(1)
        rivals = re.search(r"^- Rivals .*?: (.*)$", text, flags=re.M).group(1)
        for (a, b), score in scores.items():
            if actor not in (a, b):
                continue
            other = b if a == actor else a
            assert (f"{other} ({score:+.2f})" in partners) == (score >= 0.3), (actor, other)
            assert (f"{other} ({score:+.2f})" in rivals) == (score <= -0.3), (actor, other)
            assert f"### {actor} and {other}: {score:+.2f}" in text


def test_priors_are_given_with_their_year_and_sources(sheets):
    text = (sheets / "russia.md").read_text(encoding="utf-8")
    assert "as of 2018" in text and "  - Source: " in text


def test_red_lines_rank_the_most_hostile_first_with_rising_chances(sheets):
    text = (sheets / "india.md").read_text(encoding="utf-8")
    red = re.findall(r"^- \*\*(\w+)\*\* \(you regard it ([-+.\d]+)\): chance ([.\d]+)", text, flags=re.M)
    assert [name for name, _, _ in red][0] == "Pakistan"
    values = [float(score) for _, score, _ in red]
    chances = [float(chance) for _, _, chance in red]
    assert values == sorted(values) and chances == sorted(chances, reverse=True)
    assert "Red lines as the model reads them (not policy advice)" in text


def test_the_taliban_are_a_movement_not_the_afghan_state(sheets):
    text = (sheets / "taliban.md").read_text(encoding="utf-8")
    assert "armed movement, not a state" in text and "not as the Afghan state" in text
    assert "You play an armed group, not a state" in text and "covert support" in text
    assert "armed group" not in (sheets / "pakistan.md").read_text(encoding="utf-8").split("## Your ties")[0]


def test_every_sheet_lists_every_move_of_the_codebook(sheets):
    from sim.inputs.tables import load_codebook

    for actor in ACTORS:
        text = (sheets / f"{actor.lower()}.md").read_text(encoding="utf-8")
        for name in load_codebook():
            assert f"| `{name}` |" in text


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.external, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for key, value in attrs:
            if key in ("src", "href") and value and "://" in value:
                self.external.append(value)


def test_html_sheets_are_self_contained(sheets):
    for path in sheets.glob("*.html"):
        collector = _Collector()
        text = path.read_text(encoding="utf-8")
        collector.feed(text)
        assert not collector.external and "script" not in collector.tags, path.name
        assert text.startswith("<!DOCTYPE html>") and "<style>" in text
    assert "&quot;" in (sheets / "russia.html").read_text(encoding="utf-8") or "&#x27;" in (
        sheets / "russia.html").read_text(encoding="utf-8")


BRIEF = ("Your interests", "Your objectives in this crisis", "Your red lines (the team's starting positions)",
         "Your constraints")


@pytest.mark.parametrize("actor", ["russia", "pakistan", "india", "us", "china", "iran", "taliban"])
def test_the_first_page_is_the_teams_brief_and_the_evidence_comes_after(sheets, actor):
    """Interests, objectives, red lines and constraints, each with at least one point, before the evidence;
    the brief's sources are cited; printed, the brief is a page of its own."""
    text = (sheets / f"{actor}.md").read_text(encoding="utf-8")
    evidence = text.index("## Evidence: the model's starting world for you")
    for heading in BRIEF:
        at = text.index(f"## {heading}\n\n- ")
        assert at < evidence
    assert text.index("Sources: ") < evidence and text.index("## Your ties at the start") > evidence
    page = (sheets / f"{actor}.html").read_text(encoding="utf-8")
    brief = page[page.index('<section class="brief">'):page.index("</section>")]
    assert all(f'data-brief="{key}"' in brief for key in ("interests", "objectives", "red_lines", "constraints"))
    assert "Your ties at the start" not in brief
    assert ".brief{break-after:page" in page


def test_the_taliban_sheet_says_how_a_class_may_play_it(sheets):
    text = (sheets / "taliban.md").read_text(encoding="utf-8")
    playing = text[text.index("## Playing this role"):text.index("## Evidence")]
    assert "teacher's choice" in playing and "third person" in playing and "exercises/crisis/README.md" in playing
