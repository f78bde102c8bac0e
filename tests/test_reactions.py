"""Reactions follow interests: a smooth chance, counter-patrons from existing ties, answers to hostile acts.

Every test sets the relations it depends on explicitly, so none rests on the bundled world's coded scores.
"""

import numpy as np

from sim.results.runner import run
from sim.inputs.scenario_file import scenario_from_data
from sim.inputs.tables import canonical_actors
from sim.inputs.world import build_world
from sim.model.reactions import patron_supplies, reaction_probability


CERTAIN = {"reaction_midpoint": 0.05, "reaction_spread": 0.01, "reaction_ceiling": 1.0}
"""Reaction parameters under which any concern makes a reaction all but certain: the tests ask which move,
not whether (the default ceiling keeps every chance at or below 0.35: tests/test_model_rules.py)."""
LAG = 2  # the default reaction_lag: a counter-move comes two months after its news


def scenario(**data):
    return scenario_from_data({"name": "reactions", "months": 12, **data})


def reactions(result, actor=None):
    rows = result.events[result.events["origin"] == "reaction"]
    return rows if actor is None else rows[rows["actor"] == actor]


def test_the_chance_of_reacting_rises_smoothly_from_zero():
    grid = np.linspace(0, 1.5, 301)
    p = np.array([reaction_probability(c, 0.3, 0.1) for c in grid])
    assert p[0] == 0 and (np.diff(p) >= 0).all() and p[-1] > 0.99
    assert 0.4 < reaction_probability(0.3, 0.3, 0.1) < 0.6
    assert np.abs(np.diff(p)).max() < 0.02  # no cliff: a 0.005 change in concern never moves it much
    assert reaction_probability(-0.2, 0.3, 0.1) == 0


def test_runs_show_how_often_a_counter_move_happens():
    near_midpoint = [{"between": ["India", "Pakistan"], "score": -0.3}, {"between": ["India", "US"], "score": 0.5},
                     {"between": ["India", "Russia"], "score": 0.0}]
    result = run(scenario(runs=40, relations=near_midpoint, parameters={"reaction_ceiling": 1.0},
                          events=[{"at": 2, "type": "arms_sale", "from": "China", "to": "Pakistan"}]))
    india = reactions(result, "India")
    assert 5 < india["run"].nunique() < 35  # sometimes, not always: a chance, not a cliff
    assert ((india["probability"] > 0.3) & (india["probability"] < 0.7)).all()
    assert india["reason"].str.contains("chance").all()


def test_india_can_turn_to_russia_and_an_existing_partner_comes_first():
    relations = [{"between": ["India", "Pakistan"], "score": -0.6}, {"between": ["India", "US"], "score": 0.6},
                 {"between": ["India", "Russia"], "score": 0.3}, {"between": ["Russia", "Pakistan"], "score": 0.0}]
    events = [{"at": 1, "type": "arms_sale", "from": "Russia", "to": "India"},  # Russia already supplies India
              {"at": 3, "type": "arms_sale", "from": "China", "to": "Pakistan"}]
    india = reactions(run(scenario(relations=relations, events=events, parameters=CERTAIN)), "India")
    assert list(india["source"][:1]) == ["Russia"] and list(india["target"][:1]) == ["India"]
    assert "existing military partner" in india.iloc[0]["reason"]
    without_history = reactions(run(scenario(relations=relations, events=events[1:], parameters=CERTAIN)), "India")
    assert list(without_history["source"][:1]) == ["US"]  # otherwise the state it is closest to


def test_great_powers_balance_one_another_whatever_their_size():
    relations = [{"between": ["US", "China"], "score": -0.6}, {"between": ["US", "India"], "score": 0.5},
                 {"between": ["India", "Russia"], "score": 0.0}]
    result = run(scenario(relations=relations, parameters={"reaction_ceiling": 1.0},
                          events=[{"at": 2, "type": "defence_pact", "from": "Russia", "to": "China"}]))
    us = reactions(result, "US")
    assert len(us) == 1 and us.iloc[0]["target"] == "India"  # a less capable partner is a partner too
    assert us.iloc[0]["source"] == "US"  # and the larger arms exporter supplies it


