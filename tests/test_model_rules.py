"""The model's rules of issue 19, each pinned by sign and size on small worlds: mutual hostile acts, healing
(friendship buffer, de-escalation), onlookers as a share of the parties' response, and reactions at base
rates (a ceiling, a lag, no riposte after a mutual act or a reconciliation, no reaction to a reaction)."""

from __future__ import annotations

import re
import statistics
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.inputs.scenario_file import load_scenario
from sim.inputs.tables import load_codebook
from sim.model import dynamics
from sim.model.engine import AlignmentModel
from sim.model.events import ScheduledEvent
from sim.model.parameters import Parameters
from sim.model.world import World

from conftest import ROOT, cli

CODEBOOK = load_codebook()
QUIET = {"balance": 0.0, "reciprocity": 0.0}  # the pair alone: memory and events


def world(scores) -> World:
    scores = np.asarray(scores, dtype=float)
    n = len(scores)
    names = tuple("ABCDEFG"[:n])
    return World(names, np.ones(n), scores, {})


def trajectory(scores, events, months=24, **overrides) -> AlignmentModel:
    model = AlignmentModel(world(scores), tuple(events), Parameters().with_overrides(overrides), seeds=[0],
                           months=months, codebook=CODEBOOK)
    model.run(track_blocs=False)
    return model


def event(month, kind, source, target, intensity=1.0, mutual=False) -> ScheduledEvent:
    return ScheduledEvent(month, kind, "ABCDEFG"[source], "ABCDEFG"[target], intensity, "", 1.0, f"events[{month}]",
                          mutual=mutual)


def scenario_file(tmp_path: Path, events: str, parameters: str = "{}") -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"name: test\nmonths: 12\nparameters: {parameters}\nevents:\n{events}")
    return path


# -- mutual hostile acts -------------------------------------------------------------------------------------
def test_between_on_a_hostile_type_is_a_mutual_act_at_half_weight_each_way(tmp_path):
    path = scenario_file(tmp_path, "  - {at: 2, type: border_clash, between: [India, China]}\n")
    events = load_scenario(path).events
    assert {(e.source, e.target, e.intensity, e.mutual) for e in events} == {
        ("India", "China", 0.5, True), ("China", "India", 0.5, True)}
    friendly = load_scenario(scenario_file(tmp_path, "  - {at: 2, type: summit, between: [India, China]}\n")).events
    assert [(e.intensity, e.mutual) for e in friendly] == [(1.0, False)]


def test_the_order_of_between_changes_nothing(tmp_path):
    clash = "  - {{at: 2, type: border_clash, between: [{}, {}]}}\n"
    one = sim.run(load_scenario(scenario_file(tmp_path, clash.format("India", "China"))))
    other = sim.run(load_scenario(scenario_file(tmp_path, clash.format("China", "India"))))
    np.testing.assert_allclose(one.scores, other.scores, atol=1e-12)


def test_a_mutual_act_calls_for_no_riposte_and_a_one_way_act_can(tmp_path):
    eager = "{reaction_ceiling: 1.0, reaction_midpoint: 0.05}"
    mutual = sim.run(load_scenario(scenario_file(
        tmp_path, "  - {at: 2, type: military_clash, between: [India, Pakistan]}\n", eager)))
    assert not (mutual.events["origin"] == "reaction").any()
    one_way = sim.run(load_scenario(scenario_file(
        tmp_path, "  - {at: 2, type: military_clash, from: India, to: Pakistan}\n", eager)))
    ripostes = one_way.events[(one_way.events["origin"] == "reaction") & (one_way.events["source"] == "Pakistan")]
    assert len(ripostes) == 1 and int(ripostes["month"].iloc[0]) == 2 + Parameters().reaction_lag


def test_validate_explains_mutual_and_one_way_acts(tmp_path):
    path = scenario_file(tmp_path, "  - {at: 2, type: border_clash, between: [India, China]}\n"
                                   "  - {at: 3, type: airstrike, from: India, to: Pakistan}\n")
    done = cli("validate", str(path))
    out = done.stdout
    assert done.returncode == 0, done.stderr
    assert "border_clash between India and China: a mutual act" in out
    assert "airstrike from India to Pakistan: a one-way act (India the aggressor" in out


