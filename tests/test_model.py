"""The Mesa model and the runner on the bundled world: calibration targets, reactions, reproducibility."""

from dataclasses import replace

import numpy as np
import pytest

from conftest import default_actors, directed_pair_count
from sim.results.runner import run
from sim.inputs.scenario_file import scenario_from_data
from sim.inputs.world import build_world

N = len(default_actors())
OFF_DIAGONAL = ~np.eye(N, dtype=bool)


def scenario(**data):
    return scenario_from_data({"name": "test", **data})


def final_minus_start(result, baseline=False):
    return result.matrix(result.months, baseline=baseline) - result.matrix(0)


def test_without_events_the_world_stays_recognisable_for_36_months():
    result = run(scenario(months=36))
    drift = np.abs(final_minus_start(result))[OFF_DIAGONAL]
    assert drift.mean() < 0.06, drift.mean()  # the target is "well under 0.1"
    assert drift.max() < 0.25
    start, end = result.matrix(0), result.matrix(36)
    signs_kept = (np.sign(start) == np.sign(end))[OFF_DIAGONAL & (np.abs(start) > 0.15)]
    assert signs_kept.all()


def test_a_realist_world_hardens_when_balance_is_turned_up():
    calm = run(scenario(months=36))
    realist = run(scenario(months=36, parameters={"balance": 0.4}))
    assert np.abs(final_minus_start(realist))[OFF_DIAGONAL].mean() > \
        2 * np.abs(final_minus_start(calm))[OFF_DIAGONAL].mean()
    assert np.abs(realist.matrix(36))[OFF_DIAGONAL].mean() > np.abs(realist.matrix(0))[OFF_DIAGONAL].mean()


@pytest.mark.parametrize("kind, source, target", [
    ("arms_sale", "Russia", "India"),         # +7.4
    ("sanctions", "US", "India"),             # -8.0
    ("military_clash", "India", "Pakistan"),  # -10
    ("defence_pact", "US", "Pakistan"),       # +8.0
])
def test_a_single_major_event_leaves_a_lasting_effect_on_its_pair(kind, source, target):
    # The pair starts neutral, so that the test is about the event, not about how much room the starting
    # world leaves (a pair near -1 cannot fall far; docs/model.md, saturation).
    result = run(scenario(months=36, parameters={"reactions": False}, relations=[
        {"between": [source, target], "score": 0.0}], events=[{"at": 1, "type": kind, "from": source, "to": target}]))
    effect = result.effect(36)
    i, j = result.actors.index(source), result.actors.index(target)
    assert abs(effect[i, j]) >= 0.1 and abs(effect[j, i]) >= 0.1, effect[i, j]
    assert np.sign(effect[i, j]) == np.sign({"arms_sale": 1, "sanctions": -1, "military_clash": -1,
                                             "defence_pact": 1}[kind])


def test_a_pair_that_is_already_close_gains_less_from_one_more_deal():
    # Saturation: the coded Russia-Pakistan relation is far closer than Russia-India, so the same sale
    # moves it less. It still moves it, and in the right direction.
    def effect_of_sale(target, start):
        result = run(scenario(months=36, parameters={"reactions": False},
                              relations=[{"between": ["Russia", target], "score": start}],
                              events=[{"at": 1, "type": "arms_sale", "from": "Russia", "to": target}]))
        return result.effect(36)[0, result.actors.index(target)]

    close, distant = effect_of_sale("Pakistan", 0.85), effect_of_sale("India", 0.1)
    assert 0 < close < distant / 2


def test_a_visit_mostly_fades():
    result = run(scenario(months=36, parameters={"reactions": False},
                          events=[{"at": 1, "type": "diplomatic_visit", "from": "US", "to": "Pakistan"}]))
    i, j = result.actors.index("US"), result.actors.index("Pakistan")
    peak = max(abs(result.matrix(m)[i, j] - result.matrix(m, baseline=True)[i, j]) for m in range(37))
    assert abs(result.effect(36)[i, j]) < 0.5 * peak


def test_scores_never_pin_at_the_bounds_by_default():
    # Twelve arms sales in three years push the pair close to +1, but saturation never lets it reach the
    # bound, and it keeps responding: after the sales stop, memory pulls it back down a little.
    many = [{"at": m, "type": "arms_sale", "from": "Russia", "to": "Pakistan"} for m in range(1, 25, 2)]
    result = run(scenario(months=36, events=many))
    scores = result.alignment["score"]
    assert scores.abs().max() < 1.0
    pair = result.alignment[(result.alignment["source"] == "Russia") & (result.alignment["target"] == "Pakistan")]
    series = pair.set_index("month")["score"]
    assert series[36] < series[24]  # not stuck at the bound
    quiet = run(scenario(months=36))
    assert quiet.alignment["score"].abs().max() < 0.95  # without events nothing drifts to the bounds


