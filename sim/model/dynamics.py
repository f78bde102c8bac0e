"""One month of alignment dynamics as pure functions over numpy arrays.

Scores are directed: A[..., i, j] is how actor i regards actor j, in [-1, 1]; the diagonal is unused and
kept at 0. Every function accepts a leading batch shape (..., n, n), so many Monte Carlo runs can step
at once. Nothing here knows about Mesa, files or plots; the equations are in docs/model.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .events import CAPABILITY, DIPLOMATIC, HOSTILE  # the audience rules, named once

TRIAD = "triad"
OPINION = "opinion"


@dataclass(frozen=True)
class Rates:
    """The monthly rates of the drift, in one object (sim.model.parameters.Parameters.rates builds it).

    memory may be a scalar or a column (n, 1) of per-actor rates: how anchored each actor's own views are;
    with a leading runs axis ((runs, n, 1), and balance and reciprocity (runs, 1, 1)) each run has its own.
    """

    memory: float | np.ndarray
    balance: float | np.ndarray
    reciprocity: float | np.ndarray
    balance_mode: str = TRIAD


def zero_diagonal(matrix: np.ndarray) -> np.ndarray:
    out = np.array(matrix, dtype=float, copy=True)
    n = out.shape[-1]
    out[..., np.arange(n), np.arange(n)] = 0.0
    return out


LIMIT = 1.0 - 1e-9
"""Scores stay strictly inside (-1, 1): the latent propensity atanh(a) is finite however many events add to it."""


def saturating_add(scores: np.ndarray, delta: np.ndarray) -> np.ndarray:
    """Add delta to the latent propensity behind each score: tanh(atanh(a) + d).

    A score is read as the tanh of an unbounded propensity that events push (a log-odds view of alignment,
    as latent-space models of international relations read ties): near 0 an event moves the pair by its
    own size; towards a bound the same push moves it less and less, so an already close alliance gains
    little from one more deal and a bitter rivalry sinks a little further in each crisis, and no score
    reaches +-1. The local rate is 1 - a^2, the factor the noise is scaled by. Before this rule the room was
    1 - a or 1 + a on both sides of zero (a pair at -0.7 took 1.7 times a conciliatory event; CHANGELOG,
    "Calibrated defaults")."""
    scores = np.asarray(scores, dtype=float)
    shape = np.broadcast_shapes(scores.shape, np.shape(delta))
    delta = np.broadcast_to(np.asarray(delta, dtype=float), shape)
    out = np.array(np.broadcast_to(scores, shape))  # no push, no change: not even a rounding of tanh(atanh(a))
    pushed = delta != 0.0  # most months push few pairs, the baseline run none: only those go through tanh
    if pushed.any():
        a = np.clip(out[pushed], -LIMIT, LIMIT)
        out[pushed] = np.clip(np.tanh(np.arctanh(a) + delta[pushed]), -LIMIT, LIMIT)
    return out


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
    memory, balance, reciprocity = drift_terms(scores, baseline, rates)
    return zero_diagonal(memory + balance + reciprocity)


def drift_terms(scores: np.ndarray, baseline: np.ndarray, rates: Rates) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three terms of the drift, apart (memory, balance, reciprocity): their sum is `drift`, bit for bit."""
    a = zero_diagonal(scores)
    memory = rates.memory * (baseline - a)
    balance = rates.balance * (1.0 - a * a) * balance_field(a, rates.balance_mode)
    reciprocity = rates.reciprocity * (np.swapaxes(a, -1, -2) - a)
    return memory, balance, reciprocity