def test_the_larger_arms_exporter_supplies_whoever_turned_to_whom():
    """SIPRI shares (sim/data/actors.yaml): US 0.36 > Russia 0.21 > China 0.052 > India, Pakistan ~0."""
    assert patron_supplies(actor_exports=0.0, patron_exports=0.21, actor_kind="state")  # India -> Russia
    assert not patron_supplies(actor_exports=0.052, patron_exports=0.0, actor_kind="state")  # China -> Pakistan
    assert not patron_supplies(actor_exports=0.36, patron_exports=0.0, actor_kind="state")  # US -> India
    assert not patron_supplies(actor_exports=0.21, patron_exports=0.052, actor_kind="state")  # Russia -> China
    assert patron_supplies(actor_exports=0.0, patron_exports=0.0, actor_kind="state")  # a tie: the patron
    assert patron_supplies(actor_exports=0.5, patron_exports=0.0, actor_kind="armed_group")  # always receives
    shares = {actor.name: actor.arms_exports for actor in canonical_actors()}
    assert shares["US"] > shares["Russia"] > shares["China"] > max(shares["India"], shares["Pakistan"])
    assert shares["Russia"] > shares["India"]  # not CINC, which ranks India above Russia


def test_china_reacting_through_pakistan_arms_pakistan():
    """India gains the US as a partner; China, India's rival and Pakistan's friend, turns to Pakistan: the
    log shows China -> Pakistan (Pakistan does not arm China), with the reason saying who supplies."""
    relations = [{"between": ["China", "India"], "score": -0.6}, {"between": ["China", "Pakistan"], "score": 0.8},
                 {"between": ["India", "Pakistan"], "score": 0.2}]  # Pakistan does not seek the deal itself
    result = run(scenario(relations=relations, parameters=CERTAIN,
                          events=[{"at": 2, "type": "arms_sale", "from": "US", "to": "India"}]))
    china = reactions(result, "China")
    assert len(china) >= 1
    first = china.iloc[0]
    assert (first["type"], first["source"], first["target"]) == ("arms_sale", "China", "Pakistan")
    assert "China turns to Pakistan" in first["reason"]
    assert "China, the larger arms exporter, supplies Pakistan" in first["reason"]


def test_india_turning_to_russia_buys_from_russia():
    relations = [{"between": ["India", "Pakistan"], "score": -0.6}, {"between": ["India", "Russia"], "score": 0.7},
                 {"between": ["India", "US"], "score": 0.0}, {"between": ["Russia", "Pakistan"], "score": 0.0}]
    result = run(scenario(relations=relations, parameters=CERTAIN,
                          events=[{"at": 2, "type": "arms_sale", "from": "China", "to": "Pakistan"}]))
    india = reactions(result, "India")
    assert len(india) >= 1
    first = india.iloc[0]
    assert (first["source"], first["target"]) == ("Russia", "India")
    assert "larger arms exporter" not in first["reason"]


def test_an_added_actor_exports_nothing_so_its_patron_supplies_it():
    added = [{"name": "Freedonia", "capability": 1.0, "relations": {"Pakistan": -0.6, "US": 0.8, "China": -0.5}}]
    data = scenario_from_data({"name": "added", "months": 12, "actors": added, "parameters": CERTAIN,
                               "events": [{"at": 2, "type": "arms_sale", "from": "China", "to": "Pakistan"}]})
    assert build_world(data).arms_exports[-1] == 0.0
    freedonia = reactions(run(data), "Freedonia")
    assert len(freedonia) >= 1
    first = freedonia.iloc[0]
    assert first["target"] == "Freedonia" and f"turns to {first['source']}," in first["reason"]  # patron supplies


def test_a_terror_attack_is_answered_by_its_target():
    relations = [{"between": ["India", "Pakistan"], "score": -0.5}]
    result = run(scenario(relations=relations, parameters={"reaction_cooldown": 12, "reaction_ceiling": 1.0},
                          events=[{"at": 2, "type": "terror_attack", "from": "Pakistan", "to": "India"}]))
    india = reactions(result, "India")
    assert len(india) == 1
    row = india.iloc[0]
    assert (row["month"], row["type"], row["source"], row["target"]) == (2 + LAG, "military_clash", "India",
                                                                         "Pakistan")
    assert row["probability"] > 0.9


def test_a_condemnation_is_answered_in_proportion():
    relations = [{"between": ["India", "China"], "score": -0.5}]
    result = run(scenario(runs=20, relations=relations,
                          events=[{"at": 2, "type": "condemnation", "from": "China", "to": "India"}]))
    answers = reactions(result, "India")
    assert set(answers["type"]) <= {"condemnation"}  # words for words, not a clash
    assert answers["probability"].max() < 0.9


