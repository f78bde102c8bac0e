"""The numerical kernel on small hand-made arrays."""

import numpy as np
import pytest

from sim.model import dynamics

NO_DRIVERS = dict(memory=0.0, balance=0.0, reciprocity=0.0)


def triangle(ab, bc, ca):
    """Symmetric 3-actor matrix with the given pair scores."""
    a = np.zeros((3, 3))
    a[0, 1] = a[1, 0] = ab
    a[1, 2] = a[2, 1] = bc
    a[2, 0] = a[0, 2] = ca
    return a


def run(scores, months, baseline=None, **rates):
    baseline = scores.copy() if baseline is None else baseline
    zero = np.zeros_like(scores)
    for _ in range(months):
        scores, baseline = dynamics.step(scores, baseline, zero, zero, zero, dynamics.Rates(**rates))
    return scores, baseline


def test_balance_drives_an_unbalanced_triangle_towards_balance():
    # Two friendly pairs and one hostile pair: + + - is unbalanced (product of signs negative).
    # (With three equal magnitudes the symmetric case decays to zero, so the magnitudes differ.)
    start = triangle(0.6, 0.3, -0.2)
    end, _ = run(start, 200, balance=0.2, memory=0.0, reciprocity=0.0)
    assert start[0, 1] * start[1, 2] * start[2, 0] < 0
    assert end[0, 1] * end[1, 2] * end[2, 0] > 0, end
    assert np.abs(end[~np.eye(3, dtype=bool)]).min() > 0.1  # balanced, not collapsed to zero


def test_balance_raises_the_share_of_balanced_triads():
    rng = np.random.default_rng(11)
    start = rng.uniform(-0.6, 0.6, (6, 6))
    start = dynamics.zero_diagonal((start + start.T) / 2)
    end, _ = run(start, 300, balance=0.2, memory=0.0, reciprocity=0.0)
    assert balanced_share(end) > balanced_share(start)
    assert balanced_share(end) == 1.0


def balanced_share(a):
    n = a.shape[0]
    triads = [(i, j, k) for i in range(n) for j in range(i + 1, n) for k in range(j + 1, n)]
    return sum(a[i, j] * a[j, k] * a[k, i] > 0 for i, j, k in triads) / len(triads)


def test_balanced_triangle_stays_balanced_and_strengthens():
    start = triangle(0.4, -0.4, -0.4)  # A and B friends, both hostile to C: balanced
    end, _ = run(start, 50, balance=0.2, memory=0.0, reciprocity=0.0)
    assert end[0, 1] > start[0, 1] and end[1, 2] < start[1, 2] and end[2, 0] < start[2, 0]


def test_opinion_mode_also_balances():
    start = triangle(0.6, 0.3, -0.2)
    end, _ = run(start, 200, balance=0.2, memory=0.0, reciprocity=0.0, balance_mode=dynamics.OPINION)
    assert end[0, 1] * end[1, 2] * end[2, 0] > 0


def test_with_every_driver_off_nothing_moves():
    rng = np.random.default_rng(3)
    start = dynamics.zero_diagonal(rng.uniform(-1, 1, (6, 6)))
    end, baseline = run(start, 24, **NO_DRIVERS)
    np.testing.assert_array_equal(end, start)
    np.testing.assert_array_equal(baseline, start)


def test_memory_returns_a_shock_to_the_baseline():
    baseline = triangle(0.2, 0.1, -0.3)
    shocked = baseline.copy()
    shocked[0, 1] = 0.9
    end, _ = run(shocked, 60, baseline=baseline, memory=0.1, balance=0.0, reciprocity=0.0)
    assert abs(end[0, 1] - 0.2) < 0.01


def test_reciprocity_closes_the_gap_between_directions():
    start = np.array([[0, 0.8, 0], [-0.2, 0, 0], [0, 0, 0]], dtype=float)
    end, _ = run(start, 100, memory=0.0, balance=0.0, reciprocity=0.1)
    assert abs(end[0, 1] - end[1, 0]) < 0.01
    assert abs(end[0, 1] - 0.3) < 0.01  # the mean is conserved by symmetric reciprocity