def event_impulse(
    scores: np.ndarray,
    source: int,
    target: int,
    weight: float,
    *,
    event_scale: float | np.ndarray,
    audience_scale: float | np.ndarray,
    audience_share: float = 1.0,
    rule: str = DIPLOMATIC,
    one_way: bool = False,
    rival_sympathy: float | np.ndarray = 0.0,
) -> np.ndarray:
    """The change one event from source to target makes, before saturation.

    The two parties move towards each other (or apart, for a negative weight) by event_scale * weight in
    both directions. Every other actor k is an onlooker, and `rule` says how it responds (docs/model.md,
    "Audience rules"); an onlooker's response is a share of the parties' own (Goldstein & Pevehouse 1997
    estimate triangular responses apart from, and smaller than, direct ones), with
    w = audience_scale * event_scale * weight * audience_share:

    diplomatic  friend of my friend (Heider): d_k,source = w a_k,target and d_k,target = w a_k,source,
                except that nobody warms to a party it regards with hostility through a third party's signal.
    capability  balance of threat (Walt 1987; Jervis 1978): the party that gains capability is judged by
                the onlooker's own regard for it (d_k,gainer = w a_k,gainer: a rival cools, a friend warms)
                and the supplier by what it armed (d_k,supplier = w a_k,gainer when that is hostility, or
                when the onlooker does not regard the supplier as a rival). With one_way the target gains;
                otherwise each side gains from the other, half each.
    hostile     onlookers judge the act by their ties to the victim (the target): a friend of the victim
                cools on the attacker and sympathises with the victim, both damped by 1 - f_k,attacker (a
                friend of both sides stays near neutral, as mediators do); nobody warms to the attacker,
                nobody cools on the victim. With rival_sympathy r, an onlooker hostile to the attacker
                sides with the victim too (the enemy of my enemy): d_k,victim = -w (f_k,victim
                + r h_k,attacker) (1 - f_k,attacker), with h = max(-a, 0).
    (f = max(a, 0).) audience_scale may be a vector (n,) of per-actor attentiveness; with scores
    (runs, n, n), event_scale may be (runs,) and audience_scale (runs, n): each run with its own parameters.
    """
    a = np.asarray(scores, dtype=float)
    delta = np.zeros_like(a)
    direct = event_scale * weight
    delta[..., source, target] += direct
    delta[..., target, source] += direct
    n = a.shape[-1]
    others = np.array([k for k in range(n) if k not in (source, target)], dtype=int)
    if not others.size:
        return delta
    audience = np.asarray(audience_scale, dtype=float)
    scale = np.asarray(event_scale, dtype=float)
    scale = scale[..., None] if scale.ndim else scale
    w = ((np.broadcast_to(audience, (n,)) if audience.ndim < 2 else audience)[..., others] * scale * weight
         * audience_share)
    to_source = a[..., others, source]
    to_target = a[..., others, target]
    if rule == DIPLOMATIC:
        delta[..., others, source] += _no_warming_to_rivals(w * to_target, to_source)
        delta[..., others, target] += _no_warming_to_rivals(w * to_source, to_target)
    elif rule == CAPABILITY:
        if one_way:
            delta[..., others, target] += w * to_target
            delta[..., others, source] += w * _supplier_term(to_source, to_target)
        else:
            delta[..., others, target] += 0.5 * w * (to_target + _supplier_term(to_target, to_source))
            delta[..., others, source] += 0.5 * w * (to_source + _supplier_term(to_source, to_target))
    elif rule == HOSTILE:
        friend_of_victim = np.maximum(to_target, 0.0)
        friend_of_attacker = np.maximum(to_source, 0.0)
        delta[..., others, source] += w * friend_of_victim * (1.0 - friend_of_attacker)
        sympathy = np.asarray(rival_sympathy, dtype=float)
        sympathy = sympathy[..., None] if sympathy.ndim else sympathy
        on_victims_side = friend_of_victim + sympathy * np.maximum(-to_source, 0.0)
        delta[..., others, target] -= w * on_victims_side * (1.0 - friend_of_attacker)
    else:
        raise ValueError(f"unknown audience rule {rule!r}")
    return delta


def _no_warming_to_rivals(change: np.ndarray, regard: np.ndarray) -> np.ndarray:
    """A friend's signal does not make an onlooker warm to a party it regards with hostility: the triad
    stays unbalanced, or resolves by cooling on the friend (Maoz et al. 2007 find such triads persist)."""
    return np.where((regard < 0.0) & (change > 0.0), 0.0, change)


def _supplier_term(to_supplier: np.ndarray, to_gainer: np.ndarray) -> np.ndarray:
    """How an onlooker's regard for a supplier moves, per unit weight: by its regard for the party armed,
    except that an onlooker hostile to the supplier does not warm to it for arming a friend."""
    return np.where((to_gainer < 0.0) | (to_supplier >= 0.0), to_gainer, 0.0)


