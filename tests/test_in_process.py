"""The test helpers CI leans on: conftest.cli() (the CLI in this process) gives what a real `python -m sim`
gives, and leaves nothing behind; the `mesa` marker picks the tests CI runs again on Python 3.12."""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from conftest import ROOT, cli, engine_tests, sim, source_env

# A command's run() replaced by each of these, in this process and in a real one: the exit status and the
# output must be the same.
ENDINGS = {
    "returns 3": "return 3",
    "returns 258 (a shell sees 2)": "return 258",
    "sys.exit(4)": "sys.exit(4)",
    "sys.exit with a message": "sys.exit('stopped: no more')",
    "sys.exit(None)": "sys.exit(None)",
    "an uncaught exception": "raise RuntimeError('boom')",
    "prints to both streams": "print('out → ✓'); print('err', file=sys.stderr); return 0",
    "a DeprecationWarning (hidden by default)": "warnings.warn('old', DeprecationWarning); return 0",
    "a UserWarning (shown on stderr)": "warnings.warn('careful'); return 0",
}


def _source(code: str) -> str:
    return f"def run(args):\n    {code}\n"


def _ending(code: str):
    """The replacement run(), defined in a module that is not __main__ (as the commands are)."""
    namespace = {"__name__": "elsewhere", "sys": sys, "warnings": warnings}
    exec(_source(code), namespace)  # noqa: S102 - the test's own snippets
    return namespace["run"]


@pytest.mark.parametrize("name", list(ENDINGS))
def test_cli_ends_as_a_real_process_ends(name, monkeypatch):
    script = ("import sys, warnings, runpy\n"
              "import sim.cli.validate as command\n"
              "namespace = {'__name__': 'elsewhere', 'sys': sys, 'warnings': warnings}\n"
              f"exec({_source(ENDINGS[name])!r}, namespace)\n"
              "command.run = namespace['run']\n"
              "sys.argv = ['sim', 'validate', 's400_india']\n"
              "runpy.run_module('sim', run_name='__main__')\n")
    real = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True,
                          env=source_env(), timeout=120)
    import sim.cli.validate as command

    monkeypatch.setattr(command, "run", _ending(ENDINGS[name]))
    here = cli("validate", "s400_india")
    assert here.returncode == real.returncode, (here, real)
    assert here.stdout == real.stdout
    if "Traceback" in real.stderr:  # the frames differ; what was raised, and that it shows, do not
        assert "Traceback" in here.stderr and here.stderr.splitlines()[-1] == real.stderr.splitlines()[-1]
    else:
        assert here.stderr == real.stderr, (here, real)


@pytest.mark.parametrize("args", [
    ("validate", "s400_india"), ("validate", "s400_indai"), ("list", "events"), ("--help",), (), ("list", "--bogus"),
    ("seed", "--explain", "India", "Rusia"),
])
def test_cli_gives_what_python_m_sim_gives(args):
    here, real = cli(*args), sim(*args)
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)
    assert cli(*args, text=False).stdout == real.stdout.encode("utf-8")


def test_cli_sets_cwd_and_env_for_the_command_and_puts_everything_back(tmp_path, monkeypatch):
    monkeypatch.setenv("ENTENTE_TEST_MARK", "before")
    (tmp_path / "mine.yaml").write_text("name: Mine\nmonths: 2\n", encoding="utf-8")
    before = (os.getcwd(), dict(os.environ), list(sys.argv), sys.stdin, sys.stdout, sys.stderr,
              list(logging.getLogger().handlers), list(warnings.filters))
    done = cli("validate", "mine.yaml", cwd=tmp_path, env={**os.environ, "ENTENTE_TEST_MARK": "during"})
    assert done.returncode == 0 and "mine.yaml: OK" in done.stdout, done.stderr
    after = (os.getcwd(), dict(os.environ), list(sys.argv), sys.stdin, sys.stdout, sys.stderr,
             list(logging.getLogger().handlers), list(warnings.filters))
    assert after == before
    assert not (ROOT / "mine.yaml").exists()


