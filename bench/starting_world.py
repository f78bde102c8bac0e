"""The bundled starting world against its priors and a reference ranking: `python bench/starting_world.py`.

Prints the 21 pairs of seeds/relations.yaml (prior, final score, source) and Spearman rank correlations
between the priors, the final scores, the article alone (--document-only) and the reference ranking below.

The reference ranking orders the pairs from closest to most hostile for about 2017-2018, by this rule:
formal treaty plus main arms supplier > treaty or declared strategic partnership > working partnership
with regular military or economic cooperation > working relations with disputes > contacts without
alignment > listed strategic rivalry > open war. It was written from the facts in sim/data/facts.yaml and
general knowledge of the period, by the same hand as the priors, so it is not an independent coding: it
checks that the article does not scramble an ordering a scholar would recognise, nothing more.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

REFERENCE = [  # closest first
    ("Pakistan", "China"),    # 2005 treaty, CPEC, 70% of Pakistan's arms imports
    ("Russia", "China"),      # 2001 treaty, strategic partnership
    ("Russia", "India"),      # 1971 treaty, 58% of India's arms imports
    ("India", "US"),          # Major Defense Partner 2016, LEMOA
    ("Pakistan", "Taliban"),  # recognition 1997-2001, ties widely reported since
    ("Russia", "Iran"),       # Bushehr, Syria, main arms supplier
    ("China", "Iran"),        # oil buyer, arms supplier
    ("Russia", "Pakistan"),   # 2014 defence agreement, exercises from 2016
    ("India", "Iran"),        # Chabahar 2016, oil
    ("Pakistan", "Iran"),     # working neighbours, border incidents
    ("Pakistan", "US"),       # major non-NATO ally, aid suspended 2018
    ("China", "Taliban"),     # contacts, no alignment
    ("Russia", "Taliban"),    # banned organisation, contacts
    ("Iran", "Taliban"),      # hostile 1996-2001, limited contacts later
    ("India", "China"),       # rivalry, Doklam 2017, large trade
    ("US", "China"),          # rivalry, tariffs from 2018, deep trade
    ("India", "Taliban"),     # no recognition, backed the governments it fought
    ("Russia", "US"),         # rivalry, sanctions since 2014 and 2017
    ("Pakistan", "India"),    # rivalry since 1947, four wars
    ("US", "Iran"),           # rivalry since 1979, no relations, sanctions 2018
    ("US", "Taliban"),        # at war since 2001
]


def ranks(values: list[float]) -> list[float]:
    """Ranks with ties averaged (1 = smallest)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(x: list[float], y: list[float]) -> float:
    rx, ry = ranks(x), ranks(y)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    return cov / (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5


def main() -> None:
    import yaml

    from sim.seeding import relations_document

    relations = ROOT / "seeds" / "relations.yaml"
    data = yaml.safe_load(relations.read_text(encoding="utf-8"))
    alone, _ = relations_document(ROOT / "seeds" / "pakistan_russia_relations_article.txt", relations, None,
                                  document_only=True)
    alone_scores = {frozenset(r["between"]): r["score"] for r in alone["relations"]}
    entries = {frozenset(r["between"]): r for r in data["relations"]}
    reference = {frozenset(p): len(REFERENCE) - i for i, p in enumerate(REFERENCE)}  # higher = closer
    keys = [frozenset(p) for p in REFERENCE]
    prior = [entries[k]["prior"]["score"] for k in keys]
    final = [entries[k]["score"] for k in keys]
    article = [alone_scores[k] for k in keys]
    ref = [reference[k] for k in keys]
    print(f"{'pair':<20} {'prior':>6} {'final':>6} {'alone':>6}  source")
    for k, p, f, a in zip(keys, prior, final, article):
        a_, b_ = entries[k]["between"]
        print(f"{a_ + ' - ' + b_:<20} {p:+6.2f} {f:+6.2f} {a:+6.2f}  {entries[k]['source']}")
    print("\nSpearman rank correlation (21 pairs):")
    print(f"  priors   vs reference  {spearman(prior, ref):.2f}")
    print(f"  final    vs reference  {spearman(final, ref):.2f}")
    print(f"  article alone vs reference  {spearman(article, ref):.2f}")
    print(f"  priors   vs final      {spearman(prior, final):.2f}")


if __name__ == "__main__":
    main()
