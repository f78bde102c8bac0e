"""CPU per sweep point: `python bench/sweep_point.py [--points N]` (by hand; no timed tests).

Runs the points of a small sweep of the arms-sale scenario (3 runs a point, a grid over memory and
reactions crossed with a Latin hypercube sample) through the sweep's own point function, in this
process, and prints the CPU seconds per point (process_time, so the machine's other load counts less
than in wall time). To compare two checkouts, run it under each alternately, e.g.
`PYTHONPATH=/path/to/other/checkout python bench/sweep_point.py`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads: small matrices, one thread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=40)
    args = parser.parse_args()
    import sim
    from sim.experiments.plan import SweepPlan
    from sim.experiments import sweep as sweeping
    from sim.results.sweep_design import points
    from sim.experiments.sweep_file import load_sweep
    from sim.inputs.world import build_world

    here = os.path.dirname(os.path.abspath(__file__))
    scenario = sim.load_scenario("arms_sale_pakistan")
    plan: SweepPlan = load_sweep(os.path.join(here, "sweep_point.yaml"), scenario)
    world = build_world(scenario)
    chosen = points(plan)[: args.points]
    pairs = [("India", "Russia"), ("Russia", "Pakistan")]
    sweeping.point_row(scenario, plan, world, chosen[0], pairs)  # first readings (codebook, tables) out
    started = time.process_time()
    for point in chosen:
        sweeping.point_row(scenario, plan, world, point, pairs)
    cpu = (time.process_time() - started) / len(chosen)
    print(f"{sim.__file__}: {cpu * 1000:.1f} ms CPU per point over {len(chosen)} points", file=sys.stdout)


if __name__ == "__main__":
    main()
