"""Wall time of a Morris screening of a bundled scenario: `python bench/sensitivity.py` (by hand).

The screening `python -m sim sensitivity arms_sale_pakistan` runs by default: r = 10 trajectories over the
11 numeric parameters other than noise (120 runs of the scenario and its baseline, one run per point: the
bundled scenarios have no noise), in memory, plots off, no files, one built world for every point. The
target is seconds, not minutes. Prints the time of one run at the defaults too, for the ratio.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCENARIO = "arms_sale_pakistan"
TRAJECTORIES = 10


def main() -> None:
    started = time.perf_counter()
    from sim.results.runner import run
    from sim.experiments.sensitivity import sensitivity
    from sim.inputs.scenario_file import load_scenario
    from sim.inputs.world import build_world

    import SALib.analyze.morris  # noqa: F401  (imports timed apart from the screening)
    import SALib.sample.morris  # noqa: F401

    print(f"imports (mesa, pandas, SALib): {time.perf_counter() - started:.2f} s")
    scenario = load_scenario(SCENARIO)
    world = build_world(scenario)
    run(scenario, world=world)  # warm up
    started = time.perf_counter()
    run(scenario, world=world)
    one = time.perf_counter() - started
    print(f"one run of {SCENARIO} at the defaults (+ baseline): {one * 1000:.0f} ms")

    wall, cpu = time.perf_counter(), time.process_time()
    result = sensitivity(scenario, "morris", trajectories=TRAJECTORIES, world=world)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"Morris screening of {SCENARIO}: {TRAJECTORIES} trajectories x {len(result.factors)} parameters = "
          f"{result.evaluations} runs, {len(result.outcomes)} outcomes: {wall:.1f} s wall, {cpu:.1f} s CPU "
          f"({wall / result.evaluations * 1000:.0f} ms a point)")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
