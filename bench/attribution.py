"""What exact attribution costs and how exact it is: run by hand, `python bench/attribution.py`.

For each bundled scenario (noise 0.05, reactions on): the time of one plain model run, of the replay with
parts recorded (what the summary adds to every `sim run`: one replay of run 1), and the largest gap between
the sum of the parts and the change over all pairs.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.results.attribution import attribute  # noqa: E402
from sim.model.draws import run_seed  # noqa: E402
from sim.inputs.scenario_file import load_scenario  # noqa: E402
from sim.inputs.tables import load_codebook  # noqa: E402
from sim.inputs.world import build_world  # noqa: E402
from sim.model.model import AlignmentModel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5


def best_of(function) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    codebook = load_codebook()
    print(f"{'scenario':<32}{'plain run':>11}{'with parts':>12}{'largest gap':>14}")
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        scenario = replace(scenario, parameters=replace(scenario.parameters, noise=0.05))
        world = build_world(scenario)

        def plain(world=world, scenario=scenario):
            AlignmentModel(world, scenario.events, scenario.parameters, months=scenario.months, track_blocs=False,
                           rng=run_seed(scenario.seed, 1), codebook=codebook, changes=scenario.changes).run()

        plain_time = best_of(plain)
        parts_time = best_of(lambda scenario=scenario, world=world: attribute(scenario, world))
        gap = attribute(scenario, world).gap()
        print(f"{path.stem:<32}{plain_time * 1000:>9.1f}ms{parts_time * 1000:>10.1f}ms{gap:>14.1e}")


if __name__ == "__main__":
    main()
