"""Do the hindcast bands tell parameter settings apart? The scorecard across the +-50% parameter box.

`python bench/hindcast_box.py [POINTS]` (by hand, default 40 points; about 3 s a point). Issue 19 found
that 60% of a rejection sample of the +-50% box passed all 33 old direction checks: the checks carried no
information about the parameters. This draws POINTS settings uniformly (numpy, seed 0) in 0.5x..1.5x of
every numeric parameter with a non-zero default (sim/model/parameters.py, clipped to its documented range;
integers, switches and choices stay), scores every bundled episode at each with the model's checks (no null
models), and prints, per split, how many points pass every band and the spread of band hit rate and MAE.
A narrow spread would mean the bands still cannot tell settings apart.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FRACTION = 0.5


def main(points: int) -> None:
    import numpy as np

    from sim.results.expectations import check, metrics
    from sim.inputs.resources import bundled_hindcasts
    from sim.inputs.scenario_file import load_scenario
    from sim.model.parameters import specs
    from sim.results.runner import run

    started = time.perf_counter()
    numeric = [s for s in specs() if isinstance(s.default, float) and s.default != 0]
    rng = np.random.default_rng(0)
    episodes = [load_scenario(path) for path in bundled_hindcasts()]
    rows = []
    for _ in range(points):
        values = {s.name: float(np.clip(s.default * rng.uniform(1 - FRACTION, 1 + FRACTION), s.low, s.high))
                  for s in numeric}
        by_split: dict[str, list] = {}
        for scenario in episodes:
            variant = dataclasses.replace(scenario, parameters=scenario.parameters.with_overrides(values))
            by_split.setdefault(scenario.split or "unsplit", []).append(check(run(variant), variant))
        rows.append({split: metrics(groups) for split, groups in by_split.items()})
    print(f"{points} points in 0.5x..1.5x of {', '.join(s.name for s in numeric)}; "
          f"{time.perf_counter() - started:.0f} s")
    for split in rows[0]:
        hit = np.array([r[split].band_hit_rate for r in rows])
        mae = np.array([r[split].mae for r in rows])
        passing = sum(r[split].band_hit_rate == 1.0 for r in rows)
        print(f"{split}: {passing} of {points} points pass every band; band hit rate min {hit.min():.2f}, "
              f"median {np.median(hit):.2f}, max {hit.max():.2f}; MAE min {mae.min():.3f}, "
              f"median {np.median(mae):.3f}, max {mae.max():.3f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
