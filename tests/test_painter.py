"""The painter (sim.present.painter): figures drawn in a forked process are the same bytes, and a
painter that dies costs nothing but time."""

import re
import subprocess
import sys

import pytest

from sim.cli.main import main

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the painter forks on Linux only")


def python(script: str, *args, cwd=None) -> subprocess.CompletedProcess:
    """A fresh Python process running script: the painter forks only from a process that is still fresh."""
    return subprocess.run([sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, cwd=cwd)


def test_a_fresh_sim_run_paints_in_a_second_process_with_the_same_bytes(tmp_path):
    forked, here = tmp_path / "forked", tmp_path / "here"
    probe = ("import sys, runpy\n"
             "import sim.present.painter as p\n"
             "started = p.Painter.start\n"
             "def start():\n"
             "    painter = started()\n"
             "    print('painter' if painter else 'none', file=sys.stderr)\n"
             "    return painter\n"
             "p.Painter.start = start\n"
             "sys.argv = ['sim', 'run', 'arms_sale_pakistan', '--out', sys.argv[1], '--quiet']\n"
             "runpy.run_module('sim', run_name='__main__')\n")
    done = python(probe, forked)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "painter"  # a fresh command forks one
    import matplotlib  # noqa: F401  (a process that has loaded it is not fresh: drawn here)

    assert main(["run", "arms_sale_pakistan", "--out", str(here), "--quiet"]) == 0
    names = sorted(path.name for path in here.iterdir())
    assert {"bloc_map.png", "heatmaps.png", "pairs_over_time.png", "report.html"} <= set(names)
    assert names == sorted(path.name for path in forked.iterdir())
    for name in names:
        assert (forked / name).read_bytes() == (here / name).read_bytes(), name


def test_a_painter_that_dies_leaves_the_figures_to_the_command(tmp_path):
    script = ("import os, signal, sys\n"
              "from sim.present.painter import Painter\n"
              "painter = Painter.start()\n"
              "assert painter is not None\n"
              "process = painter._process\n"
              "os.kill(process.pid, signal.SIGKILL)\n"
              "process.join()\n"
              "import sim\n"
              "from dataclasses import replace\n"
              "result = sim.run(replace(sim.load_scenario('arms_sale_pakistan'), months=6))\n"
              "painter.paint(result, ('png',), None)\n"
              "figures = painter.figures()\n"
              "print(sorted(figures), all(data.startswith(b'\\x89PNG') for data in figures.values()))\n")
    done = python(script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['bloc_map.png', 'heatmaps.png', 'pairs_over_time.png'] True"


def test_no_painter_in_a_process_that_has_drawn_or_run_a_model_already():
    import matplotlib  # noqa: F401

    from sim.present.painter import Painter

    assert Painter.start() is None
    probe = ("import sys\n"
             "import numpy, pandas\n"
             "from sim.present.painter import Painter\n"
             "painter = Painter.start()\n"  # numpy and pandas loaded, as `sim run` has them: still fresh
             "print(painter is not None)\n"
             "painter.close()\n"
             "from sim.model import AlignmentModel\n"
             "print(Painter.start() is None)\n")
    done = python(probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_the_figure_code_loads_without_mesa():
    """What the painter imports (sim.present.figures, the Result and its summary) leaves Mesa to the model."""
    done = python("import sys\nfrom sim.present.painter import _warm_up\n"
                  "_warm_up()\nprint(sorted(m for m in ('mesa', 'networkx') if m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_a_mistake_in_the_input_is_reported_before_any_painter_starts(tmp_path):
    """A student's typo costs no matplotlib import: the input is checked before the painter forks."""
    probe = ("import sys, runpy\n"
             "import sim.present.painter as p\n"
             "def start():\n"
             "    print('painter started', file=sys.stderr)\n"
             "p.Painter.start = start\n"
             "sys.argv = ['sim', 'run', 'arms_sale_pakistann']\n"
             "runpy.run_module('sim', run_name='__main__')\n")
    done = python(probe, cwd=tmp_path)
    assert done.returncode == 2 and "Did you mean 'arms_sale_pakistan'" in done.stderr, done.stderr
    assert "painter started" not in done.stderr


def test_the_figures_are_shared_so_that_each_painter_draws_about_as_long():
    from sim.present.figures import FIGURES
    from sim.present.painter import DRAWING_WEIGHT, shares

    stems = list(FIGURES)
    assert shares(stems, 1) == [stems]
    # The longest alone, the two shorter together (FIGURES[k::2] gave one painter the longest and the shortest).
    assert shares(stems, 2) == [["pairs_over_time"], ["heatmaps", "bloc_map"]]
    assert shares(stems + ["new_figure"], 2) == [["pairs_over_time", "new_figure"], ["heatmaps", "bloc_map"]]
    assert sorted(sum(shares(stems, 3), [])) == sorted(stems) and all(len(s) == 1 for s in shares(stems, 3))
    assert set(DRAWING_WEIGHT) == set(stems)  # every registered figure has its measured weight


def test_sim_run_asks_for_one_blas_thread_and_defers_networkx(tmp_path):
    """One OpenBLAS thread unless the user chose otherwise; Mesa's import of networkx costs nothing until
    networkx is used, and the figures drawn in a process with the stand-in (no painter: matplotlib already
    loaded) are the painter's bytes."""
    script = ("import os, sys\n"
              "if sys.argv[2] == 'here':\n"
              "    import matplotlib  # a process that has loaded it draws its figures itself\n"
              "from sim.cli.main import main\n"
              "code = main(['run', 'arms_sale_pakistan', '--out', sys.argv[1], '--quiet'])\n"
              "from threadpoolctl import threadpool_info\n"
              "blas = [pool['num_threads'] for pool in threadpool_info() if pool['user_api'] == 'blas']\n"
              "print(code, os.environ.get('OPENBLAS_NUM_THREADS'), blas, type(sys.modules['networkx']).__name__)\n"
              "import networkx.algorithms\n"
              "print(networkx.Graph([(1, 2)]).number_of_edges(), networkx is sys.modules['networkx'])\n")
    env_without = {key: value for key, value in __import__("os").environ.items() if key != "OPENBLAS_NUM_THREADS"}

    def run(folder, where, env):
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / folder), where], capture_output=True,
                              text=True, env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[1:]  # after --quiet's folder

    # Mesa 3.5's network space reads networkx.spring_layout as it is defined (mesa/discrete_space/network.py),
    # so there Mesa's import loads networkx whatever we do; Mesa 3.3 only imports it.
    from importlib.metadata import version

    deferred = "_Deferred" if tuple(int(x) for x in version("mesa").split(".")[:2]) < (3, 4) else "module"
    shown = re.compile(r"^(\d+) (\S+) \[([\d, ]*)\] (\w+)$")

    def parts(line: str) -> tuple[str, str, set[str], str]:
        code, threads, pools, kind = shown.match(line).groups()
        return code, threads, set(pools.split(", ")), kind

    painted = run("painted", "painter", env_without)
    assert parts(painted[0]) == ("0", "1", {"1"}, deferred) and painted[1] == "1 True"  # every BLAS: one thread
    here = run("here", "here", env_without)  # numpy came with matplotlib, before main(): nothing asked of BLAS
    assert parts(here[0])[::3] == ("0", deferred) and parts(here[0])[1] == "None" and here[1] == "1 True"
    for name in ("bloc_map.png", "heatmaps.png", "pairs_over_time.png"):
        assert (tmp_path / "painted" / name).read_bytes() == (tmp_path / "here" / name).read_bytes(), name
    assert parts(run("again", "painter", {**env_without, "OPENBLAS_NUM_THREADS": "2"})[0])[:3] == ("0", "2", {"2"})