def test_no_drivers_no_events_nothing_moves():
    params = {"memory": 0, "balance": 0, "reciprocity": 0, "noise": 0}
    result = run(scenario(months=12, parameters=params))
    np.testing.assert_array_equal(result.matrix(12), result.matrix(0))


def test_extreme_parameters_keep_scores_finite_and_in_range():
    params = {"memory": 1, "balance": 1, "reciprocity": 1, "event_scale": 2, "audience_scale": 2,
              "noise": 0.5}
    events = [{"at": m, "type": t, "from": "US", "to": "Iran"} for m, t in
              [(1, "military_clash"), (2, "sanctions"), (3, "terror_attack"), (4, "defence_pact")]]
    result = run(scenario(months=24, parameters=params, events=events, runs=3))
    scores = result.alignment["score"]
    assert np.isfinite(scores).all() and scores.between(-1, 1).all()


RIVALS = [{"between": ["India", "Pakistan"], "score": -0.6}]  # mechanism tests fix the rivalry explicitly


def test_an_arms_sale_to_pakistan_cools_india_towards_russia():
    sale = [{"at": 3, "type": "arms_sale", "from": "Russia", "to": "Pakistan"}]
    india, russia = 2, 0
    with_rivalry = run(scenario(months=36, relations=RIVALS, parameters={"reactions": False}, events=sale))
    assert with_rivalry.effect(36)[india, russia] < -0.005
    milder = run(scenario(months=36, relations=[{"between": ["India", "Pakistan"], "score": -0.2}],
                          parameters={"reactions": False}, events=sale))
    assert milder.effect(36)[india, russia] < 0
    assert with_rivalry.effect(36)[india, russia] < milder.effect(36)[india, russia]  # more rivalry, more cooling
    as_coded = run(scenario(months=36, parameters={"reactions": False}, events=sale))  # the article's world
    assert as_coded.effect(36)[india, russia] < 0


S400_PRIORS = [{"between": ["US", "India"], "score": 0.4}, {"between": ["US", "Russia"], "score": -0.4},
               {"between": ["India", "Pakistan"], "score": -0.5}, {"between": ["India", "China"], "score": -0.3}]


def test_an_s400_purchase_a_brief_us_dip_then_no_lasting_loss_and_no_warming_by_indias_rivals():
    result = run(scenario(months=36, relations=S400_PRIORS, parameters={"reactions": False},
                          events=[{"at": 3, "type": "arms_sale", "from": "Russia", "to": "India"}]))
    us, india, russia = (result.actors.index(name) for name in ("US", "India", "Russia"))
    assert result.effect(3)[us, india] < 0  # client competition: the patron's displeasure
    assert result.effect(36)[us, india] > result.effect(3)[us, india]  # fades: brief, not durable
    for rival in ("Pakistan", "China"):
        r = result.actors.index(rival)
        assert max(result.effect(m)[r, india] for m in range(37)) <= 0, rival
        assert result.effect(36)[r, russia] < 0, rival


def test_a_rival_gaining_a_patron_triggers_a_counter_move_with_a_reason():
    result = run(scenario(months=12, relations=RIVALS, parameters={"reaction_ceiling": 1.0},
                          events=[{"at": 3, "type": "arms_sale", "from": "Russia", "to": "Pakistan"}]))
    reactions = result.events[result.events["origin"] == "reaction"]
    india = reactions[reactions["target"] == "India"]
    assert len(india) == 1
    row = india.iloc[0]
    assert row["month"] == 3 + result.scenario.parameters.reaction_lag and row["type"] == "arms_sale"
    assert "India regards Pakistan as a rival" in row["reason"]
    assert row["source"] not in ("Russia", "Pakistan")


def test_reactions_can_be_switched_off():
    result = run(scenario(months=12, parameters={"reactions": False},
                          events=[{"at": 3, "type": "arms_sale", "from": "Russia", "to": "Pakistan"}]))
    assert (result.events["origin"] == "scenario").all()


