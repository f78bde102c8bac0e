"""Every command's --help ends with an example that runs as written and with the documentation's address;
-q and -v mean the same on every command (one definition in sim/cli/main.py)."""

from __future__ import annotations

import re
import shlex
import shutil
import sys

import pytest

from conftest import ROOT, cli
from sim.cli.main import COMMANDS, EXAMPLES, build_parser
from sim.links import SITE

# Too slow for the suite (a Dask cluster, a server that runs until stopped): parsed, not run.
PARSED_ONLY = {"app", "sweep", "sensitivity", "hindcast", "classroom", "calibrate"}


def _help(name: str) -> str:
    parser = build_parser()
    sub = next(action for action in parser._actions if action.dest == "command").choices[name]
    return sub.format_help()


def _words(example: str) -> tuple[list[str], str | None]:
    """The arguments after `python -m sim`, and the file a `> FILE` redirection writes."""
    words = shlex.split(example)
    assert words[:3] == ["python", "-m", "sim"], example
    if ">" in words:
        at = words.index(">")
        return words[3:at], words[at + 1]
    return words[3:], None


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_help_ends_with_an_example_and_the_documentation(name):
    text = _help(name)
    assert f"Example:\n  {EXAMPLES[name]}\n" in text
    assert re.search(rf"Documentation: {re.escape(SITE)}\S*\n", text)
    assert not re.search(r"docs/\w+\.md", text), "a wheel user has no docs/ folder: cite the site (sim/links.py)"
    assert "-q, --quiet" in text and "-v, --verbose" in text
    build_parser().parse_args(_words(EXAMPLES[name])[0])  # parses as written


def test_the_top_level_help_has_an_example_and_the_site():
    text = build_parser().format_help()
    assert f"Example:\n  {EXAMPLES['run']}\n" in text and f"Documentation: {SITE}\n" in text


def test_the_examples_run_as_written_in_a_fresh_folder(tmp_path):
    """In COMMANDS' order, in one folder, as a class would type them (later examples read what `run` wrote)."""
    shutil.copytree(ROOT / "exercises" / "files", tmp_path / "exercises" / "files")
    shutil.copytree(ROOT / "tests" / "data" / "icews", tmp_path / "tests" / "data" / "icews")
    for name in COMMANDS:
        if name in PARSED_ONLY:
            continue
        args, redirected = _words(EXAMPLES[name])
        done = cli(*args, cwd=tmp_path)
        assert done.returncode == 0, (EXAMPLES[name], done.stderr)
        assert done.stdout.strip(), EXAMPLES[name]
        if redirected:
            (tmp_path / redirected).write_text(done.stdout, encoding="utf-8")
    assert (tmp_path / "results" / "arms_sale" / "report.html").is_file()
    assert (tmp_path / "results" / "compare").is_dir() and (tmp_path / "games" / "crisis" / "game.yaml").is_file()
    assert '"$schema"' in (tmp_path / "scenario.schema.json").read_text(encoding="utf-8")


def test_quiet_prints_only_errors_and_verbose_adds_the_time_and_the_paths(tmp_path):
    quiet = cli("validate", "s400_india", "-q", cwd=tmp_path)
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    loud = cli("validate", "s400_india", cwd=tmp_path)
    assert "s400_india: OK" in loud.stdout
    verbose = cli("validate", "s400_india", "--verbose", cwd=tmp_path)
    assert verbose.stdout == loud.stdout
    assert re.search(r"sim validate: exit 0, [\d.]+ s \(", verbose.stderr)
    assert sys.executable in verbose.stderr and str(tmp_path) in verbose.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("name: x\nmonths: 010\n", encoding="utf-8")
    failed = cli("validate", str(broken), "-q", cwd=tmp_path)
    assert failed.returncode == 2 and failed.stdout == "" and "broken.yaml" in failed.stderr
    ran = cli("run", "s400_india", "--no-plots", "-q", cwd=tmp_path)
    assert ran.returncode == 0 and ran.stdout.strip() == str(tmp_path / "results" / "s400_india").replace(
        str(tmp_path) + "/", "") and ran.stderr == ""
    listed = cli("list", "parameters", "-q", cwd=tmp_path)
    assert "audience_scale" in listed.stdout  # the listing is what was asked for
    both = cli("validate", "s400_india", "-q", "-v", cwd=tmp_path)
    assert both.returncode == 2 and "not allowed with argument" in both.stderr


def test_a_preformatted_table_in_a_help_is_kept_line_by_line():
    from sim.cli.play import USAGE

    text = _help("play")
    for line in USAGE.splitlines():
        assert f"\n{line}\n" in text, line
    assert f"({SITE}model/" in _help("explain")  # an address is never broken at its hyphens
