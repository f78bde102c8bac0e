"""Do the bundled scenarios' headline effects keep their sign when one parameter moves by ±50%?

`python bench/sign_robustness.py` (by hand; tests/test_sign_robustness.py holds the signs). For every
bundled scenario with events, the headline effects are its three largest by |effect| as written; each
numeric parameter (sim/model/parameters.py) in turn is set to 0.5x and 1.5x its default, clipped to its
documented range (a parameter whose default is 0 cannot move by a share of itself and is left out), and the
effect on each headline pair is measured again, in memory, plots off, on one built world per scenario.
A sign that flips is printed with its values: a finding for the modellers, not a failure of this script.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FRACTION = 0.5
TOP = 3


def main() -> None:
    from sim.experiments.sensitivity import sign_moves
    from sim.inputs.scenario_file import load_scenario

    started = time.perf_counter()
    flips = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scenario = load_scenario(path)
        report = sign_moves(scenario, fraction=FRACTION, top=TOP)
        if not report.pairs:
            print(f"{path.stem}: no events, no effects\n")
            continue
        print(f"{path.stem} ({len(report.moves)} moves)")
        for (source, target), effect in zip(report.pairs, report.reference):
            values = report.effects[(source, target)]
            low, high = min(values.values()), max(values.values())
            flipped = [(move, v) for move, v in values.items() if v * effect <= 0]
            verdict = "robust" if not flipped else f"FLIPS under {len(flipped)} move(s)"
            print(f"  {source} → {target}: {effect:+.3f} as written; range over moves {low:+.3f} .. {high:+.3f}; "
                  f"{verdict}")
            for (name, value), v in flipped:
                print(f"      {name} = {value:g}: {v:+.4f}")
                flips.append((path.stem, source, target, name, value, effect, v))
        print()
    print(f"{len(flips)} sign flip(s); {time.perf_counter() - started:.1f} s in all")


if __name__ == "__main__":
    main()
