"""The landscape solver (sim/model/landscape.py) against cases solved by hand, and against brute force.

Energies are sums over unordered pairs: E = sum_{i<j} s_i s_j p_ij d_ij (half of Axelrod & Bennett's
ordered sum). Canonical labels: blocs by decreasing total size, ties by lowest actor index.
"""

import itertools

import numpy as np
import pytest

from sim.model import landscape
from sim.model.landscape import best_partition, blocs_as_names, count_partitions, energy, solve


def symmetric(n, pairs):
    p = np.zeros((n, n))
    for i, j, value in pairs:
        p[i, j] = p[j, i] = value
    return p


# ------------------------------------------------------------------------------------ energy by hand

def test_energy_of_a_given_configuration():
    # sizes 2, 1, 3; p01 = 0.5, p02 = -1, p12 = 0.25; actor 0 alone, 1 and 2 together.
    # Split pairs: (0,1): 2*1*0.5 = 1; (0,2): 2*3*(-1) = -6. (1,2) not split. E = 1 - 6 = -5.
    p = symmetric(3, [(0, 1, 0.5), (0, 2, -1.0), (1, 2, 0.25)])
    assert energy(p, [2, 1, 3], [0, 1, 1]) == pytest.approx(-5.0)
    # Everyone together: nothing split, E = 0. Everyone apart: 1 - 6 + 1*3*0.25 = -4.25.
    assert energy(p, [2, 1, 3], [0, 0, 0]) == 0.0
    assert energy(p, [2, 1, 3], [0, 1, 2]) == pytest.approx(-4.25)
    # Label names do not matter, only the partition.
    assert energy(p, [2, 1, 3], [7, 3, 3]) == pytest.approx(-5.0)


def test_energy_symmetrises_a_directed_matrix():
    # p01 = 0.5 and p10 = 0.3 average to 0.4; sizes 1 and 2: split pair gives 1*2*0.4 = 0.8.
    p = np.array([[0.0, 0.5], [0.3, 0.0]])
    assert energy(p, [1, 2], [0, 1]) == pytest.approx(0.8)
    # The diagonal is no pair and never counts.
    assert energy(np.array([[9.0, 0.5], [0.3, 9.0]]), [1, 2], [0, 1]) == pytest.approx(0.8)


# ------------------------------------------------------------------------------- solved by hand

def test_two_friendly_pairs_that_dislike_each_other():
    # p01 = p23 = +1, every cross pair -1, equal sizes. {0,1}|{2,3} splits the four hostile pairs:
    # E = -4. Every other split separates a friendly pair (+1) and fewer hostile ones; together E = 0.
    # Single bloc is not stable: moving 0 out splits (0,1) +1 and (0,2), (0,3) -2, so E drops by 1.
    p = symmetric(4, [(0, 1, 1), (2, 3, 1), (0, 2, -1), (0, 3, -1), (1, 2, -1), (1, 3, -1)])
    result = solve(p, np.ones(4))
    assert result.method == "exact" and result.evaluated == 8  # 2^(4-1) partitions
    assert [(c.labels, c.energy, c.is_global) for c in result.configurations] == [((0, 0, 1, 1), -4.0, True)]
    assert best_partition(p, np.ones(4)) == ((0, 0, 1, 1), -4.0)


def test_unbalanced_triangle_ties_three_ways():
    # Three mutual rivals, p = -1, equal sizes, two blocs. Putting one actor alone splits two hostile
    # pairs: E = -2, three ways. All together: E = 0, not stable. From {a}|{b,c}, moving b to a's bloc
    # joins (a,b) (+1) and splits (b,c) (-1): E unchanged, so no move lowers E: all three are minima.
    # Canonical labels put the pair (size 2) first: {c}|{a,b} = (0,0,1), {b}|... = (0,1,0), (1,0,0).
    p = symmetric(3, [(0, 1, -1), (0, 2, -1), (1, 2, -1)])
    result = solve(p, np.ones(3))
    assert [(c.labels, c.energy, c.is_global) for c in result.configurations] == [
        ((0, 0, 1), -2.0, True), ((0, 1, 0), -2.0, True), ((1, 0, 0), -2.0, True)]
    assert best_partition(p, np.ones(3)) == ((0, 0, 1), -2.0)


