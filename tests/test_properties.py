"""Property-based tests: random valid scenarios run; random broken ones exit with code 2, no traceback."""

import math

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.cli.main import main
from sim.inputs.tables import load_codebook

ACTORS = ["Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban", "USA", "moscow", "Afghan Taliban"]
CANONICAL = {"USA": "US", "moscow": "Russia", "Afghan Taliban": "Taliban"}
TYPES = sorted(load_codebook())
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@st.composite
def valid_scenarios(draw):
    months = draw(st.integers(1, 12))
    events = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(TYPES))
        event = {"at": draw(st.integers(1, months)), "type": kind}
        if draw(st.booleans()):
            members = draw(st.lists(st.sampled_from(ACTORS), min_size=2, max_size=4,
                                    unique_by=lambda a: CANONICAL.get(a, a)))
            event["between"] = members
        else:
            source, target = draw(st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2,
                                           unique_by=lambda a: CANONICAL.get(a, a)))
            event.update({"from": source, "to": target})
        if draw(st.booleans()):
            event["intensity"] = draw(st.floats(0.01, 5.0))
        events.append(event)
    scenario = {"name": draw(st.text(min_size=1, max_size=30).filter(lambda s: s.strip())),
                "months": months, "seed": draw(st.integers(0, 2**32 - 1)), "events": events}
    if draw(st.booleans()):
        scenario["parameters"] = {"noise": draw(st.floats(0, 0.5)), "balance": draw(st.floats(0, 1))}
    if draw(st.booleans()):
        pair = draw(st.lists(st.sampled_from(ACTORS[:7]), min_size=2, max_size=2, unique=True))
        scenario["relations"] = [{"between": pair, "score": draw(st.floats(-1, 1))}]
    return scenario