@pytest.mark.parametrize("rate", [1.0, 5.0, 50.0])
def test_scores_stay_in_range_under_extreme_parameters(rate):
    rng = np.random.default_rng(0)
    scores = dynamics.zero_diagonal(rng.uniform(-1, 1, (7, 7)))
    baseline = dynamics.zero_diagonal(rng.uniform(-1, 1, (7, 7)))
    for _ in range(100):
        impulse = rng.normal(0, rate, (7, 7))
        scores, baseline = dynamics.step(scores, baseline, impulse, impulse, impulse * 0.5,
                                         dynamics.Rates(memory=rate, balance=rate, reciprocity=rate))
        assert np.isfinite(scores).all() and np.isfinite(baseline).all()
        assert scores.max() <= 1.0 and scores.min() >= -1.0
        assert baseline.max() <= 1.0 and baseline.min() >= -1.0


def test_saturating_add_never_passes_the_bounds_and_shrinks_near_them():
    scores = np.array([0.0, 0.9, -0.9, 0.99])
    moved = dynamics.saturating_add(scores, np.array([0.5, 0.5, -0.5, 30.0]))
    assert moved[0] == pytest.approx(np.tanh(0.5))  # near 0 a push moves the pair by about its size
    assert 0 < moved[1] - 0.9 < moved[0] / 5 and 0 < -0.9 - moved[2] < moved[0] / 5  # near a bound far less
    assert 0.99 < moved[3] < 1.0  # and never to it, however hard the push


def test_a_push_adds_to_the_latent_propensity_so_two_halves_make_a_whole():
    """tanh(atanh(a) + d): two pushes in a row move a pair exactly as their sum does at once, and a thaw
    between rivals moves them more than a further crisis (the room lies towards 0)."""
    a = np.array([-0.7, 0.8, 0.2])
    d = np.array([0.3, -0.3, 0.4])
    np.testing.assert_allclose(dynamics.saturating_add(dynamics.saturating_add(a, d / 2), d / 2),
                               dynamics.saturating_add(a, d))
    thaw = dynamics.saturating_add(np.array([-0.7]), np.array([0.3]))[0] + 0.7
    crisis = -0.7 - dynamics.saturating_add(np.array([-0.7]), np.array([-0.3]))[0]
    assert thaw > crisis > 0 and thaw < 0.3  # and neither takes more than the push


def test_event_moves_both_parties_by_the_weight():
    scores = np.zeros((3, 3))
    delta = dynamics.event_impulse(scores, 0, 1, 0.8, event_scale=0.5, audience_scale=0.3)
    assert delta[0, 1] == pytest.approx(0.4) and delta[1, 0] == pytest.approx(0.4)
    assert not delta[2].any()  # a neutral audience does not react


def test_audience_effect_signs():
    # Actor 2 (India) likes 0 (Russia) and dislikes 1 (Pakistan). Russia sells arms to Pakistan.
    scores = np.zeros((4, 4))
    scores[2, 0], scores[2, 1] = 0.6, -0.7
    scores[3, 0], scores[3, 1] = -0.5, 0.5  # actor 3 dislikes Russia, likes Pakistan
    delta = dynamics.event_impulse(scores, 0, 1, 0.74, event_scale=0.5, audience_scale=0.3)  # diplomatic
    assert delta[2, 0] < 0  # helping my enemy angers me: India cools towards Russia
    assert delta[2, 1] == 0  # but India does not warm to its rival because its friend engaged it
    assert delta[3, 0] == 0  # nor actor 3 to Russia, which it dislikes
    assert delta[3, 1] < 0  # its friend dealing with its rival cools it on the friend
    assert delta[2, 0] == pytest.approx(0.3 * 0.5 * 0.74 * -0.7)  # a share (0.3) of the parties' own (0.5 w)
    # A hostile event reverses every sign.
    hostile = dynamics.event_impulse(scores, 0, 1, -0.8, event_scale=0.5, audience_scale=0.3)
    assert hostile[2, 0] > 0 and hostile[0, 1] < 0