def test_a_data_folder_named_by_env_is_used_then_forgotten(tmp_path):
    refused = cli("list", "events", env=source_env(ENTENTE_DATA_DIR=str(tmp_path)))
    assert refused.returncode == 2 and "ENTENTE_DATA_DIR" in refused.stderr
    again = cli("list", "events")  # a fresh process would not remember the folder: neither does cli()
    assert again.returncode == 0 and "arms_sale" in again.stdout, again.stderr


def test_what_only_a_process_can_honour_is_refused_not_ignored():
    with pytest.raises(ValueError, match="PYTHONIOENCODING"):
        cli("list", env={**os.environ, "PYTHONIOENCODING": "ascii"})
    with pytest.raises(ValueError, match="PYTHONPATH"):
        cli("list", env={**source_env(), "PYTHONPATH": "/elsewhere"})


def test_a_run_with_figures_in_process_draws_them_here_without_forking(tmp_path, monkeypatch):
    from sim.present import painter

    started = []
    original = painter.Painter.start
    monkeypatch.setattr(painter.Painter, "start", staticmethod(lambda: started.append(original()) or started[-1]))
    done = cli("run", "arms_sale_pakistan", "--out", tmp_path / "out", "--quiet")
    assert done.returncode == 0, done.stderr
    assert started == [None] and multiprocessing.active_children() == []
    assert all((tmp_path / "out" / name).stat().st_size > 1000
               for name in ("bloc_map.png", "heatmaps.png", "pairs_over_time.png"))


# --- the tests CI's Python 3.12 leg runs ------------------------------------------------------------------------

def test_the_engine_tests_are_marked_and_the_pure_ones_are_not():
    tests = ROOT / "tests"
    for name in ("test_model", "test_engine", "test_reactions", "test_attribution", "test_summary",
                 "test_uncertainty", "test_draws", "test_landscape_search"):
        module, _ = engine_tests(tests / f"{name}.py")
        assert module, f"{name}.py imports the engine: all its tests are for the Mesa leg"
    # The features over the engine run once: only their tests that run the engine in their own body go.
    for name in ("test_sweep", "test_sensitivity", "test_output_folder", "test_app_hostile"):
        module, _ = engine_tests(tests / f"{name}.py")
        assert not module, f"{name}.py is about a feature over the engine: not for the Mesa leg as a whole"
    for name in ("test_safe_yaml", "test_landscape", "test_dynamics", "test_seed_cli", "test_architecture"):
        module, functions = engine_tests(tests / f"{name}.py")
        assert not module and not functions, name
    # In a module about something else, only the test that runs the engine itself.
    module, functions = engine_tests(tests / "test_cli.py")
    assert not module and functions == {"test_a_written_result_reads_back_for_a_notebook"}


def test_the_marker_reads_imports_in_every_form(tmp_path):
    cases = {
        "import mesa\ndef test_a(): pass\n": (True, set()),
        "from sim.model.engine import AlignmentModel\n": (True, set()),
        "from sim.model import AlignmentModel\n": (True, set()),
        "from sim.model import dynamics, landscape\n": (False, set()),  # the pure kernels: no Mesa
        "def test_a():\n    from sim.results import runner\ndef test_b(): pass\n": (False, {"test_a"}),
        "import sim as api\ndef test_a():\n    api.run('x')\ndef test_b():\n    api.load_scenario('x')\n":
            (False, {"test_a"}),
        "from sim import read_result, load_scenario\ndef test_a(): pass\n": (False, set()),
        "from sim import sweep\n": (False, set()),  # a feature over the engine: once, on the main leg
        "from sim.results import folder\n": (False, set()),  # the results' files, not the engine
        "def helper():\n    import sim\n    return sim.run('x')\ndef test_a(): helper()\n": (True, set()),
        "import simple\nfrom sim.inputs import tables\n": (False, set()),
    }
    for number, (source, expected) in enumerate(cases.items()):
        path = tmp_path / f"test_case{number}.py"
        path.write_text(source, encoding="utf-8")
        module, functions = engine_tests(Path(path))
        assert (module, set(functions)) == expected, source
