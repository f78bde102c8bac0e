"""Landscape theory of aggregation (Axelrod & Bennett 1993): which blocs minimise the energy of a system.

Actors i have sizes s_i > 0 and symmetric propensities p_ij (positive: inclined to work together). A
configuration splits the actors into at most K non-empty blocs, d_ij = 1 when i and j are in different
blocs, and its energy is

    E = sum over unordered pairs i < j of s_i * s_j * p_ij * d_ij.

Axelrod & Bennett sum over ordered pairs (E = sum_i s_i * F_i with F_i the frustration of actor i),
which is exactly twice this number; we report the unordered sum so that one pair counts once. Separating
friends raises E, separating rivals lowers it, so the predicted alignments are the minima of E.

Actors adjust myopically, one at a time, so the alignments that can last are the *local minima*: the
configurations in which no single actor can lower E by moving to another bloc (an existing one, or a new
one while fewer than K blocs are in use). With symmetric p every such move lowers E, so this dynamics
always stops at one of them. `solve` lists them all, lowest first; `best_partition` returns only the
global minimum, fast, for the model's monthly use (where it is heuristic, beyond 22 actors with two blocs, the
lowest minimum found by a search warm-started from last month's blocs).

This module is a pure numpy kernel: it reads no files and raises ValueError only for malformed arrays
(user files are checked in sim/blocsfile.py). See docs/landscape.md.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

RELATIVE_TOLERANCE = 1e-9  # energies closer than this (relative to the energy scale) are ties
_SIZE_DIGITS = 12  # bloc sizes equal to 12 digits (relative to the total) tie for the bloc order
_CHUNK_CELLS = 1 << 21  # rows x actors x blocs evaluated at once in the enumeration (about 16 MB)
_CACHED_ROWS = 4096  # enumerations up to this many partitions are cached for best_partition
_NEAR_TIE = 1000  # best_partitions hands a matrix to best_partition when its runner-up is this many tolerances close
_EXACT_LIMIT = 1_000_000  # solve enumerates every partition up to this many; beyond, the heuristic
_SPLIT_LIMIT = 22  # up to this many actors, two blocs are searched exactly by meeting in the middle
_SINGLE_MARGIN = 1e-4  # relative margin of the single-precision search in _best_bipartition
_CACHED_SEARCHES = 4096  # best_partition answers kept, keyed by the exact propensities and sizes
_FIELD_SLACK = 1e-12  # relative slack of the two-bloc pre-screen (its sums round differently; exact re-check)
_WARM_RESTARTS = 4  # seeded random starts added to last month's partition in the warm heuristic search
_WARM_SEED = 0  # seed of those restarts: the same every month, so equal inputs give equal labels
_ROUNDING_MARGIN = 1e-11  # partitions_over_time: decisions this close (relative to sum |W|) go to the exact search
_SAFE_STEPS = 2000  # ... while n + moves per descent stays below this (see partitions_over_time)


@dataclass(frozen=True)
class Configuration:
    """One partition of the actors: `labels[i]` is actor i's bloc, numbered canonically.

    Blocs are numbered 0, 1, ... by decreasing total size, ties by their lowest actor index, so equal
    partitions always have equal labels.
    """

    labels: tuple[int, ...]
    energy: float
    is_global: bool

    @property
    def n_blocs(self) -> int:
        return max(self.labels) + 1


@dataclass(frozen=True)
class Landscape:
    """The local minima of the energy, lowest first.

    method: "exact" (every partition with at most n_blocs blocs was examined) or "heuristic" (multi-start
    greedy descent; `is_global` then means "lowest found"). evaluated: configurations examined (for the
    heuristic: starting points plus every single-actor move whose energy change was computed).
    local_minima: how many local minima were found; `configurations` lists at most `max_listed` of them.
    """

    configurations: tuple[Configuration, ...]
    method: str
    n_blocs: int
    evaluated: int
    local_minima: int

    @property
    def best(self) -> Configuration:
        return self.configurations[0]


# ---------------------------------------------------------------------------------------------- inputs

def _check(propensity, sizes, n_blocs: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Validated (symmetrised propensity, sizes) as float arrays."""
    p = np.asarray(propensity, dtype=float)
    s = np.asarray(sizes, dtype=float)
    if s.ndim != 1 or s.size == 0:
        raise ValueError(f"sizes must be a non-empty 1-D array, got shape {s.shape}")
    n = s.size
    if p.shape != (n, n):
        raise ValueError(f"propensity must be a {n}x{n} matrix for {n} sizes, got shape {p.shape}")
    if not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError("sizes must be finite and positive")
    if not np.all(np.isfinite(p)):
        raise ValueError("propensities must be finite")
    if n_blocs is not None and (isinstance(n_blocs, bool) or int(n_blocs) != n_blocs or n_blocs < 1):
        raise ValueError(f"n_blocs must be a positive integer, got {n_blocs!r}")
    return (p + p.T) / 2, s


def _weights(p: np.ndarray, s: np.ndarray) -> np.ndarray:
    """W_ij = s_i s_j p_ij with a zero diagonal: the energy each pair adds when it is split."""
    w = np.outer(s, s) * p
    np.fill_diagonal(w, 0.0)
    return w


def _tolerance(w: np.ndarray) -> float:
    """Absolute tie tolerance: rounding errors in E grow with the sum of |terms|, not with |E|."""
    scale = float(np.abs(w).sum()) / 2
    return RELATIVE_TOLERANCE * scale if scale > 0 else 0.0


def _pair_energy(w: np.ndarray, labels: np.ndarray) -> float:
    """E of one configuration, summed in a fixed order so equal partitions give bit-identical floats."""
    upper_i, upper_j = _upper_pairs(len(labels))
    labels = np.asarray(labels)
    split = labels[upper_i] != labels[upper_j]
    return float(np.sum(w[upper_i, upper_j][split])) + 0.0  # + 0.0 turns -0.0 into 0.0