def lasting_part(delta: np.ndarray, durable: float | np.ndarray, prior: np.ndarray, *, hostile: bool,
                 buffer: float | np.ndarray = 0.0) -> np.ndarray:
    """The share of an event's impulse that moves the baseline: durable * delta, except that a hostile
    act's cooling of a_ij is shielded by the pair's friendly history, times 1 - buffer * max(0, prior_ij)
    (prior: the starting, long-run baseline). Diehl & Goertz (2000): most disputes stay isolated, and
    lasting rivalry is built by repeated ones; a clash between friends mostly heals. durable and buffer
    may be (runs,).
    """
    durable = np.asarray(durable, dtype=float)
    part = (durable[..., None, None] if durable.ndim else durable) * np.asarray(delta, dtype=float)
    if not hostile:
        return part
    buffer = np.asarray(buffer, dtype=float)
    shield = 1.0 - (buffer[..., None, None] if buffer.ndim else buffer) * np.maximum(prior, 0.0)
    return np.where(part < 0.0, part * shield, part)


def restoration(baseline: np.ndarray, prior: np.ndarray, source: int, target: int,
                share: float | np.ndarray) -> np.ndarray:
    """The lasting part of a de-escalation (apology, ceasefire, restored relations, withdrawal): a durable
    impulse that moves the two parties' baseline back towards the prior by `share` of the gap (0..1), never
    past it, and moves nothing else. It is the push whose saturating_add lands exactly on b + share * gap."""
    b = np.clip(np.asarray(baseline, dtype=float), -LIMIT, LIMIT)
    out = np.zeros_like(b)
    share = np.clip(np.asarray(share, dtype=float), 0.0, 1.0)  # may be (runs,)
    for i, j in ((source, target), (target, source)):
        gap = np.maximum(np.asarray(prior, dtype=float)[..., i, j] - b[..., i, j], 0.0)
        goal = np.clip(b[..., i, j] + share * gap, -LIMIT, LIMIT)
        out[..., i, j] = np.arctanh(goal) - np.arctanh(b[..., i, j])
    return out


def client_competition(
    scores: np.ndarray,
    source: int,
    target: int,
    weight: float,
    *,
    competition_scale: float | np.ndarray,
    audience_share: float = 1.0,
) -> np.ndarray:
    """The brief displeasure of a patron whose client buys from the patron's rival (capability transfers).

    An onlooker k that likes the client (target) and regards the supplier (source) as a rival cools on
    both by competition_scale * weight * min(a_k,target, -a_k,source): the US on India and on Russia after
    the S-400 contract (Yarhi-Milo, Lanoszka & Cooper 2016). The engine passes competition_scale times
    audience_scale times event_scale, so it is an onlooker response like the others. The caller keeps it
    out of the baseline, so it fades with memory while the durable part of the sale remains.
    competition_scale may be (runs,).
    """
    a = np.asarray(scores, dtype=float)
    delta = np.zeros_like(a)
    n = a.shape[-1]
    others = np.array([k for k in range(n) if k not in (source, target)], dtype=int)
    if not others.size:
        return delta
    stake = np.minimum(np.maximum(a[..., others, target], 0.0), np.maximum(-a[..., others, source], 0.0))
    if np.ndim(competition_scale):
        competition_scale = np.asarray(competition_scale, dtype=float)[..., None]
    cut = competition_scale * weight * audience_share * stake
    delta[..., others, target] -= cut
    delta[..., others, source] -= cut
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


@dataclass(frozen=True)
class StepParts:
    """One month's change, new scores minus old, split by cause (docs/model.md, "Attribution").

    scores and baseline are what `step` returns, bit for bit. The other arrays add up to scores minus the
    old scores to rounding (about 1e-16). The stacks are (k, ..., n, n), one entry per source of impulse
    (an event, or its client competition) in the order the caller gave them.
    """

    scores: np.ndarray
    baseline: np.ndarray
    memory: np.ndarray  # memory's pull on what the sources did not move, towards the starting baseline
    balance: np.ndarray
    reciprocity: np.ndarray
    noise: np.ndarray
    sources: np.ndarray  # each source's share of the saturated impulse, plus `through_memory`
    through_memory: np.ndarray  # memory's pull on each source's footprint (its baseline shift minus score shift)
    baseline_moves: np.ndarray  # each source's share of this month's movement of the baseline


