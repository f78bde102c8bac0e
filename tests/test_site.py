"""The documentation site builds with warnings as errors, and what Entente prints points into it.

`mkdocs build --strict` (mkdocs.yml) fails on a broken link or anchor between pages, a page missing from
the navigation's files, or an API name mkdocstrings cannot find; the other tests hold the addresses in
sim/links.py, pyproject.toml, CITATION.cff and mkdocs.yml equal, every page and section cited in sim/ to
exist, and the how-to pages' commands to parse and their Python to run.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from sim import links

SIM = ROOT / "sim"


@cache
def _built(folder: str) -> Path:
    site = Path(folder)
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return _built(str(tmp_path_factory.mktemp("site")))


def test_the_site_builds_strict_with_every_part_the_issue_asks_for(site):
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("sim.run", "sim.sweep", "sim.attribute", "sim.results.runner.EntenteModel",
                 "sim.results.result.Result", "sim.results.result.Result.score_array", "sim.results.summary.summarise",
                 "sim.results.uncertainty.bands", "sim.results.uncertainty.probabilities",
                 "sim.results.attribution.Attribution.table"):
        assert f'id="{name}"' in api, name  # mkdocstrings found it, and its docstring is on the page
    assert "Every run's scores as one array" in api  # Result.score_array's docstring
    for page in ("tutorial", "model", "sweeps", "seeding", "landscape", "howto/scenario", "howto/explain",
                 "howto/python", "howto/observed", "classroom", "classroom/01_arms_sale_audience", "classroom/crisis"):
        assert (site / page / "index.html").is_file(), page
    # The classroom pack's starter files and answer sheets travel with it; its links out of exercises/
    # point at the site's pages.
    assert (site / "classroom" / "files" / "one_event.yaml").is_file()
    assert (site / "classroom" / "entente.ipynb").is_file()
    pack = (site / "classroom" / "index.html").read_text(encoding="utf-8")
    assert 'href="../model/"' in pack and "../docs/" not in pack


def test_every_address_is_the_same_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    urls = project["urls"]
    assert urls["Documentation"] == links.SITE
    assert urls["Homepage"] == urls["Source"] == links.REPOSITORY
    assert urls["Issues"] == f"{links.REPOSITORY}/issues"
    assert urls["Changelog"].startswith(f"{links.REPOSITORY}/") and urls["Changelog"].endswith("/CHANGELOG.md")
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["repository-code"] == links.REPOSITORY and citation["url"] == links.SITE
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"site_url: {links.SITE}\n" in config and f"repo_url: {links.REPOSITORY}\n" in config


def _cited() -> set[tuple[str, str | None]]:
    """Every page(...) and cite(...) in sim/, and the pages every command's --help names."""
    from sim.cli.main import HELP_PAGES

    found: set[tuple[str, str | None]] = {(name, None) for name in HELP_PAGES.values()}
    for path in SIM.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for name, section in re.findall(r"""\b(?:page|cite)\(['"]([\w/]+)['"](?:, ['"]([^'"]+)['"])?\)""", text):
            found.add((name, section or None))
    return found


def test_every_page_and_section_cited_in_sim_exists(site):
    cited = _cited()
    assert ("model", "Attribution") in cited and ("seeding", None) in cited  # the scan finds them
    for name, section in cited:
        assert (site / name / "index.html").is_file() or (name == "index" and (site / "index.html").is_file()), name
        if section:
            source = ROOT / "docs" / f"{name}.md"
            headings = re.findall(r"^#+ (.+)$", source.read_text(encoding="utf-8"), flags=re.M)
            assert any(heading.startswith(section) for heading in headings), (name, section)


def test_the_help_pages_commands_parse_and_the_python_page_runs(tmp_path, monkeypatch):
    from sim.cli.main import build_parser

    for page in ("tutorial.md", "howto/scenario.md", "howto/explain.md", "index.md"):
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
            for line in block.splitlines():
                line = line.split("  #")[0].strip()
                if line.startswith("python -m sim "):
                    words = shlex.split(line)
                    words = words[:words.index(">")] if ">" in words else words
                    build_parser().parse_args(words[3:])
    code = re.search(r"```python\n(.*?)```", (ROOT / "docs" / "howto" / "python.md").read_text(encoding="utf-8"),
                     flags=re.S).group(1)
    import matplotlib

    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "docs/howto/python.md", "exec"), namespace)
    assert (tmp_path / "results" / "s400_python" / "summary.json").is_file()
    assert namespace["summary"].changes
