"""Time and memory of whole runs: `python bench/speed.py` (by hand; no timed unit tests).

Reports wall time per scenario run (the scenario and its baseline), the Monte Carlo cost per run, and
peak memory, so that changes to the engine can be compared on the same machine.
"""

from __future__ import annotations

import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    started = time.perf_counter()
    from sim.results.runner import run
    from sim.inputs.scenario_file import load_scenario

    print(f"import sim.results.runner (mesa, pandas): {time.perf_counter() - started:.2f} s")
    scenario = load_scenario(ROOT / "scenarios" / "russia_pakistan_rapprochement.yaml")
    for runs in (1, 10, 50):
        started = time.perf_counter()
        run(replace(scenario, runs=runs, parameters=scenario.parameters.with_overrides({"noise": 0.02})))
        elapsed = time.perf_counter() - started
        print(f"{runs:>3} runs of {scenario.months} months (+ baselines): {elapsed:.2f} s "
              f"({elapsed / runs * 1000:.0f} ms per run)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
