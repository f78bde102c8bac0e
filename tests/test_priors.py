"""The priors against the dated facts shipped with them (sim/data/facts.yaml): the facts are the referee."""

from itertools import combinations
from pathlib import Path

import pytest
import yaml

from sim.errors import EntenteError
from sim.inputs.tables import actor_names
from sim.seeding.files import load_facts, load_priors

DATA = Path(__file__).resolve().parent.parent / "sim" / "data"
ACTORS = ["Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban"]


@pytest.fixture(scope="module")
def table():
    return yaml.safe_load((DATA / "priors.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def facts():
    return load_facts(DATA / "facts.yaml")


@pytest.fixture(scope="module")
def prior_of(table):
    scores = {frozenset(p["between"]): p["score"] for p in table["priors"]}
    return lambda a, b: scores[frozenset((a, b))]


def facts_of(facts, kind):
    return [f for f in facts.values() if f["kind"] == kind]


def test_every_pair_has_a_prior_with_a_year_sources_and_a_rationale():
    priors = load_priors(DATA / "priors.yaml", actor_names())
    assert set(priors) == set(combinations(ACTORS, 2))
    for prior in priors.values():
        assert prior.as_of == 2018 and prior.sources and prior.rationale and -1 < prior.score < 1


def test_every_listed_rivalry_is_negative(facts, prior_of):
    rivalries = facts_of(facts, "rivalry")
    assert {frozenset(f["between"]) for f in rivalries} == {
        frozenset(p) for p in [("India", "Pakistan"), ("China", "India"), ("China", "US"), ("Iran", "US"),
                               ("Russia", "US")]}
    for fact in rivalries:
        assert prior_of(*fact["between"]) < 0, fact["id"]


def test_every_treaty_or_formal_partnership_in_force_is_positive(facts, prior_of, table):
    for fact in facts_of(facts, "treaty"):
        if fact["year"] <= table["as_of"]:
            assert prior_of(*fact["between"]) > 0, fact["id"]


def test_every_main_arms_supplier_pair_is_positive(facts, prior_of):
    suppliers = facts_of(facts, "supplier")
    assert {(f["supplier"], f["recipient"]) for f in suppliers} >= {("Russia", "India"), ("China", "Pakistan")}
    for fact in suppliers:
        assert prior_of(fact["supplier"], fact["recipient"]) > 0, fact["id"]


def test_pakistan_china_is_the_closest_prior_and_the_us_farthest_in_un_voting_the_coldest_us_state(
        facts, prior_of, table):
    assert max(table["priors"], key=lambda p: p["score"])["between"] == ["Pakistan", "China"]
    points = facts["un_ideal_points"]["points"]
    states = [s for s in points if s != "US"]
    farthest = max(states, key=lambda s: abs(points["US"] - points[s]))
    assert farthest == "Iran" and prior_of("US", farthest) == min(prior_of("US", s) for s in states)


def test_a_prior_cites_only_facts_known_by_its_year(facts, table):
    for prior in table["priors"]:
        for source in prior["sources"]:
            assert facts[source]["year"] <= prior.get("as_of", table["as_of"]), (prior["between"], source)


def test_every_fact_is_cited_in_full_with_its_original_source(facts):
    for fact in facts.values():
        assert fact["source"] and "relations-facts" not in fact["source"], fact["id"]


def test_the_taliban_are_never_called_the_afghan_state(table):
    for prior in table["priors"]:
        if "Taliban" in prior["between"]:
            text = prior["rationale"].lower()
            assert "movement" in text or "taliban government" in text or "the taliban" in text, prior
            assert "afghanistan's government" not in text


def test_a_prior_citing_an_unknown_fact_is_a_clear_error(tmp_path):
    (tmp_path / "facts.yaml").write_text((DATA / "facts.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "priors.yaml"
    path.write_text("as_of: 2018\npriors:\n  - {between: [US, Iran], score: -0.7, sources: [rivalry_iran_usa], "
                    "rationale: x}\n", encoding="utf-8")
    with pytest.raises(EntenteError, match="Did you mean 'rivalry_iran_us'"):
        load_priors(path, actor_names())
