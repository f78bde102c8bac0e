"""report.html opened in a real browser (headless Chromium from the system, driven by Playwright).

The page must load from a file:// URL with no console errors and no network requests, and every figure
must decode (naturalWidth > 0). A screenshot is kept in tests/artifacts/ for a person to look at.
Skipped, with the reason, when Chromium or Playwright is missing here; .ci/run installs both.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, cli

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
ARTIFACTS = ROOT / "tests" / "artifacts"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                                     "(pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists() or shutil.which("chromium") is None,
                                reason="no Chromium at /usr/bin/chromium (apt-get install -y chromium; "
                                       ".ci/run installs it)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "arms"
    done = cli("run", "arms_sale_pakistan", "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out / "report.html"


def _open(path: Path, screenshot: str):
    """Load the page; return (console errors, requests other than the page itself, image widths, text)."""
    errors, requests = [], []
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.resolve().as_uri(), wait_until="load")
            widths = page.eval_on_selector_all("img", "images => images.map(i => i.complete ? i.naturalWidth : 0)")
            text = page.inner_text("body")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / screenshot), full_page=True)
            page.emulate_media(media="print")
            print_background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        finally:
            browser.close()
    others = [url for url in requests if url != path.resolve().as_uri() and not url.startswith("data:")]
    return errors, others, widths, text, print_background


def test_report_opens_in_a_browser_without_errors_or_network(report):
    errors, others, widths, text, print_background = _open(report, "report_arms_sale.png")
    assert errors == []
    assert others == []  # nothing fetched: the page is self-contained
    assert len(widths) == 3 and all(w > 1000 for w in widths), widths  # the three figures decoded
    assert "Russia sells Su-35 fighters" in text
    assert "A lens for discussion, not a forecast" in text
    assert "How narrowly each placement is decided" in text
    assert print_background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")  # no dark background in print
    assert (ARTIFACTS / "report_arms_sale.png").stat().st_size > 50_000


def test_hostile_text_is_shown_not_run(tmp_path, report):
    """A scenario name and description with markup: the browser shows the characters, runs no script."""
    scenario = tmp_path / "hostile.yaml"
    source = (ROOT / "scenarios" / "arms_sale_pakistan.yaml").read_text(encoding="utf-8")
    import yaml

    data = yaml.safe_load(source)
    data["name"] = "<script>console.error('ran')</script> & <b>bold</b>"
    data["description"] = "<img src=x onerror=\"console.error('img')\"> \"quoted\" & more"
    data.pop("relations_file", None)
    scenario.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = tmp_path / "out"
    done = cli("run", str(scenario), "--out", str(out), "--quiet", "--no-plots")
    assert done.returncode == 0, done.stderr
    errors, others, widths, text, _ = _open(out / "report.html", "report_hostile.png")
    assert errors == [] and others == [] and widths == []
    assert "<script>console.error('ran')</script> & <b>bold</b>" in text
    assert "<img src=x onerror=" in text
