"""Hindcasts hold, the command scores them, and actors can change during a scenario."""

import pytest

from sim.cli.main import main
from sim.errors import EntenteError
from sim.classroom.hindcast import run_hindcast
from sim.results.runner import run
from sim.inputs.resources import bundled_hindcasts
from sim.inputs.scenario_file import scenario_from_data

HINDCASTS = bundled_hindcasts()


def test_there_are_the_two_issue_hindcasts_and_at_least_three_more():
    names = {path.stem for path in HINDCASTS}
    assert {"s400_caatsa_2017_2018", "doha_kabul_moscow_2020_2021"} <= names and len(names) >= 5


@pytest.mark.parametrize("path", HINDCASTS, ids=lambda p: p.stem)
def test_every_expected_direction_holds(path):
    scenario, checks = run_hindcast(path)
    assert len(checks) >= 3 and scenario.relations, "a hindcast states its priors and several directions"
    failed = [c.text for c in checks if not c.held]
    assert not failed, failed


def test_the_command_prints_a_scorecard_and_fails_when_a_direction_fails(tmp_path, capsys):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("name: wrong\nmonths: 12\nrelations: [{between: [India, Pakistan], score: -0.6}]\n"
                     "events: [{at: 2, type: arms_sale, from: Russia, to: India}]\n"
                     "parameters: {reactions: false}\n"  # the scorecard, not a reaction chain, is under test
                     "expect:\n  - {pair: [Pakistan, India], change: up}\n  - {pair: [Russia, India], change: up}\n",
                     encoding="utf-8")
    assert main(["hindcast", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "FAILED  Pakistan → India up" in out and "held    Russia → India up" in out
    assert "1 of 2 expected directions held" in out


def test_a_broken_expectation_is_a_clear_error():
    with pytest.raises(EntenteError) as caught:
        scenario_from_data({"name": "x", "months": 12, "expect": [{"pair": ["Russia", "Indai"], "change": "up"}]})
    assert "unknown actor 'Indai'" in caught.value.message()
    with pytest.raises(EntenteError) as caught:
        scenario_from_data({"name": "x", "months": 12, "expect": [{"pair": ["Russia", "India"], "change": "upp"}]})
    assert "unknown value 'upp'" in caught.value.message() and "'up'" in caught.value.message()


def test_an_armed_group_that_becomes_a_state_reacts_as_a_state():
    relations = [{"between": ["Taliban", "US"], "score": -0.6}, {"between": ["Taliban", "Pakistan"], "score": 0.5},
                 {"between": ["Taliban", "Russia"], "score": 0.5}, {"between": ["Russia", "Pakistan"], "score": 0.0}]
    events = [{"at": 1, "type": "covert_support", "from": "Pakistan", "to": "Taliban"},
              {"at": 4, "type": "defence_pact", "from": "US", "to": "Pakistan"}]  # its rival gains its partner
    common = {"name": "x", "months": 8, "relations": relations, "events": events,
              "parameters": {"reaction_cooldown": 0, "reaction_ceiling": 1.0}}
    before = run(scenario_from_data(common))
    after = run(scenario_from_data({**common,
                                    "changes": [{"at": 3, "actor": "Taliban", "kind": "state", "capability": 0.5}]}))
    def react(result):
        rows = result.events[(result.events["origin"] == "reaction") & (result.events["actor"] == "Taliban")]
        return rows[rows["reason"].str.contains("Taliban regards US as a rival")]

    assert len(react(before)) >= 1 and set(react(before)["type"]) == {"covert_support"}
    # a governing state signs; no covert aid any more
    assert len(react(after)) >= 1 and set(react(after)["type"]) == {"defence_pact"}


def test_a_change_of_capability_moves_the_blocs_weight():
    data = {"name": "x", "months": 4, "changes": [{"at": 2, "actor": "Pakistan", "capability": 30}]}
    from sim.inputs.world import build_world
    from sim.model.parameters import Parameters
    from sim.model.engine import AlignmentModel

    scenario = scenario_from_data(data)
    from sim.inputs.tables import load_codebook

    model = AlignmentModel(build_world(scenario), (), Parameters(), months=4, seeds=[1], changes=scenario.changes,
                           codebook=load_codebook())
    pakistan = model.index["Pakistan"]
    model.step()
    assert model.capabilities[pakistan] == pytest.approx(1.3)
    model.step()
    assert model.capabilities[pakistan] == 30 and model.capability_history[-1][pakistan] == 30


@pytest.mark.parametrize("change, words", [
    ({"at": 40, "actor": "Taliban", "kind": "state"}, "outside the horizon"),
    ({"at": 2, "actor": "Talibn", "kind": "state"}, "unknown actor 'Talibn'"),
    ({"at": 2, "actor": "Taliban"}, "changes nothing"),
    ({"at": 2, "actor": "Taliban", "kind": "government"}, "unknown value 'government'"),
    ({"at": 2, "actor": "Taliban", "knd": "state"}, "unknown key 'knd'"),
])
def test_a_broken_change_is_a_clear_error(change, words):
    with pytest.raises(EntenteError) as caught:
        scenario_from_data({"name": "x", "months": 24, "changes": [change]})
    assert words in caught.value.message() and "changes[0]" in caught.value.message()
