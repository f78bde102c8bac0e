"""The article coder: sentences, mentions, cues, pairing, scoring, and what it makes of the bundled article."""

import csv
import math
from itertools import combinations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import ARTICLE, ROOT, SEEDS, default_actors, pair_count
from sim.io.tables import actor_names
from sim.errors import EntenteError
from sim.seeding import code_text, relations_document
from sim.seeding.files import load_overrides, load_priors, read_relations, render
from sim.seeding.mentions import group_mentions
from sim.seeding.scoring import aggregate, sentence_weight
from sim.seeding.sentences import split_sentences

RELATIONS = SEEDS / "relations.yaml"
DATA = ROOT / "sim" / "data"
ACTORS = default_actors()
CAMEO_TABLE = DATA / "cameo_goldstein.tsv"  # copy of shared/reference/cameo_goldstein.tsv (GDELT and ICEWS weights)


def finder():
    from sim.seeding import load_coder

    return load_coder()[0].finder


def actors_in(text):
    return [m.actor for m in finder().find(text)]


def pairs_with_weight(coding):
    """{pair: total applied weight} of a coding, for sign checks."""
    return {pair: sum(e.weight for e in evidence) for pair, evidence in coding.evidence.items()}


@pytest.fixture(scope="module")
def bundled():
    return yaml.safe_load(RELATIONS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def scores(bundled):
    return {frozenset(r["between"]): r for r in bundled["relations"]}


# --- sentences -----------------------------------------------------------------------------------------


def test_sentences_keep_line_numbers_and_several_per_line():
    text = "Title line\n\nRussia met India. Then Pakistan left! Did Iran stay?\n"
    got = [(s.line, s.text) for s in split_sentences(text)]
    assert got == [(1, "Title line"), (3, "Russia met India."), (3, "Then Pakistan left!"), (3, "Did Iran stay?")]


def test_initials_and_abbreviations_do_not_end_a_sentence_but_a_lost_date_does():
    assert len(split_sentences("The U.S. and Russia met, etc. Then they left.")) == 1
    pieces = [s.text for s in split_sentences("An exercise was held in December The next one followed.")]
    assert pieces == ["An exercise was held in December", "The next one followed."]


def test_bullets_are_trimmed_but_the_sentence_stays_verbatim():
    line = "  • Russia’s ties with Pakistan and India cannot be \"equalised\": Russian ambassador"
    pieces = [s.text for s in split_sentences(line)]
    assert pieces[0].startswith("Russia’s ties") and all(p in line for p in pieces)


# --- mentions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Russia's army", ["Russia"]),
    ("Russia’s ties", ["Russia"]),
    ("a Pakistani general", ["Pakistan"]),
    ("Pakistanis and Americans", ["Pakistan", "US"]),
    ("russia and pakistan relationship", ["Russia", "Pakistan"]),
    ("the Kremlin and Islamabad", ["Russia", "Pakistan"]),
    ("Putin met Modi in New Delhi", ["Russia", "India", "India"]),
    ("the Russian ambassador Dedov", ["Russia", "Russia"]),
    ("Russo-Pakistani relations", ["Russia", "Pakistan"]),
    ("the Afghan Taliban", ["Taliban"]),
    ("the U.S. and the United States", ["US", "US"]),
    ("let us go", []),                          # the pronoun is not the United States
    ("the Islamic State in Afghanistan", []),   # blanked out: not an actor of the model
    ("Iranian and Chinese spymasters", ["Iran", "China"]),
    ("Indiana", []),                            # whole words only
])
def test_alias_matcher(text, expected):
    assert actors_in(text) == expected


def test_mentions_written_together_form_one_group():
    sentence = "the intelligence agencies of Russia, China, Iran and Pakistan met in Islamabad"
    groups = group_mentions(sentence, finder().find(sentence))
    assert [g.actors for g in groups] == [("Russia", "China", "Iran", "Pakistan"), ("Pakistan",)]


def test_every_dictionary_entry_has_a_note_and_a_known_actor():
    table = yaml.safe_load((DATA / "mentions.yaml").read_text(encoding="utf-8"))
    for entry in table["mentions"]:
        assert entry["actor"] in ACTORS and str(entry.get("note", "")).strip(), entry
    for entry in table["not_actors"]:
        assert str(entry.get("note", "")).strip(), entry


