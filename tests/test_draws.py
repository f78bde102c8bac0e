"""A run's random numbers (sim/model/draws.py): two streams, drawn in blocks, the same whatever the block."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.model import draws
from sim.model.draws import Draws
from sim.results.runner import run
from sim.model.mesa_import import mesa

SEEDS = (0, 7, 2**40 + 3)


def _take(months: int, *, noise: bool = True, chances: bool = True, n: int = 4, horizon: int | None = None):
    """`months` months of shocks and chances for three runs, stacked as (runs, months, ...)."""
    source = Draws([np.random.default_rng(seed) for seed in SEEDS], n, noise=noise, chances=chances,
                   months=horizon)
    got = [source.month() for _ in range(months)]
    shocks = None if not noise else np.stack([s for s, _ in got], axis=1)
    chance = None if not chances else np.stack([c for _, c in got], axis=1)
    return shocks, chance


@pytest.mark.parametrize("block", [1, 5, 12, 31])
def test_the_numbers_do_not_depend_on_the_block_size(monkeypatch, block):
    reference = _take(40)  # drawn with the default block
    monkeypatch.setattr(draws, "MONTHS_PER_BLOCK", block)
    shocks, chances = _take(40)
    np.testing.assert_array_equal(shocks, reference[0])
    np.testing.assert_array_equal(chances, reference[1])
    horizon_shocks, _ = _take(40, horizon=40)  # a known horizon trims the last block, not the values
    np.testing.assert_array_equal(horizon_shocks, reference[0])


def test_a_memory_cap_on_the_block_changes_nothing(monkeypatch):
    reference = _take(15)
    monkeypatch.setattr(draws, "BLOCK_BYTES", 1)  # one month per block
    np.testing.assert_array_equal(_take(15)[0], reference[0])


def test_each_month_draws_the_next_rows_of_its_streams():
    shocks, chances = _take(3, n=3)
    noise, chance = draws.run_streams(np.random.default_rng(SEEDS[1]))
    np.testing.assert_array_equal(shocks[1], noise.standard_normal((3, 3, 3)))
    np.testing.assert_array_equal(chances[1], chance.random((3, 3)))


def test_the_chances_are_the_same_whether_noise_is_drawn_or_not():
    _, with_noise = _take(20, noise=True)
    shocks, without_noise = _take(20, noise=False)
    assert shocks is None
    np.testing.assert_array_equal(with_noise, without_noise)
    with_chances, _ = _take(20, chances=True)
    without_chances, nothing = _take(20, chances=False)
    assert nothing is None
    np.testing.assert_array_equal(with_chances, without_chances)


def test_runs_differ_and_the_streams_differ():
    shocks, chances = _take(2)
    assert not np.array_equal(shocks[0], shocks[1]) and not np.array_equal(chances[0], chances[2])
    noise, chance = draws.run_streams(np.random.default_rng(5))
    assert not np.array_equal(noise.random(8), chance.random(8))


def test_a_mesa_models_generator_spawns_the_streams_of_its_seed():
    """A run's streams are those a Mesa model seeded with the run's seed would spawn from its generator."""
    for seed in SEEDS:
        model = mesa.Model(rng=seed)
        ours, theirs = Draws([model.rng], 5, noise=True, chances=True), Draws([np.random.default_rng(seed)], 5,
                                                                               noise=True, chances=True)
        for _ in range(14):
            (s1, c1), (s2, c2) = ours.month(), theirs.month()
            np.testing.assert_array_equal(s1, s2)
            np.testing.assert_array_equal(c1, c2)


def _flagship(months: int):
    scenario = sim.load_scenario("arms_sale_pakistan")
    return replace(scenario, runs=1, seed=4, months=months,
                   parameters=scenario.parameters.with_overrides(
                       {"noise": 0.05, "reactions": True, "reaction_ceiling": 1.0}))  # reactions to compare


@pytest.mark.parametrize("runs", [1, 3])
def test_a_shorter_run_is_the_start_of_a_longer_one(runs):
    short, long = run(replace(_flagship(12), runs=runs)), run(replace(_flagship(30), runs=runs))
    assert (short.events["origin"] == "reaction").any(), "the comparison must exercise reactions"
    for table in ("alignment", "baseline", "blocs"):
        ours, reference = getattr(short, table), getattr(long, table)
        pd.testing.assert_frame_equal(ours.reset_index(drop=True),
                                      reference[reference["month"] <= 12].reset_index(drop=True), check_exact=True)
    events = long.events[long.events["month"] <= 12].reset_index(drop=True)
    pd.testing.assert_frame_equal(short.events.reset_index(drop=True), events, check_exact=True)


@pytest.mark.parametrize("block", [1, 5])
def test_a_run_does_not_depend_on_the_block_size(monkeypatch, block):
    scenario = replace(_flagship(20), runs=3)
    reference = {runs: run(replace(scenario, runs=runs)) for runs in (1, 3)}
    monkeypatch.setattr(draws, "MONTHS_PER_BLOCK", block)
    for runs in (1, 3):
        result = run(replace(scenario, runs=runs))
        for table in ("alignment", "events"):
            pd.testing.assert_frame_equal(getattr(result, table), getattr(reference[runs], table),
                                          check_exact=True)
