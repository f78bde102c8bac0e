"""Entente installs and runs anywhere: the wheel carries every package and bundled file, the version has one
source, and a Python without the dependencies gets one paragraph with the fix instead of a traceback."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from conftest import ROOT, assert_clean_error, sim, source_env

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# top-level folders the build maps into sim/
MAPPED = {"sim.seeds": "seeds", "sim.scenarios": "scenarios", "sim.hindcasts": "hindcasts"}


def test_the_wheel_lists_every_package_folder():
    folders = {".".join(path.parent.relative_to(ROOT).parts) for path in (ROOT / "sim").rglob("*.py")}
    setuptools = PYPROJECT["tool"]["setuptools"]
    assert sorted(setuptools["packages"]) == sorted(folders | set(MAPPED))
    assert setuptools["package-dir"] == MAPPED
    for folder in MAPPED.values():
        assert (ROOT / folder).is_dir() and not (ROOT / "sim" / folder).exists()  # one copy, at the top level


def test_package_data_covers_every_bundled_file():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]
    folders = {"sim.data": ROOT / "sim" / "data", **{package: ROOT / folder for package, folder in MAPPED.items()}}
    for package, folder in folders.items():
        for path in folder.iterdir():
            if path.is_file() and path.suffix != ".py":
                assert any(path.match(pattern) for pattern in patterns.get(package, [])), path


def test_the_cli_knows_every_declared_dependency():
    from sim.cli.main import DEPENDENCIES

    declared = {re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()
                for requirement in PYPROJECT["project"]["dependencies"]}
    assert {name.lower() for name in DEPENDENCIES.values()} == declared


def test_one_version_number_read_from_pyproject():
    import sim

    assert sim.__version__ == PYPROJECT["project"]["version"]
    # A checkout that was never installed (no package metadata: `-S` skips site-packages) reads pyproject.toml.
    code = f"import sys; sys.path.insert(0, {str(ROOT)!r}); import sim; print(sim.__version__)"
    done = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == PYPROJECT["project"]["version"], done.stderr
    literal = re.compile(r"__version__\s*=\s*['\"]")
    assert not [path for path in (ROOT / "sim").rglob("*.py") if literal.search(path.read_text(encoding="utf-8"))]


# --- a Python without the dependencies (the virtual environment not activated) -----------------------------

HIDE = '''\
import os, sys

HIDDEN = set(os.environ["ENTENTE_TEST_HIDE"].split(","))


class Hide:
    """Pretend the hidden packages are not installed."""

    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in HIDDEN:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, Hide())
'''

ALIGNMENTS = """\
actors: [{name: A, size: 1}, {name: B, size: 1}, {name: C, size: 1}]
propensities: [[A, B, 1], [B, C, -1]]
"""


@pytest.fixture
def without(tmp_path):
    """Run the CLI in a Python where the named packages cannot be imported."""
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(HIDE, encoding="utf-8")
    (tmp_path / "alignments.yaml").write_text(ALIGNMENTS, encoding="utf-8")

    def run(hidden: str, *args):
        env = source_env(ENTENTE_TEST_HIDE=hidden)
        env["PYTHONPATH"] = os.pathsep.join([str(tmp_path / "hook"), env["PYTHONPATH"]])
        return sim(*args, cwd=tmp_path, env=env, timeout=120)

    return run


@pytest.mark.parametrize("command", [
    ["list"], ["validate", "s400_india"], ["run", "s400_india"], ["seed", "--explain", "Russia", "Pakistan"],
    ["blocs", "alignments.yaml"], ["schema"],
])
def test_every_command_explains_a_missing_dependency(without, command):
    done = without("yaml", *command)
    assert_clean_error(done, "PyYAML", "virtual environment is not activated", "pip install")
    assert len(done.stderr.strip().splitlines()) == 1  # one paragraph


def test_run_explains_missing_pandas_after_the_file_checks(without, tmp_path):
    done = without("pandas", "run", "s400_india")
    assert_clean_error(done, "does not have pandas", "source .venv/bin/activate")
    assert not (tmp_path / "results").exists()


def test_the_hook_hides_only_what_it_is_told(without):
    done = without("nothing_at_all", "list", "actors")  # same hook, nothing hidden: the command works
    assert done.returncode == 0 and "Russia" in done.stdout, done.stderr


def test_debug_shows_the_missing_dependency_traceback(without):
    done = without("yaml", "--debug", "list")
    assert done.returncode != 0 and "Traceback" in done.stderr and "ModuleNotFoundError" in done.stderr


# --- the wheel, installed on its own and run from a scratch folder -----------------------------------------


@pytest.mark.wheel
def test_the_built_wheel_runs_from_a_scratch_folder(tmp_path):
    """Build the wheel, install it (without dependencies: the test's Python has them) into a folder of its
    own, and run it from elsewhere with nothing of the checkout on the path."""
    dist, target, scratch = tmp_path / "dist", tmp_path / "site", tmp_path / "scratch"
    scratch.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    built = subprocess.run([*pip, "wheel", "--no-deps", str(ROOT), "-w", str(dist)],
                           capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    wheel = next(dist.glob("entente_sim-*.whl"))
    installed = subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)],
                               capture_output=True, text=True, timeout=300)
    assert installed.returncode == 0, installed.stderr

    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    # Nothing of the checkout on the path: only the folder the wheel was installed into.
    where = subprocess.run([sys.executable, "-c", "import sim; print(sim.__file__)"], cwd=scratch, env=env,
                           capture_output=True, text=True, timeout=60)
    assert Path(where.stdout.strip()).is_relative_to(target), where.stdout + where.stderr

    def wheel_sim(*args):
        return sim(*args, cwd=scratch, env=env, timeout=300)

    run = wheel_sim("run", "s400_india", "--no-plots")
    assert run.returncode == 0, run.stderr
    assert "s400_india (bundled)" in run.stdout and (scratch / "results" / "s400_india" / "summary.json").exists()
    (scratch / "mine.yaml").write_text("name: Mine\nmonths: 3\nevents:\n  - {at: 2, type: arms_sale, "
                                       "from: Russia, to: Pakistan}\n", encoding="utf-8")
    mine = wheel_sim("run", "mine.yaml", "--no-plots", "--quiet")
    assert mine.returncode == 0 and (scratch / "results" / "mine" / "alignment.csv").exists(), mine.stderr
    listing = wheel_sim("list", "scenarios")
    assert listing.returncode == 0 and "s400_india" in listing.stdout and "arms_sale_pakistan" in listing.stdout
    explain = wheel_sim("seed", "--explain", "Russia", "Pakistan")
    assert explain.returncode == 0 and "pakistan_russia_relations_article.txt" in explain.stdout, explain.stderr
    (scratch / "alignments.yaml").write_text(ALIGNMENTS, encoding="utf-8")
    blocs = wheel_sim("blocs", "alignments.yaml")
    assert blocs.returncode == 0 and "local minim" in blocs.stdout, blocs.stderr
    schema = wheel_sim("schema")
    assert schema.returncode == 0 and '"arms_sale"' in schema.stdout

    api = textwrap.dedent("""\
        import sim
        result = sim.run("arms_sale_pakistan")
        scenario = sim.load_scenario("s400_india")
        sim.write_result(result, "api_out", plots=False)
        print(scenario.name, sim.__version__)
    """)
    done = subprocess.run([sys.executable, "-c", api], cwd=scratch, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == PYPROJECT["project"]["version"]
    assert (scratch / "api_out" / "summary.json").exists()


def test_the_version_is_one_fact_and_the_basics_a_scholar_needs_are_there():
    """`sim --version` prints pyproject's version; LICENSE, CITATION.cff (same version) and py.typed exist."""
    import tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = sim("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"Entente {declared} (python -m sim)"
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f'version: "{declared}"' in citation and "cff-version: 1.2.0" in citation
    assert "MIT License" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (ROOT / "sim" / "py.typed").is_file()