# --- cues, negation, hedges ----------------------------------------------------------------------------


def evidence_of(text, a, b):
    return code_text(text).evidence.get(tuple(sorted((a, b), key=ACTORS.index)), [])


def test_a_cue_links_the_actors_written_together():
    [item] = evidence_of("Russia and Pakistan held a joint military exercise.", "Russia", "Pakistan")
    assert (item.cue, item.cameo, item.weight, item.line) == ("joint military exercise", "062", 7.4, 1)


def test_negation_drops_a_cooperation_cue():
    [item] = evidence_of("India and Pakistan did not sign the pact.", "India", "Pakistan")
    assert item.negated_by == "not" and item.weight == 0.0
    plain = evidence_of("India and Pakistan did sign the pact.", "India", "Pakistan")
    assert plain[0].weight == 8.0


def test_negation_flips_a_conflict_cue():
    [item] = evidence_of("Russia does not see obstacles in its ties with India.", "Russia", "India")
    assert item.goldstein < 0 < item.weight and item.negated_by == "not"
    [plain] = evidence_of("Russia sees obstacles in its ties with India.", "Russia", "India")
    assert plain.weight == plain.goldstein < 0


def test_not_rule_out_is_a_hedge_not_a_negation():
    [item] = evidence_of("Dedov did not rule out nuclear cooperation with Pakistan.", "Russia", "Pakistan")
    assert item.negated_by is None and item.hedged_by and 0 < item.weight < item.goldstein


def test_allegations_hedge_the_alleged_event():
    [item] = evidence_of("There are allegations that Russia supplied military equipment to Pakistan.",
                         "Russia", "Pakistan")
    assert item.hedged_by == "allegations" and item.weight == pytest.approx(item.goldstein / 2)


def test_multilateral_sentence_gives_every_pair():
    coding = code_text("The intelligence agencies of Russia, China, Iran and Pakistan held a meeting.")
    assert set(coding.evidence) == {tuple(sorted(p, key=ACTORS.index))
                                    for p in combinations(["Russia", "China", "Iran", "Pakistan"], 2)}


def test_a_group_set_against_a_state_gives_those_pairs_only():
    weights = pairs_with_weight(code_text("Russia and Pakistan work together to challenge the US."))
    assert weights[("Russia", "US")] < 0 and weights[("Pakistan", "US")] < 0
    assert ("Russia", "Pakistan") not in weights


def test_anti_names_its_target():
    weights = pairs_with_weight(code_text("An anti-India strand runs through Pakistan's strategic culture."))
    assert weights == {("Pakistan", "India"): -2.0}


def test_a_small_article_with_known_relations_gives_the_expected_signs():
    text = ("Weekly digest.\n"
            "Russia and China signed a defence pact in Moscow.\n"
            "The US imposed sanctions on Iran. India's ties with the US keep growing closer.\n"
            "Beijing and Tehran praised their close ties.\n"
            "Pakistan and India traded accusations: Pakistan accused India of fuelling terrorism.\n")
    weights = pairs_with_weight(code_text(text))
    assert weights[("Russia", "China")] > 0
    assert weights[("US", "Iran")] < 0
    assert weights[("China", "Iran")] > 0
    assert weights[("Pakistan", "India")] < 0
    assert ("Russia", "Taliban") not in weights


# --- scoring -------------------------------------------------------------------------------------------


def test_scoring_formula_by_hand():
    score, confidence = aggregate([7.4], [1.0], scale=2.0)
    assert score == pytest.approx(math.tanh(0.74 / 2.0)) and confidence == pytest.approx(0.5)
    score, confidence = aggregate([7.4, -2.0], [1.0, 0.5], scale=2.0)
    assert score == pytest.approx(math.tanh(0.54 / (2.0 * math.sqrt(2))))
    assert confidence == pytest.approx((5.4 / 9.4) * 1.5 / 2.5)
    assert aggregate([], [], scale=2.0) == (0.0, 0.0)


