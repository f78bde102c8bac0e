"""A scenario's expectations (`expect:`: sized bands and directions) checked against its Result, and the
metrics over many checks: what the hindcasts score and what a calibration fits.

Each hindcast is a scenario file with an `expect:` list (sim/model/scenario.py, Expectation). A pair's
change is the events' effect (the run minus the same run without the scenario's events, averaged over
the scenario's runs), so the model's own drift does not count for or against it. Running the episodes and
scoring them against null models is sim/classroom/hindcast.py; the metrics are defined there too.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from ..model.scenario import Expectation, Scenario

SIGN_DEAD_ZONE = 0.02  # an effect smaller than this in size has sign 0: below what the record can tell
NOTHING_MOVED = 0.005  # a peak smaller than this in size has nothing to recover: its share left counts as 0


@dataclass(frozen=True)
class Check:
    """One expectation of one hindcast, with the measured number and whether it held."""

    hindcast: str
    expectation: Expectation
    held: bool
    value: float | None  # the measured effect, peak or share (pair checks), None for bloc checks
    text: str  # what was expected and what happened, one line


def band(e: Expectation) -> tuple[float, float] | None:
    """The interval an expectation allows its value: a sized band as written, a direction as a half-line."""
    if e.measure is not None:
        return float(e.low), float(e.high)  # type: ignore[arg-type]
    if e.change is None:
        return None
    tol = e.tolerance
    return {"up": (tol, np.inf), "down": (-np.inf, -tol),
            "not_up": (-np.inf, tol), "not_down": (-tol, np.inf)}[e.change]


def measure(e: Expectation, effect: np.ndarray) -> float:
    """The value an expectation bounds, from the events' effect on its pair at every month (months + 1,)."""
    by = e.by_month if e.by_month is not None else len(effect) - 1
    window = effect[e.from_month:by + 1] - effect[e.from_month]
    if e.measure in (None, "effect"):
        return float(window[-1])
    peak = float(window[int(np.argmax(np.abs(window)))])
    if e.measure == "peak":
        return peak
    return float(window[-1] / peak) if abs(peak) >= NOTHING_MOVED else 0.0  # share_left


def holds(e: Expectation, value: float) -> bool:
    if e.measure is not None:
        return bool(e.low <= value <= e.high)  # type: ignore[operator]
    return {"up": value > e.tolerance, "down": value < -e.tolerance,
            "not_up": value <= e.tolerance, "not_down": value >= -e.tolerance}[e.change]  # type: ignore[index]


def describe(e: Expectation, value: float, by: int) -> str:
    """One line: what was expected and what the model (or a null model) gave."""
    span = f"from month {e.from_month} to {by}"
    pair = f"{e.pair[0]} → {e.pair[1]}"  # type: ignore[index]
    if e.measure is None:
        return (f"{pair} {e.change.replace('_', ' ')} {span}: effect {value:+.3f} "  # type: ignore[union-attr]
                f"(tolerance {e.tolerance:g})")
    what = {"effect": "effect", "peak": "peak effect", "share_left": "share of the peak left"}[e.measure]
    return f"{pair} {what} {span} in [{e.low:+.2f}, {e.high:+.2f}]: {value:+.3f}"


def effects(result) -> np.ndarray:
    """The events' effect on every directed pair at every month, averaged over runs: (months + 1, n, n)."""
    return result.trajectory() - result.trajectory(baseline=True)


def check(result, scenario: Scenario, effect: np.ndarray | None = None) -> list[Check]:
    """Every expectation of a scenario checked against its result (averaged over runs).

    `effect` replaces the result's effect (a null model that needs no run: zero effect everywhere)."""
    effect = effects(result) if effect is None else effect
    checks = []
    for e in scenario.expectations:
        if e.bloc_together is not None:
            blocs = result.blocs.groupby(["month", "actor"])["bloc"].agg(lambda s: s.mode().iloc[0])
            first, second = e.bloc_together
            held = bool(blocs[(e.at, first)] == blocs[(e.at, second)])
            text = f"{first} and {second} in one bloc at month {e.at}: {'yes' if held else 'no'}"
            checks.append(Check(scenario.name, e, held, None, text))
            continue
        i, j = (result.actors.index(name) for name in e.pair)
        by = e.by_month if e.by_month is not None else result.months
        value = measure(e, effect[:, i, j])
        checks.append(Check(scenario.name, e, holds(e, value), value, describe(e, value, by)))
    return checks


def distance(c: Check) -> float:
    low, high = band(c.expectation)  # type: ignore[misc]
    return float(max(low - c.value, c.value - high, 0.0))  # type: ignore[operator]


def sign_right(c: Check) -> bool:
    low, high = band(c.expectation)  # type: ignore[misc]
    v = c.value
    sign = 1 if v > SIGN_DEAD_ZONE else -1 if v < -SIGN_DEAD_ZONE else 0  # type: ignore[operator]
    allowed = {1} if high > SIGN_DEAD_ZONE else set()
    allowed |= {-1} if low < -SIGN_DEAD_ZONE else set()
    allowed |= {0} if low <= SIGN_DEAD_ZONE and high >= -SIGN_DEAD_ZONE else set()
    return sign in allowed


@dataclass(frozen=True)
class Metrics:
    """One model's scores over one split's pair expectations."""

    expectations: int
    signed: int
    sign_accuracy: float
    band_hit_rate: float
    mae: float
    episodes_failed: int  # episodes with at least one pair expectation outside its band

    def to_dict(self) -> dict:
        return {k: (finite_or_none(v, 4) if isinstance(v, float) else v) for k, v in dataclasses.asdict(self).items()}


def metrics(groups: list[list[Check]]) -> Metrics:
    """The scores over the pair expectations of several episodes (one list of checks per episode)."""
    pairs = [c for checks in groups for c in checks if c.value is not None]
    signed = [c for c in pairs if c.expectation.measure != "share_left"]
    n = len(pairs)
    return Metrics(
        expectations=n, signed=len(signed),
        sign_accuracy=sum(map(sign_right, signed)) / len(signed) if signed else float("nan"),
        band_hit_rate=sum(c.held for c in pairs) / n if n else float("nan"),
        mae=sum(map(distance, pairs)) / n if n else float("nan"),
        episodes_failed=sum(any(not c.held for c in checks if c.value is not None) for checks in groups),
    )


def skill(model: Metrics, null: Metrics) -> float | None:
    """1 - MAE_model / MAE_null; None when the null lands in every band (nothing to beat)."""
    return None if not null.mae > 0 else 1.0 - model.mae / null.mae


def finite_or_none(x: float, digits: int = 6) -> float | None:
    return None if not np.isfinite(x) else round(float(x), digits)
