"""Helpers shared by the test files: the repository's paths, the CLI run as a student runs it, digests.

Test files import them (`from conftest import ROOT, sim`): pytest puts this folder on sys.path.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SEEDS = ROOT / "seeds"
ARTICLE = SEEDS / "pakistan_russia_relations_article.txt"
# The files of a result folder that hold data (the same scenario and seed must give the same bytes).
DATA_FILES = ["alignment.csv", "baseline.csv", "blocs.csv", "events.csv", "summary.json", "changes.csv"]
# With several runs the per-run tables go to runs.nc, beside the bands and the probabilities (--full adds
# the three CSV files above).
MULTI_RUN_FILES = ["runs.nc", "bands.csv", "probabilities.json", "events.csv", "summary.json", "changes.csv"]


def as_legacy_npz(folder: Path) -> Path:
    """Turn a several-run result folder into one written before runs.nc: its runs.nc becomes runs.npz as
    Entente wrote it then (int32 millionths stored, int8 bloc labels from 0 deflated, fixed timestamps),
    and the manifest lists runs.npz instead. Built here from the netCDF file's integers, not by the code
    under test."""
    import io
    import json
    import zipfile

    import numpy as np
    import xarray as xr

    with xr.open_dataset(folder / "runs.nc", mask_and_scale=False) as data:
        arrays = {"scores": data["scores"].values.astype("<i4"), "baseline": data["baseline"].values.astype("<i4"),
                  "blocs": (data["blocs"].values - 1).astype("i1")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED if name == "blocs" else zipfile.ZIP_STORED
            archive.writestr(info, member.getvalue())
    raw = buffer.getvalue()
    (folder / "runs.nc").unlink()
    (folder / "runs.npz").write_bytes(raw)
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:
        if entry["name"] == "runs.nc":
            entry.update(name="runs.npz", bytes=len(raw), sha256=hashlib.sha256(raw).hexdigest())
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return folder


def default_actors() -> list[str]:
    """The default actor set, from the actors table: tests derive their counts from it, so adding an actor
    to sim/data/actors.yaml does not break a test where the number is incidental."""
    from sim.inputs.tables import canonical_actors

    return [actor.name for actor in canonical_actors()]


def pair_count(n: int | None = None) -> int:
    """Unordered pairs among n actors (default: the default set)."""
    return math.comb(len(default_actors()) if n is None else n, 2)


def directed_pair_count(n: int | None = None) -> int:
    """Ordered pairs (who regards whom) among n actors (default: the default set)."""
    return 2 * pair_count(n)


def source_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess that imports this checkout's `sim` (installed or not)."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def sim(*args, cwd=ROOT, timeout: float = 300, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run `python -m sim ARGS` in a subprocess, as a student would, from any folder."""
    return subprocess.run([sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env=env if env is not None else source_env())


def cli(*args, cwd=ROOT, timeout: float | None = None, env: dict[str, str] | None = None,
        text: bool = True) -> subprocess.CompletedProcess:
    """`python -m sim ARGS` run in this process through the CLI's main(): the same CompletedProcess as `sim()`
    (exit code as a shell sees it, stdout and stderr as the process would write them), without a new
    interpreter's second of imports. For what is about the process itself (imports, forks, signals, a
    Python without the dependencies, PYTHON* variables, the wheel) use `sim()`.

    cwd, the environment (env, as a whole, like subprocess), sys.argv, the standard streams, the warning
    filters, the logging configuration and the data-folder caches that depend on the environment are set for
    the call and restored after it; stdin is empty, as under pytest. `timeout` is accepted for `sim()`'s
    signature and not enforced: a command that may hang belongs in a subprocess."""
    from in_process import run_main

    return run_main([str(arg) for arg in args], cwd=cwd, env=env, text=text)


def assert_clean_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit code 2, one `error:` paragraph on stderr with every fragment, no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def digest(folder: Path, names) -> dict[str, str]:
    """sha256 of each named file in a folder: byte-identical results have equal digests."""
    return {name: hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest() for name in names}


# --- Hypothesis in CI ---------------------------------------------------------------------------------------

# CI=true (as CI sets it): the same examples on every run (a red CI reproduces on a laptop with CI=true), no
# deadline (a shared machine's load is not a bug), the reproduction blob printed with a failure, and at most
# 50 examples where a test does not set its own number. Elsewhere Hypothesis's defaults: new examples each run.
settings.register_profile("ci", deadline=None, derandomize=True, max_examples=50, print_blob=True, database=None)
if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
    settings.load_profile("ci")


# --- the tests that touch Mesa and the engine -------------------------------------------------------------

# A test touches Mesa and the engine when it imports Mesa, the Mesa model and its agents or what runs and reads them
# (sim/results: the runner, the Result record, the summary, attribution, uncertainty), directly or through the
# top-level API's entry points (`sim.run`, `sim.summarise`): in its own body, or anywhere else in its module
# (top-level imports, helpers, fixtures), which then counts for every test of the module. Such tests get the `mesa`
# marker: CI's second leg (Python 3.12, the newest Mesa) runs `-m mesa`. A module can also say so itself (`pytestmark
# = pytest.mark.mesa`). The features over the engine (sweeps, sensitivity, calibration, the classroom) and the
# results' files and folders are the same code on either Mesa once the engine is, and tests that reach the engine only
# through the command line (`sim run` in a CLI test) are about the command line: they run once, on the main leg
# (ENTENTE_FULL_CI=1 runs the whole suite on the second leg too).
ENGINE_MODULES = ("mesa", "sim.model.engine", "sim.model.agents", "sim.model.mesa_import", "sim.results.runner",
                  "sim.results.result", "sim.results.attribution", "sim.results.summary", "sim.results.uncertainty")
ENGINE_NAMES = {"AlignmentModel", "Actor", "engine", "agents", "mesa_import"}  # `from sim.model import ...`
ENGINE_API = {"run", "attribute", "Result", "Summary", "EntenteModel", "summarise", "bands", "probabilities"}


@functools.cache
def engine_tests(path: Path) -> tuple[bool, frozenset[str]]:
    """(whether the module outside its test functions touches the engine, the test functions that do)."""
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    api_names = {alias.asname or "sim" for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names if alias.name == "sim"}  # what `import sim [as api]` is called here
    tests = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
             and node.name.startswith("test")]
    inside = {id(sub) for test in tests for sub in ast.walk(test)}
    module = _touches([node for node in ast.walk(tree) if id(node) not in inside], api_names)
    return module, frozenset(test.name for test in tests if _touches(ast.walk(test), api_names))