def test_a_sentence_counts_once_as_the_mean_of_its_kept_cues():
    assert sentence_weight([7.4, 0.0, 3.4]) == pytest.approx(5.4)
    assert sentence_weight([0.0]) == 0.0


@given(st.floats(-10, 10).filter(lambda w: abs(w) > 0.01), st.integers(1, 30))
def test_more_independent_evidence_means_a_stronger_score_and_more_confidence(weight, n):
    one, one_conf = aggregate([weight] * n, [1.0] * n, scale=2.0)
    more, more_conf = aggregate([weight] * (n + 1), [1.0] * (n + 1), scale=2.0)
    assert abs(more) >= abs(one) and more_conf > one_conf
    assert -1 < one < 1 and math.copysign(1, one) == math.copysign(1, weight)


@given(st.lists(st.floats(-10, 10), min_size=1, max_size=20))
def test_scores_and_confidences_stay_in_range(weights):
    score, confidence = aggregate(weights, [1.0] * len(weights), scale=2.0)
    assert -1 <= score <= 1 and 0 <= confidence <= 1


def test_disagreeing_evidence_lowers_confidence():
    _, agreeing = aggregate([5.0, 5.0], [1, 1], scale=2.0)
    _, disagreeing = aggregate([5.0, -4.0], [1, 1], scale=2.0)
    assert disagreeing < agreeing


# --- the bundled article -------------------------------------------------------------------------------


def test_committed_relations_file_equals_a_fresh_run():
    document, _ = relations_document(ARTICLE, RELATIONS, ROOT / "seeds" / "overrides.yaml")
    assert render(document) == RELATIONS.read_text(encoding="utf-8"), \
        "regenerate: python -m sim seed seeds/pakistan_russia_relations_article.txt --out seeds/relations.yaml"


def test_every_pair_of_the_default_actors_appears_once(bundled):
    assert bundled["actors"] == ACTORS
    seen = [frozenset(r["between"]) for r in bundled["relations"]]
    assert len(seen) == pair_count() and set(seen) == {frozenset(p) for p in combinations(ACTORS, 2)}
    for r in bundled["relations"]:
        assert -1 <= r["score"] <= 1 and 0 <= r["confidence"] <= 1
        assert r["source"] in ("document", "prior", "override")
        if r["source"] == "prior":
            assert r["evidence"] == [] and r["rationale"].strip()
        if r["source"] == "document":
            assert r["evidence"] and r["sentences"] >= 1


def test_every_evidence_sentence_is_verbatim_on_its_line(bundled):
    lines = ARTICLE.read_text(encoding="utf-8").split("\n")
    count = 0
    for r in bundled["relations"]:
        for item in r["evidence"]:
            for line in [item["line"], *item.get("repeated_on", [])]:
                assert item["sentence"] in lines[line - 1], (line, item["sentence"])
            assert item["matched"] in item["sentence"]
            count += 1
    assert count > 30


def test_scraped_defects_stay_in_the_evidence(bundled):
    sentences = {item["sentence"] for r in bundled["relations"] for item in r["evidence"]}
    assert any("Russian Su fighter jets" in s for s in sentences)
    assert any("an 1,kilometer gas pipeline" in s for s in sentences)


def test_the_article_gives_the_expected_signs(scores):
    def score(a, b):
        entry = scores[frozenset((a, b))]
        assert entry["source"] == "document", (a, b)
        return entry["score"]

    assert score("Russia", "Pakistan") > 0.5
    assert score("India", "Pakistan") < -0.15
    assert score("Russia", "India") > 0
    assert score("US", "India") > 0
    assert score("US", "Russia") < 0
    assert score("Russia", "Taliban") > 0 and score("Pakistan", "Taliban") > 0
    for a, b in combinations(["Russia", "China", "Iran", "Pakistan"], 2):
        assert score(a, b) > 0
        assert any(item["line"] == 22 and item["cameo"] == "064" for item in scores[frozenset((a, b))]["evidence"])