@functools.lru_cache(maxsize=8)
def _upper_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The pairs i < j of n actors, row by row (np.triu_indices), made once per n: 19,900 pairs at 200
    actors cost more to index than the sum they feed."""
    upper_i, upper_j = np.triu_indices(n, k=1)
    upper_i.setflags(write=False)
    upper_j.setflags(write=False)
    return upper_i, upper_j


def energy(propensity, sizes, labels) -> float:
    """Landscape energy of one configuration: sum over unordered pairs i < j of s_i s_j p_ij d_ij.

    This is half of Axelrod & Bennett's sum over ordered pairs. A non-symmetric propensity matrix is
    symmetrised as (P + P.T) / 2 and its diagonal ignored; `labels` may use any integers.
    """
    p, s = _check(propensity, sizes)
    labels = np.asarray(labels)
    if labels.shape != s.shape:
        raise ValueError(f"labels must have one entry per actor ({s.size}), got shape {labels.shape}")
    return _pair_energy(_weights(p, s), labels)


# --------------------------------------------------------------------------------------- enumeration

def count_partitions(n: int, n_blocs: int) -> int:
    """Partitions of n actors into at most n_blocs non-empty blocs: sum of Stirling numbers S(n, k)."""
    k_max = min(n, n_blocs)
    row = [1] + [0] * k_max  # S(0, k)
    for _ in range(n):  # S(m, k) = k S(m-1, k) + S(m-1, k-1), for m = 1..n
        row = [0] + [k * row[k] + row[k - 1] for k in range(1, k_max + 1)]
    return sum(row[1:])


def _enumerate(n: int, n_blocs: int) -> np.ndarray:
    """Every partition once, as restricted growth strings: actor 0 in bloc 0, each actor in an
    existing bloc or the next new one. Shape (count_partitions(n, n_blocs), n), dtype int8."""
    labels = np.zeros((1, 1), dtype=np.int8)
    highest = np.zeros(1, dtype=np.int8)
    for _ in range(1, n):
        pieces, tops = [], []
        for bloc in range(min(n_blocs, 127)):
            allowed = bloc <= highest + 1
            if not allowed.any():
                break
            column = np.full((int(allowed.sum()), 1), bloc, dtype=np.int8)
            pieces.append(np.hstack([labels[allowed], column]))
            tops.append(np.maximum(highest[allowed], bloc))
        labels, highest = np.vstack(pieces), np.concatenate(tops)
    return labels


@functools.lru_cache(maxsize=32)
def _cached_enumeration(n: int, n_blocs: int) -> tuple[np.ndarray, np.ndarray]:
    """Labels and their one-hot indicators (n_blocs, rows, n) for the fast global minimum."""
    labels = _enumerate(n, n_blocs)
    onehot = np.stack([(labels == b).astype(float) for b in range(n_blocs)])
    labels.setflags(write=False)
    onehot.setflags(write=False)
    return labels, onehot


def _bloc_sums(labels: np.ndarray, w: np.ndarray, n_blocs: int) -> np.ndarray:
    """G[r, i, b] = sum of W_ij over the members j of bloc b in configuration r."""
    g = np.empty(labels.shape + (n_blocs,))
    for b in range(n_blocs):
        g[:, :, b] = (labels == b).astype(float) @ w
    return g


def _energies_and_stability(labels, w, total, n_blocs, tol) -> tuple[np.ndarray, np.ndarray]:
    """Energies of many configurations, and whether each is a local minimum.

    Moving actor i from bloc a to bloc b changes E by G[i, a] - G[i, b] (pairs with a are split, pairs
    with b are joined). An empty label has G = 0, which is exactly the move to a new bloc; empty labels
    exist only while fewer than n_blocs blocs are in use, as the definition requires.
    """
    g = _bloc_sums(labels, w, n_blocs)
    own = np.take_along_axis(g, labels[:, :, None].astype(np.intp), axis=2)[:, :, 0]
    energies = total - own.sum(axis=1) / 2
    stable = np.all(g.max(axis=2) - own <= tol, axis=1)
    return energies, stable


# ----------------------------------------------------------------------------------------- heuristic

def _descend(labels: np.ndarray, w: np.ndarray, n_blocs: int, tol: float) -> tuple[np.ndarray, int]:
    """Steepest descent by single-actor moves from each row of `labels`, all rows at once.

    Returns the local minima reached and the number of configurations examined. The bloc sums are
    updated incrementally and recomputed from scratch at the end, so rounding cannot fake a minimum.
    """
    if n_blocs == 2:
        return _flip_descend(labels, w, tol)
    labels = labels.astype(np.intp)
    m, n = labels.shape
    examined = m
    while True:
        g = _bloc_sums(labels, w, n_blocs)
        active = np.arange(m)
        moved_any = False
        while active.size:
            sub_g, sub_labels = g[active], labels[active]
            own = np.take_along_axis(sub_g, sub_labels[:, :, None], axis=2)[:, :, 0]
            change = (own[:, :, None] - sub_g).reshape(active.size, n * n_blocs)
            examined += active.size * n * (n_blocs - 1)
            best = change.argmin(axis=1)  # first of the best moves: deterministic
            improving = change[np.arange(active.size), best] < -tol
            if not improving.any():
                break
            moved_any = True
            rows, best = active[improving], best[improving]
            actor, target = best // n_blocs, best % n_blocs
            source = labels[rows, actor]
            g[rows, :, source] -= w[actor]
            g[rows, :, target] += w[actor]
            labels[rows, actor] = target
            active = rows
        if not moved_any:
            return labels, examined


def _flip_descend(labels: np.ndarray, w: np.ndarray, tol: float) -> tuple[np.ndarray, int]:
    """_descend for two blocs, on one number per actor instead of one per actor and bloc.

    With spins t = 1 - 2 * labels, moving actor i to the other bloc changes E by c_i = t_i h_i, where
    h_i = sum_j W_ij t_j. Flipping actor a changes every other c_j by -2 t_a t_j W_ja and negates c_a
    (W_aa = 0), so a move costs one row update. Same moves as _descend (the first of the steepest), same
    fresh recomputation at the end.
    """
    spins = 1.0 - 2.0 * labels.astype(float)
    m, n = spins.shape
    examined = m
    while True:
        change = spins * (spins @ w)  # w is exactly symmetric, so row r of spins @ w is h for row r
        rows, state = np.arange(m), spins.copy()  # the rows still moving, kept together (copied out when
        moved_any = False  # some stop) rather than gathered from all rows at every move
        while rows.size:
            examined += rows.size * n
            line = np.arange(rows.size)
            best = change.argmin(axis=1)  # first of the best moves: deterministic
            gain = change[line, best]
            improving = gain < -tol
            if not improving.all():
                spins[rows[~improving]] = state[~improving]  # these rows have stopped
                rows, state, change = rows[improving], state[improving], change[improving]
                best, gain, line = best[improving], gain[improving], line[:rows.size]
                if not rows.size:
                    break
            moved_any = True
            flipped = state[line, best]
            change -= (2.0 * flipped)[:, None] * state * w[best]
            change[line, best] = -gain
            state[line, best] = -flipped
        if not moved_any:
            return (spins < 0).astype(np.intp), examined


def _leading_sign_pattern(matrix: np.ndarray) -> np.ndarray:
    """Two blocs from the signs of the leading eigenvector (Marvel et al. 2011, PNAS 108:1771)."""
    _, vectors = np.linalg.eigh(matrix)
    leading = vectors[:, -1]
    return (leading < 0).astype(np.intp)


def _heuristic(w, p, n_blocs, tol, seed, starts, extra=None) -> tuple[np.ndarray, int]:
    """Descent from everyone together, the eigenvector sign patterns, `starts` seeded random
    configurations and the `extra` rows given (after the others, so they change none of them)."""
    n = w.shape[0]
    rng = np.random.default_rng(seed)
    random_starts = rng.integers(0, n_blocs, size=(starts, n))
    structured = [np.zeros(n, dtype=np.intp)]  # everyone together
    if n_blocs > 1:
        structured += [_leading_sign_pattern(p), _leading_sign_pattern(w)]
    start = np.vstack([np.array(structured), random_starts] + ([] if extra is None else [extra]))
    batch = max(1, 4 * _CHUNK_CELLS // (n * n_blocs))  # bounds the (rows, n, n_blocs) bloc sums
    minima, examined = [], 0
    for first in range(0, len(start), batch):
        reached, count = _descend(start[first:first + batch], w, n_blocs, tol)
        minima.append(reached)
        examined += count
    return np.vstack(minima), examined


def _start_labels(labels, n: int, n_blocs: int) -> np.ndarray:
    """Starting configurations given by a caller, checked: rows of n integer labels in [0, n_blocs)."""
    rows = np.atleast_2d(np.asarray(labels))
    if rows.ndim != 2 or rows.shape[1] != n or not np.issubdtype(rows.dtype, np.integer):
        raise ValueError(f"starting labels must be rows of {n} integers, got shape {rows.shape}")
    if rows.size and (rows.min() < 0 or rows.max() >= n_blocs):
        raise ValueError(f"starting labels must lie in 0..{n_blocs - 1}")
    return rows.astype(np.intp)


def _two_bloc_candidates(w: np.ndarray, tol: float) -> np.ndarray:
    """Every two-bloc partition in which no single actor's move lowers E by more than tol (plus a slack
    for rounding), as labels (rows, n) with actor 0 in bloc 0: a superset of the local minima that
    solve re-checks with _energies_and_stability, so it lists exactly what full enumeration lists.

    With spins t_i = +-1, moving actor i changes E by t_i h_i, h_i = sum_j W_ij t_j. Splitting the actors
    into halves A (with actor 0) and B, h = S_A W[A, :] + S_B W[B, :]: the fields of all 2^(n-1)
    partitions are sums of one row from each half's table, so no partition is built or multiplied out
    until it has passed; the cost is a few additions per actor and partition instead of a matrix product.
    """
    n = w.shape[0]
    half = (n + 1) // 2
    spins_a = _spins(half, fixed_first=True)
    spins_b = _spins(n - half, fixed_first=False)
    field_a = spins_a @ w[:half]  # (2^(half-1), n): the part of every actor's field coming from A
    field_b = spins_b @ w[half:]  # (2^(n-half), n): the part coming from B
    floor = -(tol + _FIELD_SLACK * float(np.abs(w).sum()))
    chunk = max(1, _CHUNK_CELLS // len(spins_b))
    found = []
    for first in range(0, len(spins_a), chunk):
        sa, fa = spins_a[first:first + chunk], field_a[first:first + chunk]
        passing = np.ones((len(sa), len(spins_b)), dtype=bool)
        for i in range(n):
            field = fa[:, i, None] + field_b[None, :, i]
            field *= sa[:, i, None] if i < half else spins_b[None, :, i - half]
            passing &= field >= floor
        rows_a, rows_b = np.nonzero(passing)
        found.append(np.hstack([sa[rows_a] < 0, spins_b[rows_b] < 0]).astype(np.int8))
    return np.vstack(found)


def _lowest(reached: np.ndarray, w: np.ndarray, s: np.ndarray, n_blocs: int, tol: float) -> np.ndarray:
    """The first configuration solve would list among the end points `reached` (canonical labels)."""
    minima = _unique_rows(_canonical(reached, s, n_blocs))
    energies, _ = _energies_and_stability(minima, w, float(np.triu(w, 1).sum()), n_blocs, tol)
    order, _ = _ranking(minima, energies, tol)
    return minima[order[0]]


def _unique_rows(rows: np.ndarray) -> np.ndarray:
    """np.unique(rows, axis=0) for a few rows of labels (the same rows, in the same order: sorted as tuples),
    without its structured-dtype sort, which cost more than the rest of a month's search at 200 actors."""
    return np.array(sorted(set(map(tuple, rows.tolist()))), dtype=rows.dtype).reshape(-1, rows.shape[1])


