"""A sweep as plain data: which parameter values to try, which variants of the scenario, how many runs.

The sweep file (sim/experiments/sweep_file.py) is checked and turned into a SweepPlan; the design
(sim/experiments/design.py) turns the plan into numbered points.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.scenario import RelationOverride

SAMPLE_METHODS = ("lhs", "sobol")


@dataclass(frozen=True)
class Variant:
    """One version of the scenario: events switched off (or only some kept), intensities, starting scores.

    Events are named by their index in the scenario file's `events:` list (events[0] is the first), so a
    meeting of several actors is switched off as one event, or by the `id:` the scenario gives them (text);
    sim.experiments.design.resolve_variants turns ids into indices before a sweep starts.
    """

    name: str
    events_off: tuple[int | str, ...] = ()
    events_only: tuple[int | str, ...] | None = None  # None: every event not switched off
    intensities: tuple[tuple[int | str, float], ...] = ()  # (event index or id, intensity)
    relations: tuple[RelationOverride, ...] = ()  # applied after the scenario's own


AS_WRITTEN = Variant("as written")


@dataclass(frozen=True)
class Sample:
    """A space-filling sample of n points over numeric parameter ranges (low, high)."""

    method: str
    n: int
    ranges: tuple[tuple[str, float, float], ...]


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep file says. grid: (parameter, values) axes, crossed with each other, with the sample's
    points, and with the variants; seed: the sweep's seed, from which the sample and every point's seed
    come; runs: Monte Carlo runs per point."""

    name: str
    seed: int
    runs: int
    grid: tuple[tuple[str, tuple], ...] = ()
    sample: Sample | None = None
    variants: tuple[Variant, ...] = (AS_WRITTEN,)
    headline_pairs: int = 5
    file: str | None = None

    @property
    def parameters(self) -> tuple[str, ...]:
        """The parameters the sweep varies, grid first, in file order."""
        return tuple(name for name, _ in self.grid) + tuple(name for name, _, _ in
                                                            (self.sample.ranges if self.sample else ()))
