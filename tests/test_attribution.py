"""Exact attribution: the parts of every pair's change add up to the change (to 1e-9), step_parts gives
step's scores bit for bit, and the rules for the non-linear parts do what docs/model.md says."""

from dataclasses import replace

import numpy as np
import pytest

import sim

from conftest import ROOT, SCENARIOS
from sim.model import dynamics
from sim.model.events import ScheduledEvent
from sim.model.parameters import Parameters
from sim.model.scenario import Scenario
from sim.model.world import World
from sim.results.attribution import attribute, attribution_of
from sim.model.draws import run_seed
from sim.results.runner import run
from sim.inputs.scenario_file import load_scenario, scenario_from_data
from sim.inputs.tables import load_codebook
from sim.model.engine import AlignmentModel

EXACT = 1e-9
BUNDLED = sorted(SCENARIOS.glob("*.yaml")) + sorted((ROOT / "hindcasts").glob("*.yaml"))


def random_state(rng, n, batch=()):
    scores = dynamics.zero_diagonal(rng.uniform(-1, 1, (*batch, n, n)))
    baseline = dynamics.zero_diagonal(np.clip(scores + rng.normal(0, 0.3, scores.shape), -1, 1))
    return scores, baseline


def random_sources(rng, shape, k):
    """k impulses, some large enough that their sum is clipped at +-1, some of opposite signs."""
    impulses = rng.normal(0, 0.6, (k, *shape)) * (rng.random((k, *shape)) < 0.5)
    durables = impulses * rng.uniform(0, 1, (k, 1, 1))
    return dynamics.zero_diagonal(impulses), dynamics.zero_diagonal(durables)