def _touches(nodes, api_names: set[str]) -> bool:
    for node in nodes:
        if isinstance(node, ast.Import) and any(_is_engine(alias.name) for alias in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
                _is_engine(node.module) or any(_is_engine(f"{node.module}.{a.name}") for a in node.names)
                or (node.module == "sim" and ENGINE_API & {a.name for a in node.names})
                or (node.module == "sim.model" and ENGINE_NAMES & {a.name for a in node.names})):
            return True
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in api_names
                and node.attr in ENGINE_API):
            return True
    return False


def _is_engine(module: str) -> bool:
    return any(module == name or module.startswith(name + ".") for name in ENGINE_MODULES)


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(config, items):
    for item in items:
        module, functions = engine_tests(item.path)
        if module or getattr(item, "originalname", item.name) in functions:
            item.add_marker(pytest.mark.mesa)
        if browser_module(item.path):
            item.add_marker(pytest.mark.xdist_group("browser"))


@functools.cache
def browser_module(path: Path) -> bool:
    """Whether a test module drives Chromium: with pytest-xdist (`-n`, `--dist loadgroup`) such modules run
    one after another in one worker, so two browsers and their servers never share the two cores at once."""
    text = Path(path).read_text(encoding="utf-8")
    return "playwright" in text or "import test_app_browser" in text
