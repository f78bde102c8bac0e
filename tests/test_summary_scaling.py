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
