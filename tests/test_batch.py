"""The batched engine against the per-run reference: every run of a batch is that run computed alone."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.core import landscape
from sim.experiment.runner import run


def _noisy(name: str, *, runs: int, seed: int, noise: float, months: int | None = None):
    scenario = sim.load_scenario(name)
    return replace(scenario, runs=runs, seed=seed, months=months or scenario.months,
                   parameters=scenario.parameters.with_overrides({"noise": noise, "reactions": True}))


@pytest.mark.parametrize("name, seed, noise", [
    ("s400_india", 3, 0.05),
    ("arms_sale_pakistan", 11, 0.08),
    ("russia_pakistan_exercise", 0, 0.05),  # several reactions in one month: Mesa's order matters
])
def test_each_run_of_the_batch_is_that_run_alone(name, seed, noise):
    scenario = _noisy(name, runs=5, seed=seed, noise=noise)
    batch = run(scenario, engine="batch")
    alone = run(scenario, engine="per-run")
    reacted = batch.events[batch.events["origin"] == "reaction"]
    assert len(reacted) > 0, "the comparison must exercise reactions"
    for table in ("alignment", "baseline", "blocs", "events"):
        ours, reference = getattr(batch, table), getattr(alone, table)
        for k in range(1, 6):
            pd.testing.assert_frame_equal(ours[ours["run"] == k].reset_index(drop=True),
                                          reference[reference["run"] == k].reset_index(drop=True),
                                          check_exact=True)
    assert batch.summary.to_json() == alone.summary.to_json()


def test_several_reactions_in_one_month_keep_mesas_order():
    """The bundled exercise scenario has two reactions in month 15: the batch lists them as Mesa called them."""
    scenario = _noisy("russia_pakistan_exercise", runs=2, seed=0, noise=0.0)
    batch, alone = run(scenario, engine="batch"), run(scenario, engine="per-run")
    per_month = alone.events[alone.events["origin"] == "reaction"].groupby(["run", "month"]).size()
    assert per_month.max() >= 2
    pd.testing.assert_frame_equal(batch.events, alone.events, check_exact=True)


def test_runs_differ_and_the_default_engine_is_the_batch():
    scenario = _noisy("arms_sale_pakistan", runs=3, seed=2, noise=0.05, months=12)
    result = sim.run(scenario)
    scores = result.score_array()
    assert scores.shape == (3, 13, len(result.actors), len(result.actors))
    assert not np.array_equal(scores[0], scores[1])
    one = run(replace(scenario, runs=1))
    np.testing.assert_array_equal(one.score_array()[0], scores[0])  # run 1 does not depend on the others


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown engine"):
        run(_noisy("baseline", runs=2, seed=0, noise=0.0, months=2), engine="fast")


def test_best_partitions_equals_best_partition_row_by_row():
    rng = np.random.default_rng(5)
    n = 7
    p = rng.uniform(-1, 1, (400, n, n))
    p = (p + np.swapaxes(p, 1, 2)) / 2
    p[3] = 0.0  # every partition ties: decided by best_partition's rule
    p[4] = 0.5
    sizes = rng.uniform(0.5, 3.0, n)
    for k in (2, 3):
        batched = landscape.best_partitions(p, sizes, k)
        single = np.array([landscape.best_partition(p[r], sizes, k)[0] for r in range(len(p))])
        np.testing.assert_array_equal(batched, single)


@pytest.mark.parametrize("n", [13, 15])
def test_the_split_search_finds_what_solve_lists_first(n):
    """Beyond the cached enumeration, two blocs are searched by meeting in the middle: same answer as solve."""
    rng = np.random.default_rng(n)
    for trial in range(3):
        p = rng.uniform(-1, 1, (n, n))
        p = (p + p.T) / 2
        if trial == 2:
            p = np.round(p, 1)  # coarse scores: ties and near-ties
        sizes = rng.uniform(0.3, 3.0, n)
        first = landscape.solve(p, sizes, 2, max_listed=1).best
        assert landscape.best_partition(p, sizes, 2) == (first.labels, first.energy)


def test_the_batch_logs_supplier_turned_and_shared_deals_as_each_run_alone():
    """A counter-move from the reacting actor (China supplies Pakistan) and two actors choosing the same
    deal in one month (one deal): the batch and the per-run model log the same, run by run."""
    from sim.io.scenario_file import scenario_from_data

    scenario = scenario_from_data({
        "name": "shared deal", "months": 8, "runs": 6, "seed": 2,
        "relations": [{"between": ["China", "India"], "score": -0.6}, {"between": ["China", "Pakistan"], "score": 0.8},
                      {"between": ["India", "Pakistan"], "score": -0.6}],
        "parameters": {"reaction_midpoint": 0.3, "reaction_spread": 0.2, "noise": 0.02},
        "events": [{"at": 2, "type": "arms_sale", "from": "US", "to": "India"}]})
    batch, alone = run(scenario, engine="batch"), run(scenario, engine="per-run")
    reacted = batch.events[batch.events["origin"] == "reaction"]
    assert ((reacted["source"] == reacted["actor"]) & reacted["reason"].str.contains("turns to")).any()
    assert not reacted.duplicated(["run", "month", "type", "source", "target"]).any()
    pd.testing.assert_frame_equal(batch.events.reset_index(drop=True), alone.events.reset_index(drop=True),
                                  check_exact=True)
    pd.testing.assert_frame_equal(batch.alignment.reset_index(drop=True), alone.alignment.reset_index(drop=True),
                                  check_exact=True)
