"""The scenario contract: keys, defaults, aliases, overrides, added actors, and the errors for mistakes."""

import textwrap
from pathlib import Path

import numpy as np
import json

import pytest

from conftest import SCENARIOS, default_actors
from sim.errors import EntenteError
from sim.model.parameters import Parameters
from sim.inputs.scenario_file import load_scenario, scenario_from_data
from sim.inputs.world import build_world



def write(tmp_path, text, name="s.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_defaults():
    scenario = scenario_from_data({"name": "Nothing happens"})
    assert (scenario.months, scenario.seed, scenario.runs) == (36, 0, 1)
    assert scenario.events == () and scenario.parameters == Parameters()


def test_the_documented_example_loads(tmp_path):
    path = write(tmp_path, """\
        name: Russia sells Su-35 fighters and T-90 tanks to Pakistan
        description: an example
        months: 24
        seed: 42
        runs: 3
        parameters: {memory: 0.2, reaction_cooldown: 6}
        actors:
          - name: Afghanistan
            capability: 0.5
            relations: {Pakistan: -0.3, India: 0.5, US: 0.4}
        relations:
          - between: [Russia, India]
            score: 0.6
        events:
          - at: 3
            type: arms_sale
            from: Russia
            to: Pakistan
            intensity: 1.0
            note: Su-35 fighters and T-90 tanks
          - at: 6
            type: intelligence_meeting
            between: [Russia, China, Iran, Pakistan]
        """)
    scenario = load_scenario(path)
    assert (scenario.months, scenario.seed, scenario.runs) == (24, 42, 3)
    assert scenario.parameters.memory == 0.2 and scenario.parameters.reaction_cooldown == 6
    assert isinstance(scenario.parameters.reaction_cooldown, int)
    sale = scenario.events[0]
    assert (sale.month, sale.type, sale.source, sale.target, sale.note) == (
        3, "arms_sale", "Russia", "Pakistan", "Su-35 fighters and T-90 tanks")
    meeting = [e for e in scenario.events if e.type == "intelligence_meeting"]
    assert len(meeting) == 6  # every pair of four actors
    assert {frozenset((e.source, e.target)) for e in meeting} == {
        frozenset(p) for p in [("Russia", "China"), ("Russia", "Iran"), ("Russia", "Pakistan"),
                               ("China", "Iran"), ("China", "Pakistan"), ("Iran", "Pakistan")]}
    assert all(e.audience_share == pytest.approx(1 / 3) for e in meeting)


@pytest.mark.parametrize("alias, canonical", [
    ("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("america", "US"), ("Washington", "US"),
    ("Russian Federation", "Russia"), ("moscow", "Russia"), ("Afghan Taliban", "Taliban"),
    ("Islamabad", "Pakistan"), ("New Delhi", "India"), ("Beijing", "China"), ("Tehran", "Iran"),
    ("CHINA", "China"),
])
def test_actor_aliases_are_case_insensitive(alias, canonical):
    other = "India" if canonical != "India" else "Russia"
    scenario = scenario_from_data({"name": "x", "events": [{"at": 1, "type": "condemnation", "from": alias,
                                                            "to": other}]})
    assert scenario.events[0].source == canonical


def test_to_may_be_a_list():
    scenario = scenario_from_data({"name": "x", "events": [
        {"at": 2, "type": "sanctions", "from": "US", "to": ["Iran", "Russia"]}]})
    assert [(e.source, e.target) for e in scenario.events] == [("US", "Iran"), ("US", "Russia")]


def test_relation_overrides_and_added_actors_shape_the_world():
    scenario = scenario_from_data({
        "name": "x",
        "actors": [{"name": "Afghanistan", "capability": 0.5, "relations": {"Pakistan": -0.3, "USA": 0.4}}],
        "relations": [{"between": ["Russia", "India"], "score": 0.9},
                      {"between": ["US", "Iran"], "score": -1.0, "directed": True}],
    })
    world = build_world(scenario)
    at = world.index
    assert world.names[-1] == "Afghanistan" and len(world.names) == len(default_actors()) + 1
    assert world.capabilities[at("Afghanistan")] == 0.5
    assert world.scores[at("Afghanistan"), at("Pakistan")] == -0.3
    assert world.scores[at("Pakistan"), at("Afghanistan")] == -0.3
    assert world.scores[at("US"), at("Afghanistan")] == 0.4
    assert world.scores[at("Afghanistan"), at("China")] == 0.0  # unlisted: neutral
    assert world.scores[at("Russia"), at("India")] == world.scores[at("India"), at("Russia")] == 0.9
    assert world.scores[at("US"), at("Iran")] == -1.0
    default = build_world(scenario_from_data({"name": "y"}))
    assert world.scores[at("Iran"), at("US")] == default.scores[at("Iran"), at("US")]  # directed: one way
    assert world.sources[("Russia", "India")] == "scenario"
    # What the scenario leaves unsaid about an added actor is 0 by a documented default, and says so.
    assert world.sources[("Afghanistan", "China")] == world.sources[("China", "Afghanistan")] == "scenario-default"
    assert world.sources[("Afghanistan", "Pakistan")] == "scenario"
    assert "scenario-default" not in {world.sources[(a, b)] for a in default_actors() for b in default_actors()
                                      if a != b}


def test_default_world_is_the_seeded_one():
    world = build_world(scenario_from_data({"name": "y"}))
    assert world.names == ("Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban")
    assert np.allclose(world.scores, world.scores.T)  # seeded scores are symmetric
    assert (np.abs(world.scores) <= 1).all()
    assert set(world.sources.values()) <= {"document", "prior", "override"}


def relations_without(tmp_path, *pairs) -> Path:
    """The bundled relations file with the given pairs left out."""
    import yaml

    document = yaml.safe_load((SCENARIOS.parent / "seeds" / "relations.yaml").read_text(encoding="utf-8"))
    dropped = {frozenset(pair) for pair in pairs}
    document["relations"] = [r for r in document["relations"] if frozenset(r["between"]) not in dropped]
    path = tmp_path / "partial_relations.yaml"
    # JSON is YAML too, and unlike PyYAML's dumper it never writes a YAML 1.1 string such as 019 unquoted.
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


def test_a_relations_file_missing_a_pair_is_an_error_naming_the_pairs(tmp_path):
    partial = relations_without(tmp_path, ("China", "Taliban"), ("Russia", "Iran"))
    scenario = scenario_from_data({"name": "x", "relations_file": str(partial)})
    with pytest.raises(EntenteError) as caught:
        build_world(scenario)
    error = caught.value
    assert error.file == str(partial)
    assert "2 pairs" in error.problem and "Russia - Iran" in error.problem and "China - Taliban" in error.problem
    assert "python -m sim seed" in error.hint and "prior" in error.hint


def test_a_scenario_may_set_the_missing_pair_itself(tmp_path):
    partial = relations_without(tmp_path, ("China", "Taliban"))
    world = build_world(scenario_from_data({"name": "x", "relations_file": str(partial),
                                            "relations": [{"between": ["China", "Taliban"], "score": 0.2}]}))
    assert world.scores[world.index("China"), world.index("Taliban")] == 0.2
    one_way = scenario_from_data({"name": "x", "relations_file": str(partial), "relations": [
        {"between": ["China", "Taliban"], "score": 0.2, "directed": True}]})
    with pytest.raises(EntenteError, match="China - Taliban"):
        build_world(one_way)  # one direction set, the other would be a silent zero


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.name)
def test_bundled_scenarios_load(path):
    scenario = load_scenario(path)
    assert scenario.name and scenario.description
    build_world(scenario)


def test_bundled_scenarios_cite_the_article_verbatim():
    import re

    article = " ".join((SCENARIOS.parent / "seeds" / "pakistan_russia_relations_article.txt")
                       .read_text(encoding="utf-8").split())
    quoted = 0
    for path in SCENARIOS.glob("*.yaml"):
        description = " ".join(load_scenario(path).description.split())
        for quote in re.findall(r'"([^"]{25,})"', description):
            quote = quote.rstrip(".")
            assert quote in article, (path.name, quote)
            quoted += 1
    assert quoted >= 6


@pytest.mark.parametrize("data, fragment", [
    ({"name": "x", "events": [{"at": 1, "type": "arms_sale", "from": "Rusia", "to": "India"}]},
     "unknown actor 'Rusia'. Did you mean 'Russia'"),
    ({"name": "x", "events": [{"at": 1, "type": "arms_sael", "from": "Russia", "to": "India"}]},
     "unknown event type 'arms_sael'. Did you mean 'arms_sale'"),
    ({"name": "x", "months": 12, "events": [{"at": 13, "type": "arms_sale", "from": "Russia", "to": "India"}]},
     "month 13 is outside the horizon"),
    ({"name": "x", "events": [{"at": 0, "type": "arms_sale", "from": "Russia", "to": "India"}]},
     "must be at least 1"),
    ({"name": "x", "months": "ten"}, "expected a whole number, found the text 'ten'"),
    ({"name": "x", "evnts": []}, "unknown key 'evnts'. Did you mean 'events'"),
    ({"name": "x", "events": [{"at": 1, "type": "arms_sale", "from": "India", "to": "India"}]},
     "cannot be both the source and the target"),
    ({"name": "x", "relations": [{"between": ["Russia", "India"], "score": 1.5}]}, "must be at most 1"),
    ({"name": "x", "events": [{"at": 1, "type": "arms_sale", "from": "Russia", "to": "India",
                               "intensity": float("nan")}]}, "nan is not a usable number"),
    ({"description": "no name"}, "missing the required key 'name'"),
    ({"name": "x", "parameters": {"memroy": 0.1}}, "unknown key 'memroy'. Did you mean 'memory'"),
    ({"name": "x", "events": [{"at": 1, "type": "summit", "between": ["Russia"]}]}, "at least 2"),
    ({"name": "x", "actors": [{"name": "Moscow", "capability": 1}]}, "already exists"),
])
def test_mistakes_get_clear_errors(data, fragment):
    with pytest.raises(EntenteError) as caught:
        scenario_from_data(data, file="s.yaml")
    assert fragment in caught.value.message()
    assert caught.value.message().startswith("s.yaml")


def test_errors_name_the_line_and_field(tmp_path):
    path = write(tmp_path, """\
        name: test
        events:
          - at: 1
            type: arms_sale
            from: Russia
            to: Pakistan
          - at: 2
            type: arms_sale
            from: Russia
            to: Pakistn
        """)
    with pytest.raises(EntenteError) as caught:
        load_scenario(path)
    error = caught.value
    assert error.line == 10 and error.field == "events[1].to"
    assert "Did you mean 'Pakistan'" in error.message()


def test_events_may_carry_an_id_unique_in_the_scenario(tmp_path):
    path = write(tmp_path, """\
        name: ids
        events:
          - {at: 1, type: arms_sale, from: Russia, to: Pakistan, id: su35-sale}
          - {at: 2, type: military_exercise, between: [India, US, Iran], id: exercise_1}
          - {at: 3, type: arms_sale, from: US, to: India}
        """)
    scenario = load_scenario(path)
    assert scenario.event_ids() == {"su35-sale": 0, "exercise_1": 1}
    assert {e.event_id for e in scenario.events if e.place == "events[1]"} == {"exercise_1"}  # all three pairs
    assert [e.event_id for e in scenario.events if e.place == "events[2]"] == [""]


@pytest.mark.parametrize("second, line, fragments", [
    ("id: sale", 4, ["events[1].id", "'sale' is already the id of events[0]", "an id of its own"]),
    ("id: Big Sale!", 4, ["events[1].id", "not a short name", "id: su35-sale"]),
    ("id: 7", 4, ["events[1].id", "expected a text, found the number 7", "in quotes (id: '7')"]),
])
def test_a_wrong_or_repeated_event_id_names_file_line_and_field(tmp_path, second, line, fragments):
    path = write(tmp_path, f"""\
        name: ids
        events:
          - {{at: 1, type: arms_sale, from: Russia, to: Pakistan, id: sale}}
          - {{at: 2, type: arms_sale, from: US, to: India, {second}}}
        """)
    with pytest.raises(EntenteError) as caught:
        load_scenario(path)
    error = caught.value
    assert error.line == line and error.file == str(path), error.message()
    for fragment in fragments:
        assert fragment in error.message(), error.message()
