"""The one design type of the experiments pipeline (sweeps, sensitivity, later calibration): numbered Points
(parameter values, a variant, a seed) for the one evaluator (sim/experiments/evaluate.py).

A sweep's points: grid values (first axis slowest), then sample points, then variants (fastest); each point's
seed from the sweep seed and its number alone (SeedSequence), so a point gives the same result wherever it
runs. Its Latin hypercube and Sobol samples are scipy.stats.qmc's (a plain space-filling design). SALib's
Morris and Saltelli samplers make designs for estimating indices; their points all run with the scenario's
own seed, so that the differences between points are the parameters' alone.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import Mapping, Sequence

import numpy as np

from ..errors import EntenteError, did_you_mean
from ..model.parameters import Parameters, Spec, specs
from ..model.scenario import Scenario
from .plan import AS_WRITTEN, SweepPlan, Variant

SALIB_METHODS = ("morris", "sobol")


@dataclass(frozen=True)
class Point:
    number: int
    values: tuple[tuple[str, object], ...]  # (parameter, value) for every varied parameter
    variant: int  # index into the design's variants
    seed: int


@dataclass(frozen=True)
class Factor:
    """A parameter a design varies, over [low, high]; value is the scenario's own setting."""

    name: str
    low: float
    high: float
    value: float = float("nan")
    integer: bool = False

    def at(self, x: float) -> float | int:
        """The value the model gets for a design coordinate (whole numbers for whole-number parameters)."""
        return int(round(x)) if self.integer else float(x)


def is_numeric(spec: Spec) -> bool:
    """A parameter a design can vary: a number with a documented range (not on/off, not a choice)."""
    return (isinstance(spec.default, (int, float)) and not isinstance(spec.default, bool)
            and spec.low is not None and spec.high is not None)


def factor_of(name: str, low: float, high: float, value: float = float("nan")) -> Factor:
    """A Factor for a declared parameter (whole-number parameters get whole-number values)."""
    spec = {s.name: s for s in specs()}[name]
    integer = isinstance(spec.default, int) and not isinstance(spec.default, bool)
    return Factor(name, float(low), float(high), float(value), integer=integer)


# Varied only when asked for by name: noise is the model's chance, not one of its mechanisms; with one run
# per point it would turn the screening or a calibration into a measurement of one random draw.
HELD_BY_DEFAULT = ("noise",)


def numeric_specs() -> tuple[Spec, ...]:
    """Parameters a sensitivity analysis can vary: numbers with a documented range (not on/off, not choices)."""
    return tuple(s for s in specs() if is_numeric(s))


def choose_factors(parameters: Parameters, names: Sequence[str] | None = None,
                   ranges: Mapping[str, Sequence[float]] | None = None) -> tuple[Factor, ...]:
    """The factors to vary: the named parameters (default: every numeric one but HELD_BY_DEFAULT), each
    over its documented range or the narrower range given. Bad names and ranges are refused."""
    by_name = {s.name: s for s in specs()}
    ranges = dict(ranges or {})
    chosen = list(names) if names else [s.name for s in numeric_specs() if s.name not in HELD_BY_DEFAULT]
    chosen += [name for name in ranges if name not in chosen]
    if len(set(chosen)) != len(chosen):
        twice = sorted({n for n in chosen if chosen.count(n) > 1})
        raise EntenteError(f"the parameter {twice[0]!r} is named twice", field="parameters",
                           hint="Name each parameter once.")
    factors = []
    for name in chosen:
        spec = by_name.get(name)
        if spec is None:
            raise EntenteError(f"there is no parameter named {name!r}", field="parameters",
                               hint=(did_you_mean(name, by_name) + " " if did_you_mean(name, by_name) else "")
                               + "The parameters are listed by `python -m sim list parameters`.")
        if not is_numeric(spec):
            kind = "an on/off switch" if isinstance(spec.default, bool) else "a choice"
            raise EntenteError(f"the parameter {name!r} is {kind}, not a number with a range, so a sensitivity "
                               f"analysis cannot vary it", field="parameters",
                               hint="Set it in the scenario's `parameters:` and analyse each setting in turn.")
        low, high = _range(spec, ranges.get(name))
        factors.append(factor_of(name, low, high, getattr(parameters, name)))
    if not factors:
        raise EntenteError("no parameter to vary", field="parameters",
                           hint="Name at least one numeric parameter (python -m sim list parameters).")
    return tuple(factors)


def _range(spec: Spec, given) -> tuple[float, float]:
    documented = f"its documented range is {spec.low:g} to {spec.high:g} {spec.unit}"
    if given is None:
        return float(spec.low), float(spec.high)  # type: ignore[arg-type]
    try:
        low, high = (float(x) for x in given)
    except (TypeError, ValueError):
        raise EntenteError(f"the range of {spec.name!r} must be two numbers, low and high", field="parameters",
                           hint=f"For example {spec.name}={spec.low:g}:{spec.high:g}; {documented}.") from None
    if not (np.isfinite(low) and np.isfinite(high)) or not low < high:
        raise EntenteError(f"the range of {spec.name!r} ({low:g} to {high:g}) must go from a lower number to a "
                           f"higher one", field="parameters",
                           hint=f"Swap the numbers or widen the range; {documented}.")
    if low < spec.low or high > spec.high:  # type: ignore[operator]
        raise EntenteError(f"the range of {spec.name!r} ({low:g} to {high:g}) goes outside the values the model "
                           f"accepts", field="parameters",
                           hint=f"Choose a range inside it: {documented}.")
    return low, high


