"""The update rule: a pair's prior, moved by the article's sentences in proportion to their strength. No I/O.

Scores live in (-1, 1); the rule works on z = atanh(score), where evidence adds up without ever reaching the
bounds (docs/seeding.md, "How a prior is updated", has the arithmetic and a worked example):

    each sentence s about the pair has a tone g_s (Goldstein units, -10..+10: the mean of its cues, after
    negation) and a firmness c_s (1 for a plain report; hedged, prospective or historical statements less);
    it is a pseudo-observation at z0 + reach * g_s / 10 with weight c_s, and the prior z0 has weight w0:

        z = (w0 * z0 + sum c_s * (z0 + reach * g_s / 10)) / (w0 + sum c_s)
          = z0 + reach * sum(c_s * g_s / 10) / (w0 + sum c_s)
        score = tanh(z)

So a hostile sentence (g < 0) never leaves a pair warmer than its prior and a cooperative one never cooler;
repeating one sentence n times moves z towards z0 + reach * g / 10 and never past it (a bound set by its
tone, not by how often the pair is mentioned); two hedged sentences (weight 0.5 each) against a prior of
weight 2 move a third of the way towards their bound, twenty firm ones nine tenths of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

_EDGE = 0.999  # a prior of exactly +-1 would be certain; atanh needs a number inside (-1, 1)


@dataclass(frozen=True)
class SentenceWeight:
    """What one sentence says about one pair: its tone and how firmly it says it."""

    tone: float  # Goldstein units, -10..+10, after negation
    firmness: float  # 0..1: 1 a plain report of what is happening; hedges, plans and history less


@dataclass(frozen=True)
class Blend:
    """Every number of the update, so that --explain can print the arithmetic it used."""

    prior: float
    prior_weight: float
    reach: float
    z_prior: float
    evidence_weight: float  # sum of the sentences' firmness
    push: float  # reach * sum(c_s * g_s / 10), in z units
    z: float
    score: float
    agreement: float  # |sum c_s g_s| / sum c_s |g_s|: 1 when the sentences agree
    confidence: float


def sentence_weight(cues: Sequence[tuple[float, float]]) -> SentenceWeight | None:
    """One sentence counts once per pair: the firmness-weighted mean tone of its cues and their mean firmness.

    cues: (tone, firmness) of each cue linking the pair; a dropped cue (tone 0) is left out. None when
    nothing is left.
    """
    kept = [(tone, firm) for tone, firm in cues if tone != 0 and firm > 0]
    if not kept:
        return None
    total = math.fsum(firm for _, firm in kept)
    return SentenceWeight(math.fsum(t * f for t, f in kept) / total, total / len(kept))


def blend(prior: float, sentences: Sequence[SentenceWeight], prior_weight: float, reach: float,
          prior_confidence: float) -> Blend:
    """The prior updated by the sentences (the rule in the module docstring).

    confidence = N / (N + k) with N = w0 + agreement * sum c_s and k chosen so that the prior alone gives
    prior_confidence: firm, agreeing sentences raise it, disagreeing ones barely.
    """
    z0 = math.atanh(max(-_EDGE, min(_EDGE, prior)))
    weight = math.fsum(s.firmness for s in sentences)
    signed = math.fsum(s.firmness * s.tone / 10.0 for s in sentences)
    magnitude = math.fsum(s.firmness * abs(s.tone) / 10.0 for s in sentences)
    push = reach * signed
    z = z0 + push / (prior_weight + weight) if prior_weight + weight > 0 else z0
    agreement = abs(signed) / magnitude if magnitude else 0.0
    k = prior_weight * (1.0 - prior_confidence) / prior_confidence if 0 < prior_confidence < 1 else 1.0
    n = prior_weight + agreement * weight
    confidence = n / (n + k) if n + k > 0 else 0.0
    return Blend(prior, prior_weight, reach, z0, weight, push, z, math.tanh(z), agreement, confidence)