# -- healing -------------------------------------------------------------------------------------------------
def test_a_clash_between_friends_lasts_less_than_between_rivals():
    delta = np.array([[0.0, -0.6], [-0.6, 0.0]])
    friends = dynamics.lasting_part(delta, 0.5, np.array([[0, 0.8], [0.8, 0]]), hostile=True, buffer=1.0)
    rivals = dynamics.lasting_part(delta, 0.5, np.array([[0, -0.6], [-0.6, 0]]), hostile=True, buffer=1.0)
    assert friends[0, 1] == pytest.approx(-0.3 * 0.2)
    assert rivals[0, 1] == pytest.approx(-0.3)
    assert dynamics.lasting_part(delta, 0.5, np.array([[0, 0.8], [0.8, 0]]), hostile=True, buffer=0.0)[0, 1] == -0.3
    warm = dynamics.lasting_part(-delta, 0.5, np.array([[0, 0.8], [0.8, 0]]), hostile=False, buffer=1.0)
    assert warm[0, 1] == pytest.approx(0.3)  # only hostile acts' cooling is buffered


def test_restoration_closes_its_share_of_the_gap_and_never_passes_the_prior():
    prior = np.array([[0.0, 0.5], [0.5, 0.0]])
    base = np.array([[0.0, 0.1], [0.3, 0.0]])
    moved = dynamics.saturating_add(base, dynamics.restoration(base, prior, 0, 1, 0.5))
    assert moved[0, 1] == pytest.approx(0.3) and moved[1, 0] == pytest.approx(0.4)
    full = dynamics.saturating_add(base, dynamics.restoration(base, prior, 0, 1, 1.0))
    np.testing.assert_allclose(full, prior)
    above = np.array([[0.0, 0.7], [0.7, 0.0]])
    assert not dynamics.restoration(above, prior, 0, 1, 1.0).any()


def test_a_clash_then_a_restoring_event_leaves_at_most_a_third_of_the_trough_after_a_year():
    """Acceptance (issue 19): a +0.5 pair, one clash, relations restored a month later; 12 months after the
    restoration the pair has lost at most a third of what it lost at the trough."""
    start = [[0, 0.5, 0.2], [0.5, 0, 0.2], [0.2, 0.2, 0]]
    model = trajectory(start, [event(1, "military_clash", 0, 1), event(2, "restore_relations", 0, 1)], months=14)
    pair = model.history[0, :, 0, 1]
    trough = 0.5 - pair.min()
    assert trough > 0.2  # the clash hurts
    assert 0.5 - pair[14] <= trough / 3
    without = trajectory(start, [event(1, "military_clash", 0, 1)], months=14, friendship_buffer=0.0)
    assert 0.5 - without.history[0, 14, 0, 1] > trough / 3  # without both rules it does not heal so


def test_a_single_clash_between_friends_heals_without_any_restoring_event():
    start = [[0, 0.8, 0.0], [0.8, 0, 0.0], [0.0, 0.0, 0]]
    healed = trajectory(start, [event(1, "military_clash", 0, 1)], months=36, reactions=False, **QUIET)
    scarred = trajectory(start, [event(1, "military_clash", 0, 1)], months=36, reactions=False,
                         friendship_buffer=0.0, **QUIET)
    hurt = 0.8 - healed.history[0, :, 0, 1].min()
    assert hurt > 0.1  # the clash hurts
    assert 0.8 - healed.history[0, 36, 0, 1] < hurt / 5  # and heals
    assert 0.8 - scarred.history[0, 36, 0, 1] > 3 * (0.8 - healed.history[0, 36, 0, 1])  # unless unshielded


