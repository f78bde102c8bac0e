"""The coder measured on sentences it was not written for (tests/data/coder_eval.yaml, bench/coder_eval.py).

Three parts, measured apart: the original set, the failure classes of issue 20 item 6 (written before their
fixes and used to make them), and the held-out sentences written after the fixes and never tuned on.
"""

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "coder_eval.yaml"
CLASSES = {"negation scope", "traded fire", "and between nouns", "missing cue", "dated capital"}


def bench():
    spec = importlib.util.spec_from_file_location("coder_eval", ROOT / "bench" / "coder_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def rates():
    return {part: bench().evaluate(EVAL_SET, part)["rates"] for part in ("sentences", "failure_classes", "held_out")}


def test_the_evaluation_set_is_large_covers_every_cameo_root_and_is_not_the_bundled_article(data):
    sentences = data["sentences"]
    assert len(sentences) >= 80
    assert {s["family"] for s in sentences} == {f"{n:02d}" for n in range(1, 21)}
    article = (ROOT / "seeds" / "pakistan_russia_relations_article.txt").read_text(encoding="utf-8")
    everything = sentences + data["failure_classes"] + data["held_out"]
    assert not any(s["text"].rstrip(".") in article for s in everything)
    assert sum(1 for s in sentences if s.get("case")) >= 20  # tricky pairing and reading cases


def test_the_held_out_part_is_apart_large_and_covers_every_failure_class(data):
    held = data["held_out"]
    assert len(held) >= 30
    assert {s["class"] for s in held} == CLASSES | {"ordinary"}
    assert {s["class"] for s in data["failure_classes"]} == CLASSES
    earlier = {s["text"] for s in data["sentences"] + data["failure_classes"]}
    assert not earlier & {s["text"] for s in held}, "a held-out sentence must be new"
    for item in data["failure_classes"] + held:  # a date is a real one, and decides a Kabul reading
        if "date" in item:
            date.fromisoformat(item["date"])


def test_pair_recall_and_sign_accuracy_hold_their_floors(rates):
    overall = rates["sentences"]["all"]
    assert overall["recall"] >= 0.8, overall
    assert overall["sign_accuracy"] >= 0.9, overall
    assert overall["precision"] >= 0.8, overall


@pytest.mark.parametrize("part, recall, signs", [("failure_classes", 0.85, 0.95), ("held_out", 0.8, 0.9)])
def test_the_failure_classes_and_the_held_out_sentences_hold_their_floors(rates, part, recall, signs):
    # Measured on 2026-12-06 (docs/seeding.md): failure classes recall 0.97, signs 1.00 (0.27 and 0.62 before
    # the fixes); held out recall 0.89, signs 1.00, precision 1.00.
    overall = rates[part]["all"]
    assert overall["recall"] >= recall, overall
    assert overall["sign_accuracy"] >= signs, overall
    assert overall["precision"] >= 0.9, overall
    for name in CLASSES:  # no class is left behind by the others' numbers
        assert rates[part][name]["sign_accuracy"] >= 0.9, (name, rates[part][name])


def test_no_original_sentence_regresses(data):
    from sim.seeding import load_coder

    evaluation = bench()
    coder, _ = load_coder()
    order = list(coder.actors)
    wrong = []
    for item in data["sentences"]:
        gold = {evaluation._pair(k, order): (1 if v == "+" else -1) for k, v in (item.get("pairs") or {}).items()}
        if not item.get("known_miss") and evaluation.coded_pairs(coder, item["text"]) != gold:
            wrong.append(item["text"])
    assert not wrong, wrong
    assert sum(1 for s in data["sentences"] if s.get("known_miss")) <= 4
