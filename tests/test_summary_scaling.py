"""The summary's per-pair work done for every pair at once (issue 25) gives what one pair at a time gave."""

from __future__ import annotations

import numpy as np

from sim.results.summary import _rounded


def _python_rounded(matrix) -> list[list[float]]:
    """The reference: Python's round to six decimals, entry by entry, -0.0 made 0.0."""
    return [[round(float(value), 6) + 0.0 for value in row] for row in np.asarray(matrix, dtype=float)]


def test_rounding_every_entry_at_once_is_pythons_round_even_at_halves():
    rng = np.random.default_rng(5)
    halves = (np.arange(-2_000_000, 2_000_000, 997) + 0.5) / 1e6  # the decimal ties, as near as a double gets
    near = np.concatenate([halves, np.nextafter(halves, np.inf), np.nextafter(halves, -np.inf),
                           rng.uniform(-1, 1, 3000), -rng.uniform(0, 1e-7, 50), [0.0, -0.0, 1.0, -1.0]])
    matrix = near[: near.size // 50 * 50].reshape(-1, 50)
    assert _rounded(matrix) == _python_rounded(matrix)
    odd = np.array([[np.nan, np.inf, -np.inf, 1e300, -3.5e-7, 2.5e-6]])
    got, expected = _rounded(odd), _python_rounded(odd)
    assert np.isnan(got[0][0]) and got[0][1:] == expected[0][1:]
    assert all(np.copysign(1.0, value) == 1.0 for value in _rounded([[-1e-9, -0.0]])[0])  # no -0.0


def _scanned_lean_shifts(leans: np.ndarray) -> list[tuple[int, int, float, float]]:
    """The reference: the month-by-month scan find_shifts did before (issue 25), (month, actor, lean before,
    lean now) for every visible crossing of zero."""
    from sim.results.summary import visible_side

    last: dict[int, float] = {}
    for i, lean in enumerate(leans[0].tolist()):
        if lean == lean and visible_side(lean) != 0:
            last[i] = lean
    found = []
    for month in range(1, len(leans)):
        for i, lean in enumerate(leans[month].tolist()):
            if lean != lean or visible_side(lean) == 0:
                continue
            before = last.get(i)
            last[i] = lean
            if before is not None and visible_side(before) != visible_side(lean):
                found.append((month, i, before, lean))
    return found


def test_lean_crossings_found_at_once_are_those_of_the_month_by_month_scan():
    from sim.results.summary import LeanShift, _r, find_shifts, net_leans, visible_sides

    rng = np.random.default_rng(11)
    for trial in range(6):
        n, months = 9, 40
        walk = np.cumsum(rng.normal(0, 0.02, (months + 1, n, n)), axis=0)  # leans wander across zero
        walk[:, :, :] += rng.choice([0.0, 0.005, -0.005, 0.0049999, 0.00500001], size=(months + 1, n, n))
        partition = (0, 0, 0, 0, 1, 1, 1, 1, 2) if trial % 2 else (0, 1, 0, 1, 0, 1, 0, 1, 1)
        names = [f"A{i}" for i in range(n)]
        shifts = find_shifts(walk, [partition] * (months + 1), names, np.ones(n), [])
        leans = net_leans(walk, np.asarray(partition))
        expected = [(m, names[i], _r(before), _r(now)) for m, i, before, now in _scanned_lean_shifts(leans)]
        assert expected, "the random walks should cross zero"
        assert [(s.month, s.actor, s.lean_before, s.lean_after) for s in shifts if isinstance(s, LeanShift)] == expected
    halves = np.array([[0.005, -0.005, 0.0049999999, 0.00500000001, np.nan, -0.0051, 0.0]])
    assert visible_sides(halves).tolist() == [[1, -1, 0, 1, 0, -1, 0]]
