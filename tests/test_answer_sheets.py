"""The printable answer sheets (exercises/answer_sheets/): current, complete, and printable on A4 and Letter.

Regenerate them after editing a worksheet: `python tests/test_answer_sheets.py`.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from sim.classroom.answer_sheets import BOX_MM, SMALL_BOX_MM, write_sheets  # noqa: E402

SHEETS = ROOT / "exercises" / "answer_sheets"
WORKSHEETS = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.md"))
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def test_every_worksheet_has_a_current_sheet(tmp_path):
    written = write_sheets(ROOT / "exercises", tmp_path)
    assert [p.name for p in written] == [f"{w.stem}.html" for w in WORKSHEETS]
    stale = [p.name for p in written if not (SHEETS / p.name).is_file()
             or (SHEETS / p.name).read_text(encoding="utf-8") != p.read_text(encoding="utf-8")]
    assert not stale, f"stale answer sheets {stale}: run python tests/test_answer_sheets.py"


@pytest.mark.parametrize("stem, numbered", [("01_arms_sale_audience", 5), ("04_balance_and_counter_patrons", 8),
                                            ("06_sensitivity", 7)])
def test_a_sheet_asks_every_numbered_question_with_a_box_each(stem, numbered):
    page = (SHEETS / f"{stem}.html").read_text(encoding="utf-8")
    labels = re.findall(r'<div class="question"><p><b>(\d+)\.</b>', page)
    assert labels == [str(n) for n in range(1, numbered + 1)]
    questions = page.count('<div class="question">')
    assert page.count('<div class="box') == questions
    assert "prediction written BEFORE running" in page and "Names:" in page


def test_the_sheets_print_on_any_paper_size():
    page = (SHEETS / "01_arms_sale_audience.html").read_text(encoding="utf-8")
    page_rule = re.search(r"@page\s*{([^}]*)}", page).group(1)
    assert "margin" in page_rule and "size" not in page_rule  # the printer's A4 or Letter is used
    width = float(re.search(r"max-width:\s*([\d.]+)mm", page).group(1))
    assert width <= 210 - 2 * 15  # the text column fits A4's width, the narrower of the two
    assert f"height: {BOX_MM}mm" in page and "break-inside: avoid" in page


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (apt-get install -y chromium)")
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_printed_boxes_keep_their_height_and_stay_whole(paper, tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    sheet = SHEETS / "06_sensitivity.html"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page()
        page.goto(sheet.as_uri())
        page.emulate_media(media="print")
        heights = page.eval_on_selector_all(".box", "boxes => boxes.map(b => [b.classList.contains('small'), "
                                                     "b.getBoundingClientRect().height])")
        for small, height in heights:
            assert abs(height - (SMALL_BOX_MM if small else BOX_MM) * 96 / 25.4) < 1.5
        breaks = page.eval_on_selector_all(".question", "qs => qs.map(q => getComputedStyle(q).breakInside)")
        assert set(breaks) == {"avoid"}
        pdf = page.pdf(format=paper, prefer_css_page_size=True)
        browser.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert 2 <= pages <= 5


if __name__ == "__main__":
    shutil.rmtree(SHEETS, ignore_errors=True)
    for path in write_sheets(ROOT / "exercises", SHEETS):
        print(path.relative_to(ROOT))