def test_an_armed_group_ignores_an_air_defence_purchase_between_states():
    relations = [{"between": ["Taliban", "India"], "score": -0.7}, {"between": ["Taliban", "Russia"], "score": 0.4}]
    result = run(scenario(runs=5, relations=relations,
                          events=[{"at": 2, "type": "arms_sale", "from": "Russia", "to": "India"}]))
    assert reactions(result, "Taliban").empty


def test_the_cooldown_breaks_a_cycle_of_retaliation():
    """Three raids a month apart: a patient India answers the first and waits; an eager one answers each. No
    reaction answers a reaction, so Pakistan never answers India's answers."""
    relations = [{"between": ["India", "Pakistan"], "score": -0.6}]
    clash = [{"at": month, "type": "military_clash", "from": "Pakistan", "to": "India"} for month in (1, 2, 3)]
    patient = reactions(run(scenario(relations=relations, parameters={**CERTAIN, "reaction_cooldown": 12},
                                     events=clash)))
    eager = reactions(run(scenario(relations=relations, parameters={**CERTAIN, "reaction_cooldown": 1},
                                   events=clash)))
    assert len(patient) == 1 and set(patient["actor"]) == {"India"}
    assert len(eager) == 3 and set(eager["actor"]) == {"India"}


def test_reactions_and_scores_are_reproducible_with_the_same_seed():
    relations = [{"between": ["India", "Pakistan"], "score": -0.3}]
    data = dict(runs=6, relations=relations, events=[{"at": 2, "type": "arms_sale", "from": "China", "to": "Pakistan"}])
    first, second = run(scenario(**data)), run(scenario(**data))
    assert first.events.equals(second.events) and first.alignment.equals(second.alignment)


def test_two_actors_choosing_the_same_deal_make_one():
    """China arming Pakistan and Pakistan turning to China in the same month is one arms sale, not two."""
    relations = [{"between": ["China", "India"], "score": -0.6}, {"between": ["China", "Pakistan"], "score": 0.8},
                 {"between": ["India", "Pakistan"], "score": -0.6}]
    result = run(scenario(relations=relations, parameters=CERTAIN,
                          events=[{"at": 2, "type": "arms_sale", "from": "US", "to": "India"}]))
    month3 = reactions(result)
    month3 = month3[month3["month"] == 2 + LAG]
    deals = month3[(month3["source"] == "China") & (month3["target"] == "Pakistan")]
    assert len(deals) == 1 and deals.iloc[0]["actor"] in ("China", "Pakistan")
    assert not month3.duplicated(["type", "source", "target"]).any()


def test_the_counter_patron_choice_follows_its_rule_over_many_random_worlds():
    """counter_patron_choice, which both engines call, against the rule written out as a plain scan: an
    existing partner first, then the best (mutual regard - regard for the rival), the first of equals;
    never an armed group, the actor, the rival or its new partner; -1 when nobody qualifies. Scores are
    drawn on a coarse grid, so ties and the 0 and 0.5 thresholds are hit."""
    import numpy as np

    from sim.model.reactions import counter_patron_choice

    def by_hand(before, partners, i, rival, partner, armed):
        best, best_tied, best_value = -1, False, 0.0
        for o in range(len(armed)):
            if o in (i, rival, partner) or armed[o]:
                continue
            tied = bool(partners[i, o])
            mutual = (before[i, o] + before[o, i]) / 2
            if (mutual <= 0 and not tied) or before[o, rival] >= 0.5:
                continue
            value = mutual - before[o, rival]
            if best < 0 or (tied and not best_tied) or (tied == best_tied and value > best_value):
                best, best_tied, best_value = o, tied, value
        return best

    rng = np.random.default_rng(7)
    seen: set[int] = set()
    for n in (4, 7, 12):
        runs = 40
        before = rng.choice(np.linspace(-1, 1, 9), size=(runs, n, n))
        partners = rng.random((runs, n, n)) < 0.15
        armed = rng.random(n) < 0.2
        for i, rival, partner in [(0, 1, 2), (n - 1, 0, 1), (2, n - 1, 0)]:
            chosen = counter_patron_choice(before, partners, i, rival, partner, armed)
            expected = [by_hand(before[r], partners[r], i, rival, partner, armed) for r in range(runs)]
            assert chosen.tolist() == expected
            assert [int(counter_patron_choice(before[r], partners[r], i, rival, partner, armed))
                    for r in range(runs)] == expected  # and without the runs axis
            seen.update(expected)
    assert -1 in seen and len(seen) > 3  # cases with no patron, and many different patrons
