"""CPU cost of a plain run's figures: `python bench/figures.py [--repeats N] [--against DIR]` (by hand).

Runs the bundled arms-sale scenario once, then times each figure of sim.present.figures.FIGURES built and
encoded as PNG (what `sim run` writes), best of several repeats of process CPU time, so that a noisy
shared machine inflates the numbers as little as possible. Also prints the PNG sizes, the first
render_plots of a fresh process (what `sim run` pays: lazy imports, font and glyph caches) and the cost
of importing the matplotlib modules the figures use, in a fresh interpreter.

--against DIR times another checkout's figures (a folder holding its `sim` package, e.g. made with
`git archive main sim | tar -x -C /tmp/base`) in alternating fresh processes, side by side with this one,
so that both sets of figures see the same machine load. No timed unit tests: this is read by people.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "arms_sale_pakistan.yaml"  # the scenario of the "sim run < 1.2 s"
REPEATS = 7  # timings per figure in one process; the best one is kept (the least disturbed)
ROUNDS = 3  # with --against: fresh processes per checkout, alternating; the best of all is kept
IMPORTS = ("import matplotlib.figure, matplotlib.backends.backend_agg, matplotlib.collections, "
           "matplotlib.lines, matplotlib.patches, matplotlib.textpath")  # what the figures import (no pyplot)


def worker(root: Path, repeats: int) -> dict:
    """Time the figures of the `sim` package under root (run in a fresh process: see main)."""
    sys.path.insert(0, str(root))
    started = time.process_time()
    from threadpoolctl import threadpool_limits

    from sim.results.runner import run
    from sim.inputs.scenario_file import load_scenario
    from sim.present import figures, style

    assert Path(figures.__file__).resolve().is_relative_to(root.resolve()), figures.__file__
    with threadpool_limits(limits=1):
        result = run(load_scenario(SCENARIO))
    warnings.simplefilter("ignore")
    started = time.process_time()
    figures.render_plots(result)
    report = {"first render_plots": time.process_time() - started, "figures": {}}

    for stem, maker in figures.FIGURES.items():
        extra = {"effect_scale": style.EFFECT_SCALE} if stem == "heatmaps" else {}
        build, total, size = float("inf"), float("inf"), 0
        for _ in range(repeats):
            started = time.process_time()
            figure = maker(result, **extra)
            built = time.process_time()
            data = style.figure_bytes(figure, "png")
            done = time.process_time()
            build, total, size = min(build, built - started), min(total, done - started), len(data)
            del figure
        report["figures"][stem] = {"build": build, "total": total, "bytes": size}
    best = float("inf")
    for _ in range(max(repeats // 2, 1)):
        started = time.process_time()
        figures.render_plots(result)
        best = min(best, time.process_time() - started)
    report["render_plots"] = best
    return report


def import_cost() -> float:
    """Seconds of CPU to import the figures' matplotlib modules in a fresh interpreter (best of three)."""
    code = "import time; t = time.process_time(); " + IMPORTS + "; print(time.process_time() - t)"
    return min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                    cwd=ROOT).stdout) for _ in range(3))


def fresh(root: Path, repeats: int) -> dict:
    output = subprocess.run([sys.executable, __file__, "--worker", str(root), "--repeats", str(repeats)],
                            capture_output=True, text=True, check=True, cwd=ROOT).stdout
    return json.loads(output.strip().splitlines()[-1])


def merge(best: dict | None, new: dict) -> dict:
    """The best (lowest) of each timing over rounds."""
    if best is None:
        return new
    for stem, times in new["figures"].items():
        for key in ("build", "total"):
            best["figures"][stem][key] = min(best["figures"][stem][key], times[key])
    for key in ("first render_plots", "render_plots"):
        best[key] = min(best[key], new[key])
    return best


def show(name: str, report: dict) -> None:
    print(f"{name}:")
    total = 0.0
    for stem, times in report["figures"].items():
        total += times["total"]
        print(f"  {stem + '.png':<22} build {times['build'] * 1000:5.0f} ms, build + draw + encode "
              f"{times['total'] * 1000:5.0f} ms CPU, {times['bytes'] / 1000:4.0f} kB")
    print(f"  {'three figures':<22} {total * 1000:44.0f} ms CPU")
    print(f"  render_plots(png): {report['render_plots'] * 1000:.0f} ms CPU warm, "
          f"{report['first render_plots'] * 1000:.0f} ms the first time in a process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--against", type=Path, help="another checkout's folder holding its sim package")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        print(json.dumps(worker(options.worker, options.repeats)))
        return

    print(f"import of the figures' modules ({IMPORTS[7:]}), fresh interpreter: {import_cost() * 1000:.0f} ms CPU")
    roots = {"this checkout": ROOT}
    if options.against:
        roots[f"against {options.against}"] = options.against
    best: dict[str, dict | None] = {name: None for name in roots}
    for _ in range(options.rounds):
        for name, root in roots.items():
            best[name] = merge(best[name], fresh(root, options.repeats))
    for name, report in best.items():
        assert report is not None
        show(name, report)
    print(f"(best of {options.repeats} repeats in each of {options.rounds} fresh processes per checkout; "
          "process CPU time)")


if __name__ == "__main__":
    main()
