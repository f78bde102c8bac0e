"""Assemble the relations document: coded pairs, priors for the rest, then the teacher's overrides. No I/O."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .coder import Coding, Evidence
from .cues import Settings
from .scoring import aggregate, sentence_weight

Pair = tuple[str, str]
SOURCES = ("document", "prior", "override")


@dataclass(frozen=True)
class Prior:
    pair: Pair
    score: float
    confidence: float
    rationale: str


@dataclass(frozen=True)
class Override:
    pair: Pair
    score: float
    confidence: float
    rationale: str


def by_sentence(evidence: list[Evidence]) -> list[list[Evidence]]:
    """The evidence of one pair grouped by sentence, in article order."""
    groups: dict[tuple[int, str], list[Evidence]] = {}
    for item in evidence:
        groups.setdefault((item.line, item.sentence), []).append(item)
    return list(groups.values())


def score_pair(evidence: list[Evidence], settings: Settings) -> tuple[float, float, int]:
    """Score, confidence and number of sentences that count (dropped cues do not)."""
    weights, certainties = [], []
    for sentence in by_sentence(evidence):
        kept = [e for e in sentence if e.weight != 0]
        if not kept:
            continue
        weights.append(sentence_weight([e.weight for e in kept]))
        certainties.append(sum(settings.hedge_factor if e.hedged_by else 1.0 for e in kept) / len(kept))
    score, confidence = aggregate(weights, certainties, settings.scale)
    return score, confidence, len(weights)


def _number(x: float, digits: int) -> float:
    return round(x, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def evidence_entry(item: Evidence) -> dict:
    entry = {"line": item.line, "sentence": item.sentence, "matched": item.matched, "cue": item.cue,
             "cameo": item.cameo, "label": item.label, "goldstein": item.goldstein, "weight": item.weight,
             "pairing": item.pairing}
    if item.negated_by:
        entry["negated_by"] = item.negated_by
    if item.hedged_by:
        entry["hedged_by"] = item.hedged_by
    if item.repeated_on:
        entry["repeated_on"] = list(item.repeated_on)
    return entry


def build_relations(coding: Coding, priors: dict[Pair, Prior], overrides: list[Override],
                    settings: Settings) -> list[dict]:
    """One entry for each of the pairs of actors, in canonical order, each saying where its score came from."""
    overridden = {o.pair: o for o in overrides}
    entries = []
    for pair in combinations(coding.actors, 2):
        evidence = coding.evidence.get(pair, [])
        score, confidence, counted = score_pair(evidence, settings)
        if counted:
            entry = {"between": list(pair), "score": _number(score, 2), "confidence": _number(confidence, 2),
                     "source": "document", "sentences": counted,
                     "evidence": [evidence_entry(e) for e in evidence]}
        else:
            prior = priors[pair]
            entry = {"between": list(pair), "score": _number(prior.score, 2),
                     "confidence": _number(prior.confidence, 2), "source": "prior", "rationale": prior.rationale,
                     "evidence": []}
        if pair in overridden:
            override = overridden[pair]
            coded = {k: entry[k] for k in ("score", "confidence", "source")}
            evidence_list = entry.pop("evidence")
            entry.pop("rationale", None)
            entry.pop("sentences", None)
            entry.update(score=_number(override.score, 2), confidence=_number(override.confidence, 2),
                         source="override", rationale=override.rationale, coded=coded, evidence=evidence_list)
        entries.append(entry)
    return entries