def write(tmp_path, data, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@SETTINGS
@given(scenario=valid_scenarios())
def test_valid_scenarios_run(tmp_path_factory, scenario):
    tmp_path = tmp_path_factory.mktemp("valid")
    path = write(tmp_path, scenario)
    assert main(["validate", str(path)]) == 0
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-plots", "--quiet"]) == 0
    assert (tmp_path / "out" / "alignment.csv").exists()


BAD_VALUES = st.one_of(
    st.just(None), st.just(float("nan")), st.just(float("inf")), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False), st.text(max_size=12), st.booleans(), st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@st.composite
def broken_scenarios(draw):
    """A valid scenario with one thing broken: a value replaced, a key misspelt or a field dropped."""
    scenario = draw(valid_scenarios())
    scenario.setdefault("events", []).append({"at": 1, "type": "arms_sale", "from": "Russia", "to": "India"})
    how = draw(st.sampled_from(["value", "key", "drop", "top"]))
    event = draw(st.sampled_from(scenario["events"]))
    if how == "value":
        field = draw(st.sampled_from(["at", "type", "from", "intensity"]))
        value = draw(BAD_VALUES)
        if field == "at" and isinstance(value, int) and 1 <= value <= scenario["months"]:
            value = scenario["months"] + 1
        if field == "intensity" and isinstance(value, (int, float)) and not isinstance(value, bool) \
                and 0 < value <= 5:
            value = -abs(value) - 1
        if field == "from" and isinstance(value, str):
            value = value + "zzq"  # never an actor's name
        if field == "type" and isinstance(value, str):
            value = value + "_unknown"
        event[field] = value
    elif how == "key":
        event[draw(st.sampled_from(["At", "tpye", "form", "intensty", "month"]))] = 1
    elif how == "drop":
        event.pop(draw(st.sampled_from(["at", "type"])))
    else:
        scenario[draw(st.sampled_from(["month", "Name", "event", "parameter"]))] = 1
    return scenario


@SETTINGS
@given(scenario=broken_scenarios())
def test_broken_scenarios_exit_2_without_traceback(tmp_path_factory, capsys, scenario):
    tmp_path = tmp_path_factory.mktemp("broken")
    path = write(tmp_path, scenario)
    capsys.readouterr()
    assert main(["validate", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "Traceback" not in error and str(path) in error
    assert main(["run", str(path), "--out", str(tmp_path / "out"), "--no-plots"]) == 2
    assert not (tmp_path / "out").exists()


@SETTINGS
@given(text=st.text(max_size=200))
def test_arbitrary_text_never_crashes_the_loader(tmp_path_factory, capsys, text):
    tmp_path = tmp_path_factory.mktemp("text")
    path = tmp_path / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    error = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in error
    if code == 2:
        assert error.startswith("error: ")


def test_nan_never_enters_the_state():
    from sim.results.runner import run
    from sim.inputs.scenario_file import scenario_from_data

    result = run(scenario_from_data({"name": "x", "months": 6, "parameters": {
        "memory": 1, "balance": 1, "reciprocity": 1, "noise": 0.5, "event_scale": 2, "audience_scale": 2},
        "events": [{"at": 1, "type": "military_clash", "between": ["US", "China", "India"], "intensity": 5}]}))
    assert all(math.isfinite(x) for x in result.alignment["score"])


# ------------------------------------------------------------------ the engine over random worlds

@st.composite
def random_worlds(draw):
    """A hand-made world (3 to 8 actors, some armed groups, arms exports), events drawn from the codebook,
    noise and reactions set so that reactions happen, and a few Monte Carlo runs."""
    import numpy as np

    from sim.model import dynamics
    from sim.model.events import ScheduledEvent
    from sim.model.parameters import Parameters
    from sim.model.scenario import ActorChange, Scenario
    from sim.model.world import World

    n = draw(st.integers(3, 8))
    names = tuple(f"Actor{k}" for k in range(n))
    unit = st.floats(-0.95, 0.95, allow_nan=False)
    scores = np.array([[draw(unit) for _ in range(n)] for _ in range(n)])
    kinds = tuple(draw(st.sampled_from(["state", "state", "armed_group"])) for _ in range(n))
    world = World(names, np.array([draw(st.floats(0.2, 10)) for _ in range(n)]), dynamics.zero_diagonal(scores),
                  {}, kinds, anchoring=np.array([draw(st.floats(0.5, 1.5)) for _ in range(n)]),
                  attention=np.array([draw(st.floats(0.5, 1.5)) for _ in range(n)]),
                  arms_exports=np.array([draw(st.sampled_from([0.0, 0.05, 0.2, 0.36])) for _ in range(n)]))
    months = draw(st.integers(2, 18))
    events = []
    for _ in range(draw(st.integers(0, 6))):
        source, target = draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
        events.append(ScheduledEvent(draw(st.integers(1, months)), draw(st.sampled_from(TYPES)), names[source],
                                     names[target], draw(st.floats(0.2, 2.0)),
                                     audience_share=draw(st.sampled_from([1.0, 0.5]))))
    changes = ()
    if draw(st.booleans()):
        changes = (ActorChange(draw(st.integers(1, months)), names[draw(st.integers(0, n - 1))],
                               kind=draw(st.sampled_from(["state", "armed_group"]))),)
    parameters = Parameters().with_overrides({
        "noise": draw(st.sampled_from([0.0, 0.02, 0.2])), "balance": draw(st.floats(0, 0.3)),
        "reaction_midpoint": draw(st.floats(0.05, 0.5)), "reaction_cooldown": draw(st.integers(0, 4)),
        "reactions": draw(st.booleans()), "balance_mode": draw(st.sampled_from(["triad", "opinion"]))})
    scenario = Scenario("random", months=months, seed=draw(st.integers(0, 2**32 - 1)), runs=draw(st.integers(1, 4)),
                        parameters=parameters, events=tuple(events), changes=changes)
    return scenario, world


@SETTINGS
@given(case=random_worlds())
def test_run_k_of_a_batch_is_run_k_alone_and_attribution_adds_up(case):
    """The one engine's two promises over random worlds: runs do not see each other (run k of a batch, with
    its blocs and its logged reactions, equals run k computed alone), and exact attribution's parts add up to
    each pair's change and replay the run's scores."""
    import numpy as np

    from sim.model.draws import run_seed
    from sim.results.attribution import attribute
    from sim.inputs.tables import load_codebook
    from sim.model.engine import AlignmentModel

    scenario, world = case
    codebook = load_codebook()

    def engine(seeds, **options):
        return AlignmentModel(world, scenario.events, scenario.parameters, seeds=seeds, months=scenario.months,
                              codebook=codebook, changes=scenario.changes, **options)

    seeds = [run_seed(scenario.seed, k) for k in range(1, scenario.runs + 1)]
    batch = engine(seeds).run()
    for k, seed in enumerate(seeds):
        alone = engine([seed]).run()
        np.testing.assert_array_equal(batch.scores[k], alone.scores[0])
        np.testing.assert_array_equal(batch.baseline[k], alone.baseline[0])
        np.testing.assert_array_equal(batch.blocs[k], alone.blocs[0])
        assert [row[1:] for row in batch.events if row[0] == k] == [row[1:] for row in alone.events]
    parts = attribute(scenario, world, run=1)
    assert parts.gap() < 1e-9
    np.testing.assert_array_equal(parts.final, batch.scores[0, -1])
    assert len(parts.events) == sum(1 for row in batch.events if row[0] == 0)


@SETTINGS
@given(case=random_worlds(), data=st.data())
def test_each_run_of_a_batch_may_have_its_own_parameters_and_is_that_run_alone(case, data):
    """A design's points stepped as one batch (each run its own parameters and seed) give each point exactly
    what it gives run alone: the engine batches over parameter sets as well as seeds."""
    import numpy as np

    from sim.model.draws import run_seed
    from sim.inputs.tables import load_codebook
    from sim.model.engine import AlignmentModel

    scenario, world = case
    codebook = load_codebook()
    runs = data.draw(st.integers(2, 4))
    mode = scenario.parameters.balance_mode
    sets = [scenario.parameters.with_overrides({
        "memory": data.draw(st.floats(0.0, 0.5)), "balance": data.draw(st.floats(0, 0.3)),
        "reciprocity": data.draw(st.floats(0, 0.3)), "event_scale": data.draw(st.floats(0.1, 2.0)),
        "audience_scale": data.draw(st.floats(0, 2.0)), "competition_scale": data.draw(st.floats(0, 2.0)),
        "noise": data.draw(st.sampled_from([0.0, 0.05, 0.3])), "reactions": data.draw(st.booleans()),
        "reaction_midpoint": data.draw(st.floats(0.05, 0.6)), "reaction_spread": data.draw(st.floats(0.02, 0.5)),
        "concern_bonus": data.draw(st.floats(0, 2)), "reaction_intensity": data.draw(st.sampled_from([0.0, 0.6, 1.5])),
        "reaction_cooldown": data.draw(st.integers(0, 4)), "balance_mode": mode}) for _ in range(runs)]
    seeds = [run_seed(scenario.seed, k) for k in range(1, runs + 1)]

    def engine(parameters, chosen):
        return AlignmentModel(world, scenario.events, parameters, seeds=chosen, months=scenario.months,
                              codebook=codebook, changes=scenario.changes).run()

    batch = engine(sets, seeds)
    for k in range(runs):
        alone = engine(sets[k], [seeds[k]])
        np.testing.assert_array_equal(batch.scores[k], alone.scores[0])
        np.testing.assert_array_equal(batch.baseline[k], alone.baseline[0])
        np.testing.assert_array_equal(batch.blocs[k], alone.blocs[0])
        assert [row[1:] for row in batch.events if row[0] == k] == [row[1:] for row in alone.events]
