"""Which pairs of actors a cue links, from where the actors are named around it (no parser: word order).

The three rules are described in sim/data/cues.yaml (pairing) and docs/seeding.md.
"""

from __future__ import annotations

import re
from itertools import combinations

from .cues import CueMatch
from .mentions import Group

Pair = tuple[str, str]
_CLAUSE_STOP = re.compile(r"[,;:—(]")
_BETWEEN = re.compile(r"\b(?:between|among|amongst)\s+(?:the\s+)?$", re.IGNORECASE)
_WITH = re.compile(r"\bwith\s+(?:the\s+)?$", re.IGNORECASE)


def _within(actors) -> list[Pair]:
    return list(combinations(dict.fromkeys(actors), 2))


def _across(left, right) -> list[Pair]:
    return [(a, b) for a in dict.fromkeys(left) for b in dict.fromkeys(right) if a != b]


def _others(group: Group, actors) -> bool:
    return bool(set(group.actors) - set(actors))


def nearest_pairs(sentence: str, groups: list[Group], cue: CueMatch) -> list[Pair]:
    """A group written together pairs within itself; else the nearest actor before meets the nearest after."""
    before = [g for g in groups if g.start < cue.end and g.end <= cue.end]
    after = [g for g in groups if g.start >= cue.end]
    right = after[0] if after else None
    lead_in = sentence[cue.end:right.start] if right else ""
    if right and len(right.actors) > 1 and _BETWEEN.search(lead_in):
        return _within(right.actors)
    left = before[-1] if before else None
    if left and len(left.actors) > 1:
        pairs = _within(left.actors)
        if right and _WITH.search(lead_in):
            pairs += _across(left.actors, right.actors)
        return pairs
    if left:
        partner = right if right and _others(right, left.actors) else next(
            (g for g in reversed(before[:-1]) if _others(g, left.actors)), None)
        return _across(left.actors, partner.actors) if partner else []
    if right:
        if len(right.actors) > 1:
            return _within(right.actors)
        partner = next((g for g in after[1:] if _others(g, right.actors)), None)
        return _across(right.actors, partner.actors) if partner else []
    return []


def directed_targets(sentence: str, groups: list[Group], cue: CueMatch) -> tuple[str, ...]:
    """The actor named in the cue ('anti-India'), else those named in or after it up to the next comma."""
    if cue.targets:
        return cue.targets
    stop = _CLAUSE_STOP.search(sentence, cue.end)
    limit = stop.start() if stop else len(sentence)
    return tuple(dict.fromkeys(a for g in groups if cue.start <= g.start < limit for a in g.actors))


def directed_pairs(sentence: str, groups: list[Group], cue: CueMatch, taken: set[str]) -> list[Pair]:
    """The nearest actors before the cue that are no cue's target, against the cue's targets."""
    targets = directed_targets(sentence, groups, cue)
    if not targets:
        return []
    taken = taken | set(targets)
    sources = next((g.actors for g in reversed(groups) if g.end <= cue.start and not set(g.actors) & taken), ())
    if not sources and cue.targets:  # "an anti-India strand in Pakistan's strategic culture"
        sources = next((g.actors for g in groups if g.start >= cue.end and not set(g.actors) & taken), ())
    return _across(sources, targets)


def cue_pairs(sentence: str, groups: list[Group], cues: list[CueMatch]) -> list[tuple[CueMatch, list[Pair]]]:
    """Each cue of a sentence with the pairs it links (possibly none)."""
    result, taken = [], set()  # the targets of the directed cues so far that found a pair
    for cue in cues:
        if cue.cue.pairing == "multilateral":
            pairs = _within(a for g in groups for a in g.actors)
        elif cue.cue.pairing == "directed":
            pairs = directed_pairs(sentence, groups, cue, taken)
            taken |= {b for _, b in pairs}
        else:
            pairs = nearest_pairs(sentence, groups, cue)
        result.append((cue, pairs))
    return result