def test_three_blocs_beat_two_for_the_triangle():
    # With K = 3 every actor alone splits all three hostile pairs: E = -3 < -2. The two-bloc
    # configurations are no longer minima: from {a}|{b,c}, b moving to a new bloc splits (b,c): -1.
    p = symmetric(3, [(0, 1, -1), (0, 2, -1), (1, 2, -1)])
    result = solve(p, np.ones(3), n_blocs=3)
    assert [(c.labels, c.energy, c.is_global) for c in result.configurations] == [((0, 1, 2), -3.0, True)]
    assert result.evaluated == 5  # S(3,1) + S(3,2) + S(3,3) = 1 + 3 + 1


def test_three_hostile_pairs_of_friends_need_three_blocs():
    # Pairs {0,1}, {2,3}, {4,5}: +1 inside, -1 across (12 hostile pairs, equal sizes).
    # K = 3: each pair its own bloc splits all 12 hostile pairs: E = -12.
    # K = 2: the best keeps two pairs together against the third: 2*2*2 = 8 hostile pairs split, E = -8,
    # three ways (which pair stands alone). The four-actor bloc is the larger, so it is bloc 0.
    friends = {(0, 1), (2, 3), (4, 5)}
    p = symmetric(6, [(i, j, 1 if (i, j) in friends else -1) for i, j in itertools.combinations(range(6), 2)])
    three = solve(p, np.ones(6), n_blocs=3)
    assert three.best.labels == (0, 0, 1, 1, 2, 2) and three.best.energy == -12.0
    assert [c.is_global for c in three.configurations].count(True) == 1
    two = solve(p, np.ones(6), n_blocs=2)
    assert sorted(c.labels for c in two.configurations if c.is_global) == [
        (0, 0, 0, 0, 1, 1), (0, 0, 1, 1, 0, 0), (1, 1, 0, 0, 0, 0)]
    assert two.best.energy == -8.0


def test_sizes_change_the_answer():
    # C (index 2) is friendly with both rivals A and B: p_AB = -1, p_AC = p_BC = +1.
    # {A,C}|{B}: E = -sA*sB + sB*sC;  {B,C}|{A}: E = -sA*sB + sA*sC;  {A,B}|{C}: sA*sC + sB*sC > 0.
    # sA = 3, sB = 1, sC = 1: {A,C}|{B} = -3 + 1 = -2 beats {B,C}|{A} = -3 + 3 = 0: C joins A.
    # sA = 1, sB = 3: the same numbers the other way round: C joins B.
    p = symmetric(3, [(0, 1, -1), (0, 2, 1), (1, 2, 1)])
    assert best_partition(p, [3, 1, 1]) == ((0, 1, 0), -2.0)  # bloc {A,C} (size 4) is bloc 0
    assert best_partition(p, [1, 3, 1]) == ((1, 0, 0), -2.0)  # bloc {B,C} (size 4) is bloc 0
    # Equal sizes: {A,C}|{B} = -1 + 1 = 0 = {B,C}|{A} = all together; {A,B}|{C} = 2. A three-way tie,
    # listed with the fewest blocs first: all together.
    assert best_partition(p, [1, 1, 1]) == ((0, 0, 0), 0.0)


def test_exactly_two_local_minima_of_different_energies():
    # Two friendly pairs {0,1} and {2,3} (p = +2) with mild hostility across (p = -0.5), equal sizes.
    # The eight two-bloc partitions (actor 0 in the first bloc):
    #   {0123}: 0                 {0}|{123}, {012}|{3}, {013}|{2}, {023}|{1}: 2 - 0.5 - 0.5 = 1
    #   {01}|{23}: 4 * -0.5 = -2  {02}|{13}, {03}|{12}: 2 + 2 - 0.5 - 0.5 = 3
    # {01}|{23}: every single move gives 1 (higher): a minimum. {0123}: every move gives 1: a minimum.
    # Each 1-configuration can reach -2 in one move, each 3-configuration can reach 1: not minima.
    p = symmetric(4, [(0, 1, 2), (2, 3, 2), (0, 2, -0.5), (0, 3, -0.5), (1, 2, -0.5), (1, 3, -0.5)])
    result = solve(p, np.ones(4))
    assert [(c.labels, c.energy, c.is_global) for c in result.configurations] == [
        ((0, 0, 1, 1), -2.0, True), ((0, 0, 0, 0), 0.0, False)]
    assert result.local_minima == 2