def test_pairs_the_article_is_silent_on_get_their_prior(scores):
    priors = load_priors(DATA / "priors.yaml", actor_names())
    for a, b in [("US", "Iran"), ("India", "China"), ("US", "Taliban")]:
        entry = scores[frozenset((a, b))]
        prior = priors[tuple(sorted((a, b), key=ACTORS.index))]
        assert entry["source"] == "prior" and entry["score"] == prior.score and entry["rationale"] == prior.rationale


def test_priors_cover_every_pair_with_a_rationale():
    priors = load_priors(DATA / "priors.yaml", actor_names())
    assert set(priors) == set(combinations(ACTORS, 2))
    assert all(p.rationale and -1 <= p.score <= 1 for p in priors.values())


def test_cue_codes_and_weights_match_the_cameo_goldstein_table():
    with open(CAMEO_TABLE, encoding="utf-8") as handle:
        table = {row["code"]: row for row in csv.DictReader(handle, delimiter="\t")}
    codes = yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8"))["codes"]
    for code, entry in codes.items():
        assert float(table[code]["goldstein_gdelt"]) == entry["goldstein"], code
        assert table[code]["name_icews"] == entry["label"], code


# --- overrides -----------------------------------------------------------------------------------------


def test_an_override_replaces_the_score_keeps_the_evidence_and_says_why(tmp_path):
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("overrides:\n  - between: [india, Moscow]\n    score: 0.6\n"
                         "    rationale: Mistrust on line 7 is about Russia and Pakistan.\n", encoding="utf-8")
    document, _ = relations_document(ARTICLE, tmp_path / "relations.yaml", overrides)
    [entry] = [r for r in document["relations"] if r["between"] == ["Russia", "India"]]
    assert entry["source"] == "override" and entry["score"] == 0.6 and entry["confidence"] == 1.0
    assert entry["coded"]["source"] == "document" and entry["evidence"]
    assert "Mistrust" in entry["rationale"]


@pytest.mark.parametrize("body, fragment", [
    ("overrides:\n  - {between: [India, Rusia], score: 0.5, rationale: x}\n", "Did you mean 'Russia'"),
    ("overrides:\n  - {between: [India, Russia], score: 1.5, rationale: x}\n", "from -1 to 1"),
    ("overrides:\n  - {between: [India, Russia], score: 0.5}\n", "needs a rationale"),
    ("overrides:\n  - {between: [India, India], score: 0.5, rationale: x}\n", "two different actors"),
    ("overrides:\n  - {between: [India, Russia], scroe: 0.5, rationale: x}\n", "unknown key 'scroe'"),
    ("overrides:\n  - {between: [India, Russia], score: 0.5, rationale: x}\n"
     "  - {between: [Russia, India], score: 0.1, rationale: y}\n", "overridden twice"),
])
def test_bad_overrides_are_clear_errors(tmp_path, body, fragment):
    path = tmp_path / "overrides.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(EntenteError) as error:
        load_overrides(path, actor_names())
    assert fragment in error.value.message() and str(path) in error.value.message()


def test_the_bundled_overrides_file_is_an_empty_list_with_an_example():
    path = ROOT / "seeds" / "overrides.yaml"
    assert load_overrides(path, actor_names()) == []
    assert "# overrides:" in path.read_text(encoding="utf-8")


def test_the_rendered_yaml_reads_back_as_the_same_data():
    document, _ = relations_document(ARTICLE, RELATIONS, None)
    assert yaml.safe_load(render(document)) == document


def test_read_relations_refuses_a_file_without_relations(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("name: a scenario\n", encoding="utf-8")
    with pytest.raises(EntenteError, match="not a relations file"):
        read_relations(path)


def test_a_teachers_mistake_in_the_cue_book_is_a_clear_error():
    import copy

    from sim.io.resources import read_table
    from sim.seeding.cues import load_cue_book

    table = copy.deepcopy(read_table("cues.yaml"))
    table["cues"].append({"phrase": "handshake", "cameo": 42})
    with pytest.raises(EntenteError, match="quote the code"):
        load_cue_book(table)
    table = copy.deepcopy(read_table("cues.yaml"))
    table["scoring"]["scal"] = 3
    with pytest.raises(EntenteError, match="Did you mean 'scale'"):
        load_cue_book(table)
