"""An episode's monthly scores against an observed event-data series, through a stated observation model.

    observed[p, t] = c_p + λ · score[p, t] + noise

for each directed pair p of the episode's `observed:` and month t (net cooperation or mean Goldstein score
of the events p's first actor did to its second, from `sim data events`). Before the episode the model's
score of a pair is flat (its starting relation s_p), so a pair's own pre-episode months tell only its level
c_p + λ·s_p, never λ. So:

- λ is fitted jointly across the episode's pairs on the pre-episode months, by least squares of every
  observed pre-episode month on its pair's starting score (one line through all pairs: pairs the model
  starts warmer should be observed more cooperative);
- c_p is then each pair's own pre-episode mean minus λ·s_p, so that the prediction starts at the pair's
  observed level (each pair's reporting has its own bias);
- the episode's months are not used to fit anything: they score the model out of sample. Its prediction
  is c_p + λ·score[p, t]; the zero-effect null's is c_p + λ·(the score in the same runs without the
  episode's events), as in the hindcast scorecard, where "zero effect" means the events change nothing.

Scores: the correlation of the model's change (score minus its start) with the observed change (observed
minus the pre-episode level) over every pair-month of the episode; the RMSE of the prediction; and the
skill 1 - MSE(model) / MSE(null), negative when the events' effects make the prediction worse.
Nothing is fitted when the data cannot carry it: the reason is returned instead (docs/model.md, "Observed
targets").
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from dataclasses import dataclass, field

import numpy as np

from ..inputs.event_series import calendar_month, read_event_series
from ..model.scenario import Observed

SAME_SCORE = 1e-9  # starting scores closer than this are one score: no spread to fit λ on


@dataclass(frozen=True)
class PairFit:
    """One directed pair: its starting score, its observed months before and during the episode, its c_p."""

    pair: tuple[str, str]
    start_score: float
    months_before: int
    months_during: int
    level: float | None  # the pre-episode mean of the observed measure, None without pre-episode months
    intercept: float | None  # c_p = level - λ·start_score, None when λ was not fitted


@dataclass(frozen=True)
class ObservedScore:
    """The observation model's fit and the episode's scores, or the reason there is no fit."""

    measure: str
    file: str
    start: str
    before: int
    series_months: tuple[str, ...]  # the first and last month of the whole file, () if it has none
    pairs: list[PairFit] = field(default_factory=list)
    reason: str | None = None  # why nothing was fitted; None when fitted
    slope: float | None = None  # λ
    slope_se: float | None = None  # its standard error (ordinary least squares)
    intercept: float | None = None  # the line's c through all pairs' pre-episode months
    points_before: int = 0  # pair-months before the episode in the series (those of the fit, when fitted)
    points_during: int = 0  # pair-months of the episode in the series (those scored, when fitted)
    correlation: float | None = None
    rmse: float | None = None
    rmse_null: float | None = None
    skill: float | None = None

    @property
    def fitted(self) -> bool:
        return self.reason is None

    @property
    def warning(self) -> str | None:
        """A fit that contradicts the observation model's premise (warmer pairs, more cooperation)."""
        if self.slope is not None and self.slope <= 0:
            return ("λ ≤ 0: before the episode the pairs the model starts warmer were not observed more "
                    "cooperative, so this fit is no usable observation model; read its scores with that in mind")
        return None

    def to_dict(self) -> dict:
        def r(x):
            return None if x is None else round(float(x), 6)

        return {"file": Path(self.file).name, "measure": self.measure, "start": self.start, "before": self.before,
                "series_months": list(self.series_months), "fitted": self.fitted, "reason": self.reason,
                "lambda": r(self.slope), "lambda_se": r(self.slope_se), "c": r(self.intercept),
                "points_before": self.points_before, "points_during": self.points_during,
                "correlation": r(self.correlation), "rmse": r(self.rmse), "rmse_null": r(self.rmse_null),
                "skill": r(self.skill), "warning": self.warning,
                "pairs": [{"pair": list(p.pair), "start_score": r(p.start_score), "months_before": p.months_before,
                           "months_during": p.months_during, "level": r(p.level), "c": r(p.intercept)}
                          for p in self.pairs]}


