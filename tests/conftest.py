"""Helpers shared by the test files: the repository's paths, the CLI run as a student runs it, digests.

Test files import them (`from conftest import ROOT, sim`): pytest puts this folder on sys.path.
"""

from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
SEEDS = ROOT / "seeds"
ARTICLE = SEEDS / "pakistan_russia_relations_article.txt"
# The files of a result folder that hold data (the same scenario and seed must give the same bytes).
DATA_FILES = ["alignment.csv", "baseline.csv", "blocs.csv", "events.csv", "summary.json"]
# With several runs the per-run tables go to runs.npz, beside the bands and the probabilities (--full adds
# the three CSV files above).
MULTI_RUN_FILES = ["runs.npz", "bands.csv", "probabilities.json", "events.csv", "summary.json"]


def default_actors() -> list[str]:
    """The default actor set, from the actors table: tests derive their counts from it, so adding an actor
    to sim/data/actors.yaml does not break a test where the number is incidental."""
    from sim.io.tables import canonical_actors

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


def assert_clean_error(done: subprocess.CompletedProcess, *fragments: str) -> None:
    """Exit code 2, one `error:` paragraph on stderr with every fragment, no traceback."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def digest(folder: Path, names) -> dict[str, str]:
    """sha256 of each named file in a folder: byte-identical results have equal digests."""
    return {name: hashlib.sha256((Path(folder) / name).read_bytes()).hexdigest() for name in names}