def _warm_partition(p: np.ndarray, s: np.ndarray, n_blocs: int, previous: np.ndarray) -> np.ndarray:
    """The heuristic search warm-started from last month's partition (canonical labels of the lowest end
    point): steepest descent from `previous`, from everyone together and from _WARM_RESTARTS random
    configurations drawn from a fixed seed. Scores move little from one month to the next, so the
    previous blocs are a few moves from a minimum and the search costs a few descents, not 259."""
    n = s.size
    w = _weights(p, s)
    tol = _tolerance(w)
    rng = np.random.default_rng(_WARM_SEED)
    start = np.vstack([previous[None, :], np.zeros((1, n), dtype=np.intp),
                       rng.integers(0, n_blocs, size=(_WARM_RESTARTS, n))])
    reached, _ = _descend(start, w, n_blocs, tol)
    return _lowest(reached, w, s, n_blocs, tol)


# ------------------------------------------------------------------------------------------ ordering

def _canonical(labels: np.ndarray, sizes: np.ndarray, n_blocs: int) -> np.ndarray:
    """Relabel each row: blocs by decreasing total size, ties by lowest actor index."""
    m, n = labels.shape
    bloc_size = np.empty((m, n_blocs))
    first = np.empty((m, n_blocs), dtype=np.intp)
    for b in range(n_blocs):
        member = labels == b
        bloc_size[:, b] = member.astype(float) @ sizes
        first[:, b] = np.where(member.any(axis=1), member.argmax(axis=1), n)
    size_key = -np.round(bloc_size / sizes.sum(), _SIZE_DIGITS)
    order = np.lexsort((first, size_key), axis=-1)  # order[r, k] = old label of the k-th bloc
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(n_blocs), order.shape), axis=1)
    return np.take_along_axis(rank, labels.astype(np.intp), axis=1)


