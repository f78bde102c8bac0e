"""The fast bloc searches against slow references: the two-bloc listing by flip gains against a brute-force
enumeration, the heuristic (cold and warm-started) against the exact search, and the warm-started monthly
search in the per-run and batched engines alike."""

from dataclasses import replace

import numpy as np
import pytest

import sim
from sim.model import landscape
from sim.model.world import World
from sim.model.draws import run_seed
from sim.results.runner import run
from sim.inputs.tables import load_codebook
from sim.model.engine import AlignmentModel


def _world(n: int, seed: int, *, coarse: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """A random symmetric propensity matrix and sizes; coarse: integers and equal sizes (many exact ties)."""
    rng = np.random.default_rng(seed)
    p = rng.uniform(-1, 1, (n, n))
    p = (p + p.T) / 2
    if coarse:
        return np.round(p), np.ones(n)
    return p, rng.uniform(0.3, 3.0, n)


def _brute_force_two_bloc_minima(p: np.ndarray, sizes: np.ndarray) -> dict[frozenset, float]:
    """Every two-bloc local minimum by enumerating all 2^(n-1) partitions (bloc sets -> energy)."""
    n = len(sizes)
    w = np.outer(sizes, sizes) * p
    np.fill_diagonal(w, 0.0)
    tol = landscape.RELATIVE_TOLERANCE * np.abs(w).sum() / 2
    codes = np.arange(2 ** (n - 1))
    labels = ((codes[:, None] >> np.arange(n - 1)[None, :]) & 1).astype(float)
    labels = np.hstack([np.zeros((len(codes), 1)), labels])  # actor 0 in bloc 0
    same = 1 - labels
    to_own = np.where(labels == 1, labels @ w, same @ w)  # W summed over each actor's own bloc
    to_other = w.sum(axis=1)[None, :] - to_own
    stable = np.all(to_other - to_own <= tol, axis=1)  # moving any one actor lowers E by at most tol
    energies = np.triu(w, 1).sum() - (to_own.sum(axis=1) / 2)
    out = {}
    for row, e in zip(labels[stable], energies[stable]):
        blocs = frozenset(frozenset(np.flatnonzero(row == b).tolist()) for b in (0, 1) if (row == b).any())
        out[blocs] = float(e)
    return out


def _as_blocs(labels) -> frozenset:
    labels = np.asarray(labels)
    return frozenset(frozenset(np.flatnonzero(labels == b).tolist()) for b in set(labels.tolist()))


def _is_local_minimum(p, sizes, labels, n_blocs) -> bool:
    """No single actor's move (to another bloc, or a new one while fewer than n_blocs) lowers E beyond ties."""
    w = np.outer(sizes, sizes) * p
    tol = landscape.RELATIVE_TOLERANCE * (np.abs(w).sum() - np.abs(np.diag(w)).sum()) / 2
    return all(place.cost >= -tol for place in landscape.placements(p, sizes, labels, n_blocs))


@pytest.mark.parametrize("n, seed, coarse", [(14, 1, False), (15, 2, True), (16, 3, False), (16, 4, True)])
def test_two_bloc_listing_is_every_local_minimum(n, seed, coarse):
    """Beyond the cached enumeration, solve lists two-bloc minima from flip gains: exactly brute force's set."""
    p, sizes = _world(n, seed, coarse=coarse)
    assert landscape.count_partitions(n, 2) > landscape._CACHED_ROWS  # the fast listing, not the cached one
    expected = _brute_force_two_bloc_minima(p, sizes)
    result = landscape.solve(p, sizes, 2, max_listed=10 ** 6)
    assert result.method == "exact" and result.local_minima == len(expected)
    listed = {_as_blocs(c.labels): c.energy for c in result.configurations}
    assert listed.keys() == expected.keys()
    for blocs, value in listed.items():
        assert value == pytest.approx(expected[blocs], abs=1e-9)
    assert result.best.energy == pytest.approx(min(expected.values()), abs=1e-9)


def test_two_bloc_listing_keeps_ties_within_the_tolerance():
    """An actor whose ties are below the tie tolerance can sit in either bloc, though one side is lower by a
    hair: both placements are minima ("lower" means lower by more than the tolerance), and both listed."""
    p, sizes = _world(15, 7)
    tiny = np.random.default_rng(7).uniform(-1e-9, 1e-9, 15)
    p[4, :] = p[:, 4] = tiny
    result = landscape.solve(p, sizes, 2, max_listed=10 ** 6)
    minima = {_as_blocs(c.labels) for c in result.configurations}
    best = [set(b) for b in _as_blocs(result.best.labels)]
    moved = [b - {4} if 4 in b else b | {4} for b in best]  # actor 4 in the other bloc
    assert frozenset(frozenset(b) for b in moved if b) in minima


@pytest.mark.parametrize("n", [10, 12, 14, 16])
def test_heuristic_finds_the_exact_minimum_on_random_worlds_and_only_local_minima(n):
    found = 0
    for seed in range(8):
        p, sizes = _world(n, 1000 * n + seed, coarse=seed % 4 == 3)
        exact = landscape.solve(p, sizes, 2, max_listed=1).best
        heuristic = landscape.solve(p, sizes, 2, exact_limit=0, max_listed=1000)
        assert heuristic.method == "heuristic"
        assert heuristic.best.energy >= exact.energy - 1e-9  # "lowest found" is never below the true minimum
        found += heuristic.best.labels == exact.labels
        for c in heuristic.configurations:
            assert _is_local_minimum(p, sizes, c.labels, 2)
    assert found >= 7  # 259 starts on at most 16 actors: the true minimum in (nearly) every world


@pytest.mark.parametrize("n", [10, 13, 16])
def test_warm_search_matches_the_exact_search_month_to_month(n):
    """As the model uses it: last month's exact blocs, this month's matrix moved a little. The warm search
    (from them, everyone together and a few seeded restarts) finds the exact minimum in most worlds."""
    found, trials = 0, 12
    for seed in range(trials):
        p, sizes = _world(n, 2000 * n + seed)
        shift = np.random.default_rng(seed).normal(0, 0.1, (n, n))
        moved = p + (shift + shift.T) / 2
        previous = np.array(landscape.solve(p, sizes, 2, max_listed=1).best.labels)
        labels = landscape._warm_partition(moved, sizes, 2, previous)
        assert _is_local_minimum(moved, sizes, labels, 2)
        found += tuple(int(x) for x in labels) == landscape.solve(moved, sizes, 2, max_listed=1).best.labels
    assert found >= trials - 2


@pytest.mark.parametrize("n", [10, 13, 16])
def test_warm_search_from_any_start_is_a_local_minimum_no_higher_than_its_start(n):
    """Whatever the previous blocs, the answer is a true local minimum (no single move lowers E) and no
    higher than the descent from the previous blocs alone, nor below the exact minimum."""
    for seed in range(8):
        p, sizes = _world(n, 3000 * n + seed, coarse=seed % 4 == 3)
        previous = np.random.default_rng(seed).integers(0, 2, n)
        labels = landscape._warm_partition(p, sizes, 2, previous)
        assert _is_local_minimum(p, sizes, labels, 2)
        w = landscape._weights(p, sizes)
        alone, _ = landscape._descend(previous[None, :], w, 2, landscape._tolerance(w))
        warm = landscape.energy(p, sizes, labels)
        assert warm <= landscape.energy(p, sizes, alone[0]) + 1e-9
        assert warm >= landscape.solve(p, sizes, 2, max_listed=1).best.energy - 1e-9


def test_warm_search_keeps_last_months_blocs_when_they_are_still_the_minimum():
    """Two planted camps of 30: started from the camps, the warm search returns them (cheaply, in one descent)."""
    n = 30
    camp = np.arange(n) % 2
    p = np.where(camp[:, None] == camp[None, :], 1.0, -1.0)
    labels, value = landscape.best_partition(p, np.ones(n), 2, camp)
    assert labels == tuple(int(x) for x in camp) and value == -(n // 2) ** 2


def test_warm_best_partition_is_deterministic_and_ignored_where_the_search_is_exact():
    p, sizes = _world(40, 5)
    previous = np.random.default_rng(0).integers(0, 2, 40)
    first = landscape.best_partition(p, sizes, 2, previous)
    landscape._best_partition.cache_clear()
    assert landscape.best_partition(p.copy(), sizes.copy(), 2, previous.copy()) == first
    assert _is_local_minimum(p, sizes, first[0], 2)
    small, small_sizes = _world(18, 6)  # exact (meeting in the middle): the start changes nothing
    assert (landscape.best_partition(small, small_sizes, 2, np.ones(18, dtype=int))
            == landscape.best_partition(small, small_sizes, 2))


@pytest.mark.parametrize("bad", [np.zeros(39, dtype=int), np.full(40, 2), np.full(40, 0.5)])
def test_malformed_previous_blocs_raise_value_error(bad):
    p, sizes = _world(40, 5)
    with pytest.raises(ValueError):
        landscape.best_partition(p, sizes, 2, bad)


def test_best_partitions_passes_each_runs_previous_blocs():
    rng = np.random.default_rng(9)
    n, m = 60, 3
    p = rng.uniform(-1, 1, (m, n, n))
    p = (p + np.swapaxes(p, 1, 2)) / 2
    sizes = rng.uniform(0.5, 3.0, n)
    previous = rng.integers(0, 2, (m, n))
    batched = landscape.best_partitions(p, sizes, 2, previous)
    single = np.array([landscape.best_partition(p[r], sizes, 2, previous[r])[0] for r in range(m)])
    np.testing.assert_array_equal(batched, single)
    assert not np.array_equal(batched, landscape.best_partitions(p, sizes, 2))  # the starts made a difference


def test_one_matrix_is_searched_once(monkeypatch):
    """A single run's month goes to best_partition alone: the batched warm search would hand it there
    whenever a decision is close, searching it twice (issue 25: the 200-actor run)."""
    rng = np.random.default_rng(4)
    n = 60
    p = rng.uniform(-1, 1, (1, n, n))
    p = (p + np.swapaxes(p, 1, 2)) / 2
    sizes = rng.uniform(0.5, 3.0, n)
    previous = rng.integers(0, 2, (1, n))
    expected = landscape.best_partition(p[0], sizes, 2, previous[0])[0]
    landscape._best_partition.cache_clear()

    def batched(*args):
        raise AssertionError("one matrix went through the batched search")

    monkeypatch.setattr(landscape, "_warm_bipartitions", batched)
    assert tuple(landscape.best_partitions(p, sizes, 2, previous)[0]) == expected


def test_solve_lists_the_minimum_reached_from_a_given_start():
    """solve(initial=...) adds starting configurations to the heuristic: a local minimum that its own starts
    miss is listed once it is given as a start (the summary gives the blocs the model ended in)."""
    p, sizes = _world(40, 11)
    w = landscape._weights(p, sizes)
    ends, _ = landscape._descend(np.random.default_rng(1).integers(0, 2, (1, 40)), w, 2, landscape._tolerance(w))
    given = landscape._canonical(ends, sizes, 2)[0]
    key = tuple(int(x) for x in given)
    without = landscape.solve(p, sizes, 2, starts=0)
    assert without.method == "heuristic" and key not in {c.labels for c in without.configurations}
    with_start = landscape.solve(p, sizes, 2, starts=0, initial=[given])
    assert key in {c.labels for c in with_start.configurations}
    assert with_start.best.energy <= landscape.energy(p, sizes, given)
    with pytest.raises(ValueError):
        landscape.solve(p, sizes, 2, initial=[given[:-1]])


def _large(n: int, *, runs: int, months: int, reactions: bool = True):
    """The arms-sale scenario in a world of n actors (the bundled seven plus seeded random ones), noise 0.05."""
    scenario = sim.load_scenario("arms_sale_pakistan")
    scenario = replace(scenario, months=months, runs=runs, parameters=scenario.parameters.with_overrides(
        {"noise": 0.05, "reactions": reactions}))
    known = sim.build_world(scenario)
    extra = n - len(known.names)
    rng = np.random.default_rng(n)
    scores = np.round(rng.uniform(-0.7, 0.7, (n, n)), 2)
    scores = (scores + scores.T) / 2
    scores[:len(known.names), :len(known.names)] = known.scores
    np.fill_diagonal(scores, 0.0)
    names = tuple(known.names) + tuple(f"Extra{i}" for i in range(extra))
    world = World(names, np.concatenate([known.capabilities, rng.uniform(0.3, 3.0, extra)]), scores,
                  {(a, b): "test" for a in names for b in names if a != b},
                  kinds=tuple(known.kinds) + ("state",) * extra)
    return scenario, world


def test_the_engine_warm_starts_each_runs_blocs_from_its_previous_month():
    """80 actors (heuristic search): in a batch and in each run alone, each month's blocs are
    best_partition of that month's scores started from the run's blocs of the month before, and that
    differs from a cold search in some month (so the warm start is really in force)."""
    months = 12
    scenario, world = _large(80, runs=2, months=months, reactions=False)
    codebook = load_codebook()
    seeds = [run_seed(scenario.seed, k) for k in (1, 2)]
    batch = AlignmentModel(world, scenario.events, scenario.parameters, seeds=seeds, months=months,
                           codebook=codebook).run()
    for k, seed in enumerate(seeds):
        alone = AlignmentModel(world, scenario.events, scenario.parameters, months=months, seeds=[seed],
                               codebook=codebook).run()
        blocs = alone.blocs[0]
        np.testing.assert_array_equal(batch.blocs[k], blocs)
        scores = alone.scores[0]
        previous = None
        for month, matrix in enumerate(scores):
            previous, _ = landscape.best_partition((matrix + matrix.T) / 2, world.capabilities, 2, previous)
            assert previous == tuple(blocs[month])
    cold = [landscape.best_partition((m + m.T) / 2, world.capabilities, 2)[0] for m in scores]
    assert any(tuple(blocs[month]) != cold[month] for month in range(months + 1))


def test_summary_lists_the_blocs_the_model_ended_in_in_a_large_world():
    """The summary's heuristic landscape also starts from the model's final blocs: they are listed, and the
    lowest listed minimum is no higher."""
    scenario, world = _large(25, runs=1, months=18)
    result = run(scenario, world=world, summarise=True)
    final = result.matrix(result.months)
    p = (final + final.T) / 2
    ended = result.partitions()[0, -1]
    listed = {frozenset(frozenset(b) for b in m.blocs): m.energy for m in result.summary.blocs.final_local_minima}
    names = np.array(result.actors)
    key = frozenset(frozenset(names[ended == b].tolist()) for b in set(ended.tolist()))
    assert key in listed
    assert min(listed.values()) <= listed[key]
    assert listed[key] == pytest.approx(landscape.energy(p, result.capabilities, ended), abs=1e-6)


@pytest.mark.parametrize("n, coarse", [(23, False), (27, False), (40, True), (60, False)])
def test_the_batched_warm_search_gives_each_matrix_what_best_partition_gives_it(n, coarse):
    """Above 22 actors a month's blocs of every run are searched at once (the same starts and descents as
    the one-matrix warm search); whatever the batch cannot call (near ties, coarse scores) goes to
    best_partition. Either way each run gets exactly best_partition(previous=...)'s labels, month after
    month, and the batch decides most of them itself."""
    rng = np.random.default_rng(n)
    runs = 30
    sizes = rng.uniform(0.2, 5, n)
    base = rng.uniform(-1, 1, (n, n))
    p = np.broadcast_to((base + base.T) / 2, (runs, n, n)).copy()
    previous = np.array([landscape.best_partition(p[r], sizes, 2)[0] for r in range(runs)])
    decided = 0
    for _month in range(6):
        p = p + rng.normal(0, 0.08, p.shape)
        p = (p + np.swapaxes(p, 1, 2)) / 2
        if coarse:
            p = np.round(p, 1)
        w = np.outer(sizes, sizes) * p
        w[:, np.arange(n), np.arange(n)] = 0.0
        decided += int((landscape._warm_bipartitions(w, sizes, previous)[:, 0] >= 0).sum())
        batched = landscape.best_partitions(p, sizes, 2, previous)
        landscape._best_partition.cache_clear()  # the reference computes afresh
        for r in range(runs):
            assert tuple(batched[r]) == landscape.best_partition(p[r], sizes, 2, previous[r])[0]
        previous = batched
    assert decided >= runs * 6 // 2


@pytest.mark.parametrize("n, coarse, seed", [(23, False, 1), (31, False, 2), (40, True, 3), (64, False, 4),
                                             (120, False, 5)])
def test_one_runs_months_searched_together_give_what_best_partition_gives_month_by_month(n, coarse, seed,
                                                                                        monkeypatch):
    """partitions_over_time (issue 25) descends from the common starts of every month at once, and from
    last month's blocs month by month; each month must get best_partition(previous=last month)'s labels,
    whether the month's decisions were clear (most) or went to the exact warm search (coarse scores tie)."""
    rng = np.random.default_rng(seed)
    months = 14
    base = rng.uniform(-1, 1, (n, n))
    steps = rng.normal(0, 0.06, (months, n, n))
    p = (base + base.T) / 2 + np.cumsum((steps + np.swapaxes(steps, 1, 2)) / 2, axis=0)
    if coarse:
        p = np.round(p, 1)
    sizes = np.broadcast_to(rng.uniform(0.2, 5, n), (months, n)).copy()
    sizes[months // 2:, 0] *= 3  # an actor's capability changes midway, as an ActorChange makes it
    calls = []
    exact = landscape.best_partition
    monkeypatch.setattr(landscape, "best_partition", lambda *args: calls.append(1) or exact(*args))
    got = landscape.partitions_over_time(p, sizes, 2)
    monkeypatch.undo()
    if not coarse:
        assert len(calls) <= 1 + months // 4  # month 0, and few close calls: the months searched together
    landscape._best_partition.cache_clear()  # the reference computes afresh
    previous = None
    for month in range(months):
        expected = landscape.best_partition(p[month], sizes[month], 2, previous)[0]
        assert tuple(got[month]) == expected, f"month {month}"
        previous = np.array(expected)
    assert len({tuple(row) for row in got}) > 1, "the blocs should change over the months"


def test_months_searched_together_go_to_the_exact_search_on_a_close_call(monkeypatch):
    """A month whose descent meets a near tie is decided by best_partition itself (counted here)."""
    rng = np.random.default_rng(9)
    n, months = 30, 5
    base = np.round(rng.uniform(-1, 1, (n, n)))
    p = np.broadcast_to((base + base.T) / 2, (months, n, n)).copy()  # half-integers: ties everywhere
    sizes = np.ones((months, n))
    calls = []
    exact = landscape.best_partition
    monkeypatch.setattr(landscape, "best_partition", lambda *args: calls.append(1) or exact(*args))
    got = landscape.partitions_over_time(p, sizes, 2)
    assert len(calls) > 1  # month 0, and at least one close call after it
    monkeypatch.undo()
    landscape._best_partition.cache_clear()
    previous = None
    for month in range(months):
        expected = landscape.best_partition(p[month], sizes[month], 2, previous)[0]
        assert tuple(got[month]) == expected
        previous = np.array(expected)


@pytest.mark.parametrize("change", ["nan propensity", "zero size", "sizes of another shape"])
def test_months_searched_together_refuse_malformed_arrays(change):
    p, sizes = _world(30, 3)
    months = np.broadcast_to(p, (4, 30, 30)).copy()
    each = np.broadcast_to(sizes, (4, 30)).copy()
    if change == "nan propensity":
        months[2, 3, 4] = np.nan
    elif change == "zero size":
        each[3, 0] = 0.0
    else:
        each = each[:, :29]
    with pytest.raises(ValueError):
        landscape.partitions_over_time(months, each, 2)


def test_distinct_end_points_are_numpys_unique_rows():
    """_lowest's distinct end points without np.unique(axis=0) (issue 25): the same rows in the same order."""
    rng = np.random.default_rng(2)
    for _ in range(300):
        rows = rng.integers(0, rng.integers(1, 4), (rng.integers(1, 8), rng.integers(1, 30))).astype(np.intp)
        rows = np.vstack([rows, rows[::2]])  # repeats
        expected = np.unique(rows, axis=0)
        got = landscape._unique_rows(rows)
        assert got.dtype == expected.dtype and np.array_equal(got, expected)
