"""Sweep throughput: `python bench/sweep.py` (by hand; no timed unit tests).

Prints, for one sweep of the bundled arms-sale scenario (noise 0.02, 2 runs per point, 48 points):
the engine alone (each point's ensemble run in a plain loop), the same points as a serial sweep in chunks
of one point (so the difference is the cost of a chunk: its table, its file and the manifest update),
and the sweep on a LocalCluster of 1 and 2 worker processes under the chunk rule, with the cluster's
start-up timed apart. Figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SWEEP = {"seed": 1, "runs": 2, "grid": {"memory": [0.05, 0.1, 0.15, 0.2], "balance": [0.02, 0.04, 0.06]},
         "variants": [{"name": "as written"}, {"name": "no sale", "events_off": [0]}, {"name": "cold start",
                      "relations": [{"between": ["India", "Russia"], "score": 0.3}]}, {"name": "warm US",
                      "relations": [{"between": ["India", "US"], "score": 0.7}]}]}


def main() -> None:
    from sim.experiments.design import points
    from sim.experiments.evaluate import Job, run_point, variant_worlds
    from sim.experiments.outcomes import Follow
    from sim.experiments.sweep import sweep
    from sim.inputs.scenario_file import load_scenario
    from sim.experiments.sweep_file import sweep_from_data

    scenario = load_scenario(ROOT / "scenarios" / "arms_sale_pakistan.yaml")
    scenario = replace(scenario, parameters=scenario.parameters.with_overrides({"noise": 0.02}))
    plan = sweep_from_data(SWEEP, scenario)
    design = points(plan)
    job = Job(scenario, variant_worlds(scenario, plan.variants), Follow(pairs=(("India", "Russia"),), end_blocs=True),
              plan.variants, plan.runs)
    started = time.perf_counter()
    for point in design:
        run_point(job, point)
    engine = time.perf_counter() - started
    n = len(design)
    print(f"{n} points x {plan.runs} runs x {scenario.months} months, {scenario.name}")
    print(f"  engine alone (plain loop):           {engine:6.2f} s  {n / engine:5.2f} points/s  "
          f"{engine / n * 1000:6.1f} ms/point")
    scratch = Path(tempfile.mkdtemp())
    try:
        started = time.perf_counter()
        one = sweep(scenario, plan, scratch / "serial", scheduler="serial", chunk=1)
        serial = time.perf_counter() - started
        per_point_written = serial / (n + 1)  # the as-written point that picks the headline pairs is one more
        print(f"  serial sweep, chunks of 1 point:     {serial:6.2f} s  {n / serial:5.2f} points/s  "
              f"overhead per chunk {max(per_point_written - engine / n, 0) * 1000:6.1f} ms")
        for workers in (1, 2):
            from distributed import Client, LocalCluster
            import logging

            started = time.perf_counter()
            LocalCluster(n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address=None,
                         silence_logs=logging.ERROR).close()
            startup = time.perf_counter() - started
            del Client
            started = time.perf_counter()
            outcome = sweep(scenario, plan, scratch / f"local{workers}", scheduler="local", workers=workers)
            total = time.perf_counter() - started
            same = (scratch / f"local{workers}" / "sweep.csv").read_bytes() == Path(one.table).read_bytes()
            print(f"  LocalCluster, {workers} worker{'s' if workers > 1 else ' '}:           {total:6.2f} s  "
                  f"{n / (total - startup):5.2f} points/s  (cluster start and stop {startup:.1f} s not counted; "
                  f"{outcome.chunks} chunks of {outcome.chunk_size}; table identical to serial: {same})")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