def test_all_zero_propensities_list_every_partition_single_bloc_first():
    # E = 0 for all 8 two-bloc partitions of 4 actors; no move lowers E, so all are (tied) minima.
    result = solve(np.zeros((4, 4)), np.ones(4))
    assert result.local_minima == 8 and len(result.configurations) == 8
    assert all(c.is_global and c.energy == 0.0 for c in result.configurations)
    assert result.configurations[0].labels == (0, 0, 0, 0)
    assert best_partition(np.zeros((4, 4)), np.ones(4)) == ((0, 0, 0, 0), 0.0)
    # Bell number B(4) = 15 partitions with up to 4 blocs.
    assert solve(np.zeros((4, 4)), np.ones(4), n_blocs=4).local_minima == 15


def test_one_actor():
    result = solve(np.zeros((1, 1)), [2.0], n_blocs=3)
    assert [(c.labels, c.energy) for c in result.configurations] == [((0,), 0.0)]


def test_count_partitions_by_hand():
    assert count_partitions(4, 2) == 8  # 2^3
    assert count_partitions(4, 3) == 14  # 1 + 7 + 6
    assert count_partitions(4, 9) == 15  # Bell number
    assert count_partitions(20, 2) == 2 ** 19
    assert count_partitions(5, 1) == 1


# ----------------------------------------------------------------------------- canonical labels

def test_canonical_labels_order_blocs_by_size_then_lowest_index():
    # Rivals 0 (size 1) and 1 (size 5): the larger actor's bloc is bloc 0 even though it has index 1.
    p = symmetric(2, [(0, 1, -1)])
    assert best_partition(p, [1, 5]) == ((1, 0), -5.0)
    # Equal sizes: the bloc containing actor 0 comes first.
    assert best_partition(p, [2, 2]) == ((0, 1), -4.0)
    assert blocs_as_names((1, 0, 1), ["A", "B", "C"]) == [["B"], ["A", "C"]]
    assert blocs_as_names((0, 1, 0), ["A", "B", "C"]) == [["A", "C"], ["B"]]


# ------------------------------------------------------------------------------- brute force

def brute_force_minima(p, sizes, n_blocs):
    """Independent reference: every label vector, every single-actor move, plain Python loops."""
    n = len(sizes)

    def e(labels):
        return sum(sizes[i] * sizes[j] * p[i][j]
                   for i in range(n) for j in range(i + 1, n) if labels[i] != labels[j])

    def canonical(labels):
        blocs = {}
        for i, label in enumerate(labels):
            blocs.setdefault(label, []).append(i)
        ordered = sorted(blocs.values(), key=lambda members: (-round(sum(sizes[i] for i in members), 9),
                                                              members[0]))
        out = [0] * n
        for k, members in enumerate(ordered):
            for i in members:
                out[i] = k
        return tuple(out)

    minima = {}
    for labels in itertools.product(range(n_blocs), repeat=n):
        here = e(labels)
        used = set(labels)
        targets = set(used) | ({next(iter(set(range(n_blocs)) - used))} if len(used) < n_blocs else set())
        stable = True
        for i in range(n):
            for b in targets - {labels[i]}:
                moved = list(labels)
                moved[i] = b
                if e(moved) < here - 1e-9:
                    stable = False
        if stable:
            minima[canonical(labels)] = here
    return minima


@pytest.mark.parametrize("case", range(12))
def test_exact_solver_matches_brute_force(case):
    rng = np.random.default_rng(100 + case)
    n, n_blocs = int(rng.integers(3, 7)), int(rng.integers(2, 4))
    p = rng.normal(size=(n, n))
    p = (p + p.T) / 2
    sizes = rng.uniform(0.2, 3.0, n)
    expected = brute_force_minima(p, sizes, n_blocs)
    result = solve(p, sizes, n_blocs)
    assert {c.labels: c.energy for c in result.configurations} == pytest.approx(expected)
    energies = [c.energy for c in result.configurations]
    assert energies == sorted(energies)
    assert result.configurations[0].energy == pytest.approx(min(expected.values()))
    assert best_partition(p, sizes, n_blocs) == (result.best.labels, result.best.energy)
    for c in result.configurations:
        assert c.energy == energy(p, sizes, c.labels)
        assert sorted(set(c.labels)) == list(range(max(c.labels) + 1))  # no empty bloc