def test_a_demobilisation_after_a_crisis_does_not_lift_rivals_above_where_they_were():
    """A withdrawal of forces is a de-escalation (CAMEO 087): its lasting part restores the baseline, no
    more. Rivals at -0.7 hit by a clash and then a withdrawal end, a year on, below the no-event path."""
    start = [[0, -0.7, 0.0], [-0.7, 0, 0.0], [0.0, 0.0, 0]]
    crisis = [event(1, "military_clash", 0, 1, mutual=True), event(6, "withdrawal", 0, 1, 0.5, mutual=True)]
    model = trajectory(start, crisis, months=18, reactions=False, **QUIET)
    calm = trajectory(start, [], months=18, reactions=False, **QUIET)
    effect = model.history[0, :, 0, 1] - calm.history[0, :, 0, 1]
    assert effect[5] < -0.05  # the crisis hurts
    assert effect[18] <= 0.0  # and the withdrawal undoes part of it, not more
    assert CODEBOOK["withdrawal"].restorative


def test_lasting_scale_multiplies_every_lasting_share():
    start = [[0, 0.0, 0.0], [0.0, 0, 0.0], [0.0, 0.0, 0]]
    kept = {scale: trajectory(start, [event(1, "arms_sale", 0, 1)], months=36, reactions=False,
                              lasting_scale=scale, **QUIET).history[0, 36, 0, 1] for scale in (0.0, 1.0, 1.5)}
    assert abs(kept[0.0]) < 0.01  # nothing lasts: memory erases the sale
    assert 0.0 < kept[1.0] < kept[1.5]


# -- onlookers -----------------------------------------------------------------------------------------------
def test_onlookers_move_by_a_share_of_the_parties_and_zero_means_none():
    scores = np.array([[0, 0.5, -0.6], [0.5, 0, 0.3], [-0.6, 0.3, 0]])
    for rule in ("diplomatic", "capability", "hostile"):
        weight = -1.0 if rule == "hostile" else 0.74
        loud = dynamics.event_impulse(scores, 0, 1, weight, event_scale=0.6, audience_scale=0.3, rule=rule,
                                      one_way=True)
        assert np.abs(loud[2]).max() <= 0.3 * np.abs(loud[0, 1]) + 1e-12
        silent = dynamics.event_impulse(scores, 0, 1, weight, event_scale=0.6, audience_scale=0.0, rule=rule)
        assert not silent[2].any()
    assert not dynamics.client_competition(scores, 0, 1, 0.74, competition_scale=0.0).any()


def test_an_onlooker_tied_to_both_sides_is_damped():
    # C likes both A and B; D likes only B. A clash A -> B: C stays nearer neutral, D takes B's side.
    scores = np.array([[0, -0.2, 0.6, 0.0], [-0.2, 0, 0.6, 0.6], [0.6, 0.6, 0, 0], [0.0, 0.6, 0, 0]])
    delta = dynamics.event_impulse(scores, 0, 1, -1.0, event_scale=0.6, audience_scale=0.3, rule="hostile")
    assert delta[3, 0] < delta[2, 0] < 0  # both cool on the attacker, the one tied to both less
    assert delta[3, 1] > delta[2, 1] > 0  # and both warm to the victim, the one tied to both less
    assert delta[2, 0] == pytest.approx(0.3 * 0.6 * -1.0 * 0.6 * (1 - 0.6))  # w f_victim (1 - f_attacker)


def test_with_rival_sympathy_the_attacker_s_rival_sides_with_the_victim():
    # A strikes B. C is hostile to A and indifferent to B; D likes A and B alike (a mediator); E dislikes B.
    scores = np.array([[0, -0.2, -0.8, 0.5, 0.0], [-0.2, 0, 0.0, 0.5, -0.5], [-0.8, 0.0, 0, 0, 0],
                       [0.5, 0.5, 0, 0, 0], [0.0, -0.5, 0, 0, 0]])
    before = dynamics.event_impulse(scores, 0, 1, -1.0, event_scale=0.6, audience_scale=0.3, rule="hostile")
    after = dynamics.event_impulse(scores, 0, 1, -1.0, event_scale=0.6, audience_scale=0.3, rule="hostile",
                                   rival_sympathy=1.0)
    assert before[2, 1] == 0 and after[2, 1] == pytest.approx(0.3 * 0.6 * 1.0 * 0.8)  # w r h_attacker
    assert after[3, 1] == before[3, 1] > 0  # the mediator is not hostile to the attacker: no change
    assert after[4, 1] == before[4, 1] == 0  # an onlooker hostile to the victim does not warm to it
    assert np.array_equal(np.delete(after, 1, axis=1), np.delete(before, 1, axis=1))  # only the victim's column
    assert np.array_equal(after[:2], before[:2])  # the parties' own responses are untouched
    # A mutual act, each half the other's victim: C, hostile to A, sides with B only.
    half = [dynamics.event_impulse(scores, s, t, -0.5, event_scale=0.6, audience_scale=0.3, rule="hostile",
                                   rival_sympathy=1.0) for s, t in ((0, 1), (1, 0))]
    mutual = half[0] + half[1]
    assert mutual[2, 1] > 0 and mutual[2, 0] == 0


