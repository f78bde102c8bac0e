"""The hindcast scorecard at another parameter setting: the model and its null models, per split.

    python bench/hindcast_setting.py [CALIBRATION.json]

With the calibration.json of `python -m sim calibrate` (its `posterior_median`), every episode runs with that
setting and each null model is the same setting with its overrides, so the skill compares like with like;
without an argument, the defaults (what `python -m sim hindcast --scorecard` prints).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main(setting: dict) -> None:
    from sim.classroom.hindcast import score_all, scorecard

    for split, card in scorecard(score_all(setting=setting)).items():
        model = card["model"]
        skills = ", ".join(f"{name} {value:+.2f}" for name, value in card["skill"].items())
        print(f"{split}: sign {model.sign_accuracy:.2f}, in band {model.band_hit_rate:.2f}, MAE {model.mae:.3f}; "
              f"skill over {skills}")


if __name__ == "__main__":
    main(json.loads(Path(sys.argv[1]).read_text())["posterior_median"] if len(sys.argv) > 1 else {})
