"""The page on a projector and its parameters, in a real browser (the fixtures of test_app_browser.py).

At 1280 x 720 the projector view shows the run's result (chart and largest effects) without scrolling,
with chart text at least 14 px; the sliders never change a value by themselves: an untouched page and an
uploaded file save exactly the values the command line runs with.
"""

from __future__ import annotations

import time

from dataclasses import asdict

import test_app_browser
import yaml
from test_app_browser import ROOT, WAIT, Visit

from sim.app.session import bundled_titles, load_game
from sim.inputs.resources import bundled_scenario
from sim.inputs.scenario_file import load_scenario
from sim.present.projector import TEXT_PX

server, browser = test_app_browser.server, test_app_browser.browser  # the page's fixtures, reused

# The words of an element that the browser broke across two lines (a word's range has rects on two lines).
BROKEN_WORDS = """e => { const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT); const broken = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const m of node.data.matchAll(/\\S+/g)) {
      const range = document.createRange(); range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
      if (new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1) broken.push(m[0]);
    } }
  return broken; }"""
WORKSHEET_06 = ROOT / "exercises" / "files" / "noise_runs.yaml"


def saved_game(visit: Visit) -> tuple[dict, bytes]:
    with visit.page.expect_download(timeout=WAIT) as download:
        visit.click("Save game")
    content = download.value.path().read_bytes()
    return yaml.safe_load(content), content


def saved_parameters(visit: Visit, done) -> dict:
    """The saved game's parameters once done(parameters) holds: a change replays the months in the server's
    queue before the page has it (a fixed wait was too short under CI's load)."""
    deadline = time.monotonic() + WAIT / 1000
    while True:
        parameters = saved_game(visit)[0]["parameters"]
        if done(parameters) or time.monotonic() > deadline:
            return parameters
        visit.page.wait_for_timeout(300)


def number(visit: Visit, name: str) -> str:
    return visit.page.locator(f".entente-value-{name} input").input_value()


def test_an_untouched_page_and_an_uploaded_file_keep_their_values_exactly(server, browser, tmp_path):
    visit = Visit(browser, server)
    assert number(visit, "reaction_spread") == "0.1" and number(visit, "concern_bonus") == "0.5"
    visit.click("Step a month", then_month=1)
    data, content = saved_game(visit)
    assert data["parameters"] == {}  # no slider sent a snapped value back
    cli = load_scenario(bundled_scenario("arms_sale_pakistan"))
    assert asdict(load_game("game.yaml", content).scenario.parameters) == asdict(cli.parameters)

    visit.page.set_input_files("[data-testid=scenario-upload]", str(WORKSHEET_06))
    visit.showing("scenario", "noise")
    visit.page.wait_for_function("() => document.querySelector('.entente-value-reaction_midpoint input')"
                                 ".value === '0.25'", timeout=WAIT)
    data, content = saved_game(visit)
    assert data["parameters"] == {} and data["scenario_data"]["parameters"]["reaction_midpoint"] == 0.25
    assert asdict(load_game("game.yaml", content).scenario.parameters) == asdict(load_scenario(WORKSHEET_06)
                                                                                 .parameters)

    # A typed value is kept exactly; a value set with the slider is rounded to its precision (0.01 here).
    field = visit.page.locator(".entente-value-reaction_spread input")
    field.fill("0.123")
    field.press("Enter")
    assert saved_parameters(visit, lambda found: "reaction_spread" in found) == {"reaction_spread": 0.123}
    slider = visit.page.locator(".entente-slider-memory .v-slider")
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    visit.page.mouse.click(box["x"] + box["width"] * 0.437, box["y"] + box["height"] / 2)
    visit.page.wait_for_function("() => document.querySelector('.entente-value-memory input')"
                                 ".value !== '0.1'", timeout=WAIT)
    dragged = saved_parameters(visit, lambda found: "memory" in found)["memory"]
    assert 0.3 < dragged < 0.6 and round(dragged, 2) == dragged

    # A whole number typed and entered at machine speed is kept too (the seed); a wrong one is refused.
    seed = visit.page.locator(".entente-seed input")
    seed.fill("7.5")
    seed.press("Enter")
    visit.page.get_by_text("a whole number").wait_for(timeout=WAIT)
    seed.fill("7")
    seed.press("Enter")
    visit.page.wait_for_function("() => document.querySelector('.entente-seed input').value === '7'",
                                 timeout=WAIT)  # the server has it: the field shows what the session holds
    deadline = time.monotonic() + WAIT / 1000
    while (saved := saved_game(visit)[0])["seed"] != 7 and time.monotonic() < deadline:
        visit.page.wait_for_timeout(300)
    assert saved["seed"] == 7
    assert visit.off_this_computer() == []
    visit.context.close()


def test_the_projector_view_shows_the_result_without_scrolling(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(server)
    page.wait_for_selector("[data-testid=month]", timeout=WAIT)

    # Readable scenario names: the files' titles, never their file names; no card title breaks a word.
    buttons = page.locator(".entente-scenario").all_inner_texts()
    assert [b.strip() for b in buttons] == list(bundled_titles().values())
    for part in (".v-card__title", ".entente-scenario"):
        assert page.locator(part).count() >= 1
        broken = [word for element in page.locator(part).all() for word in element.evaluate(BROKEN_WORDS)]
        assert broken == [], f"words broken across lines: {broken}"

    page.get_by_text("Projector view", exact=True).click()
    page.wait_for_selector(".entente-projector", timeout=WAIT)
    page.get_by_role("button", name="Run to the end", exact=True).click()
    page.wait_for_function("document.querySelector('[data-testid=month]').innerText.startsWith('Month 36 ')",
                           timeout=WAIT)
    page.wait_for_function("() => { const t = document.querySelector('.entente-projector [data-testid=effects]');"
                           " return t && t.innerText.includes('India → Russia'); }", timeout=WAIT)
    chart = page.locator(".entente-projector-chart [data-drawn=current] img").first  # drawn for month 36
    chart.wait_for(timeout=WAIT)
    page.wait_for_function("() => { const i = document.querySelector('.entente-projector-chart "
                           "[data-drawn=current] img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=WAIT)
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "app_projector.png"))
    assert page.evaluate("window.scrollY") == 0
    for part in (chart, page.locator(".entente-projector [data-testid=effects]")):
        box = part.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, "the result must fit the projector's height"
        assert box["x"] + box["width"] <= 1280
    shown, natural = chart.evaluate("i => [i.getBoundingClientRect().width, i.naturalWidth]")
    assert shown >= natural - 0.5, "the chart is drawn at 1 pt = 1 px; shrinking it would shrink its text"
    assert TEXT_PX * shown / natural >= 14
    size = page.locator(".entente-projector [data-testid=effects] td").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 14
    page.screenshot(path=str(ROOT / "tests" / "artifacts" / "app_projector.png"))
    context.close()
