"""CPU cost of a plain run's figures: `python bench/figures.py [--repeats N] [--svg]` (by hand; no timed tests).

Runs the bundled arms-sale scenario once, then times each figure of sim.viz.figures.FIGURES built and
encoded as PNG (what `sim run` writes), best of several repeats of process CPU time, so a noisy shared
machine inflates the numbers as little as possible. Also prints the PNG sizes and the cost of importing
the matplotlib modules the figures use (in a fresh interpreter, so nothing is already loaded).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIO = "arms_sale_pakistan.yaml"  # the bundled scenario the "sim run under 1.2 s" target names
REPEATS = 7  # timings per figure; the best one is reported (the least disturbed by other processes)
IMPORTS = ("import matplotlib.figure, matplotlib.backends.backend_agg, matplotlib.colors, matplotlib.lines, "
           "matplotlib.patches, networkx")  # what drawing the three figures needs beyond sim itself


def import_cost() -> float:
    """Seconds of CPU to import the figures' matplotlib modules in a fresh interpreter (best of three)."""
    code = ("import time; t = time.process_time(); " + IMPORTS + "; print(time.process_time() - t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                                 cwd=ROOT).stdout) for _ in range(3)]
    return min(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--svg", action="store_true", help="time SVG output as well")
    options = parser.parse_args()

    from threadpoolctl import threadpool_limits

    from sim.experiment.runner import run
    from sim.io.scenario_file import load_scenario
    from sim.viz import figures, style

    print(f"import of the figures' modules, fresh interpreter: {import_cost() * 1000:.0f} ms CPU")
    with threadpool_limits(limits=1):
        result = run(load_scenario(ROOT / "scenarios" / SCENARIO))
    formats = ("png", "svg") if options.svg else ("png",)
    warnings.simplefilter("ignore")
    figures.render_plots(result)  # warm up: font cache, colormaps, first-use imports

    total = 0.0
    for stem, maker in figures.FIGURES.items():
        extra = {"effect_scale": style.EFFECT_SCALE} if stem == "heatmaps" else {}
        for fmt in formats:
            best_build, best_all, size = float("inf"), float("inf"), 0
            for _ in range(options.repeats):
                started = time.process_time()
                figure = maker(result, **extra)
                built = time.process_time()
                data = style.figure_bytes(figure, fmt)
                done = time.process_time()
                figure.clear()
                best_build, best_all, size = min(best_build, built - started), min(best_all, done - started), len(data)
            total += best_all
            print(f"{stem + '.' + fmt:<22} build {best_build * 1000:6.0f} ms, build+encode {best_all * 1000:6.0f} ms "
                  f"CPU (best of {options.repeats}), {size / 1000:6.0f} kB")
    print(f"{'all figures':<22} {total * 1000:37.0f} ms CPU")
    best = float("inf")
    for _ in range(max(options.repeats // 2, 1)):
        started = time.process_time()
        figures.render_plots(result, formats)
        best = min(best, time.process_time() - started)
    print(f"render_plots({', '.join(formats)}) as `sim run` calls it: {best * 1000:.0f} ms CPU "
          f"(best of {max(options.repeats // 2, 1)})")


if __name__ == "__main__":
    main()
