"""Hindcasts: run documented historical sequences and check the directions a credible model must show.

Each hindcast is a scenario file with an `expect:` list (sim/model/scenario.py, Expectation). A pair's
change is the events' effect (the run minus the same run without the scenario's events), so the model's
own drift does not count for or against it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.scenario import Expectation, Scenario
from ..inputs.resources import bundled_hindcasts
from ..inputs.scenario_file import load_scenario
from ..results.runner import run


@dataclass(frozen=True)
class Check:
    """One expectation of one hindcast, with the measured number and whether it held."""

    hindcast: str
    expectation: Expectation
    held: bool
    value: float | None  # the measured effect (pair checks), None for bloc checks
    text: str  # what was expected and what happened, one line


def check(result, scenario: Scenario) -> list[Check]:
    """Every expectation of a scenario checked against its result (averaged over runs)."""
    path = result.trajectory()
    reference = result.trajectory(baseline=True)
    blocs = result.blocs.groupby(["month", "actor"])["bloc"].agg(lambda s: s.mode().iloc[0])
    checks = []
    for e in scenario.expectations:
        if e.bloc_together is not None:
            first, second = e.bloc_together
            held = bool(blocs[(e.at, first)] == blocs[(e.at, second)])
            text = f"{first} and {second} in one bloc at month {e.at}: {'yes' if held else 'no'}"
            checks.append(Check(scenario.name, e, held, None, text))
            continue
        i, j = (result.actors.index(name) for name in e.pair)
        by = e.by_month if e.by_month is not None else result.months
        effect = float((path[by, i, j] - path[e.from_month, i, j])
                       - (reference[by, i, j] - reference[e.from_month, i, j]))
        held = {"up": effect > e.tolerance, "down": effect < -e.tolerance,
                "not_up": effect <= e.tolerance, "not_down": effect >= -e.tolerance}[e.change]
        text = (f"{e.pair[0]} → {e.pair[1]} {e.change.replace('_', ' ')} from month {e.from_month} to {by}: "
                f"effect {effect:+.3f} (tolerance {e.tolerance:g})")
        checks.append(Check(scenario.name, e, held, effect, text))
    return checks


def run_hindcast(path: str | Path) -> tuple[Scenario, list[Check]]:
    from ..inputs.cost import check_scenario

    scenario = load_scenario(path)
    check_scenario(scenario)  # a hindcast file is a scenario file: the same limits as `sim run`
    return scenario, check(run(scenario), scenario)


def run_all(paths: list[str | Path] | None = None) -> list[tuple[Scenario, list[Check]]]:
    """Run the bundled hindcasts (or the files given) and check each."""
    return [run_hindcast(path) for path in (paths or bundled_hindcasts())]


def all_held(outcomes) -> bool:
    return all(c.held for _, checks in outcomes for c in checks)


def effect_series(result, pair: tuple[str, str]) -> np.ndarray:
    """The events' effect on one directed pair at every month (for plots and tests)."""
    i, j = (result.actors.index(name) for name in pair)
    return result.trajectory()[:, i, j] - result.trajectory(baseline=True)[:, i, j]