@pytest.mark.parametrize("seed", range(20))
def test_step_parts_gives_steps_scores_bit_for_bit_and_parts_that_add_up(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    scores, baseline = random_state(rng, n)
    impulses, durables = random_sources(rng, (n, n), int(rng.integers(0, 5)))
    impulse, durable = impulses.sum(axis=0), durables.sum(axis=0)
    noise = dynamics.zero_diagonal(rng.normal(0, 0.5, (n, n)))
    noise[0, 1], noise[1, 0] = 40.0, -40.0  # the clip after the drift binds here, up and down
    memory = rng.uniform(0, 0.5, (n, 1)) if seed % 2 else 0.2
    rates = dynamics.Rates(memory, 0.3, 0.2, dynamics.OPINION if seed % 3 == 0 else dynamics.TRIAD)
    shifts = rng.normal(0, 0.2, impulses.shape)
    moved = rng.normal(0, 0.2, impulses.shape)
    parts = dynamics.step_parts(scores, baseline, impulse, durable, noise, rates, impulses=impulses,
                                durables=durables, baseline_shifts=shifts, score_shifts=moved)
    new_scores, new_baseline = dynamics.step(scores, baseline, impulse, durable, noise, rates)
    assert np.array_equal(parts.scores, new_scores) and np.array_equal(parts.baseline, new_baseline)
    total = parts.memory + parts.balance + parts.reciprocity + parts.noise + parts.sources.sum(axis=0)
    assert np.abs(total - (new_scores - scores)).max() < 1e-12
    assert np.abs(parts.baseline_moves.sum(axis=0) - (new_baseline - baseline)).max() < 1e-12
    pushed = scores + dynamics.drift(scores, baseline, rates) + noise * (1 - scores ** 2)
    assert pushed[0, 1] > 1 and pushed[1, 0] < -1


def test_the_clip_after_the_drift_shrinks_every_term_by_the_same_factor():
    scores = dynamics.zero_diagonal(np.full((3, 3), 0.9))
    noise = dynamics.zero_diagonal(np.full((3, 3), 3.0))  # pushes every score past +1
    rates = dynamics.Rates(0.1, 0.2, 0.1)
    empty = np.zeros((0, 3, 3))
    parts = dynamics.step_parts(scores, np.zeros((3, 3)), np.zeros((3, 3)), np.zeros((3, 3)), noise, rates,
                                impulses=empty, durables=empty, baseline_shifts=empty, score_shifts=empty)
    memory, balance, _ = dynamics.drift_terms(scores, np.zeros((3, 3)), rates)
    jitter = noise * (1 - scores ** 2)
    # moved to +1: the whole change is 0.1, shared in proportion to the signed terms
    factor = 0.1 / (memory + balance + jitter)[0, 1]
    assert parts.scores[0, 1] == 1.0
    assert parts.memory[0, 1] == pytest.approx(factor * memory[0, 1]) and parts.memory[0, 1] < 0
    assert parts.noise[0, 1] == pytest.approx(factor * jitter[0, 1])
    assert parts.balance[0, 1] == pytest.approx(factor * balance[0, 1])


def test_two_sources_in_one_month_share_the_saturated_impulse_in_proportion():
    scores = np.zeros((3, 3))
    scores[0, 1] = 0.5
    first, second = np.zeros((3, 3)), np.zeros((3, 3))
    first[0, 1], second[0, 1] = 0.9, 0.3  # a push of 1.2 in all
    impulses = np.array([first, second])
    zeros = np.zeros_like(impulses)
    parts = dynamics.step_parts(scores, scores, first + second, np.zeros((3, 3)), np.zeros((3, 3)),
                                dynamics.Rates(0.0, 0.0, 0.0), impulses=impulses, durables=zeros,
                                baseline_shifts=zeros, score_shifts=zeros)
    move = np.tanh(np.arctanh(0.5) + 1.2) - 0.5  # 0.441: the saturated push
    assert parts.scores[0, 1] == pytest.approx(0.5 + move)
    assert parts.sources[:, 0, 1] == pytest.approx([move * 0.9 / 1.2, move * 0.3 / 1.2])


def attribution_gap_and_trajectory_check(scenario, world=None):
    attribution = attribute(scenario, world)
    assert attribution.gap() < EXACT
    return attribution


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_parts_add_up_to_the_change_on_every_bundled_scenario_with_noise_and_reactions(path):
    scenario = load_scenario(path)
    scenario = replace(scenario, runs=2, parameters=replace(scenario.parameters, noise=0.05, reactions=True))
    for run_number in (1, 2):
        attribution = attribute(scenario, run=run_number)
        assert attribution.gap() < EXACT, (path.stem, attribution.gap())
        assert (attribution.mechanisms["noise"] != 0).any()
    result = run(scenario)
    # The replay is the run: recording the parts changes no score.
    assert np.array_equal(np.round(result.trajectory(run=2)[-1], 12), np.round(attribution.final, 12))


def random_world(rng, n):
    names = tuple(f"Actor{k}" for k in range(n))
    scores = rng.uniform(-0.9, 0.9, (n, n))
    scores = dynamics.zero_diagonal((scores + scores.T) / 2)
    kinds = tuple("armed_group" if rng.random() < 0.2 else "state" for _ in range(n))
    return World(names, rng.uniform(0.2, 10, n), scores, {}, kinds,
                 anchoring=rng.uniform(0.5, 1.5, n), attention=rng.uniform(0.5, 1.5, n))


@pytest.mark.parametrize("seed", range(12))
def test_the_parts_add_up_on_random_hand_made_worlds_with_noise_and_reactions(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(3, 9))
    world = random_world(rng, n)
    types = sorted(load_codebook())
    months = int(rng.integers(6, 30))
    events = []
    for _ in range(int(rng.integers(1, 10))):
        source, target = rng.choice(n, 2, replace=False)
        events.append(ScheduledEvent(int(rng.integers(1, months + 1)), str(rng.choice(types)),
                                     world.names[source], world.names[target], float(rng.uniform(0.3, 2.0))))
    parameters = replace(Parameters(), noise=float(rng.uniform(0.01, 0.3)), balance=float(rng.uniform(0, 0.3)),
                         reaction_midpoint=0.1, reaction_cooldown=2)
    scenario = Scenario("random", months=months, seed=seed, runs=1, parameters=parameters, events=tuple(events))
    attribution = attribute(scenario, world)
    assert attribution.gap() < EXACT
    # And the replay is the model's own run, bit for bit.
    plain = AlignmentModel(world, scenario.events, parameters, months=months, seeds=[run_seed(seed, 1)],
                           codebook=load_codebook()).run(track_blocs=False)
    assert np.array_equal(plain.scores[0, -1], attribution.final)
    assert [row[-1] for row in plain.events] == [e.reason for e in attribution.events]


def test_with_memory_alone_the_whole_change_is_the_events_and_equals_its_effect():
    """Memory is linear, so an event's footprint (its transient part fading, its durable part held) is the
    event's: with balance, reciprocity, noise and reactions off, memory's own part is zero and the event's
    part is exactly the effect, the run minus the same run without the event."""
    scenario = scenario_from_data({
        "name": "one sale", "months": 24,
        "parameters": {"balance": 0.0, "reciprocity": 0.0, "reactions": False},
        "events": [{"at": 2, "type": "arms_sale", "from": "Russia", "to": "India"}]})
    attribution = attribute(scenario)
    result = run(scenario)
    effect = result.effect()
    for source, target in [("Russia", "India"), ("India", "Russia"), ("Pakistan", "India"), ("China", "Russia")]:
        parts = {p.kind: p.value for p in attribution.parts(source, target)}
        i, j = result.actors.index(source), result.actors.index(target)
        assert abs(parts["memory"]) < 1e-12
        events = sum(p.value for p in attribution.parts(source, target) if p.kind in ("event", "competition"))
        assert events == pytest.approx(effect[i, j], abs=2e-6)  # effect from the files' six decimals
    sale = attribution.parts("Russia", "India")[0]
    assert sale.label == "month 2: arms_sale Russia → India" and sale.value > 0.05
    assert sale.through_memory < 0  # the transient part faded


def test_a_competition_and_a_reaction_are_parts_of_their_own():
    scenario = load_scenario(SCENARIOS / "arms_sale_pakistan.yaml")
    scenario = replace(scenario, parameters=scenario.parameters.with_overrides({"reaction_ceiling": 1.0}))
    attribution = attribute(scenario)
    kinds = {p.kind for a in attribution.names for b in attribution.names if a != b
             for p in attribution.parts(a, b)}
    assert {"event", "reaction", "competition", "memory", "balance", "reciprocity"} <= kinds


def test_result_attribution_replays_the_run_and_refuses_a_changed_scenario(tmp_path):
    from sim.present.files import read_result, write_result

    scenario = replace(load_scenario(SCENARIOS / "arms_sale_pakistan.yaml"), runs=2,
                       parameters=replace(Parameters(), noise=0.05))
    result = run(scenario, summarise=True)
    table = sim.attribute(result, run=2).table("India", "Russia")
    assert list(table.columns[:2]) == ["part", "kind"] and {"value", "share"} <= set(table.columns)
    change = result.trajectory(run=2)[-1] - result.trajectory(run=2)[0]
    i, j = result.actors.index("India"), result.actors.index("Russia")
    assert table["value"].sum() == pytest.approx(change[i, j], abs=1e-9)
    assert table["share"].sum() == pytest.approx(1.0)
    assert list(table["value"].abs()) == sorted(table["value"].abs(), reverse=True)

    # A result folder read back replays from its scenario file, seed and parameters.
    copy = tmp_path / "scenario.yaml"
    copy.write_text((SCENARIOS / "arms_sale_pakistan.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    folder = tmp_path / "out"
    write_result(run(replace(scenario, file=str(copy))), folder, plots=False)
    again = attribution_of(read_result(folder), 2)
    assert again.change("India", "Russia") == pytest.approx(change[i, j], abs=2e-6)
    text = copy.read_text(encoding="utf-8").replace("at: 3", "at: 4", 1)
    assert text != copy.read_text(encoding="utf-8")
    copy.write_text(text, encoding="utf-8")
    from sim.errors import EntenteError

    with pytest.raises(EntenteError, match="changed since the run"):
        attribution_of(read_result(folder), 1)
