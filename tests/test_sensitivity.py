"""Sensitivity analysis (`sim sensitivity`, `sim.sensitivity`): what varies, what is measured, and that
the numbers are the model's: each design point's answer is an ordinary run, and mu* is the mean absolute
elementary effect of those answers, recomputed here by hand."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from conftest import SCENARIOS, assert_clean_error, cli

ARMS_SALE = SCENARIOS / "arms_sale_pakistan.yaml"


@pytest.fixture(scope="module")
def small_morris():
    import sim as api

    return api.sensitivity(ARMS_SALE, parameters=["event_scale", "memory", "competition_scale"],
                           ranges={"memory": (0.05, 0.2)}, trajectories=4, top=2)


def test_default_factors_are_the_numeric_parameters_in_their_documented_ranges():
    from sim.model.parameters import Parameters, specs
    from sim.experiments.design import choose_factors

    factors = {f.name: f for f in choose_factors(Parameters())}
    declared = {s.name: s for s in specs()}
    assert "noise" not in factors  # chance, varied only on request
    assert {"reactions", "balance_mode"}.isdisjoint(factors)  # on/off and choice parameters are held
    assert {"memory", "balance", "reciprocity", "event_scale", "audience_scale", "reaction_cooldown"} <= set(factors)
    for name, factor in factors.items():
        assert (factor.low, factor.high) == (declared[name].low, declared[name].high)
    assert factors["reaction_cooldown"].integer and factors["reaction_cooldown"].at(11.6) == 12


@pytest.mark.parametrize("names, ranges, fragments", [
    (["memroy"], None, ["no parameter named 'memroy'", "Did you mean 'memory'?"]),
    (["balance_mode"], None, ["'balance_mode' is a choice", "cannot vary it"]),
    (["reactions"], None, ["'reactions' is an on/off switch"]),
    (["memory"], {"memory": (0.0, 2.0)}, ["outside the values the model accepts", "0 to 1 per month"]),
    (["memory"], {"memory": (0.3, 0.1)}, ["from a lower number to a higher one"]),
    (["memory", "memory"], None, ["named twice"]),
])
def test_bad_parameters_are_refused_with_the_fix(names, ranges, fragments):
    from sim.model.parameters import Parameters
    from sim.errors import EntenteError
    from sim.experiments.design import choose_factors

    with pytest.raises(EntenteError) as caught:
        choose_factors(Parameters(), names, ranges)
    for fragment in fragments:
        assert fragment in caught.value.message()


def test_every_point_is_an_ordinary_run_of_the_scenario(small_morris):
    import sim as api

    def final_effects(result):  # from the long tables, independently of the pipeline's arrays
        def last(table):
            return table[table["month"] == result.months].groupby(["source", "target"])["score"].mean()

        return last(result.alignment) - last(result.baseline)

    scenario = api.load_scenario(ARMS_SALE)
    assert [o.label for o in small_morris.outcomes] == ["Pakistan → Russia", "Russia → Pakistan"]
    assert small_morris.evaluations == 4 * (3 + 1)
    for point in (0, 5, 13):
        overrides = dict(zip([f.name for f in small_morris.factors], small_morris.inputs[point]))
        assert 0.05 <= overrides["memory"] <= 0.2
        result = api.run(replace(scenario, parameters=scenario.parameters.with_overrides(overrides)))
        effects = final_effects(result)
        assert small_morris.outputs[point, 0] == pytest.approx(effects[("Pakistan", "Russia")], abs=1e-12)
        assert small_morris.outputs[point, 1] == pytest.approx(effects[("Russia", "Pakistan")], abs=1e-12)


def test_mu_star_is_the_mean_absolute_elementary_effect(small_morris):
    factors, x, y = small_morris.factors, small_morris.inputs, small_morris.outputs
    spans = np.array([f.high - f.low for f in factors])
    steps = {f.name: [] for f in factors}
    for start in range(0, len(x), len(factors) + 1):  # one trajectory: each step moves one parameter
        for row in range(start, start + len(factors)):
            moved = np.flatnonzero(x[row + 1] != x[row])
            assert len(moved) == 1
            j = moved[0]
            delta = (x[row + 1, j] - x[row, j]) / spans[j]
            steps[factors[j].name].append((y[row + 1] - y[row]) / delta)
    table = small_morris.table.set_index(["outcome", "parameter"])
    for k, outcome in enumerate(small_morris.outcomes):
        for name, effects in steps.items():
            effects = np.array(effects)[:, k]
            assert len(effects) == 4
            assert table.loc[(outcome.label, name), "mu_star"] == pytest.approx(np.abs(effects).mean())
            assert table.loc[(outcome.label, name), "mu"] == pytest.approx(effects.mean())
    # The sale itself is scaled by event_scale: it moves the seller's regard for the buyer.
    assert table.loc[("Russia → Pakistan", "event_scale"), "mu_star"] > 0.05
    assert small_morris.ranking("Russia → Pakistan")[0] == "event_scale"


def test_the_same_seed_gives_the_same_analysis_and_another_seed_another_design(small_morris):
    import sim as api

    again = api.sensitivity(ARMS_SALE, parameters=["event_scale", "memory", "competition_scale"],
                            ranges={"memory": (0.05, 0.2)}, trajectories=4, top=2)
    assert again.table.equals(small_morris.table) and np.array_equal(again.inputs, small_morris.inputs)
    other = api.sensitivity(ARMS_SALE, parameters=["event_scale"], trajectories=4, top=1, seed=5)
    first = api.sensitivity(ARMS_SALE, parameters=["event_scale"], trajectories=4, top=1)
    assert not np.array_equal(other.inputs, first.inputs)


def test_sobol_apportions_the_variance_to_the_parameter_that_drives_it():
    import sim as api

    found = api.sensitivity(ARMS_SALE, "sobol", parameters=["event_scale", "concern_bonus"], samples=16, top=1)
    assert found.evaluations == 16 * (2 + 2)
    table = found.table.set_index("parameter")
    assert list(found.table.columns) == ["outcome", "parameter", "low", "high", "S1", "S1_conf", "ST", "ST_conf"]
    assert found.ranking(0)[0] == "event_scale"
    assert table.loc["event_scale", "ST"] > 0.5 and table.loc["event_scale", "ST"] > table.loc["concern_bonus", "ST"]


def test_a_bloc_outcome_and_a_scenario_without_effects():
    import sim as api
    from sim.errors import EntenteError

    with pytest.raises(EntenteError, match="has no effect to analyse"):
        api.sensitivity(SCENARIOS / "baseline.yaml", parameters=["balance"], trajectories=2)
    found = api.sensitivity(SCENARIOS / "baseline.yaml", parameters=["balance"], trajectories=2,
                            same_bloc=[("united states", "india")])
    assert [o.label for o in found.outcomes] == ["US and India in one bloc"]
    assert set(np.unique(found.outputs)) <= {0.0, 1.0}
    with pytest.raises(EntenteError, match="no actor 'Indai'.*Did you mean 'India'"):
        api.sensitivity(SCENARIOS / "baseline.yaml", parameters=["balance"], same_bloc=[("Indai", "US")])


def test_cli_writes_table_design_figure_and_manifest_reproducibly(tmp_path):
    args = ["sensitivity", ARMS_SALE, "--parameters", "event_scale,memory=0.05:0.2", "--trajectories", "3",
            "--top", "2"]
    done = cli(*args, "--out", tmp_path / "a")
    assert done.returncode == 0, done.stderr
    assert "Morris screening" in done.stdout and "Pakistan → Russia" in done.stdout and "memory 0.05–0.2" in done.stdout
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} == {"sensitivity.csv", "samples.csv", "sensitivity.png"}
    again = cli(*args, "--out", tmp_path / "b", "--no-plots")
    assert again.returncode == 0, again.stderr
    for name in ("sensitivity.csv", "samples.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert not (tmp_path / "b" / "sensitivity.png").exists()


@pytest.mark.parametrize("args, fragments", [
    (["--parameters", "memroy"], ["no parameter named 'memroy'", "Did you mean 'memory'?"]),
    (["--parameters", "memory=0:5"], ["outside the values the model accepts"]),
    (["--parameters", "memory=0.1"], ["must be LOW:HIGH"]),
    (["--levels", "3"], ["even"]),
])
def test_cli_refuses_bad_input_with_one_paragraph(tmp_path, args, fragments):
    done = cli("sensitivity", ARMS_SALE, "--out", tmp_path / "o", *args)
    assert_clean_error(done, *fragments)
    assert not (tmp_path / "o").exists()


def test_cli_reads_a_ranges_file_and_names_the_line_of_a_mistake(tmp_path):
    good = tmp_path / "ranges.yaml"
    good.write_text("event_scale: [0.3, 0.9]\n")
    done = cli("sensitivity", ARMS_SALE, "--ranges", good, "--trajectories", "2", "--top", "1", "--quiet",
               "--out", tmp_path / "o")
    assert done.returncode == 0, done.stderr
    assert "event_scale,0.300000,0.900000" in (tmp_path / "o" / "sensitivity.csv").read_text()
    bad = tmp_path / "bad.yaml"
    bad.write_text("memory: [0.1, 0.2]\nbalance: 0.3\n")
    assert_clean_error(cli("sensitivity", ARMS_SALE, "--ranges", bad, "--out", tmp_path / "p"),
                       "line 2", "[low, high]")
