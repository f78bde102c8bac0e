"""The page in a real browser: Debian's chromium, driven by Playwright, against `sim app` on a free port.

Skipped, with the reason, where chromium or the app extra is missing (CI installs both: .ci/run). Never
`playwright install`: the browser is the system's. Screenshots go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT, cli, source_env

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"
BROKEN = ROOT / "tests" / "broken_scenarios" / "01_unknown_actor.yaml"
WAIT = 60_000  # ms: a first render imports pandas, matplotlib and Mesa in the server

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium: install Debian's package (apt-get install -y chromium), as .ci/run does",
                allow_module_level=True)
sync_playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: "
                                      "pip install -e \".[test]\"").sync_playwright
pytest.importorskip("solara", reason="the app extra is not installed: pip install -e \".[test]\"")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)], cwd=ROOT,
                               env=source_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    first = process.stdout.readline()
    address = f"http://127.0.0.1:{port}/"
    assert address in first, first
    said: list[str] = []  # the server's output, read as it comes: an undrained pipe fills and stalls it
    threading.Thread(target=lambda: said.extend(process.stdout), daemon=True).start()
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(address, timeout=2).read()
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail(f"sim app did not answer at {address}: {''.join(said)}")
            time.sleep(0.3)
    yield address
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One browser context on the page, recording every request it makes."""

    def __init__(self, browser, address: str) -> None:
        self.context = browser.new_context(viewport={"width": 1500, "height": 1100})
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(address)
        self.page.wait_for_selector("[data-testid=month]", timeout=WAIT)

    def month(self) -> str:
        return self.page.inner_text("[data-testid=month]")

    def click(self, label: str, then_month: int | None = None) -> None:
        self.page.get_by_role("button", name=label, exact=True).click()
        if then_month is not None:
            self.wait(f"document.querySelector('[data-testid=month]').innerText.startsWith('Month {then_month} ')")

    def wait(self, condition: str, arg: object = None) -> None:
        """Wait for a JavaScript condition; on a timeout, fail with what the page showed (and a screenshot)."""
        try:
            self.page.wait_for_function(condition, arg=arg, timeout=WAIT)
        except Exception as error:
            self.shot("timed_out.png")
            pytest.fail(f"{condition} not met in {WAIT} ms ({error.__class__.__name__}); the page showed:\n"
                        f"{self.page.inner_text('body')[:3000]}")

    def choose(self, label: str, value: str) -> None:
        """Pick a value in a Vuetify select by its label."""
        self.page.locator(".v-select").filter(has=self.page.locator(f"label:text-is('{label}')")).click()
        self.page.locator(".menuable__content__active .v-list-item").filter(
            has_text=re.compile(f"^{re.escape(value)}$")).click()

    def showing(self, test_id: str, fragment: str) -> str:
        """The element's text once it holds fragment (the page updates its parts one after another)."""
        self.wait("([id, part]) => { const e = document.querySelector(`[data-testid=${id}]`);"
                  " return e && e.innerText.includes(part); }", arg=[test_id, fragment])
        return self.text(test_id)

    def text(self, test_id: str) -> str:
        return self.page.inner_text(f"[data-testid={test_id}]")

    def image(self, tab: str) -> str:
        """The figure of the tab, once drawn for what the page shows (the previous one stays until then)."""
        self.page.get_by_role("tab", name=tab).click()
        image = self.page.locator(".v-window-item--active [data-drawn=current] img").first
        image.wait_for(timeout=WAIT)
        return image.get_attribute("src")

    def off_this_computer(self) -> list[str]:
        return [url for url in self.requests if not re.match(r"(https?|wss?)://127\.0\.0\.1:\d+/", url)
                and not url.startswith(("data:", "blob:"))]

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_a_class_runs_a_scenario_adds_an_arms_sale_live_and_sees_the_effects(server, browser):
    visit = Visit(browser, server)
    visit.click("Russia sells Su-35 fighters and T-90 tanks to Pakistan")  # the scenario's title, not its file
    assert visit.month() == "Month 0 of 36"
    for month in range(1, 13):
        visit.click("Step a month", then_month=month)
    # The page updates its parts one after another: wait for this one to reach month 12 (a loaded CI read month 11).
    assert visit.showing("happened", "Month 12").startswith("Month 12: no event")
    effects_at_12 = visit.text("effects")
    map_at_12 = visit.image("Bloc map")
    visit.shot("app_month12.png")

    visit.choose("from", "US")
    visit.choose("to", "India")
    visit.page.get_by_label("note (what happened, in a few words)").fill("F-16 sale")
    visit.click("Add the event")
    visit.page.wait_for_selector("[data-testid=live]", timeout=WAIT)
    assert "month 13: arms_sale US → India" in visit.text("live")
    visit.click("Run to the end", then_month=36)

    # The live event is behind the largest effects now.
    effects_at_end = visit.showing("effects", "month 13: arms_sale US → India")
    assert effects_at_end != effects_at_12
    assert "added live: F-16 sale" in visit.showing("events", "F-16")  # another widget: it may come after the effects
    assert visit.image("Bloc map") != map_at_12
    visit.page.get_by_role("tab", name="Why?").click()
    why = visit.showing("why", "Why did")
    assert "memory" in why and "balance" in why and "month 36" in why
    assert visit.page.locator("[data-testid=why] svg").count() >= 1
    visit.page.wait_for_timeout(1500)  # the tab's slide-in, for the screenshot only
    visit.shot("app_end.png")  # docs/images/app.png is this screenshot
    assert visit.off_this_computer() == []
    visit.context.close()


