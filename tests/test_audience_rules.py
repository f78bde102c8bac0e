"""The audience rules pinned on hand-made matrices: the sign of every onlooker's response, rule by rule.

Actors are named by index so the matrices read like the cases in docs/model.md; nothing here depends on
the bundled world's scores.
"""

import numpy as np
import pytest

from sim.model import dynamics
from sim.model.events import CAPABILITY, DIPLOMATIC, HOSTILE

RUSSIA, INDIA, PAKISTAN, CHINA, US, IRAN, TALIBAN = range(7)
ARMS_SALE, TERROR, CLASH = 0.74, -0.9, -1.0


def world(pairs: dict[tuple[int, int], float], n: int = 7) -> np.ndarray:
    scores = np.zeros((n, n))
    for (i, j), value in pairs.items():
        scores[i, j] = value
    return scores


def impulse(scores, source, target, weight, rule, one_way=False):
    return dynamics.event_impulse(scores, source, target, weight, event_scale=0.6, audience_scale=0.5,
                                  rule=rule, one_way=one_way)


S400_WORLD = world({
    (PAKISTAN, INDIA): -0.6, (PAKISTAN, RUSSIA): 0.5,  # hostile to the recipient, friendly to the supplier
    (CHINA, INDIA): -0.4, (CHINA, RUSSIA): 0.5,
    (US, INDIA): 0.4, (US, RUSSIA): -0.4,  # a patron of the recipient, rival of the supplier
    (IRAN, INDIA): 0.3, (IRAN, RUSSIA): 0.4,  # friendly to both
})


def test_capability_a_rival_of_the_recipient_cools_on_recipient_and_supplier():
    d = impulse(S400_WORLD, RUSSIA, INDIA, ARMS_SALE, CAPABILITY, one_way=True)
    assert d[PAKISTAN, INDIA] < 0 and d[CHINA, INDIA] < 0  # Russia's S-400s to India: no warming
    assert d[PAKISTAN, RUSSIA] < 0 and d[CHINA, RUSSIA] < 0  # and cooler on the supplier
    assert d[IRAN, INDIA] > 0 and d[IRAN, RUSSIA] > 0  # a friend of both warms to both
    assert d[US, INDIA] > 0  # a friend of the recipient warms to it (its patron's pique is separate)
    assert d[US, RUSSIA] == 0  # a rival supplier is not liked better for arming my friend
    assert d[TALIBAN, INDIA] == 0 and d[TALIBAN, RUSSIA] == 0  # indifferent onlookers do not move
    assert d[RUSSIA, INDIA] > 0 and d[INDIA, RUSSIA] > 0


def test_the_old_rule_cooled_the_recipients_friends_on_its_rivals_supplier_no_more():
    """Friend of my friend read an arms sale as a signal; the capability rule reads it as a threat."""
    old = impulse(S400_WORLD, RUSSIA, INDIA, ARMS_SALE, DIPLOMATIC)
    new = impulse(S400_WORLD, RUSSIA, INDIA, ARMS_SALE, CAPABILITY, one_way=True)
    assert old[PAKISTAN, RUSSIA] < 0 and new[PAKISTAN, RUSSIA] < 0  # both: a rival's supplier is cooled on
    assert old[IRAN, INDIA] > 0 and new[IRAN, INDIA] > 0
    assert new[PAKISTAN, INDIA] < old[PAKISTAN, INDIA] == 0  # the threat is felt, not just not welcomed


def test_capability_no_onlooker_warms_towards_its_own_rival():
    rng = np.random.default_rng(3)
    for _ in range(200):
        scores = dynamics.zero_diagonal(rng.uniform(-1, 1, (7, 7)))
        for one_way in (True, False):
            d = impulse(scores, RUSSIA, INDIA, ARMS_SALE, CAPABILITY, one_way)
            others = [k for k in range(7) if k not in (RUSSIA, INDIA)]
            for k in others:
                for party in (RUSSIA, INDIA):
                    if scores[k, party] < 0:
                        assert d[k, party] <= 0


def test_capability_two_way_military_cooperation_signs():
    scores = world({(PAKISTAN, INDIA): -0.6, (PAKISTAN, RUSSIA): 0.5, (IRAN, INDIA): 0.4, (IRAN, RUSSIA): 0.4,
                    (US, RUSSIA): -0.5, (US, INDIA): -0.5})
    d = impulse(scores, RUSSIA, INDIA, ARMS_SALE, CAPABILITY, one_way=False)  # a joint exercise
    assert d[PAKISTAN, INDIA] < 0 and d[PAKISTAN, RUSSIA] <= 0  # my friend trains with my rival
    assert d[IRAN, INDIA] > 0 and d[IRAN, RUSSIA] > 0
    assert d[US, INDIA] < 0 and d[US, RUSSIA] < 0


def test_client_competition_is_a_brief_cooling_of_a_patron_on_client_and_supplier():
    d = dynamics.client_competition(S400_WORLD, RUSSIA, INDIA, ARMS_SALE, competition_scale=1.0)
    assert d[US, INDIA] == pytest.approx(-ARMS_SALE * 0.4) and d[US, RUSSIA] == pytest.approx(-ARMS_SALE * 0.4)
    for k in (PAKISTAN, CHINA, IRAN, TALIBAN):  # not a patron of the client, or not hostile to the supplier
        assert d[k, INDIA] == 0 and d[k, RUSSIA] == 0
    assert d[RUSSIA, INDIA] == 0 and d[INDIA, RUSSIA] == 0


