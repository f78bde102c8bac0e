"""From a SweepPlan to numbered points, and from a point to the scenario it runs.

Points are numbered from 0 in a fixed order: grid values (first axis slowest), then sample points, then
variants (fastest). Each point's seed comes from the sweep seed and the point number alone
(SeedSequence), so a point gives the same result whichever worker runs it, in whatever order.

Latin hypercube and Sobol samples come from scipy.stats.qmc (scrambled, seeded by the sweep seed): SciPy is
already installed with Mesa, and a sweep wants a plain space-filling design of n points. SALib's samplers
(used by `sim sensitivity`) build designs for estimating indices (Saltelli's N(2D + 2) points), which is a
different job.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace

import numpy as np

from ..core.scenario import Scenario
from ..core.sweep import SweepPlan, Variant


@dataclass(frozen=True)
class Point:
    number: int
    values: tuple[tuple[str, object], ...]  # (parameter, value) for every swept parameter
    variant: int  # index into plan.variants
    seed: int


def point_seed(sweep_seed: int, number: int) -> int:
    """A point's scenario seed: an independent stream from the sweep seed and the point number."""
    return int(np.random.SeedSequence([sweep_seed, number]).generate_state(1)[0])


def sample_values(plan: SweepPlan) -> list[tuple[tuple[str, object], ...]]:
    """The sample's points as (parameter, value) tuples; [()] without a sample."""
    if plan.sample is None:
        return [()]
    from scipy.stats import qmc

    from ..core.parameters import specs

    names = [name for name, _, _ in plan.sample.ranges]
    low = np.array([lo for _, lo, _ in plan.sample.ranges])
    high = np.array([hi for _, _, hi in plan.sample.ranges])
    rng = np.random.default_rng(plan.seed)
    if plan.sample.method == "sobol":
        unit = qmc.Sobol(d=len(names), scramble=True, seed=rng).random(plan.sample.n)
    else:
        unit = qmc.LatinHypercube(d=len(names), seed=rng).random(plan.sample.n)
    scaled = qmc.scale(unit, low, high)
    integer = {s.name for s in specs() if isinstance(s.default, int) and not isinstance(s.default, bool)}
    return [tuple((name, int(round(v)) if name in integer else float(v)) for name, v in zip(names, row))
            for row in scaled]


def points(plan: SweepPlan) -> list[Point]:
    """Every point of the sweep, numbered from 0."""
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


def point_scenario(scenario: Scenario, plan: SweepPlan, point: Point) -> Scenario:
    """The scenario a point runs: the variant's events and world, the point's parameters, seed and runs.

    The variant's starting scores are in its world (built once per variant by the caller), not here.
    """
    variant = apply_variant(scenario, plan.variants[point.variant])
    return replace(variant, seed=point.seed, runs=plan.runs,
                   parameters=scenario.parameters.with_overrides(dict(point.values)))
