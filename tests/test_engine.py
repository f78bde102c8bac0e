"""The one engine: run k of a batch is run k computed alone, reactions keep each run's own actor order, and
the engine is a Mesa model a Mesa user can drive (sim.EntenteModel, mesa.batch_run)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import sim
from sim.model import landscape
from sim.model.draws import run_seed
from sim.results.runner import run
from sim.inputs.tables import load_codebook
from sim.inputs.world import build_world
from sim.model.engine import AlignmentModel


def _noisy(name: str, *, runs: int, seed: int, noise: float, months: int | None = None):
    scenario = sim.load_scenario(name)
    return replace(scenario, runs=runs, seed=seed, months=months or scenario.months,
                   parameters=scenario.parameters.with_overrides({"noise": noise, "reactions": True}))


def alone(scenario, k: int):
    """Run k of a scenario computed on its own: an engine of one run, seeded as the runner seeds run k."""
    model = AlignmentModel(build_world(scenario), scenario.events, scenario.parameters,
                           seeds=[run_seed(scenario.seed, k)], months=scenario.months, codebook=load_codebook(),
                           changes=scenario.changes)
    return model.run()


@pytest.mark.parametrize("name, seed, noise", [
    ("s400_india", 3, 0.05),
    ("arms_sale_pakistan", 11, 0.08),
    ("russia_pakistan_exercise", 0, 0.05),  # several reactions in one month: the run's own order matters
])
def test_each_run_of_the_batch_is_that_run_alone(name, seed, noise):
    scenario = _noisy(name, runs=5, seed=seed, noise=noise)
    batch = run(scenario)
    assert (batch.events["origin"] == "reaction").any(), "the comparison must exercise reactions"
    for k in range(1, 6):
        one = alone(scenario, k)
        np.testing.assert_array_equal(batch.scores[k - 1], one.scores[0])
        np.testing.assert_array_equal(batch.baseline_scores[k - 1], one.baseline[0])
        np.testing.assert_array_equal(batch.labels[k - 1], one.blocs[0])
        ours = batch.events[batch.events["run"] == k].drop(columns="run").reset_index(drop=True)
        theirs = pd.DataFrame([row[1:] for row in one.events], columns=list(ours.columns))
        pd.testing.assert_frame_equal(ours, theirs, check_exact=True)


def test_several_reactions_in_one_month_follow_the_runs_own_shuffle_as_mesa_orders_agents():
    """Two reactions in one month are scheduled in the run's actor order: Mesa's shuffle_do order for a model
    seeded with the run's seed (its stdlib generator shuffling the agents once a month)."""
    from sim.model.mesa_import import mesa

    from sim.inputs.scenario_file import scenario_from_data

    scenario = scenario_from_data({  # two sales in one month: India and China both answer, with different moves
        "name": "two answers", "months": 12, "runs": 2, "seed": 0,
        "parameters": {"reaction_ceiling": 1.0, "reaction_midpoint": 0.05, "reaction_spread": 0.01},
        "events": [{"at": 2, "type": "arms_sale", "from": "Russia", "to": "Pakistan"},
                   {"at": 2, "type": "arms_sale", "from": "US", "to": "India"}]})
    result = run(scenario)
    reactions = result.events[result.events["origin"] == "reaction"]
    busy = reactions.groupby(["run", "month"]).size()
    assert busy.max() >= 2
    (k, month) = busy.idxmax()
    # Mesa's own order for a model seeded with the run's seed, with one agent per actor
    replay = mesa.Model(rng=run_seed(scenario.seed, k))
    agents = [mesa.Agent(replay) for _ in result.actors]
    orders = []
    for _ in range(month - 1):  # a reaction decided at month m - 1 is logged at month m
        called: list = []
        replay.agents.shuffle_do(lambda agent, called=called: called.append(agents.index(agent)))
        orders.append(called)
    order = orders[-1]
    chosen = reactions[(reactions["run"] == k) & (reactions["month"] == month)]
    deciders = [result.actors.index(a) for a in chosen["actor"]]
    assert deciders == sorted(deciders, key=order.index)
    # and the same order from the stdlib generator alone, as the engine draws it
    shuffler = random.Random(run_seed(scenario.seed, k))
    for _ in range(month - 1):
        plain = list(range(len(result.actors)))
        shuffler.shuffle(plain)
    assert plain == order


