"""Assemble the relations document: each pair's prior updated by the article, then the teacher's overrides.

No I/O. The update rule is scoring.blend (docs/seeding.md); --explain calls the same functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from .coder import Coding, Evidence
from .cues import Settings
from .scoring import Blend, SentenceWeight, blend, sentence_weight

Pair = tuple[str, str]
SOURCES = ("document", "prior", "override")
# At most this many evidence items are listed per pair; the sentences beyond them still count and are
# summed up under `unlisted:`, so that a long article gives a relations file that `run` accepts (the safe
# YAML reader refuses files above 1 MB or 50,000 values) and --explain can still redo the arithmetic.
MAX_LISTED_EVIDENCE = 48
MAX_LISTED_REPEATS = 20  # lines named in `repeated_on`; the count of the others goes in `repeated_more`
NEUTRAL = 0.0  # the starting point of --document-only: the article read against no prior knowledge


@dataclass(frozen=True)
class Prior:
    pair: Pair
    score: float
    confidence: float
    rationale: str
    as_of: int | None = None
    sources: tuple[str, ...] = ()  # full citations, from sim/data/facts.yaml
    weight: float | None = None  # None: the default prior_weight of the blend settings


@dataclass(frozen=True)
class Override:
    pair: Pair
    score: float
    confidence: float
    rationale: str


def by_sentence(items: list, key=lambda e: (e.line, e.sentence)) -> list[list]:
    """The evidence of one pair grouped by sentence, in article order."""
    groups: dict[tuple, list] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())


def sentence_weights(evidence: list[Evidence]) -> list[SentenceWeight]:
    """One weight per sentence that counts (a sentence whose every cue was dropped does not)."""
    weights = [sentence_weight([(e.tone, e.firmness) for e in sentence]) for sentence in by_sentence(evidence)]
    return [w for w in weights if w is not None]


def update(prior: Prior, evidence: list[Evidence], settings: Settings, document_only: bool = False) -> Blend:
    """The pair's score: its prior (or, document-only, a neutral start) updated by its sentences."""
    weight = settings.prior_weight if prior.weight is None else prior.weight
    start = NEUTRAL if document_only else prior.score
    return blend(start, sentence_weights(evidence), weight, settings.reach, prior.confidence)


def split_listed(evidence: list[Evidence], max_listed: int = MAX_LISTED_EVIDENCE) -> tuple[list[Evidence], dict | None]:
    """The evidence listed in full (whole sentences, up to MAX_LISTED_EVIDENCE items) and a summary of the rest.

    The summary is one pseudo-sentence with the same sum of firmness and of firmness x tone, which is all
    the update rule uses (scoring.blend), so the score recomputed from the file is the score.
    """
    listed, rest = [], []
    for sentence in by_sentence(evidence):
        if not rest and len(listed) + len(sentence) <= max_listed:
            listed.extend(sentence)
        else:
            rest.append(sentence)
    weights = sentence_weights([item for sentence in rest for item in sentence])
    if not weights:
        return listed, None
    firmness = sum(w.firmness for w in weights)
    return listed, {"sentences": len(weights), "firmness": _number(firmness, 6),
                    "tone": _number(sum(w.firmness * w.tone for w in weights) / firmness, 6)}


def _number(x: float, digits: int) -> float:
    return round(x, digits) + 0.0  # + 0.0 turns -0.0 into 0.0


def evidence_entry(item: Evidence) -> dict:
    entry = {"line": item.line, "sentence": item.sentence, "matched": item.matched, "cue": item.cue,
             "cameo": item.cameo, "label": item.label, "goldstein": item.goldstein, "tone": item.tone,
             "firmness": item.firmness, "pairing": item.pairing}
    for key in ("negated_by", "hedged_by", "prospective_by", "historical_by"):
        if getattr(item, key):
            entry[key] = getattr(item, key)
    if item.repeated_on:  # counted once whatever their number: the first lines are named, the rest counted
        entry["repeated_on"] = list(item.repeated_on[:MAX_LISTED_REPEATS])
        if len(item.repeated_on) > MAX_LISTED_REPEATS:
            entry["repeated_more"] = len(item.repeated_on) - MAX_LISTED_REPEATS
    return entry


def prior_entry(prior: Prior, settings: Settings) -> dict:
    return {"score": _number(prior.score, 2), "as_of": prior.as_of,
            "weight": settings.prior_weight if prior.weight is None else prior.weight,
            "confidence": _number(prior.confidence, 2),
            "sources": list(prior.sources), "rationale": prior.rationale}


def build_relations(coding: Coding, priors: dict[Pair, Prior], overrides: list[Override],
                    settings: Settings, document_only: bool = False,
                    max_listed: int = MAX_LISTED_EVIDENCE) -> list[dict]:
    """One entry for each of the pairs of actors, in canonical order, each saying where its score came from.

    max_listed: evidence items listed per pair (the rest are summed under `unlisted:`, same score)."""
    overridden = {o.pair: o for o in overrides}
    entries = []
    for pair in combinations(coding.actors, 2):
        evidence = coding.evidence.get(pair, [])
        prior = priors[pair]
        result = update(prior, evidence, settings, document_only)
        counted = len(sentence_weights(evidence))
        listed, unlisted = split_listed(evidence, max_listed)
        if counted:
            entry = {"between": list(pair), "score": _number(result.score, 2),
                     "confidence": _number(result.confidence, 2), "source": "document", "sentences": counted,
                     "prior": prior_entry(prior, settings),
                     "update": {"start": _number(result.prior, 2),
                                "evidence_weight": _number(result.evidence_weight, 3),
                                "push": _number(result.push, 4), "z": _number(result.z, 4)},
                     "evidence": [evidence_entry(e) for e in listed]}
        else:
            entry = {"between": list(pair), "score": _number(prior.score, 2),
                     "confidence": _number(prior.confidence, 2), "source": "prior",
                     "prior": prior_entry(prior, settings), "evidence": [evidence_entry(e) for e in listed]}
        if unlisted:
            entry["unlisted"] = unlisted
        if pair in overridden:
            override = overridden[pair]
            coded = {k: entry[k] for k in ("score", "confidence", "source")}
            evidence_list = entry.pop("evidence")
            for key in ("sentences", "update"):
                entry.pop(key, None)
            entry.update(score=_number(override.score, 2), confidence=_number(override.confidence, 2),
                         source="override", rationale=override.rationale, coded=coded, evidence=evidence_list)
        entries.append(entry)
    return entries