def test_cooldown_limits_how_often_an_actor_reacts():
    sales = [{"at": m, "type": "arms_sale", "from": "Russia", "to": "Pakistan"} for m in (2, 4, 6, 8, 10)]
    result = run(scenario(months=12, relations=RIVALS, parameters={"reaction_cooldown": 12}, events=sales))
    reactions = result.events[(result.events["origin"] == "reaction") & (result.events["target"] == "India")]
    assert len(reactions) == 1


def test_same_seed_same_numbers_and_different_seeds_differ_with_noise():
    base = scenario(months=12, runs=2, parameters={"noise": 0.05},
                    events=[{"at": 2, "type": "summit", "between": ["India", "China"]}])
    first, second = run(base), run(base)
    assert first.alignment.equals(second.alignment) and first.events.equals(second.events)
    other = run(replace(base, seed=1))
    assert not np.allclose(other.alignment["score"], first.alignment["score"])
    runs = first.alignment.pivot_table(index=["month", "source", "target"], columns="run", values="score")
    assert not np.allclose(runs[1], runs[2])  # Monte Carlo runs are distinct


def test_the_model_is_a_mesa_model_with_one_agent_per_actor_built_from_plain_keywords():
    import mesa

    import sim

    model = sim.EntenteModel("arms_sale_pakistan", seed=5, memory=0.2, reaction_midpoint=0.4)
    assert isinstance(model, mesa.Model) and len(model.agents) == N
    assert model.parameters.memory == 0.2 and model.parameters.reaction_midpoint == 0.4 and model.seeds
    world = build_world(model.entente_scenario)
    russia = next(agent for agent in model.agents if agent.name == "Russia")
    assert russia.regard("Pakistan") == pytest.approx(world.scores[0, 1])
    while model.running:
        model.step()
    assert model.steps == model.months == 36
    # tidy reporters: one row per actor per month (month 0 included), a column per other actor
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == N * 37 and set(default_actors()) <= set(agents.columns)
    last = agents.xs(36, level="Step").set_index("actor")
    assert last.loc["India", "Russia"] == pytest.approx(model.scores[0, model.index["India"], model.index["Russia"]])
    assert np.isnan(last.loc["India", "India"])
    series = model.datacollector.get_model_vars_dataframe()
    assert list(series.columns) == ["mean_regard", "events"] and len(series) == 37
    assert series["events"].sum() >= 1  # the sale (and any reactions)


def test_the_front_door_matches_the_runner_and_refuses_unknown_or_out_of_range_keywords():
    import sim

    model = sim.EntenteModel("s400_india", seed=3)
    while model.running:
        model.step()
    result = run(replace(sim.load_scenario("s400_india"), seed=3))
    np.testing.assert_array_equal(model.history, result.scores)
    with pytest.raises(TypeError, match="memroy"):
        sim.EntenteModel("s400_india", memroy=0.1)
    with pytest.raises(ValueError, match="memory=1.5 is outside its range"):
        sim.EntenteModel("s400_india", memory=1.5)
    with pytest.raises(sim.EntenteError, match="no scenario file"):
        sim.EntenteModel("s400_indai")


def test_mesa_batch_run_drives_the_model_over_parameters_and_seeds():
    from mesa.batchrunner import batch_run

    import sim

    import inspect

    parameters = {"scenario": "arms_sale_pakistan", "memory": [0.05, 0.2]}
    if "rng" in inspect.signature(batch_run).parameters:  # Mesa 3.4+: seeds go through rng= (as `seed`)
        seeds = {"rng": [0, 1]}
    else:  # Mesa 3.3: seeds are a parameter like any other
        parameters["seed"], seeds = [0, 1], {"iterations": 1}
    rows = batch_run(sim.EntenteModel, parameters=parameters, max_steps=100, number_processes=1,
                     data_collection_period=1, display_progress=False, **seeds)
    import pandas as pd

    table = pd.DataFrame(rows)
    assert set(table["memory"]) == {0.05, 0.2} and set(table["seed"]) == {0, 1}
    # the model stopped itself at its 36-month horizon, well before max_steps (Mesa 3.3's batch_run lists the
    # records up to steps - 1, 3.4+ the steps it recorded)
    assert table["Step"].max() in (35, 36)
    india = table[(table["actor"] == "India") & (table["Step"] == 24)].set_index(["memory", "seed"])["Russia"]
    assert len(india) == 4 and india.loc[(0.05, 0)] != india.loc[(0.2, 0)]