def score_observed(observed: Observed, trajectory: np.ndarray, baseline: np.ndarray,
                   actors: list[str]) -> ObservedScore:
    """Fit the observation model on the months before the episode and score the episode's months.

    trajectory: the model's scores (months + 1, n, n), month 0 the starting relations, averaged over runs;
    baseline: the same without the episode's events (the zero-effect null)."""
    series = read_event_series(observed.file)
    months = trajectory.shape[0] - 1
    span = sorted({month for month, _, _ in series})
    base = ObservedScore(observed.measure, observed.file, observed.start, observed.before,
                         (span[0], span[-1]) if span else ())
    before = [calendar_month(observed.start, -k) for k in range(observed.before, 0, -1)]
    during = [calendar_month(observed.start, k - 1) for k in range(1, months + 1)]

    def value(month: str, pair: tuple[str, str]) -> float | None:
        found = series.get((month, *pair))
        if found is None or found.events < observed.min_events:
            return None
        return found.values[observed.measure]

    rows = []  # (pair, s_p, [pre values], [(k, value)])
    for pair in observed.pairs:
        i, j = actors.index(pair[0]), actors.index(pair[1])
        pre = [v for m in before if (v := value(m, pair)) is not None]
        inside = [(k, v) for k, m in enumerate(during, start=1) if (v := value(m, pair)) is not None]
        rows.append((pair, float(trajectory[0, i, j]), pre, inside, (i, j)))

    def pair_fits(slope: float | None) -> list[PairFit]:
        out = []
        for pair, s, pre, inside, _ in rows:
            level = float(np.mean(pre)) if pre else None
            c = None if level is None or slope is None else level - slope * s
            out.append(PairFit(pair, s, len(pre), len(inside), level, c))
        return out

    def without_fit(reason: str) -> ObservedScore:
        return dataclasses.replace(base, pairs=pair_fits(None), reason=reason,
                                   points_before=sum(len(r[2]) for r in rows),
                                   points_during=sum(len(r[3]) for r in rows))

    covers = ("the series has no rows" if not span else f"the series covers one month only, {span[0]}"
              if len(span) == 1 else f"the series covers {span[0]} to {span[-1]}")
    window = f"{before[0]} to {before[-1]}"
    fittable = [row for row in rows if row[2]]
    if not fittable:
        return without_fit(f"no month before the episode for the pairs named ({covers}); the observation model "
                           f"is fitted on the {observed.before} months before month 1 ({window})"
                           + ("; one month of data cannot both fit it and score the episode" if len(span) == 1
                              else ""))
    x = np.array([row[1] for row in fittable for _ in row[2]])
    y = np.array([v for row in fittable for v in row[2]])
    if np.ptp([row[1] for row in fittable]) < SAME_SCORE:
        return without_fit(f"λ cannot be fitted: only {len(fittable)} pair(s) with months before the episode "
                           f"({window}), all starting at the same score; it needs at least two pairs whose "
                           f"starting scores differ")
    design = np.column_stack([np.ones_like(x), x])
    (c, slope), *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ np.array([c, slope])
    dof = len(y) - 2
    slope_se = float(np.sqrt(residual @ residual / dof / np.sum((x - x.mean()) ** 2))) if dof > 0 else None
    fits = pair_fits(float(slope))
    model_change, observed_change, errors, null_errors = [], [], [], []
    for (_, s, _, inside, (i, j)), fit in zip(rows, fits):
        if fit.intercept is None:
            continue
        for k, v in inside:
            score = float(trajectory[k, i, j])
            predicted = fit.intercept + slope * score
            model_change.append(score - s)
            observed_change.append(v - fit.level)  # type: ignore[operator]
            errors.append(v - predicted)
            null_errors.append(v - (fit.intercept + slope * float(baseline[k, i, j])))
    if not errors:
        return without_fit(f"no month of the episode ({during[0]} to {during[-1]}) in the series for a pair "
                           f"with months before it ({covers})")
    mse, mse_null = float(np.mean(np.square(errors))), float(np.mean(np.square(null_errors)))
    spread = len(errors) >= 3 and np.std(model_change) > 0 and np.std(observed_change) > 0
    return dataclasses.replace(
        base, pairs=fits, slope=float(slope), slope_se=slope_se, intercept=float(c), points_before=len(y),
        points_during=len(errors), rmse=float(np.sqrt(mse)), rmse_null=float(np.sqrt(mse_null)),
        correlation=float(np.corrcoef(model_change, observed_change)[0, 1]) if spread else None,
        skill=1.0 - mse / mse_null if mse_null > 0 else None)