def step_parts(
    scores: np.ndarray,
    baseline: np.ndarray,
    impulse: np.ndarray,
    durable_impulse: np.ndarray,
    noise: np.ndarray,
    rates: Rates,
    *,
    impulses: np.ndarray,
    durables: np.ndarray,
    baseline_shifts: np.ndarray,
    score_shifts: np.ndarray,
) -> StepParts:
    """`step`, with the month's change split among its causes, for exact attribution.

    impulse and durable_impulse are the totals `step` takes; impulses and durables (k, ..., n, n) are the
    same split by source (they sum to the totals); baseline_shifts and score_shifts (k, ..., n, n) say how
    far each source has moved the baseline and the scores before this month (the caller accumulates
    `baseline_moves` and `sources`). The non-linear parts are shared by the rules in docs/model.md: the clip
    after drift and noise scales every drift and noise term by the same factor; the saturating addition
    gives each source its share of the month's push times the rate, move / push, they all share. Memory's pull is
    linear, mu (b - a), so it splits exactly: each source's footprint, mu (its baseline shift - its score
    shift), goes to that source (its transient part fading, its durable part holding), and the rest, the
    pull of the starting baseline on what no source moved, to memory. What rounding leaves over (about
    1e-16) goes to the largest part.
    """
    memory, balance, reciprocity = drift_terms(scores, baseline, rates)
    jitter = noise * (1.0 - scores * scores)
    pushed = scores + zero_diagonal(memory + balance + reciprocity) + jitter  # as in step, bit for bit
    moved = np.clip(pushed, -1.0, 1.0)
    new_scores = zero_diagonal(saturating_add(moved, impulse))
    new_baseline = zero_diagonal(saturating_add(baseline, durable_impulse))
    if not (np.isfinite(new_scores).all() and np.isfinite(new_baseline).all()):
        raise FloatingPointError("alignment scores became non-finite; a parameter is out of range")

    # The clip after drift and noise: every term keeps its sign and shrinks by the same factor.
    with np.errstate(divide="ignore", invalid="ignore"):
        kept = np.where(moved == pushed, 1.0, (moved - scores) / (pushed - scores))
    footprint = np.asarray(baseline_shifts, dtype=float) - np.asarray(score_shifts, dtype=float)
    through = kept * (rates.memory * footprint)
    parts = [
        zero_diagonal(kept * memory - through.sum(axis=0)),
        zero_diagonal(kept * balance),
        zero_diagonal(kept * reciprocity),
        zero_diagonal(kept * jitter),
    ]
    sources = zero_diagonal(_saturation_shares(moved, impulse, impulses, new_scores) + through)
    stack = np.concatenate([np.stack(parts), sources])
    _give_residual_to_largest(stack, new_scores - scores)
    moves = zero_diagonal(_saturation_shares(baseline, durable_impulse, durables, new_baseline))
    _give_residual_to_largest(moves, new_baseline - baseline)
    return StepParts(new_scores, new_baseline, stack[0], stack[1], stack[2], stack[3], stack[4:],
                     zero_diagonal(through), moves)


def _saturation_shares(start: np.ndarray, total: np.ndarray, deltas: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Each delta's part of end - start, where end = saturating_add(start, total) (the step's own result) and
    total is the sum of deltas: each gets delta * (move / total), so the shares add up to the move, and pushes
    that cancel each other (total 0) split the local rate 1 - a^2, which is where move / total tends."""
    move = end - start  # the caller zeroes the diagonal, where end is 0
    start = np.clip(start, -LIMIT, LIMIT)
    small = np.abs(total) < 1e-12
    rate = np.where(small, 1.0 - start * start, move / np.where(small, 1.0, total))
    return np.asarray(deltas, dtype=float) * rate


def _give_residual_to_largest(stack: np.ndarray, whole: np.ndarray) -> None:
    """Add what the parts lack of the whole (rounding, the guard clip) to the largest part, in place."""
    if not stack.shape[0]:
        return
    residual = whole - stack.sum(axis=0)
    largest = np.argmax(np.abs(stack), axis=0)[None]
    np.put_along_axis(stack, largest, np.take_along_axis(stack, largest, axis=0) + residual[None], axis=0)