def test_the_tables_follow_the_output_contract():
    result = run(scenario(months=5, events=[{"at": 2, "type": "summit", "between": ["US", "India"]}]), summarise=True)
    assert list(result.alignment.columns) == ["run", "month", "source", "target", "score"]
    assert len(result.alignment) == 6 * directed_pair_count()  # months 0..5, every directed pair
    assert set(result.blocs["bloc"]) <= {1, 2}
    assert list(result.events.columns) == ["run", "month", "type", "source", "target", "intensity", "origin",
                                           "actor", "probability", "reason"]
    changes = result.summary.changes
    assert [abs(c.effect) for c in changes] == sorted((abs(c.effect) for c in changes), reverse=True)
    written = result.summary.to_dict()
    for key in ("scenario", "actors", "seed", "months", "runs", "initial", "final", "baseline_final", "blocs",
                "shifts", "changes"):
        assert key in written


def test_an_armed_group_counter_move_is_covert_support_not_a_purchase():
    hostile = [{"between": ["Taliban", "US"], "score": -0.6}, {"between": ["Taliban", "Pakistan"], "score": 0.5},
               {"between": ["Taliban", "Russia"], "score": 0.4}]
    events = [{"at": 1, "type": "covert_support", "from": "Pakistan", "to": "Taliban"},  # its partner
              {"at": 2, "type": "defence_pact", "from": "US", "to": "Pakistan"}]  # its rival gains that partner
    result = run(scenario(months=6, relations=hostile, events=events, parameters={"reaction_ceiling": 1.0}))
    taliban = result.events[(result.events["origin"] == "reaction") & (result.events["actor"] == "Taliban")]
    assert len(taliban) == 1 and taliban.iloc[0]["type"] == "covert_support"
    assert taliban.iloc[0]["target"] == "Taliban" and taliban.iloc[0]["source"] not in ("US", "Pakistan")
    states = result.events[(result.events["origin"] == "reaction") & (result.events["target"] != "Taliban")]
    assert "covert_support" not in set(states["type"])


def test_actor_parameters_make_one_actor_more_attentive():
    sale = [{"at": 1, "type": "arms_sale", "from": "Russia", "to": "Pakistan"}]
    common = dict(months=1, relations=RIVALS, parameters={"reactions": False}, events=sale)
    plain = run(scenario(**common))
    watchful = run(scenario(**common, actor_parameters={"New Delhi": {"attention": 2.0}}))
    india, russia = 2, 0
    plain_move = plain.matrix(1)[india, russia] - plain.matrix(0)[india, russia]
    watchful_move = watchful.matrix(1)[india, russia] - watchful.matrix(0)[india, russia]
    assert watchful_move < plain_move < 0
    assert watchful.matrix(1)[4, 0] == plain.matrix(1)[4, 0]  # China's view unchanged


def test_unknown_actor_parameter_is_refused():
    from sim.errors import EntenteError

    with pytest.raises(EntenteError, match="unknown key 'atention'"):
        scenario(actor_parameters={"India": {"atention": 2}})


def test_chance_does_not_wear_down_strong_ties():
    result = run(scenario(months=36, runs=20, parameters={"noise": 0.03}))
    start, end = result.matrix(0), result.matrix(36)  # means over the runs
    strong = np.abs(start) > 0.6
    assert np.abs(end[strong] - start[strong]).max() < 0.08


def test_the_model_imports_mesa_without_scipy_spatial_and_leaves_scipy_whole():
    import subprocess
    import sys

    code = (
        "import sys, numpy as np\n"
        "from sim.model import AlignmentModel\n"
        "print('scipy.spatial' in sys.modules, 'scipy.spatial.distance' in sys.modules)\n"
        "users = [v for name, m in list(sys.modules.items()) if name.startswith('mesa')\n"
        "         for v in vars(m).values() if callable(v) and getattr(v, 'stands_in_for', None)]\n"
        "print(bool(users) and all(float(f(np.zeros((1, 2)), np.ones((1, 2)))[0, 0]) == 2 ** 0.5 for f in users))\n"
        "import scipy.spatial.distance as distance\n"
        "print(distance.__file__.endswith('distance.py'), hasattr(distance, 'pdist'))\n"
    )
    from sim.model.mesa_import import _LAST_MESA_WITHOUT_KDTREES, _mesa_version

    if _mesa_version() > _LAST_MESA_WITHOUT_KDTREES:
        pytest.skip("this Mesa imports scipy.spatial for its own discrete spaces")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False", "True", "True", "True"]