TERROR_WORLD = world({
    (TALIBAN, PAKISTAN): 0.5, (TALIBAN, INDIA): -0.5,  # the attacker's friend, hostile to the victim
    (RUSSIA, INDIA): 0.4, (RUSSIA, PAKISTAN): 0.2,  # likes the victim more
    (US, INDIA): 0.4, (US, PAKISTAN): 0.4,  # ties to both
    (CHINA, INDIA): -0.4, (CHINA, PAKISTAN): 0.6,
})


def test_hostile_a_terror_attack_does_not_reward_the_attackers_friends():
    d = impulse(TERROR_WORLD, PAKISTAN, INDIA, TERROR, HOSTILE)
    assert d[TALIBAN, PAKISTAN] == 0 and d[CHINA, PAKISTAN] == 0  # no warming to the attacker
    assert d[TALIBAN, INDIA] == 0 and d[CHINA, INDIA] == 0  # and no cooling on the victim
    assert d[RUSSIA, INDIA] > 0 and d[US, INDIA] > 0  # sympathy from the victim's friends
    assert d[RUSSIA, PAKISTAN] < 0 and d[US, PAKISTAN] < 0  # who cool on the attacker
    assert d[US, PAKISTAN] > d[RUSSIA, PAKISTAN] * 1.5  # less so when they are the attacker's friends too
    assert d[PAKISTAN, INDIA] < 0 and d[INDIA, PAKISTAN] < 0


def test_hostile_nobody_warms_to_an_attacker_or_cools_on_a_victim():
    rng = np.random.default_rng(4)
    for _ in range(200):
        scores = dynamics.zero_diagonal(rng.uniform(-1, 1, (7, 7)))
        d = impulse(scores, PAKISTAN, INDIA, CLASH, HOSTILE)
        others = [k for k in range(7) if k not in (PAKISTAN, INDIA)]
        neutral = impulse(world({}), PAKISTAN, INDIA, CLASH, HOSTILE)
        assert (d[others, PAKISTAN] <= neutral[others, PAKISTAN] + 1e-12).all()
        assert (d[others, INDIA] >= 0).all()


def test_attack_and_retaliation_a_power_with_ties_to_both_does_not_turn_on_the_first_victim():
    first = impulse(TERROR_WORLD, PAKISTAN, INDIA, TERROR, HOSTILE)
    second = impulse(TERROR_WORLD, INDIA, PAKISTAN, CLASH, HOSTILE)  # the retaliatory strike
    on_victim = first[US, INDIA] + second[US, INDIA]
    assert on_victim > -0.05  # at most a small cooling, not a sharp one
    assert first[US, INDIA] > 0


def test_a_border_clash_a_third_state_that_likes_one_side_does_not_turn_on_the_other():
    scores = world({(RUSSIA, CHINA): 0.6, (US, INDIA): 0.5})
    d = impulse(scores, CHINA, INDIA, CLASH, HOSTILE)  # China's troops at India's border
    assert d[RUSSIA, INDIA] == 0 and d[RUSSIA, CHINA] == 0  # China's friend: no sympathy owed, no turn on India
    assert d[US, INDIA] > 0 and d[US, CHINA] < 0  # India's friend: sympathy, and cooler on China
    assert abs(d[US, CHINA]) <= 0.5 * 1.0 * 0.5 + 1e-12  # no more than audience_scale x weight x its regard


def test_diplomatic_friend_of_my_friend_signs():
    scores = world({(PAKISTAN, INDIA): -0.6, (IRAN, INDIA): 0.5, (IRAN, RUSSIA): 0.2,
                    (CHINA, RUSSIA): -0.3, (CHINA, INDIA): 0.5})
    d = impulse(scores, RUSSIA, INDIA, 0.7, DIPLOMATIC)
    assert d[PAKISTAN, RUSSIA] < 0 and d[IRAN, RUSSIA] > 0  # judged by regard for the other party
    assert d[IRAN, INDIA] > 0 and d[CHINA, INDIA] < 0  # my friend's deal with my rival cools me on my friend
    assert d[PAKISTAN, INDIA] == 0 and d[CHINA, RUSSIA] == 0  # and never warms me to the rival


@pytest.mark.parametrize("rule", [DIPLOMATIC, CAPABILITY, HOSTILE])
def test_every_rule_is_batched_over_leading_axes(rule):
    rng = np.random.default_rng(5)
    stack = dynamics.zero_diagonal(rng.uniform(-1, 1, (3, 2, 7, 7)))
    batched = impulse(stack, RUSSIA, INDIA, 0.74, rule, one_way=True)
    for index in np.ndindex(3, 2):
        assert np.allclose(batched[index], impulse(stack[index], RUSSIA, INDIA, 0.74, rule, one_way=True))
    assert np.allclose(dynamics.client_competition(stack, 0, 1, 0.74, competition_scale=1.0)[1, 1],
                       dynamics.client_competition(stack[1, 1], 0, 1, 0.74, competition_scale=1.0))


def test_an_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        impulse(world({}), 0, 1, 0.5, "telepathy")


def test_diplomatic_a_friends_deal_with_my_rival_does_not_warm_me_to_the_rival():
    scores = world({(INDIA, US): 0.4, (INDIA, TALIBAN): -0.6})
    d = impulse(scores, US, TALIBAN, 0.8, DIPLOMATIC)  # the Doha agreement
    assert d[INDIA, TALIBAN] == 0  # no warming to its rival
    assert d[INDIA, US] < 0  # the unbalanced triad shows as a cooler view of the friend
