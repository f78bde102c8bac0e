"""Memory that comes back: `python bench/memory.py` (by hand; no timed tests).

Resident memory of one process (a) after each of 20 runs of 1,000 Monte Carlo runs of the arms-sale
scenario (noise 0.05, reactions), and (b) along a 200-point serial sweep. Issue 22 asks that both stay
flat within 40 MB once the first run has loaded what it loads. Mesa before 3.4.2 kept every model in
`Agent._ids`; the engine drops its entry (sim/model/engine.py, _forget_agent_ids).
"""

from __future__ import annotations

import argparse
import gc
import os
import tempfile
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy loads


def rss_mb() -> float:
    """This process's resident memory now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--points", type=int, default=200)
    args = parser.parse_args()
    import mesa

    import sim
    from sim.results.runner import run

    scenario = sim.load_scenario("arms_sale_pakistan")
    noisy = replace(scenario, runs=1000, parameters=scenario.parameters.with_overrides({"noise": 0.05}))
    after = []
    for _ in range(args.repeats):
        result = run(noisy)
        del result
        gc.collect()
        after.append(rss_mb())
    print(f"Mesa {mesa.__version__}: RSS after each of {args.repeats} runs of 1,000 runs (MB): "
          f"{', '.join(f'{x:.0f}' for x in after)}; from the second on {after[-1] - after[1]:+.0f} MB "
          f"(glibc keeps the first runs' freed memory for reuse: a plateau, not a leak)")

    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.yaml"
        plan.write_text(f"name: memory\nseed: 1\nruns: 2\nsample:\n  method: lhs\n  n: {args.points}\n"
                        "  ranges: {memory: [0.05, 0.2], noise: [0.0, 0.1]}\n", encoding="utf-8")
        start = rss_mb()
        sim.sweep("arms_sale_pakistan", plan, Path(folder) / "out", scheduler="serial", progress=False)
        gc.collect()
        print(f"a serial sweep of {args.points} points: RSS {start:.0f} MB before, {rss_mb():.0f} MB after "
              f"({rss_mb() - start:+.0f} MB)")


if __name__ == "__main__":
    main()
