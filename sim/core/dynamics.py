"""One month of alignment dynamics as pure functions over numpy arrays.

Scores are directed: A[..., i, j] is how actor i regards actor j, in [-1, 1]; the diagonal is unused and
kept at 0. Every function accepts a leading batch shape (..., n, n), so many Monte Carlo runs can step
at once. Nothing here knows about Mesa, files or plots; the equations are in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TRIAD = "triad"
OPINION = "opinion"


@dataclass(frozen=True)
class Rates:
    """The monthly rates of the drift, in one object (sim.core.parameters.Parameters.rates builds it).

    memory may be a scalar or a column (n, 1) of per-actor rates: how anchored each actor's own views are.
    """

    memory: float | np.ndarray
    balance: float
    reciprocity: float
    balance_mode: str = TRIAD


def zero_diagonal(matrix: np.ndarray) -> np.ndarray:
    out = np.array(matrix, dtype=float, copy=True)
    n = out.shape[-1]
    out[..., np.arange(n), np.arange(n)] = 0.0
    return out


def saturating_add(scores: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Add delta so that scores approach but never pass +-1: a + d(1 - a) upwards, a + d(1 + a) downwards.

    The room left shrinks near the bound, so an already close alliance gains less from one more deal,
    and |delta| <= 1 keeps the result inside [-1, 1] exactly.
    """
    delta = np.clip(delta, -1.0, 1.0)
    room = np.where(delta >= 0.0, 1.0 - scores, 1.0 + scores)
    return np.clip(scores + delta * room, -1.0, 1.0)


def balance_field(scores: np.ndarray, mode: str = TRIAD) -> np.ndarray:
    """The normalised third-party signal h_ij that structural balance pulls a_ij towards, in [-1, 1].

    triad:   h_ij = sum_k a_ik a_kj / (n - 2)  (the friend of my friend; Kulakowski et al. 2005)
    opinion: h_ij = sum_k a_ik a_jk / (n - 2)  (do i and j agree about others; Traag et al. 2013)
    The diagonal is zero, so the terms with k = i or k = j vanish and n - 2 third parties remain.
    """
    x = zero_diagonal(scores)
    n = x.shape[-1]
    if n < 3:
        return np.zeros_like(x)
    other = x if mode == TRIAD else np.swapaxes(x, -1, -2)
    field = np.matmul(x, other) / (n - 2)
    return zero_diagonal(field)


def drift(scores: np.ndarray, baseline: np.ndarray, rates: Rates) -> np.ndarray:
    """The deterministic monthly change before events and noise.

    memory pulls each score towards its structural baseline, balance pulls it towards the third-party
    signal with the saturating factor (1 - a^2), and reciprocity pulls a_ij towards a_ji.
    """
    a = zero_diagonal(scores)
    change = (
        rates.memory * (baseline - a)
        + rates.balance * (1.0 - a * a) * balance_field(a, rates.balance_mode)
        + rates.reciprocity * (np.swapaxes(a, -1, -2) - a)
    )
    return zero_diagonal(change)


def event_impulse(
    scores: np.ndarray,
    source: int,
    target: int,
    weight: float,
    *,
    event_scale: float,
    audience_scale: float | np.ndarray,
    audience_share: float = 1.0,
) -> np.ndarray:
    """The change one event from source to target makes, before saturation.

    The two parties move towards each other (or apart, for a negative weight) by event_scale * weight in
    both directions. Every other actor k is an audience: its regard for the source moves by
    audience_scale * weight * a_k,target (helping my friend pleases me, helping my enemy angers me), and
    its regard for the target by audience_scale * weight * a_k,source. audience_share scales the audience
    part, so that a multilateral meeting of m actors counts as one event per member, not m - 1.
    audience_scale may be a vector (n,) of per-actor attentiveness.
    """
    a = np.asarray(scores, dtype=float)
    delta = np.zeros_like(a)
    direct = event_scale * weight
    delta[..., source, target] += direct
    delta[..., target, source] += direct
    n = a.shape[-1]
    others = np.array([k for k in range(n) if k not in (source, target)], dtype=int)
    if others.size:
        audience = np.broadcast_to(np.asarray(audience_scale, dtype=float), (n,))[others] * weight * audience_share
        delta[..., others, source] += audience * a[..., others, target]
        delta[..., others, target] += audience * a[..., others, source]
    return delta


def step(
    scores: np.ndarray,
    baseline: np.ndarray,
    impulse: np.ndarray,
    durable_impulse: np.ndarray,
    noise: np.ndarray,
    rates: Rates,
) -> tuple[np.ndarray, np.ndarray]:
    """Advance one month: returns (scores, baseline).

    Order: the drift of the dynamics plus noise, then this month's event impulses added with saturation.
    Noise is scaled by (1 - a^2): it fades near the bounds yet has zero mean, so chance does not wear
    strong ties down (saturating it like an event would pull every strong score towards zero).
    The baseline moves only by the durable share of events, so shocks fade while real shifts last.
    """
    moved = np.clip(
        scores
        + drift(scores, baseline, rates)
        + noise * (1.0 - scores * scores),
        -1.0,
        1.0,
    )
    new_scores = zero_diagonal(saturating_add(moved, impulse))
    new_baseline = zero_diagonal(saturating_add(baseline, durable_impulse))
    if not (np.isfinite(new_scores).all() and np.isfinite(new_baseline).all()):
        raise FloatingPointError("alignment scores became non-finite; a parameter is out of range")
    return new_scores, new_baseline