def test_runs_differ_and_run_1_does_not_depend_on_the_others():
    scenario = _noisy("arms_sale_pakistan", runs=3, seed=2, noise=0.05, months=12)
    result = sim.run(scenario)
    scores = result.score_array()
    assert scores.shape == (3, 13, len(result.actors), len(result.actors))
    assert not np.array_equal(scores[0], scores[1])
    one = run(replace(scenario, runs=1))
    np.testing.assert_array_equal(one.score_array()[0], scores[0])


def test_the_engine_refuses_to_step_past_its_horizon_and_stops_running_there():
    scenario = _noisy("baseline", runs=1, seed=0, noise=0.0, months=2)
    model = sim.EntenteModel(scenario)
    assert model.running
    model.step()
    assert model.running
    model.step()
    assert not model.running
    with pytest.raises(RuntimeError, match="2 months"):
        model.step()


def test_shared_deals_and_supplier_turned_moves_are_logged_once_per_run():
    """A counter-move from the reacting actor (China supplies Pakistan) and two actors choosing the same deal
    in one month (one deal), in every run; each run as computed alone."""
    from sim.inputs.scenario_file import scenario_from_data

    scenario = scenario_from_data({
        "name": "shared deal", "months": 8, "runs": 6, "seed": 2,
        "relations": [{"between": ["China", "India"], "score": -0.6}, {"between": ["China", "Pakistan"], "score": 0.8},
                      {"between": ["India", "Pakistan"], "score": -0.6}],
        "parameters": {"reaction_midpoint": 0.3, "reaction_spread": 0.2, "noise": 0.02},
        "events": [{"at": 2, "type": "arms_sale", "from": "US", "to": "India"}]})
    batch = run(scenario)
    reacted = batch.events[batch.events["origin"] == "reaction"]
    assert ((reacted["source"] == reacted["actor"]) & reacted["reason"].str.contains("turns to")).any()
    assert not reacted.duplicated(["run", "month", "type", "source", "target"]).any()
    for k in range(1, 7):
        one = alone(scenario, k)
        assert [row[1:] for row in one.events] == [tuple(r)[1:] for r in batch.events[batch.events["run"] == k]
                                                  .itertuples(index=False)]
        np.testing.assert_array_equal(batch.scores[k - 1], one.scores[0])


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


def test_every_model_is_freed_after_its_run_on_any_mesa_version():
    """Mesa before 3.4.2 keeps every model it has seen in `Agent._ids`; the engine drops its entry once its
    agents exist, so a process that runs many scenarios (a sweep, the app) gets the memory back."""
    import gc
    import weakref

    from sim.model.mesa_import import mesa

    freed = []
    for seed in range(4):
        model = sim.EntenteModel("arms_sale_pakistan", seed=seed, runs=2)
        while model.running:
            model.step()
        freed.append(weakref.ref(model))
        del model
    run(_noisy("s400_india", runs=3, seed=1, noise=0.05))  # the runner's engine too
    gc.collect()
    assert all(ref() is None for ref in freed)
    ids = getattr(mesa.Agent, "_ids", {})
    assert not any(isinstance(key, AlignmentModel) for key in list(ids))


def test_a_designs_points_run_as_one_batch_each_as_it_runs_alone():
    """run_batch: the points of a design (parameters, seed and runs each their own) stepped together give
    every point the Result run() gives it alone: scores, baseline, blocs and its events table."""
    from sim.results.runner import run_batch

    base = _noisy("arms_sale_pakistan", runs=1, seed=0, noise=0.0, months=24)
    points = [replace(base, seed=seed, runs=runs, parameters=base.parameters.with_overrides(values))
              for seed, runs, values in [(0, 1, {}), (7, 3, {"memory": 0.2, "noise": 0.05}),
                                         (2, 2, {"reactions": False, "event_scale": 1.2}),
                                         (5, 1, {"reaction_midpoint": 0.1, "audience_scale": 1.5})]]
    batch = run_batch(points)
    assert (pd.concat([r.events for r in batch])["origin"] == "reaction").any()
    for point, together in zip(points, batch):
        apart = run(point)
        np.testing.assert_array_equal(together.scores, apart.scores)
        np.testing.assert_array_equal(together.baseline_scores, apart.baseline_scores)
        np.testing.assert_array_equal(together.labels, apart.labels)
        pd.testing.assert_frame_equal(together.events, apart.events, check_exact=True)
    with pytest.raises(ValueError, match="share months, events"):
        run_batch([base, replace(base, events=())])