# -------------------------------------------------------------------------------------------- outcomes


# ------------------------------------------------------------------------------------------ sweep designs

def point_seed(sweep_seed: int, number: int) -> int:
    """A point's scenario seed: an independent stream from the sweep seed and the point number."""
    return int(np.random.SeedSequence([sweep_seed, number]).generate_state(1)[0])


def sample_values(plan: SweepPlan) -> list[tuple[tuple[str, object], ...]]:
    """The sweep file's sample as (parameter, value) tuples; [()] without a sample."""
    if plan.sample is None:
        return [()]
    from scipy.stats import qmc

    factors = [factor_of(name, low, high) for name, low, high in plan.sample.ranges]
    rng = np.random.default_rng(plan.seed)
    if plan.sample.method == "sobol":
        unit = qmc.Sobol(d=len(factors), scramble=True, seed=rng).random(plan.sample.n)
    else:
        unit = qmc.LatinHypercube(d=len(factors), seed=rng).random(plan.sample.n)
    scaled = qmc.scale(unit, [f.low for f in factors], [f.high for f in factors])
    return [tuple((f.name, f.at(v)) for f, v in zip(factors, row)) for row in scaled]


def points(plan: SweepPlan) -> list[Point]:
    """Every point of a sweep, numbered from 0: grid x sample x variants."""
    axes = [[(name, value) for value in values] for name, values in plan.grid]
    samples = sample_values(plan)
    out = []
    for grid_values in itertools.product(*axes):
        for sampled in samples:
            for variant in range(len(plan.variants)):
                number = len(out)
                out.append(Point(number, tuple(grid_values) + tuple(sampled), variant,
                                 point_seed(plan.seed, number)))
    return out


# ------------------------------------------------------------------------------------------ SALib designs

def problem(factors: Sequence[Factor]) -> dict:
    """The factors as SALib's problem dictionary."""
    return {"num_vars": len(factors), "names": [f.name for f in factors],
            "bounds": [[f.low, f.high] for f in factors]}


def salib_inputs(method: str, factors: Sequence[Factor], seed: int, *, trajectories: int = 10, levels: int = 4,
                 samples: int = 64) -> np.ndarray:
    """SALib's design (points x factors): Morris trajectories on a grid of `levels`, or Saltelli's sample
    for first-order and total Sobol indices."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem(factors), trajectories, num_levels=levels, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem(factors), samples, calc_second_order=False, seed=seed)


def factor_points(factors: Sequence[Factor], inputs: np.ndarray, seed: int) -> list[Point]:
    """A SALib design's rows as Points of the scenario as written, all with the scenario's seed."""
    return [Point(number, tuple((f.name, f.at(x)) for f, x in zip(factors, row)), 0, seed)
            for number, row in enumerate(inputs)]


# ------------------------------------------------------------------------------------ from point to scenario

def resolve_variants(scenario: Scenario, variants: Sequence[Variant]) -> tuple[Variant, ...]:
    """The variants with every event named by its index: an id (text) becomes the index of the event that
    carries it. An id the scenario does not have, or an index past its events, is refused (a variant written
    for another scenario must not switch off some other event)."""
    from ..errors import EntenteError

    ids = scenario.event_ids()
    count = len({e.place for e in scenario.events if e.place.startswith("events[")})

    def index(ref, variant: Variant) -> int:
        if isinstance(ref, str) and ref in ids:
            return ids[ref]
        if not isinstance(ref, str) and 0 <= int(ref) < count:
            return int(ref)
        known = ", ".join(sorted(ids)) or "none"
        raise EntenteError(f"the variant {variant.name!r} names the event {ref!r}, which the scenario "
                           f"{scenario.name!r} does not have", file=scenario.file,
                           hint=f"Name events by their id: (this scenario's: {known}) or by their index in its "
                                f"events: list, 0 to {count - 1}." if count else "This scenario has no events.")

    return tuple(replace(variant, events_off=tuple(index(e, variant) for e in variant.events_off),
                         events_only=None if variant.events_only is None
                         else tuple(index(e, variant) for e in variant.events_only),
                         intensities=tuple((index(e, variant), x) for e, x in variant.intensities))
                 for variant in variants)


def apply_variant(scenario: Scenario, variant: Variant) -> Scenario:
    """The scenario with the variant's events switched off, intensities set and starting scores changed."""
    def index(event) -> int | None:
        return int(event.place[len("events["):-1]) if event.place.startswith("events[") else None

    intensities = dict(variant.intensities)
    events = []
    for event in scenario.events:
        at = index(event)
        if at in variant.events_off or (variant.events_only is not None and at not in variant.events_only):
            continue
        if at in intensities:
            event = replace(event, intensity=intensities[at])
        events.append(event)
    return replace(scenario, events=tuple(events), relations=scenario.relations + variant.relations)


def point_scenario(scenario: Scenario, point: Point, variants: Sequence[Variant] = (AS_WRITTEN,),
                   runs: int | None = None) -> Scenario:
    """The scenario a point runs: the variant's events, the point's parameters and seed, `runs` runs (default
    the scenario's). The variant's starting scores are in its world (built once per variant), not here."""
    variant = apply_variant(scenario, variants[point.variant])
    return replace(variant, seed=point.seed, runs=scenario.runs if runs is None else runs,
                   parameters=scenario.parameters.with_overrides(dict(point.values)))
