"""Which parameters a scenario's headline results depend on: Morris screening and Sobol indices.

The sampling designs and the estimators are SALib's (Herman & Usher 2017): Morris (1991) elementary
effects with Campolongo, Cariboni & Saltelli's (2007) mu*, and Sobol' first-order and total indices with
Saltelli et al.'s (2010) estimators. This module chooses what varies (the numeric parameters of
`sim/model/parameters.py`, within their documented ranges unless the caller narrows them), what is
measured (the scenario's largest effects, and on request whether two actors end in one bloc); the design's
points are made by sim/experiments/design.py and run by the one evaluator of sweeps (sim/experiments/evaluate.py,
serially or on Dask), which measures typed outcomes (sim/experiments/outcomes.py); SALib's analyze reads them.

Deterministic: the design and the bootstrap intervals are drawn from `seed`, the model runs use the
scenario's own seed, so the same call gives the same table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..model.parameters import Parameters
from ..model.scenario import Scenario
from ..model.world import World
from ..errors import EntenteError, did_you_mean
from .design import (SALIB_METHODS, Factor, Point, choose_factors, factor_points, numeric_specs, problem,
                     salib_inputs)
from .evaluate import SERIAL, Job, evaluate
from .outcomes import Follow, Measure, largest_effects, measure
from ..results.result import Result

METHODS = SALIB_METHODS
DEFAULT_TOP = 3
DEFAULT_TRAJECTORIES = 10
DEFAULT_LEVELS = 4
DEFAULT_SAMPLES = 64  # Sobol base samples N: N x (parameters + 2) runs; a power of 2 keeps the sequence balanced
CONFIDENCE = 0.95
RESAMPLES = 100  # bootstrap resamples for the confidence intervals

MORRIS_COLUMNS = ("outcome", "parameter", "low", "high", "mu", "mu_star", "mu_star_conf", "sigma")
SOBOL_COLUMNS = ("outcome", "parameter", "low", "high", "S1", "S1_conf", "ST", "ST_conf")


@dataclass(frozen=True, eq=False)
class SensitivityResult:
    """What a sensitivity analysis found. `table` has one row per outcome and parameter: for Morris
    MORRIS_COLUMNS (mu* and sigma in the outcome's units per the parameter's whole range), for Sobol
    SOBOL_COLUMNS (shares of the outcome's variance, with their confidence half-widths).

    inputs (points x factors) and outputs (points x outcomes) are the design and the model's answers.
    """

    scenario: str
    scenario_file: str | None
    method: str
    seed: int
    runs: int
    months: int
    factors: tuple[Factor, ...]
    outcomes: tuple[Measure, ...]
    references: tuple[float, ...]  # each outcome's value in the scenario as written
    design: dict
    inputs: np.ndarray
    outputs: np.ndarray
    table: pd.DataFrame

    @property
    def evaluations(self) -> int:
        """How many times the scenario (with its baseline) was run."""
        return int(self.inputs.shape[0])

    def ranking(self, outcome: str | int = 0) -> list[str]:
        """Parameter names, most influential first (by mu* for Morris, ST for Sobol), for one outcome
        (its label or its position)."""
        label = self.outcomes[outcome].label if isinstance(outcome, int) else outcome
        rows = self.table[self.table["outcome"] == label]
        if rows.empty:
            raise KeyError(f"no outcome labelled {label!r}")
        key = "mu_star" if self.method == "morris" else "ST"
        return list(rows.sort_values([key, "parameter"], ascending=[False, True])["parameter"])

    def samples_table(self) -> pd.DataFrame:
        """The design and the model's answer at every point: one row per run of the scenario."""
        data = {"point": np.arange(1, self.evaluations + 1)}
        for j, factor in enumerate(self.factors):
            data[factor.name] = [factor.at(x) for x in self.inputs[:, j]]
        for k, outcome in enumerate(self.outcomes):
            data[outcome.label] = self.outputs[:, k]
        return pd.DataFrame(data)


# --------------------------------------------------------------------------------------------- factors

def bloc_pairs(result: Result, pairs: Sequence[Sequence[str]]) -> tuple[tuple[str, str], ...]:
    """The pairs of actor names to follow ('A and B end in one bloc'), resolved (aliases and any case
    accepted); unknown, repeated or wrongly counted names are refused."""
    from ..inputs.tables import actor_names

    resolver = actor_names(extra=[n for n in result.actors])
    outcomes = []
    for pair in pairs:
        if len(pair) != 2:
            raise EntenteError(f"a bloc outcome names two actors, got {len(pair)}: {', '.join(map(str, pair))}",
                               field="same_bloc", hint="Write two actor names, for example India,Russia.")
        resolved = []
        for text in pair:
            name = resolver.resolve(str(text))
            if name is None or name not in result.actors:
                raise EntenteError(f"there is no actor {str(text)!r} in this scenario", field="same_bloc",
                                   hint=(did_you_mean(str(text), result.actors) + " " if did_you_mean(
                                       str(text), result.actors) else "") + "Its actors are "
                                   + ", ".join(result.actors) + ".")
            resolved.append(name)
        if resolved[0] == resolved[1]:
            raise EntenteError(f"a bloc outcome needs two different actors, got {resolved[0]} twice",
                               field="same_bloc", hint="Write two different actor names.")
        outcomes.append((resolved[0], resolved[1]))
    return tuple(outcomes)


# --------------------------------------------------------------------------------------------- running

def _seed(seed: int, purpose: int) -> int:
    """An independent, non-zero seed for each use (SALib's Sobol analysis treats 0 as 'unseeded')."""
    return int(np.random.SeedSequence([seed, purpose]).generate_state(1)[0]) or 1


def sensitivity(
    scenario: Scenario | str | Path,
    method: str = "morris",
    *,
    parameters: Sequence[str] | None = None,
    ranges: Mapping[str, Sequence[float]] | None = None,
    top: int = DEFAULT_TOP,
    same_bloc: Sequence[Sequence[str]] = (),
    trajectories: int = DEFAULT_TRAJECTORIES,
    levels: int = DEFAULT_LEVELS,
    samples: int = DEFAULT_SAMPLES,
    seed: int | None = None,
    runs: int | None = None,
    world: World | None = None,
    progress: Callable[[int, int], None] | None = None,
    allow_large: bool = False,
    scheduler: str = SERIAL,
    workers: int | None = None,
) -> SensitivityResult:
    """Screen (Morris) or apportion (Sobol) the scenario's headline results over its parameters.

    scenario: a Scenario, a scenario file or a bundled scenario's name. parameters: names to vary (default:
    every numeric parameter but noise); ranges: {name: (low, high)} inside the documented range. top: how
    many of the largest effects to follow; same_bloc: pairs of actors whose ending in one bloc to follow.
    Morris runs trajectories x (parameters + 1) points on a grid of `levels`; Sobol runs
    samples x (parameters + 2). seed: of the design (default the scenario's); runs: Monte Carlo runs per
    point (default the scenario's). The whole design (and the run as written) is checked against the limits
    of `sim run` before anything runs; allow_large=True lifts them. scheduler, workers: where the points run
    (the sweep's evaluator: 'serial', 'local' or a Dask scheduler's address); the numbers are the same
    everywhere.
    """
    from ..inputs.cost import check_scenario
    from ..inputs.scenario_file import load_scenario
    from ..inputs.world import build_world
    from ..results.runner import run

    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if method not in METHODS:
        raise EntenteError(f"there is no sensitivity method {method!r}", field="method",
                           hint=f"Use one of: {', '.join(METHODS)}.")
    _check_count("top", top, 0, 50)
    _check_count("trajectories", trajectories, 2, 1000)
    _check_count("samples", samples, 2, 65536)
    if levels < 2 or levels % 2:
        raise EntenteError(f"levels must be an even whole number of at least 2, got {levels}", field="levels",
                           hint="Morris designs use an even number of grid levels; 4 is usual.")
    if runs is not None:
        _check_count("runs", runs, 1, 10000)
        scenario = replace(scenario, runs=runs)
    seed = scenario.seed if seed is None else int(seed)
    factors = choose_factors(scenario.parameters, parameters, ranges)
    points = trajectories * (len(factors) + 1) if method == "morris" else samples * (len(factors) + 2)
    check_scenario(scenario, repeats=points + 1, allow_large=allow_large, flag="--allow-large (allow_large=True)",
                   what=f"this sensitivity analysis ({points:,} design points and the run as written)")
    world = world or build_world(scenario)

    as_written = run(scenario, world=world)
    follow = Follow(pairs=largest_effects(as_written, top), bloc_pairs=bloc_pairs(as_written, same_bloc))
    outcomes = follow.measures
    if not outcomes:
        raise EntenteError(f"the scenario {scenario.name!r} has no effect to analyse: its events move no pair "
                           f"(or it has none)", field="events",
                           hint="Analyse a scenario with events, or follow a bloc outcome (--same-bloc A,B).")
    references = tuple(float(v) for v in measure(as_written, follow).followed())

    inputs = salib_inputs(method, factors, _seed(seed, 1), trajectories=trajectories, levels=levels,
                          samples=samples)
    design = {"trajectories": trajectories, "levels": levels} if method == "morris" else {"samples": samples}
    found = evaluate(Job(scenario, (world,), follow), factor_points(factors, inputs, scenario.seed),
                     scheduler=scheduler, workers=workers, progress=progress)
    outputs = np.array([o.followed() for o in found])
    return SensitivityResult(
        scenario=scenario.name, scenario_file=scenario.file, method=method, seed=seed, runs=scenario.runs,
        months=scenario.months, factors=factors, outcomes=outcomes, references=references, design=design,
        inputs=inputs, outputs=outputs, table=analyze(method, factors, outcomes, inputs, outputs, seed, levels),
    )


def analyze(method: str, factors: Sequence[Factor], outcomes: Sequence[Measure], inputs: np.ndarray,
            outputs: np.ndarray, seed: int, levels: int = DEFAULT_LEVELS) -> pd.DataFrame:
    """SALib's analyze for each outcome (a column of outputs): one row per outcome and factor, MORRIS_COLUMNS
    or SOBOL_COLUMNS."""
    design = problem(factors)
    rows = []
    for k, outcome in enumerate(outcomes):
        y = np.ascontiguousarray(outputs[:, k])
        if method == "morris":
            from SALib.analyze import morris

            found = morris.analyze(design, inputs, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE,
                                   num_levels=levels, seed=_seed(seed, 2))
            values = {"mu": found["mu"], "mu_star": found["mu_star"], "mu_star_conf": found["mu_star_conf"],
                      "sigma": found["sigma"]}
        elif np.ptp(y) == 0:  # the outcome never moves: no variance to apportion, every index is 0
            zero = np.zeros(len(factors))
            values = {"S1": zero, "S1_conf": zero, "ST": zero, "ST_conf": zero}
        else:
            from SALib.analyze import sobol

            found = sobol.analyze(design, y, calc_second_order=False, num_resamples=RESAMPLES,
                                  conf_level=CONFIDENCE, seed=_seed(seed, 2))
            values = {key: found[key] for key in ("S1", "S1_conf", "ST", "ST_conf")}
        for j, factor in enumerate(factors):
            rows.append({"outcome": outcome.label, "parameter": factor.name, "low": factor.low, "high": factor.high,
                         **{key: float(np.nan_to_num(np.asarray(v, dtype=float)[j])) for key, v in values.items()}})
    return pd.DataFrame(rows, columns=list(MORRIS_COLUMNS if method == "morris" else SOBOL_COLUMNS))


def _check_count(name: str, value, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise EntenteError(f"{name} must be a whole number from {low} to {high}, got {value!r}", field=name)


# ------------------------------------------------------------------------------ one parameter at a time

@dataclass(frozen=True)
class SignMoves:
    """The headline effects of a scenario as written and after each one-parameter move.

    moves: (parameter, value) in the order run; effects[(source, target)][(parameter, value)] the effect then.
    """

    pairs: tuple[tuple[str, str], ...]
    reference: tuple[float, ...]
    moves: tuple[tuple[str, float], ...]
    effects: dict


def one_at_a_time(parameters: Parameters, fraction: float = 0.5) -> tuple[tuple[str, float | int], ...]:
    """Each numeric parameter moved down and up by `fraction` of its default, clipped to its documented
    range (defaults of 0, and moves that clip back to the value itself, are left out)."""
    moves = []
    for spec in numeric_specs():
        value = getattr(parameters, spec.name)
        for factor in (1 - fraction, 1 + fraction):
            moved = float(np.clip(value * factor, spec.low, spec.high))
            if isinstance(spec.default, int):
                moved = int(round(moved))
            if moved != value:
                moves.append((spec.name, moved))
    return tuple(moves)


def sign_moves(scenario: Scenario, *, fraction: float = 0.5, top: int = DEFAULT_TOP,
               world: World | None = None) -> SignMoves:
    """The scenario's `top` effects as written, and again under every move of one_at_a_time."""
    from ..inputs.world import build_world
    from ..results.runner import run

    world = world or build_world(scenario)
    as_written = run(scenario, world=world)
    follow = Follow(pairs=largest_effects(as_written, top))
    moves = one_at_a_time(scenario.parameters, fraction)
    effects: dict = {pair: {} for pair in follow.pairs}
    if follow.pairs:
        design = [Point(k, (move,), 0, scenario.seed) for k, move in enumerate(moves)]
        for move, found in zip(moves, evaluate(Job(scenario, (world,), follow), design)):
            for pair, y in zip(follow.pairs, found.effects):
                effects[pair][move] = float(y)
    return SignMoves(follow.pairs, tuple(map(float, measure(as_written, follow).effects)), moves, effects)