def test_kernel_is_batched_over_runs():
    rng = np.random.default_rng(1)
    batch = dynamics.zero_diagonal(rng.uniform(-1, 1, (5, 4, 4)))
    zero = np.zeros_like(batch)
    rates = dynamics.Rates(memory=0.1, balance=0.2, reciprocity=0.05)
    together, _ = dynamics.step(batch, batch * 0.5, zero, zero, zero, rates)
    for k in range(5):
        alone, _ = dynamics.step(batch[k], batch[k] * 0.5, zero[k], zero[k], zero[k], rates)
        np.testing.assert_allclose(together[k], alone)
    impulses = dynamics.event_impulse(batch, 0, 1, 0.7, event_scale=0.5, audience_scale=0.3)
    np.testing.assert_allclose(
        impulses[2], dynamics.event_impulse(batch[2], 0, 1, 0.7, event_scale=0.5, audience_scale=0.3))


def test_non_finite_state_is_refused():
    scores = np.zeros((3, 3))
    bad = np.full((3, 3), np.nan)
    with pytest.raises(FloatingPointError):
        dynamics.step(scores, scores, bad, bad, bad, dynamics.Rates(memory=0.1, balance=0.0, reciprocity=0.0))


def test_per_actor_memory_and_attention():
    baseline = np.zeros((3, 3))
    shocked = dynamics.zero_diagonal(np.full((3, 3), 0.5))
    memory = np.array([[0.0], [0.5], [0.1]])  # actor 0 never returns to baseline, actor 1 fast
    moved = dynamics.drift(shocked, baseline, dynamics.Rates(memory=memory, balance=0.0, reciprocity=0.0))
    assert not moved[0].any() and moved[1, 0] == pytest.approx(-0.25) and moved[2, 0] == pytest.approx(-0.05)
    scores = np.zeros((4, 4))
    scores[2, 1] = scores[3, 1] = -0.5
    delta = dynamics.event_impulse(scores, 0, 1, 1.0, event_scale=0.5, audience_scale=np.array([1, 1, 2.0, 0.0]))
    assert delta[2, 0] == pytest.approx(2.0 * 0.5 * -0.5) and delta[3, 0] == 0.0


def test_noise_has_zero_mean_even_near_the_bounds():
    # Saturating noise like an event would drift a strong tie towards zero by about a*sigma*0.8 a month.
    start = np.full((20000, 3, 3), 0.8)
    start = dynamics.zero_diagonal(start)
    rng = np.random.default_rng(4)
    noise = dynamics.zero_diagonal(rng.normal(0, 0.05, start.shape))
    zero = np.zeros_like(start)
    end, _ = dynamics.step(start, start, zero, zero, noise, dynamics.Rates(**NO_DRIVERS))
    assert abs((end - start)[:, 0, 1].mean()) < 0.002
    assert end.max() <= 1.0


def test_saturating_add_only_where_pushed_is_the_whole_array_formula_bit_for_bit():
    """Issue 25: tanh runs only on the entries an impulse pushes; every entry must equal the formula over the
    whole array (and an unpushed entry stays exactly as it was, -0.0 and bounds included)."""
    rng = np.random.default_rng(3)
    scores = rng.uniform(-1, 1, (3, 40, 40))
    scores[0, 0, :4] = [-0.0, 1.0, -1.0, 0.999999999999]
    delta = np.where(rng.random(scores.shape) < 0.1, rng.normal(0, 0.3, scores.shape), 0.0)
    delta[1, 2, 3] = 50.0
    whole = np.where(delta == 0.0, scores,
                     np.clip(np.tanh(np.arctanh(np.clip(scores, -dynamics.LIMIT, dynamics.LIMIT)) + delta),
                             -dynamics.LIMIT, dynamics.LIMIT))
    got = dynamics.saturating_add(scores, delta)
    assert got.tobytes() == whole.tobytes()
    assert dynamics.saturating_add(scores, np.zeros_like(scores)).tobytes() == scores.tobytes()
    row, pushes = scores[0, 0], delta[:, 0]  # one row against a stack of pushes: broadcast as before
    expected = np.where(pushes == 0.0, row, np.clip(np.tanh(np.arctanh(np.clip(row, -dynamics.LIMIT, dynamics.LIMIT))
                                                            + pushes), -dynamics.LIMIT, dynamics.LIMIT))
    assert dynamics.saturating_add(row, pushes).tobytes() == expected.tobytes()
