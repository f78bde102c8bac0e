"""A run's random numbers: two independent streams, drawn a block of months at a time.

Each run's generator (seeded from the scenario seed) spawns two child generators: one for the noise
shocks (an n x n standard normal matrix per month) and one for the chances that decide reactions (one
uniform per actor per month). Separate streams mean that turning noise off leaves the reaction draws
unchanged, and the reverse. numpy fills an array from a generator in order, so drawing twelve months at
once gives the same numbers as drawing them month by month: the block size changes speed, not results
(tests/test_draws.py). The engine draws every run through Draws, so run k of a
batch sees exactly the numbers of run k computed alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

MONTHS_PER_BLOCK = 12  # months drawn per call to a stream (one call per run per block, not per month)
BLOCK_BYTES = 64 * 2**20  # at most this much memory per block of shocks: fewer months for large batches


def run_seed(seed: int, run: int) -> int:
    """The seed of Monte Carlo run `run` (from 1) of a scenario seeded `seed`: independent streams from one
    seed (SeedSequence)."""
    return int(np.random.SeedSequence([seed, run]).generate_state(1)[0])


def run_streams(generator: np.random.Generator) -> tuple[np.random.Generator, np.random.Generator]:
    """The run's noise stream and its chance stream, spawned from its generator (independent children)."""
    noise, chance = generator.spawn(2)
    return noise, chance


class Draws:
    """This month's shocks and chances for every run, served from blocks drawn ahead.

    generators: one per run, each spawned into its two streams here (so spawn each generator once).
    noise / chances: whether to draw that stream at all; a stream not drawn is returned as None (no
    noise when parameters.noise is 0; no chances when reactions are off), and the other is unchanged.
    months: the horizon, if known, so the last block draws no months past it (same values either way).
    """

    def __init__(self, generators: Sequence[np.random.Generator], n: int, *, noise: bool, chances: bool,
                 months: int | None = None) -> None:
        self.runs = len(generators)
        self.n = n
        streams = [run_streams(generator) for generator in generators]  # spawn even when unused: same children
        self._noise = [s[0] for s in streams] if noise else None
        self._chance = [s[1] for s in streams] if chances else None
        self._left = months  # months still to serve, or None when unbounded
        self._shocks: np.ndarray | None = None  # (runs, block, n, n)
        self._chances: np.ndarray | None = None  # (runs, block, n)
        self._at = 0  # the next month's place in the current block
        self._size = 0  # months in the current block

    def month(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(shocks (runs, n, n) or None, chances (runs, n) or None) for the next month, in order."""
        if self._at >= self._size:
            self._refill()
        at = self._at
        self._at += 1
        shocks = None if self._shocks is None else self._shocks[:, at]
        chances = None if self._chances is None else self._chances[:, at]
        return shocks, chances

    def _refill(self) -> None:
        """Draw the next block: one call per run and stream, filling its rows in month order."""
        per_month = max(1, self.runs * self.n * self.n * 8)
        size = max(1, min(MONTHS_PER_BLOCK, BLOCK_BYTES // per_month))
        if self._left is not None:
            size = max(1, min(size, self._left))
            self._left -= size
        if self._noise is not None:
            self._shocks = np.empty((self.runs, size, self.n, self.n))
            for stream, rows in zip(self._noise, self._shocks):
                stream.standard_normal(out=rows)
        if self._chance is not None:
            self._chances = np.empty((self.runs, size, self.n))
            for stream, rows in zip(self._chance, self._chances):
                stream.random(out=rows)
        self._at, self._size = 0, size
