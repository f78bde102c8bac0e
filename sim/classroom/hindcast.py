"""The hindcast scorecard: the model against the record, and against null models that lack a mechanism.

A scorecard that any model passes says nothing, so every episode is also run with each null model of
NULL_MODELS (the same scenario, seed and runs with some parameters overridden) and scored the same way.
Per split (train: episodes up to 2016; test: 2017 on) and per model:

- sign accuracy: over the pair expectations with a sign (effects and peaks, onlookers included), the
  share whose value has a sign the band allows. A value within SIGN_DEAD_ZONE of 0 has sign 0; a band
  allows + if its high end is above the dead zone, - if its low end is below minus the dead zone, and 0
  if it reaches 0 or the dead zone (a band [-0.08, 0.08] allows all three, [0.05, 0.3] only +).
- band hit rate: over every pair expectation, the share whose value lies in its band (ends included).
- MAE: the mean distance from the value to its band (0 inside it), over every pair expectation;
  skill over a null model is 1 - MAE_model / MAE_null (1: the model lands in every band the null misses;
  0: no better; negative: worse; None when the null's MAE is 0).

An episode with `observed:` is also scored against its event-data series (sim/results/observation.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..inputs.cost import check_scenario
from ..inputs.resources import bundled_hindcasts
from ..inputs.scenario_file import load_scenario
from ..model.parameters import Parameters
from ..model.scenario import Scenario
from ..results.runner import run
from ..results.expectations import SIGN_DEAD_ZONE, Check, band, check, effects, finite_or_none, metrics, skill
from ..results.observation import ObservedScore, score_observed

NEGATE = "negate"  # the scenario's value with its sign turned: allowed here only, to reverse a response

# The null models, as parameter overrides in this one table (a parameter renamed in sim/model/parameters.py
# is renamed here; tests/test_hindcasts.py checks every name). None: no run, the effect is 0 everywhere.
NULL_MODELS: dict[str, dict[str, object] | None] = {
    "zero effect": None,
    "no onlookers": {"audience_scale": 0.0, "competition_scale": 0.0},
    "onlookers reversed": {"audience_scale": NEGATE, "competition_scale": NEGATE},
    "reactions off": {"reactions": False},
    "direct effects only": {"audience_scale": 0.0, "competition_scale": 0.0, "reactions": False, "balance": 0.0},
}
SPLIT_ORDER = ("train", "test", "unsplit")


def null_parameters(parameters: Parameters, overrides: dict[str, object]) -> Parameters:
    """The scenario's parameters with a null model's overrides (past the declared ranges: negation is not
    a setting a scenario may ask for, so this bypasses the file checks on purpose)."""
    values = {name: (-getattr(parameters, name) if value == NEGATE else value) for name, value in overrides.items()}
    return dataclasses.replace(parameters, **values)


@dataclass(frozen=True)
class Episode:
    """One hindcast scored: its checks under the model and under each null model."""

    scenario: Scenario
    path: str
    checks: list[Check]
    nulls: dict[str, list[Check]]
    observed: ObservedScore | None = None  # the event-data target's scores, when the episode has one

    @property
    def split(self) -> str:
        return self.scenario.split or "unsplit"


def score_episode(path: str | Path, setting: dict | None = None) -> Episode:
    """One episode under the model and each null model; setting: parameters to run it with instead of the
    file's (a calibration's posterior median: each null model is then that setting with its overrides)."""
    scenario = load_scenario(path)
    if setting:
        scenario = dataclasses.replace(scenario, parameters=scenario.parameters.with_overrides(setting))
    check_scenario(scenario)  # a hindcast file is a scenario file: the same limits as `sim run` (the null
    # models are four more runs of it: a bounded multiple)
    result = run(scenario)
    nulls = {}
    for name, overrides in NULL_MODELS.items():
        if overrides is None:
            nulls[name] = check(result, scenario, effect=np.zeros_like(effects(result)))
        else:
            variant = dataclasses.replace(scenario, parameters=null_parameters(scenario.parameters, overrides))
            nulls[name] = check(run(variant), variant)
    observed = (score_observed(scenario.observed, result.trajectory(), result.trajectory(baseline=True),
                               list(result.actors))
                if scenario.observed is not None else None)
    return Episode(scenario, str(path), check(result, scenario), nulls, observed)


def score_all(paths: list[str | Path] | None = None, setting: dict | None = None) -> list[Episode]:
    return [score_episode(path, setting) for path in (paths or bundled_hindcasts())]


def scorecard(episodes: list[Episode]) -> dict[str, dict]:
    """Per split: the model's metrics, each null model's, and the model's MAE skill over each null."""
    out = {}
    for split in SPLIT_ORDER:
        chosen = [e for e in episodes if e.split == split]
        if not chosen:
            continue
        model = metrics([e.checks for e in chosen])
        nulls = {name: metrics([e.nulls[name] for e in chosen]) for name in NULL_MODELS}
        out[split] = {"episodes": len(chosen), "model": model, "nulls": nulls,
                      "observed": sum(e.observed is not None for e in chosen),
                      "observed_fitted": sum(e.observed is not None and e.observed.fitted for e in chosen),
                      "skill": {name: skill(model, m) for name, m in nulls.items()}}
    return out


def to_json(episodes: list[Episode]) -> dict:
    """The scorecard and every check's value under the model and each null model, as plain data."""
    def row(c: Check, e: Episode, k: int) -> dict:
        x = c.expectation
        low_high = band(x)
        return {"pair": list(x.pair) if x.pair else None, "bloc_together": list(x.bloc_together or []) or None,
                "measure": x.measure or (f"direction:{x.change}" if x.change else "bloc"),
                "from_month": x.from_month, "by_month": x.by_month if x.pair else x.at,
                "low": finite_or_none(low_high[0]) if low_high else None,
                "high": finite_or_none(low_high[1]) if low_high else None,
                "value": None if c.value is None else round(c.value, 6), "held": c.held,
                "nulls": {name: (None if e.nulls[name][k].value is None else round(e.nulls[name][k].value, 6))
                          for name in NULL_MODELS},
                "note": x.note}

    cards = scorecard(episodes)
    return {
        "definitions": {"sign_dead_zone": SIGN_DEAD_ZONE, "null_models": {k: v for k, v in NULL_MODELS.items()},
                        "mae": "mean distance from the value to its band (0 inside)",
                        "skill": "1 - MAE_model / MAE_null",
                        "observed": "observed = c_pair + lambda * score + noise; lambda fitted across the pairs "
                                    "on the months before the episode, c_pair from each pair's level there; "
                                    "the episode's months score it: correlation of changes, RMSE, skill "
                                    "1 - MSE_model / MSE_null (null: the same runs without the episode's events)"},
        "splits": {split: {"episodes": card["episodes"], "model": card["model"].to_dict(),
                           "observed": card["observed"], "observed_fitted": card["observed_fitted"],
                           "nulls": {name: m.to_dict() for name, m in card["nulls"].items()},
                           "skill": {name: (None if s is None else round(s, 4)) for name, s in card["skill"].items()}}
                   for split, card in cards.items()},
        "episodes": [{"name": e.scenario.name, "file": Path(e.path).name, "split": e.split,
                      "checks": [row(c, e, k) for k, c in enumerate(e.checks)],
                      "observed": None if e.observed is None else e.observed.to_dict()} for e in episodes],
    }