def _ranking(canonical: np.ndarray, energies: np.ndarray, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """Order of configurations: energy (ties within `tol` grouped), then fewer blocs, then labels.

    The first tie group is exactly the global minima, so `solve` and `best_partition` agree.
    """
    is_global = energies <= energies.min() + tol
    by_energy = np.argsort(energies, kind="stable")
    steps = np.concatenate([[0], np.diff(energies[by_energy]) > tol]).astype(np.intp)
    group = np.empty(len(energies), dtype=np.intp)
    group[by_energy] = np.cumsum(steps) + 1
    group[is_global] = 0
    n_used = canonical.max(axis=1)
    keys = tuple(canonical[:, j] for j in reversed(range(canonical.shape[1]))) + (n_used, group)
    return np.lexsort(keys), is_global


# ------------------------------------------------------------------------------------------------ API

def solve(
    propensity,
    sizes,
    n_blocs: int = 2,
    *,
    exact_limit: int = _EXACT_LIMIT,
    seed: int = 0,
    starts: int = 256,
    max_listed: int = 1000,
    initial=None,
) -> Landscape:
    """All local minima of the landscape energy with at most `n_blocs` blocs, lowest energy first.

    Exact when the number of partitions (2^(n-1) for two blocs, the sum of Stirling numbers S(n, k) for
    k <= n_blocs in general) is at most `exact_limit`: every partition is examined. Beyond that, a
    heuristic: steepest single-actor descent from `starts` seeded random configurations, from everyone
    together, and from the sign patterns of the leading eigenvectors of P and of s_i s_j p_ij (Marvel et
    al. 2011); the distinct local minima reached are listed, and "global" means lowest found.

    A non-symmetric `propensity` is symmetrised as (P + P.T) / 2; the diagonal is ignored. Energies
    within 1e-9 of the energy scale (sum of |s_i s_j p_ij|) are ties; ties are listed with fewer blocs
    first, then by labels. With all propensities 0 every partition has E = 0 and, since no move lowers
    E, every partition is a (tied, global) local minimum: the single bloc comes first. At most
    `max_listed` configurations are kept; `local_minima` says how many there were. `initial`: extra
    starting configurations for the heuristic (rows of labels below n_blocs), e.g. the blocs a model
    tracked, so that they or a lower minimum reached from them are listed; ignored when exact.
    """
    p, s = _check(propensity, sizes, n_blocs)
    n_blocs = int(n_blocs)
    if max_listed < 1:
        raise ValueError("max_listed must be at least 1")
    n = s.size
    w = _weights(p, s)
    tol = _tolerance(w)
    total = float(np.triu(w, 1).sum())
    count = count_partitions(n, n_blocs)
    label_space = min(n_blocs, n)

    if count <= exact_limit:
        method = "exact"
        evaluated = count
        if label_space == 2 and count > _CACHED_ROWS:
            candidates = _two_bloc_candidates(w, tol)  # a superset of the minima, found by flip gains
            energies, stable = _energies_and_stability(candidates, w, total, label_space, tol)
            minima, minima_energy = candidates[stable], energies[stable]
        else:
            everything = (_cached_enumeration(n, label_space)[0] if count <= _CACHED_ROWS
                          else _enumerate(n, label_space))
            chunk = max(1, _CHUNK_CELLS // (n * label_space))
            found, found_energy = [], []
            for start in range(0, count, chunk):
                rows = everything[start:start + chunk]
                energies, stable = _energies_and_stability(rows, w, total, label_space, tol)
                found.append(rows[stable])
                found_energy.append(energies[stable])
            minima = np.vstack(found)
            minima_energy = np.concatenate(found_energy)
    else:
        method = "heuristic"
        extra = None if initial is None else _start_labels(initial, n, label_space)
        reached, evaluated = _heuristic(w, p, label_space, tol, seed, starts, extra)
        minima = np.unique(_canonical(reached, s, label_space), axis=0)
        minima_energy, _ = _energies_and_stability(minima, w, total, label_space, tol)

    canonical = _canonical(minima, s, label_space)
    order, is_global = _ranking(canonical, minima_energy, tol)
    configurations = tuple(
        Configuration(
            labels=tuple(int(x) for x in canonical[r]),
            energy=_pair_energy(w, canonical[r]),
            is_global=bool(is_global[r]),
        )
        for r in order[:max_listed]
    )
    return Landscape(configurations, method, n_blocs, int(evaluated), int(len(minima)))


def _warm_bipartitions(w: np.ndarray, s: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """_warm_partition for two blocs and m weight matrices at once (m, n, n): the same starts and the same
    steepest single-flip descents (_flip_descend) on every matrix together, then each matrix's lowest end
    point as _warm_partition picks it. Returns canonical labels (m, n), and -1 rows where a decision of the
    descent was too close to call for the batched arithmetic (two best moves, or a move and the tolerance,
    within _NEAR_TIE tolerances): the caller decides those with best_partition itself, so every row is what
    best_partition(previous=...) gives."""
    m, n = previous.shape
    tol = np.array([_tolerance(w[r]) for r in range(m)])
    near = _NEAR_TIE * tol + np.finfo(float).tiny
    common = _common_starts(n)
    starts = np.concatenate([previous[:, None, :], np.broadcast_to(common, (m, len(common), n))], axis=1)
    k = starts.shape[1]
    spins = np.ascontiguousarray(1.0 - 2.0 * starts.astype(float))  # _flip_descents changes it in place
    unsure = _flip_descents(w, spins, tol, near)
    reached = _canonical((spins < 0).astype(np.intp).reshape(m * k, n), s, 2).reshape(m, k, n)
    choice, decided = _clear_lowest(reached, w, tol)
    out = np.full((m, n), -1, dtype=np.intp)
    out[decided & ~unsure] = choice[decided & ~unsure]
    for r in np.flatnonzero(~decided & ~unsure):
        out[r] = _lowest(reached[r], w[r], s, 2, float(tol[r]))
    return out


def _common_starts(n: int) -> np.ndarray:
    """The starts _warm_partition adds to last month's blocs for two blocs: everyone together, then
    _WARM_RESTARTS configurations drawn from _WARM_SEED."""
    rng = np.random.default_rng(_WARM_SEED)
    return np.vstack([np.zeros((1, n), dtype=np.intp), rng.integers(0, 2, size=(_WARM_RESTARTS, n))])


def _flip_descents(w: np.ndarray, spins: np.ndarray, tol: np.ndarray, near: np.ndarray) -> np.ndarray:
    """_flip_descend on many rows at once, spins (m, k, n): k rows on each matrix w (m, n, n), changed in place.
    Returns, per matrix, whether one of its decisions was within `near` of another outcome (two best moves,
    or the best move and the tolerance): its end points may then differ from _flip_descend's. With more
    than _SAFE_STEPS - n moves in a descent every matrix is counted unsure. The rows still moving are kept
    together (copied out when some stop), not gathered from the whole block at every move."""
    m, k, n = spins.shape
    if not spins.flags.c_contiguous:
        raise ValueError("spins must be C-contiguous: the descents change them in place")
    flat = spins.reshape(m * k, n)  # a view: the moves below change spins
    of = np.repeat(np.arange(m), k)  # the matrix of each row
    unsure = np.zeros(m, dtype=bool)
    pending = np.ones(m, dtype=bool)  # matrices whose rows are recomputed and descended again
    moves = 0
    while pending.any():
        matrices = np.flatnonzero(pending)
        rows = np.flatnonzero(pending[of])  # the rows of those matrices, in order
        state = flat[rows]
        change = state * np.matmul(spins[matrices], w if len(matrices) == m else w[matrices]).reshape(-1, n)
        which = of[rows]
        moved = np.zeros(m, dtype=bool)
        while rows.size:
            line = np.arange(rows.size)
            best = change.argmin(axis=1)  # first of the best moves, as _flip_descend
            gain = change[line, best]
            threshold = -tol[which]
            close = np.abs(gain - threshold) <= near[which]
            change[line, best] = np.inf  # the second best move: the least of the others
            close |= change.min(axis=1) - gain <= near[which]
            change[line, best] = gain
            unsure[which[close]] = True
            improving = gain < threshold
            if not improving.all():
                flat[rows[~improving]] = state[~improving]  # these rows have stopped
                rows, state, change, which = rows[improving], state[improving], change[improving], which[improving]
                best, gain, line = best[improving], gain[improving], line[:rows.size]
                if not rows.size:
                    break
            moves += 1
            moved[which] = True
            flipped = state[line, best]
            change -= (2.0 * flipped)[:, None] * state * w[which, best]
            change[line, best] = -gain
            state[line, best] = -flipped
        pending &= moved
    return unsure | (n + moves > _SAFE_STEPS)


def _clear_lowest(reached: np.ndarray, w: np.ndarray, tol: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each matrix's lowest end point (_lowest's choice) among reached (m, k, n) canonical labels, and whether
    it is clear: E = total/2 - t'Wt/4 for spins t, and every end point either within half a tolerance of the
    lowest or beyond one and a half, with a single partition among the former. Where it is not (true ties,
    or energies near a tolerance) _lowest decides."""
    m = len(reached)
    t = 1.0 - 2.0 * reached
    energy = np.triu(w, 1).sum(axis=(1, 2))[:, None] / 2 - (np.matmul(t, w) * t).sum(axis=2) / 4
    gap = energy - energy.min(axis=1, keepdims=True)
    lowest = gap <= tol[:, None] / 2
    clear = (lowest | (gap >= 1.5 * tol[:, None])).all(axis=1)
    choice = reached[np.arange(m), lowest.argmax(axis=1)]
    single = (~lowest | (reached == choice[:, None, :]).all(axis=2)).all(axis=1)
    return choice, clear & single


def partitions_over_time(propensities, sizes, n_blocs: int = 2) -> np.ndarray:
    """One run's blocs month after month (T, n, n) propensities, sizes (T, n) -> canonical labels (T, n):
    row 0 is best_partition(propensities[0], sizes[0], n_blocs) and row t best_partition(..., previous=row
    t - 1), the same labels. Where that search is the warm two-bloc heuristic (beyond 22 actors), the
    descents from the common starts (_common_starts) do not depend on last month, so those of every month
    run together (_flip_descents); each month then descends from last month's blocs alone. A month with a
    decision too close for that arithmetic (_NEAR_TIE) goes to best_partition itself."""
    p = np.asarray(propensities, dtype=float)
    s = np.asarray(sizes, dtype=float)
    count, n = p.shape[0], p.shape[-1]
    out = np.empty((count, n), dtype=np.intp)
    if count == 0:
        return out
    out[0] = best_partitions(p[:1], s[0], n_blocs)[0]
    if min(int(n_blocs), n) != 2 or not _heuristic_search(n, 2):
        for t in range(1, count):
            out[t] = best_partitions(p[t:t + 1], s[t], n_blocs, out[t - 1:t])[0]
        return out
    _check(p[0], s[0], n_blocs)  # shapes; then every month's values at once, as _check checks them
    if s.shape != (count, n) or not np.all(np.isfinite(s)) or np.any(s <= 0):
        raise ValueError(f"sizes must be finite and positive, one row of {n} per month")
    if not np.all(np.isfinite(p)):
        raise ValueError("propensities must be finite")
    later, size = p[1:], s[1:]
    w = later + np.swapaxes(later, -1, -2)  # _weights(_check(...)) of every month: (s_i s_j) ((p + p') / 2)
    w /= 2
    w *= np.outer(size[0], size[0]) if np.all(size == size[0]) else size[:, :, None] * size[:, None, :]
    w[:, np.arange(n), np.arange(n)] = 0.0
    m = count - 1
    tol = np.array([_tolerance(w[r]) for r in range(m)])
    # _NEAR_TIE tolerances (1e-6 of the scale) would call nearly every month of 200 actors close (among 200
    # moves, two within that are common). The two computations of a move's gain (one matrix product and
    # up to `moves` updates here, in _flip_descend the same with other rows beside) each err by at most
    # (n + moves) * eps * sum |W|, so decisions clear by _ROUNDING_MARGIN * sum |W| are the same in both
    # while n + moves < _SAFE_STEPS (2000 * 2.2e-16 * 2 < 1e-12: a tenth of the margin).
    near = _ROUNDING_MARGIN * (2 * tol / RELATIVE_TOLERANCE) + np.finfo(float).tiny  # 2 tol / 1e-9: sum |W|
    common = _common_starts(n)
    k = len(common)
    spins = np.broadcast_to(1.0 - 2.0 * common, (m, k, n)).copy()
    unsure = _flip_descents(w, spins, tol, near)
    ends = (spins < 0).astype(np.intp)
    for t in range(1, count):
        r = t - 1
        if not unsure[r]:
            own = (1.0 - 2.0 * out[t - 1]).reshape(1, 1, n)
            if not _flip_descents(w[r:r + 1], own, tol[r:r + 1], near[r:r + 1])[0]:
                reached = _canonical(np.vstack([(own[0] < 0).astype(np.intp), ends[r]]), s[t], 2)
                choice, clear = _clear_lowest(reached[None], w[r:r + 1], tol[r:r + 1])
                out[t] = choice[0] if clear[0] else _lowest(reached, w[r], s[t], 2, float(tol[r]))
                continue
        out[t] = best_partition(p[t], s[t], n_blocs, out[t - 1])[0]
    return out


def best_partition(propensity, sizes, n_blocs: int = 2, previous=None) -> tuple[tuple[int, ...], float]:
    """The global minimum only (canonical labels, energy): the first configuration `solve` would list.

    The enumeration is cached per (number of actors, n_blocs), so for the model's seven actors one call
    costs well under a millisecond, and the answer is cached per exact (propensity, sizes, n_blocs), so a
    matrix that recurs costs a dictionary look-up. Falls back to `solve` when enumeration is too large.

    previous: last month's labels, used only where the search is heuristic (too many actors to search
    exactly): the search then descends from them, from everyone together and from a few seeded random
    configurations (_warm_partition) instead of solve's 259 starts. The answer is a local minimum no
    higher than the one reached from `previous`, and the same for the same inputs; where the search is
    exact `previous` is ignored and the answer does not depend on it.
    """
    p, s = _check(propensity, sizes, n_blocs)
    label_space = min(int(n_blocs), s.size)
    if previous is not None and _heuristic_search(s.size, label_space):
        start = _start_labels(previous, s.size, label_space)[0]
        return _best_partition(p.tobytes(), s.tobytes(), int(n_blocs), start.tobytes())
    return _best_partition(p.tobytes(), s.tobytes(), int(n_blocs))


@functools.lru_cache(maxsize=64)
def _heuristic_search(n: int, label_space: int) -> bool:
    """Whether best_partition searches heuristically: neither enumeration nor meeting in the middle."""
    if label_space == 2 and n <= _SPLIT_LIMIT:
        return False
    return count_partitions(n, label_space) > _EXACT_LIMIT


@functools.lru_cache(maxsize=_CACHED_SEARCHES)
def _best_partition(p_bytes: bytes, s_bytes: bytes, n_blocs: int,
                    previous: bytes | None = None) -> tuple[tuple[int, ...], float]:
    """best_partition on the arrays' bytes, so a propensity matrix seen before (a month with no change,
    a run identical to an earlier one) is answered from the cache with the very same result."""
    s = np.frombuffer(s_bytes, dtype=float)
    p = np.frombuffer(p_bytes, dtype=float).reshape(s.size, s.size)
    if previous is not None:
        label_space = min(n_blocs, s.size)
        best = _warm_partition(p, s, label_space, np.frombuffer(previous, dtype=np.intp))
        return tuple(int(x) for x in best), _pair_energy(_weights(p, s), best)
    n, label_space = s.size, min(n_blocs, s.size)
    if count_partitions(n, label_space) > _CACHED_ROWS:
        if label_space == 2 and n <= _SPLIT_LIMIT:
            return _best_bipartition(p, s)
        first = solve(p, s, n_blocs, max_listed=1).best
        return first.labels, first.energy
    w = _weights(p, s)
    labels, onehot = _cached_enumeration(n, label_space)
    same = sum(((onehot[b] @ w) * onehot[b]).sum(axis=1) for b in range(label_space)) / 2
    energies = float(np.triu(w, 1).sum()) - same
    candidates = np.flatnonzero(energies <= energies.min() + _tolerance(w))
    canonical = _canonical(labels[candidates], s, label_space)
    order, _ = _ranking(canonical, energies[candidates], _tolerance(w))
    best = canonical[order[0]]
    return tuple(int(x) for x in best), _pair_energy(w, best)


@dataclass(frozen=True)
class Placement:
    """How narrowly one actor's bloc is decided: the energy change if it alone moved to its best
    alternative (another bloc, or a bloc of its own while fewer than n_blocs are in use). A positive cost
    means the move raises E (the actor stays); near zero, its place is a close call; negative, the
    configuration is not a local minimum and the actor would move."""

    actor: int
    bloc: int
    to_bloc: int  # the alternative's label; == n_used for a new bloc of its own
    cost: float


def placements(propensity, sizes, labels, n_blocs: int = 2) -> tuple[Placement, ...]:
    """For each actor, the cheapest single-actor move away from `labels` and what it costs in energy."""
    p, s = _check(propensity, sizes, n_blocs)
    labels = np.asarray(labels, dtype=int)
    if labels.shape != s.shape:
        raise ValueError(f"labels must have one entry per actor ({s.size}), got shape {labels.shape}")
    w = _weights(p, s)
    used = sorted(set(int(x) for x in labels))
    fresh = max(used) + 1
    options = [b for b in used] + ([fresh] if len(used) < n_blocs else [])
    base = _pair_energy(w, labels)
    out = []
    for i, own in enumerate(labels):
        best: tuple[float, int] | None = None
        for target in options:
            if target == own or (target == fresh and np.sum(labels == own) == 1):
                continue  # no move, or "a new bloc" for an actor already alone
            moved = labels.copy()
            moved[i] = target
            cost = _pair_energy(w, moved) - base
            if best is None or cost < best[0]:
                best = (cost, target)
        if best is not None:
            out.append(Placement(i, int(own), best[1], float(best[0]) + 0.0))
    return tuple(out)
def _best_bipartition(p: np.ndarray, s: np.ndarray) -> tuple[tuple[int, ...], float]:
    """The exact global minimum with two blocs, by meeting in the middle (up to _SPLIT_LIMIT actors).

    With spins t_i = +-1 (t_0 = +1), E = (T - Q) / 2 where T = sum_{i<j} W_ij and Q = sum_{i<j} W_ij t_i t_j,
    so the minimum maximises Q. Q splits into a part within the first half A, one within the second half B
    and the cross term t_A W_AB t_B: every partition's Q is one entry of Q_A + Q_B + (S_A W_AB) S_B^T, a
    2^(n_A - 1) x 2^(n_B) matrix. The configurations near the maximum are then ranked exactly as `solve`
    ranks them (its energies, its tie rule), so the answer is the first configuration `solve` would list.
    """
    n = s.size
    w = _weights(p, s)
    tol = _tolerance(w)
    half = (n + 1) // 2
    spins_a = _spins(half, fixed_first=True)
    spins_b = _spins(n - half, fixed_first=False)
    w_a, w_b, w_ab = w[:half, :half], w[half:, half:], w[:half, half:]
    q_a = ((spins_a @ w_a) * spins_a).sum(axis=1) / 2
    q_b = ((spins_b @ w_b) * spins_b).sum(axis=1) / 2
    # The big matrix in single precision (half the memory traffic); its rounding, below 1e-6 of the scale
    # sum |W_ij|, is covered by keeping every configuration within _SINGLE_MARGIN of the best, which are
    # then compared in double precision. Q_A and Q_B ride in two extra columns of one matrix product:
    # [S_A W_AB, Q_A, 1] @ [S_B, 1, Q_B]^T, with no pass over the big matrix to add them.
    left = np.hstack([spins_a @ w_ab, q_a[:, None], np.ones((len(q_a), 1))]).astype(np.float32)
    right = np.hstack([spins_b, np.ones((len(q_b), 1)), q_b[:, None]]).astype(np.float32)
    q = left @ right.T
    row_best = q.max(axis=1)
    threshold = row_best.max() - _SINGLE_MARGIN * float(np.abs(w).sum())
    rows = np.flatnonzero(row_best >= threshold)
    near = np.argwhere(q[rows] >= threshold)
    near[:, 0] = rows[near[:, 0]]
    labels = np.hstack([spins_a[near[:, 0]] < 0, spins_b[near[:, 1]] < 0]).astype(np.int8)
    total = float(np.triu(w, 1).sum())
    energies, _ = _energies_and_stability(labels, w, total, 2, tol)
    canonical = _canonical(labels, s, 2)
    order, _ = _ranking(canonical, energies, tol)
    best = canonical[order[0]]
    return tuple(int(x) for x in best), _pair_energy(w, best)


@functools.lru_cache(maxsize=8)
def _spins(m: int, *, fixed_first: bool) -> np.ndarray:
    """Every +-1 vector of length m (the first fixed to +1 if asked), as rows of floats."""
    free = m - 1 if fixed_first else m
    bits = (np.arange(2 ** free)[:, None] >> np.arange(free)[None, :]) & 1
    spins = 1.0 - 2.0 * bits
    if fixed_first:
        spins = np.hstack([np.ones((len(spins), 1)), spins])
    spins.setflags(write=False)
    return spins


def blocs_as_names(labels, names) -> list[list[str]]:
    """Blocs in label order, members in input order; empty labels are skipped."""
    labels = [int(x) for x in labels]
    if len(labels) != len(names):
        raise ValueError(f"{len(labels)} labels for {len(names)} names")
    return [
        [name for name, label in zip(names, labels) if label == bloc]
        for bloc in sorted(set(labels))
    ]


@functools.lru_cache(maxsize=32)
def _cached_pairings(n: int, n_blocs: int) -> tuple[np.ndarray, np.ndarray]:
    """Every partition's labels, and for each whether actors i and j share a bloc, as (n * n, rows)."""
    labels = _cached_enumeration(n, n_blocs)[0]
    together = (labels[:, :, None] == labels[:, None, :]).reshape(len(labels), n * n).T.astype(float)
    together.setflags(write=False)
    return labels, together


def best_partitions(propensities, sizes, n_blocs: int = 2, previous=None) -> np.ndarray:
    """best_partition for many propensity matrices at once (m, n, n) -> canonical labels (m, n).

    Each row equals best_partition(propensities[r], sizes, n_blocs): the energies are computed with the
    same operations on the same enumeration, and any matrix with more than one configuration within the
    tie tolerance of its minimum is handed to best_partition itself, so ties are broken by one rule.
    The batched Monte Carlo engine calls it once a month for all runs. previous: (m, n) last month's
    labels, one row per matrix, passed on to best_partition (used only where the search is heuristic).
    """
    s = np.asarray(sizes, dtype=float)
    p = np.asarray(propensities, dtype=float)
    m, n = p.shape[0], s.size
    label_space = min(int(n_blocs), n)
    if m > 1 and previous is not None and label_space == 2 and _heuristic_search(n, 2):
        return _warm_best_bipartitions(p, s, _start_labels(previous, n, 2))
    # One matrix (a single run): best_partition itself, which the batched search would hand the matrix to
    # whenever a decision is close, so a single large run searched every such month twice.
    if m == 0 or count_partitions(n, label_space) > _CACHED_ROWS:
        return np.array([best_partition(p[r], s, n_blocs, None if previous is None else previous[r])[0]
                         for r in range(m)], dtype=np.intp).reshape(m, n)
    _check(p[0], s, n_blocs)
    if not np.all(np.isfinite(p)):
        raise ValueError("propensities must be finite")
    sym = (p + np.swapaxes(p, -1, -2)) / 2
    w = np.outer(s, s) * sym
    w[:, np.arange(n), np.arange(n)] = 0.0
    labels, together = _cached_pairings(n, label_space)
    energies = (np.triu(w, 1).reshape(m, n * n).sum(axis=1)[:, None]
                - w.reshape(m, n * n) @ together / 2)  # one matrix product for every matrix and partition
    scale = np.abs(w).reshape(m, n * n).sum(axis=1) / 2
    lowest = energies.min(axis=1)
    # Rounding here differs from best_partition's in the last bits only, so a matrix whose runner-up lies
    # within a margin far above rounding (10^3 tie tolerances) is decided by best_partition itself.
    tied = (energies <= (lowest + _NEAR_TIE * RELATIVE_TOLERANCE * scale)[:, None]).sum(axis=1) > 1
    out = _canonical(labels[energies.argmin(axis=1)], s, label_space)
    for r in np.flatnonzero(tied):
        out[r] = best_partition(p[r], s, n_blocs)[0]
    return out


def _warm_best_bipartitions(p: np.ndarray, s: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """best_partitions where the two-bloc search is heuristic and last month's blocs are known: one batched
    warm search for every matrix (_warm_bipartitions); a matrix it cannot call goes to best_partition."""
    m, n = p.shape[0], s.size
    _check(p[0], s, 2)
    if not np.all(np.isfinite(p)):
        raise ValueError("propensities must be finite")
    if len(previous) != m:
        raise ValueError(f"previous must have one row per matrix ({m}), got {len(previous)}")
    sym = (p + np.swapaxes(p, -1, -2)) / 2
    w = np.outer(s, s) * sym
    w[:, np.arange(n), np.arange(n)] = 0.0
    out = _warm_bipartitions(w, s, previous)
    for r in np.flatnonzero(out[:, 0] < 0):
        out[r] = best_partition(p[r], s, 2, previous[r])[0]
    return out
