"""Print the calibration figures quoted in docs/model.md: run by hand, `python bench/calibration.py`.

Each figure is one of the targets the default parameters were chosen to meet (tests/test_model.py checks
the same targets as pass/fail; this script shows the numbers).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sim.results.runner import run  # noqa: E402
from sim.model.parameters import Parameters  # noqa: E402
from sim.inputs.scenario_file import scenario_from_data  # noqa: E402
from sim.model.reactions import reaction_probability  # noqa: E402


def scenario(**data):
    return scenario_from_data({"name": "calibration", "months": 36, **data})


def main() -> None:
    quiet = run(scenario())
    off = ~np.eye(len(quiet.actors), dtype=bool)
    drift = np.abs(quiet.matrix(36) - quiet.matrix(0))[off]
    print(f"1. no events, 36 months: mean |drift| {drift.mean():.3f}, max {drift.max():.3f}")
    for balance in (0.1, 0.2, 0.4):
        realist = run(scenario(parameters={"balance": balance}))
        d = np.abs(realist.matrix(36) - realist.matrix(0))[off]
        print(f"   with balance {balance}: mean |drift| {d.mean():.3f}, max {d.max():.3f}")
    print("2. one event at month 1, effect on its own pair at month 36 (reactions off):")
    for kind, source, target in [("arms_sale", "Russia", "Pakistan"), ("arms_sale", "Russia", "India"),
                                 ("defence_pact", "US", "Pakistan"), ("sanctions", "US", "India"),
                                 ("military_clash", "India", "Pakistan"), ("intelligence_meeting", "Russia", "China"),
                                 ("diplomatic_visit", "US", "Pakistan")]:
        result = run(scenario(parameters={"reactions": False},
                              events=[{"at": 1, "type": kind, "from": source, "to": target}]))
        i, j = result.actors.index(source), result.actors.index(target)
        series = [result.matrix(m)[i, j] - result.matrix(m, baseline=True)[i, j] for m in range(37)]
        peak = max(series, key=abs)
        print(f"   {kind:<21}{source:>8} → {target:<9} start {result.matrix(0)[i, j]:+.2f}  "
              f"peak effect {peak:+.3f}  month-36 effect {series[-1]:+.3f}")
    print("   the same events on a pair set to 0 at the start (what tests/test_model.py checks):")
    for kind, source, target in [("arms_sale", "Russia", "India"), ("sanctions", "US", "India"),
                                 ("military_clash", "India", "Pakistan"), ("defence_pact", "US", "Pakistan")]:
        result = run(scenario(parameters={"reactions": False}, relations=[{"between": [source, target], "score": 0.0}],
                              events=[{"at": 1, "type": kind, "from": source, "to": target}]))
        i, j = result.actors.index(source), result.actors.index(target)
        print(f"   {kind:<21}{source:>8} → {target:<9} start +0.00  month-36 effect {result.effect(36)[i, j]:+.3f}")
    many = [{"at": m, "type": "arms_sale", "from": "Russia", "to": "Pakistan"} for m in range(1, 25, 2)]
    pinned = run(scenario(events=many))
    pair = pinned.alignment[(pinned.alignment["source"] == "Russia") & (pinned.alignment["target"] == "Pakistan")]
    series = pair.set_index("month")["score"]
    print(f"3. twelve arms sales Russia → Pakistan (months 1-23): highest score {pinned.alignment['score'].max():.4f}, "
          f"pair at month 24 {series[24]:.4f}, at month 36 {series[36]:.4f}")
    print(f"   no events: highest |score| over 36 months {quiet.alignment['score'].abs().max():.3f}")

    defaults = Parameters()
    start = quiet.matrix(0)[quiet.actors.index("India"), quiet.actors.index("Pakistan")]
    print(f"4. chance of a counter-move (reaction_midpoint {defaults.reaction_midpoint}, "
          f"reaction_spread {defaults.reaction_spread}, reaction_ceiling {defaults.reaction_ceiling}) by concern:")
    concerns = [("0.1", 0.1), ("0.2", 0.2), ("0.3", 0.3), ("0.5", 0.5),
                (f"{-start:.2f}, India's hostility to Pakistan at the start", -start),
                (f"{-start * (1 + defaults.concern_bonus):.2f}, the same when India's own partner is the supplier",
                 -start * (1 + defaults.concern_bonus))]
    for label, concern in concerns:
        chance = reaction_probability(concern, defaults.reaction_midpoint, defaults.reaction_spread,
                                      defaults.reaction_ceiling)
        print(f"   concern {label}: {chance:.2f}")


if __name__ == "__main__":
    main()
