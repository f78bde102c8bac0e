"""How well the article coder reads sentences it was not written for: `python bench/coder_eval.py [-v]`.

Runs the coder on every sentence of tests/data/coder_eval.yaml (written for the project, annotated with
the pairs each sentence implies and their signs) and prints, for each of its three parts kept apart (the
original set, the failure classes of issue 20 item 6, and the held-out sentences written after their fixes):
  pair precision  share of the pairs the coder links that the annotation lists
  pair recall     share of the annotated pairs the coder links
  sign accuracy   among pairs found by both, share with the annotated sign
per CAMEO root family (original set) or failure class (the others) as well. A sentence's `date:` is the
article's date it is read as of. -v lists every miss. tests/test_coder_eval.py holds floors on these.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EVAL_SET = ROOT / "tests" / "data" / "coder_eval.yaml"


def _pair(text: str, order: list[str]) -> tuple[str, str]:
    a, b = text.split("-")
    return tuple(sorted((a, b), key=order.index))


PARTS = {"sentences": "original set", "failure_classes": "failure classes (issue 20, item 6; fixed on them)",
         "held_out": "held out (written after the fixes)"}


def coded_pairs(coder, text: str, on=None) -> dict[tuple[str, str], int]:
    """The pairs the coder links in a text of date `on` (a pair whose every cue was dropped is not linked),
    with signs."""
    from sim.seeding.relations import sentence_weights

    coding = coder.code(text, on)
    found = {}
    for pair, evidence in coding.evidence.items():
        weights = sentence_weights(evidence)
        if weights:
            total = sum(w.tone * w.firmness for w in weights)
            found[pair] = 1 if total > 0 else -1
    return found


def evaluate(path: Path = EVAL_SET, part: str = "sentences") -> dict:
    """Counts and rates over one part of the evaluation set, overall and per family or class, and the misses."""
    from datetime import date

    import yaml

    from sim.seeding import load_coder

    coder, _ = load_coder()
    order = list(coder.actors)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    totals = defaultdict(lambda: defaultdict(int))
    misses = []
    for item in data[part]:
        gold = {_pair(k, order): (1 if v == "+" else -1) for k, v in (item.get("pairs") or {}).items()}
        on = date.fromisoformat(str(item["date"])) if item.get("date") else None
        found = coded_pairs(coder, item["text"], on)
        for key in ("all", item.get("class") or item["family"]):
            t = totals[key]
            t["sentences"] += 1
            t["gold"] += len(gold)
            t["found"] += len(found)
            t["both"] += len(set(gold) & set(found))
            t["signs"] += sum(gold[p] == found[p] for p in set(gold) & set(found))
        if gold != found:
            misses.append((item["text"], gold, found))
    rates = {}
    for key, t in totals.items():
        rates[key] = {**t,
                      "precision": t["both"] / t["found"] if t["found"] else 1.0,
                      "recall": t["both"] / t["gold"] if t["gold"] else 1.0,
                      "sign_accuracy": t["signs"] / t["both"] if t["both"] else 1.0}
    return {"rates": rates, "misses": misses}


def _sign(pairs) -> str:
    return ", ".join(f"{a}-{b} {'+' if s > 0 else '-'}" for (a, b), s in sorted(pairs.items())) or "none"


def main() -> None:
    for part, title in PARTS.items():
        result = evaluate(EVAL_SET, part)
        r = result["rates"]["all"]
        print(f"{EVAL_SET.relative_to(ROOT)}, {part}: {title}: {r['sentences']} sentences, {r['gold']} "
              f"annotated pairs, {r['found']} coded")
        print(f"pair precision {r['precision']:.2f}   pair recall {r['recall']:.2f}   "
              f"sign accuracy {r['sign_accuracy']:.2f}")
        print(f"\n{'family' if part == 'sentences' else 'class':<18} sentences  precision  recall  signs")
        for key in sorted(k for k in result["rates"] if k != "all"):
            f = result["rates"][key]
            print(f"  {key:<18} {f['sentences']:>3}       {f['precision']:.2f}     {f['recall']:.2f}   "
                  f"{f['sign_accuracy']:.2f}")
        if "-v" in sys.argv[1:]:
            print("\nmisses:")
            for text, gold, found in result["misses"]:
                print(f"  {text}\n     annotated: {_sign(gold)}\n     coded:     {_sign(found)}")
        print()


if __name__ == "__main__":
    main()