@pytest.mark.parametrize("n_blocs", [2, 3])
@pytest.mark.parametrize("case", range(5))
def test_heuristic_agrees_with_exact_around_the_limit(case, n_blocs):
    rng = np.random.default_rng(7 * case + n_blocs)
    n = 11 if n_blocs == 2 else 9
    p = rng.normal(size=(n, n))
    sizes = rng.uniform(0.5, 2.0, n)
    count = count_partitions(n, n_blocs)
    exact = solve(p, sizes, n_blocs, exact_limit=count)  # just at the limit: enumerated
    heuristic = solve(p, sizes, n_blocs, exact_limit=count - 1, seed=case)  # just above: heuristic
    assert (exact.method, heuristic.method) == ("exact", "heuristic")
    assert exact.evaluated == count
    assert heuristic.best.energy == pytest.approx(exact.best.energy)
    assert heuristic.best.labels == exact.best.labels
    exact_minima = {c.labels: c.energy for c in exact.configurations}
    for c in heuristic.configurations:  # every configuration the heuristic lists is a true minimum
        assert exact_minima[c.labels] == pytest.approx(c.energy)


def test_heuristic_is_reproducible_and_finds_planted_blocs():
    # 40 actors in two planted camps (+1 inside, -1 across): far beyond enumeration. The camps are the
    # global minimum: every hostile pair split, no friendly pair split, E = -(20 * 20) = -400.
    n = 40
    camp = np.array([i % 2 for i in range(n)])
    p = np.where(camp[:, None] == camp[None, :], 1.0, -1.0)
    first = solve(p, np.ones(n))
    assert first.method == "heuristic"
    assert first.best.labels == tuple(int(x) for x in camp) and first.best.energy == -400.0
    assert solve(p, np.ones(n)) == first


def test_non_symmetric_input_is_symmetrised():
    rng = np.random.default_rng(5)
    p = rng.normal(size=(5, 5))
    sizes = rng.uniform(0.5, 2, 5)
    assert solve(p, sizes) == solve((p + p.T) / 2, sizes)


def test_exact_enumeration_of_twenty_actors_two_blocs():
    # Two planted camps of ten with noise; 2^19 partitions enumerated exactly.
    rng = np.random.default_rng(11)
    camp = np.arange(20) % 2
    p = np.where(camp[:, None] == camp[None, :], 1.0, -1.0) + rng.normal(scale=0.1, size=(20, 20))
    result = solve(p, np.ones(20))
    assert result.method == "exact" and result.evaluated == 2 ** 19
    assert result.best.labels == tuple(int(x) for x in camp)


@pytest.mark.parametrize("bad", [
    dict(propensity=np.zeros((2, 3)), sizes=[1, 1]),
    dict(propensity=np.zeros((2, 2)), sizes=[1, 0]),
    dict(propensity=np.zeros((2, 2)), sizes=[1, -2]),
    dict(propensity=np.array([[0, np.nan], [0, 0]]), sizes=[1, 1]),
    dict(propensity=np.zeros((2, 2)), sizes=[1, 1], n_blocs=0),
])
def test_malformed_arrays_raise_value_error(bad):
    with pytest.raises(ValueError):
        solve(**bad)


def test_module_is_pure():
    # The kernel reads no files and imports nothing from the project.
    source = open(landscape.__file__, encoding="utf-8").read()
    assert "from ." not in source and "import sim" not in source and "open(" not in source


def test_best_partition_answers_a_recurring_matrix_from_its_cache_with_the_same_result():
    rng = np.random.default_rng(11)
    for _ in range(20):
        p = rng.uniform(-1, 1, (7, 7))
        sizes = rng.uniform(0.2, 20, 7)
        first = landscape.best_partition(p, sizes, 2)
        before = landscape._best_partition.cache_info().hits
        again = landscape.best_partition(p.copy(), sizes.copy(), 2)
        assert landscape._best_partition.cache_info().hits == before + 1
        assert again == first
        assert first[0] == landscape.solve(p, sizes, 2).best.labels  # the cached answer is the exact one
