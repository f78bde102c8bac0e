"""Points per second of a design: `python bench/design_throughput.py [--points N] [--batch B]` (by hand).

A design of N one-run points of the arms-sale scenario (a Latin hypercube over memory, balance, event and
audience scales and noise, each point its own seed), reduced to what a sweep keeps of a point (every
pair's effect at the horizon). Timed in CPU seconds (process_time) in this process:
  one by one   each point through the runner alone (as a serial sweep runs it), on the first --alone points;
  batched      the points in batches of B through the engine at once (runner.run_batch), all N points.
The batched effects are checked equal to the one-by-one effects on the points both computed.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--alone", type=int, default=300, help="points timed one by one (the rest extrapolated)")
    args = parser.parse_args()
    import numpy as np
    from scipy.stats import qmc

    import sim
    from sim.results.runner import run, run_batch

    scenario = sim.load_scenario("arms_sale_pakistan")
    ranges = {"memory": (0.05, 0.2), "balance": (0.02, 0.08), "event_scale": (0.3, 0.9),
              "audience_scale": (0.25, 0.75), "noise": (0.0, 0.05)}
    sample = qmc.LatinHypercube(d=len(ranges), seed=1).random(args.points)
    low = np.array([r[0] for r in ranges.values()])
    high = np.array([r[1] for r in ranges.values()])
    values = low + sample * (high - low)
    points = [replace(scenario, runs=1, seed=int(seed), parameters=scenario.parameters.with_overrides(
        dict(zip(ranges, map(float, row))))) for seed, row in enumerate(values)]
    world = sim.build_world(scenario)
    run(points[0], world=world)  # first readings out of the timings

    started = time.process_time()
    alone = [run(point, world=world).effect() for point in points[: args.alone]]
    per_point_alone = (time.process_time() - started) / args.alone

    started = time.process_time()
    together = []
    for first in range(0, len(points), args.batch):
        together += [result.effect() for result in run_batch(points[first:first + args.batch], world=world)]
    per_point_batched = (time.process_time() - started) / len(points)

    same = all(np.array_equal(a, b) for a, b in zip(alone, together))
    print(f"{args.points:,} one-run points, batches of {args.batch}: "
          f"one by one {1 / per_point_alone:,.0f} points/s ({per_point_alone * 1e3:.1f} ms each, {args.alone} timed); "
          f"batched {1 / per_point_batched:,.0f} points/s ({per_point_batched * 1e3:.2f} ms each): "
          f"{per_point_alone / per_point_batched:.1f}x; effects identical on the {args.alone} points: {same}")


if __name__ == "__main__":
    main()