def test_a_broken_upload_shows_the_command_lines_message_on_the_page(server, browser, tmp_path):
    upload = tmp_path / "my_scenario.yaml"
    shutil.copyfile(BROKEN, upload)
    validated = cli("validate", upload)
    assert validated.returncode == 2
    expected = validated.stderr.strip().removeprefix("error: ").replace(str(upload), upload.name)

    visit = Visit(browser, server)
    playing = visit.text("scenario")
    visit.page.set_input_files("[data-testid=scenario-upload]", str(upload))
    error = visit.page.locator(".entente-error")
    error.wait_for(timeout=WAIT)
    assert expected in error.inner_text()
    assert "Did you mean 'Russia'" in error.inner_text()
    visit.shot("app_broken_upload.png")
    # The scenario being played stays, also after the next round trip (a toggle group once loaded its first
    # scenario by itself after a failed upload, wiping the message).
    visit.click("Step a month", then_month=1)
    assert visit.text("scenario") == playing
    assert visit.off_this_computer() == []
    visit.context.close()


def test_an_uploaded_scenario_is_played_and_stays_until_another_is_chosen(server, browser, tmp_path):
    upload = tmp_path / "our_class.yaml"
    text = (ROOT / "scenarios" / "russia_pakistan_exercise.yaml").read_text(encoding="utf-8")
    upload.write_text(text.replace("name: Russia and Pakistan hold", "name: Class copy of Russia and Pakistan hold", 1),
                      encoding="utf-8")

    visit = Visit(browser, server)
    visit.page.set_input_files("[data-testid=scenario-upload]", str(upload))
    assert visit.showing("scenario", "Class copy of ")
    visit.click("Step a month", then_month=1)
    assert visit.showing("happened", "joint counter-terrorism exercise")
    assert visit.text("scenario").startswith("Class copy of ")
    assert visit.page.locator(".entente-error").count() == 0
    visit.click("Russia sells Su-35 fighters and T-90 tanks to Pakistan")
    assert visit.showing("scenario", "Su-35")
    # The month label is another widget: its update may reach the browser after the scenario's text.
    visit.wait("document.querySelector('[data-testid=month]').innerText.startsWith('Month 0 ')")
    assert visit.month() == "Month 0 of 36"
    visit.context.close()


def test_two_browser_sessions_do_not_share_a_model(server, browser):
    first, second = Visit(browser, server), Visit(browser, server)
    first.click("Step a month", then_month=1)
    first.click("Step a month", then_month=2)
    second.page.reload()
    second.page.wait_for_selector("[data-testid=month]", timeout=WAIT)
    assert second.month() == "Month 0 of 36"
    second.click("Step a month", then_month=1)
    assert first.month() == "Month 2 of 36"
    first.context.close()
    second.context.close()


def test_a_team_moves_its_actor_and_the_teacher_advances_the_turn(server, browser):
    visit = Visit(browser, server)
    visit.page.get_by_label("team name").fill("Delhi")
    visit.choose("plays", "India")
    visit.click("Add the team")
    assert visit.showing("teams", "Delhi (India)")
    visit.choose("move", "diplomatic_visit")
    visit.choose("actor", "Russia")
    assert visit.showing("order-words", "diplomatic_visit with Russia")  # the order as the page took it
    visit.page.get_by_label("justification (one line, required)").fill("keep Moscow close")
    visit.click("Add the move")
    assert "Delhi: diplomatic_visit with Russia (keep Moscow close)" in visit.showing("pending", "Delhi")
    visit.click("Advance the turn", then_month=1)
    assert "Delhi: keep Moscow close" in visit.showing("events", "Delhi: keep Moscow close")
    visit.shot("app_play_turn.png")
    assert visit.off_this_computer() == []
    visit.context.close()


def test_two_teams_a_proposal_accepted_and_one_refused(server, browser):
    """Two teams; Delhi offers Islamabad a pact and a trade deal; next turn Islamabad accepts the pact only:
    the pact is played once, as both teams' move, and the deal is refused with a sentence saying so."""
    visit = Visit(browser, server)
    for team, actor in (("Delhi", "India"), ("Islamabad", "Pakistan")):
        visit.page.get_by_label("team name").fill(team)
        visit.choose("plays", actor)
        visit.click("Add the team")
        visit.showing("teams", f"{team} ({actor})")
    visit.choose("team", "Delhi")
    for verb, note in (("defence_pact", "a pact"), ("economic_deal", "a deal")):
        visit.choose("move", verb)
        visit.choose("actor", "Pakistan")
        assert visit.showing("order-words", f"{verb} with Pakistan")
        visit.page.get_by_label("justification (one line, required)").fill(note)
        visit.click("Add the move")
        visit.showing("pending", note)
    visit.click("Advance the turn", then_month=1)
    outcome = visit.showing("turn-outcome", "economic_deal")
    assert "Delhi proposes to Islamabad: defence_pact with Pakistan" in outcome
    assert "defence_pact" not in visit.text("events")  # a proposal is not a move yet
    visit.page.get_by_role("button", name="Islamabad accepts").first.click()
    assert "Islamabad: defence_pact with India" in visit.showing("pending", "Islamabad")
    visit.click("Advance the turn", then_month=2)
    outcome = visit.showing("turn-outcome", "did not accept")
    assert "Islamabad accepted Delhi's proposal (defence_pact with Pakistan, turn 1): played in month 2" in outcome
    assert "Islamabad did not accept Delhi's proposal (economic_deal with Pakistan, turn 1): not played" in outcome
    events = visit.showing("events", "Delhi and Islamabad")
    assert "economic_deal" not in events
    visit.shot("app_play_proposals.png")
    assert visit.off_this_computer() == []
    visit.context.close()
