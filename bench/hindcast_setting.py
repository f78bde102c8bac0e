"""The hindcast scorecard at another parameter setting: the model and its null models, per split.

    python bench/hindcast_setting.py [CALIBRATION.json]

With the calibration.json of `python -m sim calibrate` (its `posterior_median`), every episode runs with that
setting and each null model is the same setting with its overrides, so the skill compares like with like;
without an argument, the defaults (what `python -m sim hindcast --scorecard` prints).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(setting: dict) -> None:
    import numpy as np

    from sim.classroom.hindcast import NULL_MODELS, null_parameters
    from sim.inputs.resources import bundled_hindcasts
    from sim.inputs.scenario_file import load_scenario
    from sim.results.expectations import check, effects, metrics, skill
    from sim.results.runner import run

    by_split: dict[str, dict[str, list]] = {}
    for path in bundled_hindcasts():
        scenario = load_scenario(path)
        scenario = dataclasses.replace(scenario, parameters=scenario.parameters.with_overrides(setting))
        result = run(scenario)
        groups = by_split.setdefault(scenario.split or "unsplit", {"model": [], **{n: [] for n in NULL_MODELS}})
        groups["model"].append(check(result, scenario))
        for name, overrides in NULL_MODELS.items():
            if overrides is None:
                groups[name].append(check(result, scenario, effect=np.zeros_like(effects(result))))
            else:
                variant = dataclasses.replace(scenario, parameters=null_parameters(scenario.parameters, overrides))
                groups[name].append(check(run(variant), variant))
    for split, groups in by_split.items():
        model = metrics(groups["model"])
        skills = ", ".join(f"{name} {skill(model, metrics(groups[name])):+.2f}" for name in NULL_MODELS)
        print(f"{split}: sign {model.sign_accuracy:.2f}, in band {model.band_hit_rate:.2f}, MAE {model.mae:.3f}; "
              f"skill over {skills}")


if __name__ == "__main__":
    main(json.loads(Path(sys.argv[1]).read_text())["posterior_median"] if len(sys.argv) > 1 else {})
