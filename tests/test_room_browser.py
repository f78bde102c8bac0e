"""A class game in real browsers: one teacher and four teams, each in its own chromium context (its own
cookies), against `sim classroom host` on a free port. Two turns: joins, a proposal accepted and one refused,
a news card, a turn played with one team missing, and the situation report reaching every view by itself
(the pages poll). Skipped where chromium or Playwright is missing (CI installs both: .ci/run).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from test_room_resume import free_port, start

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
WAIT = 20_000  # ms
TEAMS = ["India", "Pakistan", "US", "China"]

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: install Debian's package (apt-get install -y chromium), as .ci/run does",
                allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                                     "pip install -e \".[test]\"")
sync_playwright, expect = playwright_api.sync_playwright, playwright_api.expect


def order(page, verb: str, preposition: str, actor: str, note: str) -> None:
    page.select_option("select[name=verb]", verb)
    page.select_option("select[name=preposition]", preposition)
    page.select_option("select[name=actor]", actor)
    page.fill("input[name=note]", note)
    page.click("text=Add the move")
    page.wait_for_selector(f"td:text-is('{verb} {preposition} {actor}')")


def submit(page) -> None:
    page.click("text=Submit our orders")
    page.wait_for_selector("[data-state=submitted]")


def report_frame(page):
    page.wait_for_selector("iframe[title='Situation report']")
    return page.frame_locator("iframe[title='Situation report']")


def test_a_class_plays_two_turns_in_five_browsers(tmp_path):
    began = time.monotonic()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process, said = start("arms_sale_pakistan", "--teams", ",".join(TEAMS), "--turn", "3", "--folder",
                          str(tmp_path), "--deck", "exercises/crisis/injects", port=port)
    try:
        text = "".join(said)
        codes = dict(re.findall(r"Team (\w+) \(\w+\): join code (\w+)", text))
        pin = re.search(r"PIN (\d+)", text).group(1)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            teacher = browser.new_context().new_page()
            teacher.set_default_timeout(WAIT)
            teacher.goto(f"{base}/teacher")
            teacher.fill("input[name=pin]", pin)
            teacher.click("text=Open the console")
            teacher.wait_for_selector("text=Advance the turn")
            teams = {}
            for team in TEAMS:
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()  # a phone
                page.set_default_timeout(WAIT)
                page.goto(base)
                page.fill("input[name=code]", codes[team])
                page.click("button:text('Join')")
                page.wait_for_selector(f"h1:text('Team {team} ({team})')")
                teams[team] = page
            # The console shows who joined (it reloads by itself as teams join).
            expect(teacher.locator("tr[data-team]:has(td:text-is('joined'))")).to_have_count(4, timeout=WAIT)
            # Turn 1: two proposals and a move of the US's own; China does not submit.
            order(teams["India"], "summit", "with", "US", "talks on trade")
            order(teams["Pakistan"], "buy_arms", "from", "China", "to answer the sale")
            order(teams["US"], "sanctions", "on", "Iran", "pressure")
            for team in ("India", "Pakistan", "US"):
                submit(teams[team])
            # Before the turn is played a team sees only its own orders.
            assert "pressure" in teams["US"].inner_text("body")
            assert not any(note in teams["India"].inner_text("body") for note in ("pressure", "to answer the sale"))
            # The console follows by itself (it polls); never a reload racing its own.
            expect(teacher.locator("tr[data-team]:has(td:text-is('submitted'))")).to_have_count(3, timeout=WAIT)
            teacher.select_option("select[name=card]", index=0)
            teacher.click("text=Play this card")
            teacher.wait_for_selector("li:has-text('Doklam')")
            teacher.check("input[name=missing_ok]")
            teacher.click("text=Advance the turn")
            teacher.wait_for_selector("text=Turn 1 played.")
            for page in teams.values():  # every view shows the report without a click
                page.wait_for_selector("h2:text('Situation report: turn 1')")
                assert "Doklam" in report_frame(page).locator("body").inner_text()
            assert "China did not submit" in teams["China"].inner_text("body")
            projector = teacher.context.new_page()
            projector.goto(f"{base}/teacher/projector")
            assert "turn 1" in report_frame(projector).locator("h1").inner_text()
            # Turn 2: the US accepts India's summit, China refuses Pakistan's request; everyone submits.
            teams["US"].click("li:has-text('India proposes') >> text=Accept")
            teams["US"].wait_for_selector("td:text-is('summit with India')")
            teams["China"].click("li:has-text('Pakistan proposes') >> text=Refuse")
            teams["China"].wait_for_selector("li:has-text('Pakistan proposes') >> em:text('refused')")
            for page in teams.values():
                submit(page)
            expect(teacher.locator("tr[data-team]:has(td:text-is('submitted'))")).to_have_count(4, timeout=WAIT)
            teacher.click("text=Advance the turn")
            teacher.wait_for_selector("text=Turn 2 played.")
            for page in [*teams.values(), projector]:
                if page is not projector:
                    page.wait_for_selector("h2:text('Situation report: turn 2')")
                else:
                    expect(report_frame(projector).locator("h1")).to_contain_text("turn 2", timeout=WAIT)
                body = report_frame(page).locator("body").inner_text()
                assert "US accepted India's proposal" in body
                assert "China did not accept Pakistan's proposal" in body
            browser.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert time.monotonic() - began < 60  # the budget is 40 s: a guard against a stalled poll
