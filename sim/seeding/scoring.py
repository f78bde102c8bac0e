"""The scoring formula: evidence weights in, a score in [-1, 1] and a confidence in [0, 1] out. No I/O."""

from __future__ import annotations

import math
from collections.abc import Sequence


def sentence_weight(cue_weights: Sequence[float]) -> float:
    """One sentence counts once per pair: the mean of its cues' weights, leaving out dropped (zero) cues."""
    kept = [w for w in cue_weights if w != 0]
    return sum(kept) / len(kept) if kept else 0.0


def aggregate(weights: Sequence[float], certainties: Sequence[float], scale: float) -> tuple[float, float]:
    """Score and confidence of a pair from its sentences' weights (Goldstein units, -10..+10).

    score = tanh(sum(w) / (10 * scale * sqrt(n))): the mean event weight, grown by sqrt(n) as independent
    measurements grow a signal, then saturated so that no pile of evidence goes beyond +-1.
    confidence = agreement * m / (m + 1): more (and less hedged) sentences give more confidence, sentences
    that disagree give less; m is the sum of the sentences' certainties.
    """
    if len(weights) != len(certainties):
        raise ValueError("one certainty per sentence weight")
    n = len(weights)
    if n == 0:
        return 0.0, 0.0
    total = math.fsum(weights)
    magnitude = math.fsum(abs(w) for w in weights)
    score = math.tanh(total / (10.0 * scale * math.sqrt(n)))
    agreement = abs(total) / magnitude if magnitude else 0.0
    m = math.fsum(certainties)
    return score, agreement * m / (m + 1.0)
