"""The texts students read describe the figures with the figures' own encodings.

The legends of pairs_over_time.png and bands.png are built from sim.present.style's line cues (WITH_EVENTS,
WITHOUT_EVENTS, DIRECTIONS). Every sentence of the worksheets, teacher notes, lesson plans, notebook,
README and docs that names one of those cues ("solid", "dashed", "circles", ...) must give it the
meaning the legend gives it, and the texts that send students to the pairs figure must say how the
baseline is drawn. Retired cues ("thin", "thick" lines) must be gone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from sim.present import bands, figures, style

from test_plots import make_result

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted([*ROOT.glob("exercises/**/*.md"), ROOT / "exercises" / "entente.ipynb", ROOT / "README.md",
                *ROOT.glob("docs/*.md")])
# Texts that send students to a figure with a baseline: each must say how the baseline is drawn.
MUST_DESCRIBE = ["exercises/01_arms_sale_audience.md", "exercises/03_memory_and_durable_shifts.md",
                 "exercises/06_sensitivity.md", "exercises/teacher_notes.md", "exercises/entente.ipynb",
                 "README.md"]
RETIRED = re.compile(r"\b(thin|thick|grey)\b[^.;]*\bline", re.IGNORECASE)


def prose(path: Path) -> str:
    if path.suffix == ".ipynb":
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        return "\n\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)  # code is not prose


def sentences(text: str) -> list[str]:
    """Sentences (and table cells, list items, clauses after ';') with their line breaks joined."""
    parts = re.split(r"\n\s*\n|\n\s*[-*]\s|\n\s*\d+\.\s|\|", text)
    return [s for part in parts for s in re.split(r"(?<=[.!?;])\s+", " ".join(part.split())) if s]


def cue_claims(sentence: str) -> list[tuple[style.Cue, str | None]]:
    """(cue, the first cue phrase written after it in the sentence) for each cue word the sentence uses."""
    lower = sentence.lower()
    phrases = sorted(((m.start(), cue.phrase) for cue in style.LINE_CUES
                      for m in re.finditer(re.escape(cue.phrase.lower()), lower)))
    claims = []
    for cue in style.LINE_CUES:
        for match in re.finditer(rf"\b{re.escape(cue.cue)}\b", lower):
            after = [phrase for start, phrase in phrases if start > match.start()]
            claims.append((cue, after[0] if after else None))
    return claims


def line_sentences(path: Path) -> list[str]:
    # Bloc maps draw edges (friendly solid, hostile dashed): another figure, another legend.
    return [s for s in sentences(prose(path)) if not re.search(r"\bedges?\b", s, re.IGNORECASE)]


def test_the_cues_are_the_legends_words():
    """The figures' legends are built from the cue table (the table is the single source)."""
    result = make_result()
    key = [t.get_text() for box in figures.plot_top_pairs(result, n=3).legends for t in box.get_texts()]
    for cue in style.LINE_CUES:
        assert cue.label in key
    panel = bands.plot_bands(make_result(runs=5))
    texts = [t.get_text() for t in panel.axes[0].get_legend().get_texts()]
    assert any(t.startswith(style.WITH_EVENTS.label) for t in texts)
    assert any(t.startswith(style.WITHOUT_EVENTS.label) for t in texts)


def test_the_baseline_is_drawn_the_same_way_in_every_figure():
    result = make_result(runs=5)
    pairs = [a for a in figures.plot_top_pairs(result, n=3).axes if a.get_title()]
    panel = bands.plot_bands(result).axes[0]
    for ax in (pairs[0], panel):
        styled = {(line.get_linestyle(), round(line.get_linewidth(), 2)) for line in ax.get_lines()
                  if len(line.get_xdata()) > 2}
        drawn = {(line.get_linestyle(), line.get_linewidth()) for line in ax.get_lines()}
        assert any(ls == "--" for ls, _ in drawn), "the baseline is dashed"
        assert (("--", style.WITHOUT_EVENTS.style["linewidth"]) in styled
                and ("-", style.WITH_EVENTS.style["linewidth"]) in styled)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_text_names_the_cues_as_the_legends_do(path):
    wrong = []
    for sentence in line_sentences(path):
        for cue, phrase in cue_claims(sentence):
            if phrase != cue.phrase:
                wrong.append(f"{cue.cue!r} should mean {cue.phrase!r}: {sentence}")
        if RETIRED.search(sentence):
            wrong.append(f"a retired line cue (thin/thick/grey): {sentence}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", MUST_DESCRIBE)
def test_the_texts_on_the_pairs_figure_say_how_the_baseline_is_drawn(name):
    claims = [claim for sentence in line_sentences(ROOT / name) for claim in cue_claims(sentence)]
    assert (style.WITHOUT_EVENTS, style.WITHOUT_EVENTS.phrase) in claims


def test_the_check_catches_the_old_wording():
    """The wording of the review ("dashed = the reverse", "thin: baseline") fails the check."""
    assert cue_claims("solid = first actor's view, dashed = the reverse")[-1][1] is None
    assert cue_claims("Solid lines without the events, dashed lines with the events.")[0][1] \
        == style.WITHOUT_EVENTS.phrase
    assert RETIRED.search("the event-free line is a thin grey line")


def test_the_projector_chart_uses_the_same_cues_and_large_text():
    """The app's projector chart: solid with the events, dashed without, and no text under 14 px (1 pt = 1 px
    at its 72 dpi)."""
    from matplotlib.text import Text

    from sim.present import projector

    figure = projector.plot_projector(make_result())
    panels = [ax for ax in figure.axes if ax.get_title()]
    assert len(panels) == 2
    styles = {(line.get_linestyle(), line.get_linewidth()) for line in panels[0].get_lines()}
    assert ("-", style.WITH_EVENTS.style["linewidth"]) in styles
    assert ("--", style.WITHOUT_EVENTS.style["linewidth"]) in styles
    figure.canvas.draw()  # ticks made at drawing time must keep the large size too
    sizes = [text.get_fontsize() for text in figure.findobj(Text) if text.get_text().strip()]
    assert sizes and min(sizes) >= projector.TEXT_PX and figure.dpi == 72
    key = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert key == [style.WITH_EVENTS.label.split(" (")[0], style.WITHOUT_EVENTS.label.split(" (")[0]]
