"""The coder measured on sentences it was not written for (tests/data/coder_eval.yaml, bench/coder_eval.py)."""

import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EVAL_SET = ROOT / "tests" / "data" / "coder_eval.yaml"


def bench():
    spec = importlib.util.spec_from_file_location("coder_eval", ROOT / "bench" / "coder_eval.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def rates():
    return bench().evaluate(EVAL_SET)["rates"]


def test_the_evaluation_set_is_large_covers_every_cameo_root_and_is_not_the_bundled_article():
    sentences = yaml.safe_load(EVAL_SET.read_text(encoding="utf-8"))["sentences"]
    assert len(sentences) >= 80
    assert {s["family"] for s in sentences} == {f"{n:02d}" for n in range(1, 21)}
    article = (ROOT / "seeds" / "pakistan_russia_relations_article.txt").read_text(encoding="utf-8")
    assert not any(s["text"].rstrip(".") in article for s in sentences)
    assert sum(1 for s in sentences if s.get("case")) >= 20  # tricky pairing and reading cases


def test_pair_recall_and_sign_accuracy_hold_their_floors(rates):
    overall = rates["all"]
    assert overall["recall"] >= 0.8, overall
    assert overall["sign_accuracy"] >= 0.9, overall
    assert overall["precision"] >= 0.8, overall