@pytest.mark.parametrize("name, parties", [("arms_sale_pakistan", ("Russia", "Pakistan")),
                                           ("s400_india", ("Russia", "India"))])
def test_onlookers_move_clearly_less_than_the_parties(name, parties):
    scenario = sim.load_scenario(name)
    result = sim.run(replace(scenario, parameters=scenario.parameters.with_overrides({"reactions": False})))
    effect, names = result.effect(), list(result.actors)
    a, b = (names.index(p) for p in parties)
    party = min(abs(effect[a, b]), abs(effect[b, a]))
    onlooker = max(abs(effect[k, j]) for k in range(len(names)) for j in (a, b) if k not in (a, b))
    assert onlooker < 0.75 * party


# -- reactions -----------------------------------------------------------------------------------------------
def test_the_chance_of_reacting_never_exceeds_the_ceiling():
    from sim.model.reactions import reaction_probability

    assert reaction_probability(5.0, 0.3, 0.1, 0.35) == pytest.approx(0.35)
    assert reaction_probability(0.3, 0.3, 0.1, 0.35) < 0.35 / 2 + 0.01
    assert reaction_probability(0.0, 0.3, 0.1, 0.35) == 0.0


def test_no_riposte_when_the_two_sides_cooperated_in_between():
    start = [[0, -0.5, 0.0], [-0.5, 0, 0.0], [0.0, 0.0, 0]]
    eager = {"reaction_ceiling": 1.0, "reaction_midpoint": 0.05, "reaction_lag": 3}
    answered = trajectory(start, [event(1, "airstrike", 0, 1)], months=6, **eager)
    assert [(row[1], row[2], row[3], row[4]) for row in answered.log if row[6] == "reaction"] == [
        (4, "military_clash", "B", "A")]
    talked = trajectory(start, [event(1, "airstrike", 0, 1), event(2, "ceasefire", 1, 0)], months=6, **eager)
    assert not [row for row in talked.log if row[6] == "reaction"]


def test_no_reaction_answers_a_reaction():
    """A one-way clash with ripostes certain and no cooldown: the target answers once, and nobody answers
    the answer (before, two rivals traded clashes until the cooldown stopped them)."""
    start = [[0, -0.5, 0.0], [-0.5, 0, 0.0], [0.0, 0.0, 0]]
    model = trajectory(start, [event(1, "military_clash", 0, 1)], months=12, reaction_ceiling=1.0,
                       reaction_midpoint=0.05, reaction_cooldown=0)
    assert [(row[2], row[3], row[4]) for row in model.log if row[6] == "reaction"] == [("military_clash", "B", "A")]


def test_reactions_in_the_bundled_scenarios_are_not_reflexes():
    """Acceptance (issue 19): the median chance of the reactions in the bundled scenarios is below 0.6,
    and every reaction answers a scripted event (no chain deeper than 2)."""
    chances = []
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        result = sim.run(load_scenario(path))
        events = result.events[result.events["run"] == 1]
        reacted = events[events["origin"] == "reaction"]
        chances += list(reacted["probability"])
        for reason in reacted["reason"]:
            month = int(re.search(r"month (\d+)", reason).group(1))
            named = events["type"].map(lambda kind, reason=reason: kind in reason)
            triggers = events[(events["month"] == month) & named]
            assert (triggers["origin"] == "scenario").all() and len(triggers), reason
    assert chances and statistics.median(chances) < 0.6
