"""Which pairs of actors a cue links: the actor that acts and the actor acted upon, within the cue's clause.

No parser: word order inside a clause (sim.seeding.clauses). The subject is the actor group nearest before
the cue (or, when the clause names none before it, the subject of the clause before it); the object is the
group nearest after it. Patterns (docs/seeding.md, "Pairing"):
    "between A and B" / "among A, B and C" after the cue     -> the pairs within the group
    "A and B clashed", "the Russia-Pakistan exercise"         -> the pairs within the group before the cue
    "A and B signed a pact with C" (a cooperative cue)        -> within A-B, and each of them with C
    "A and B imposed sanctions on C" (a directed cue)         -> A-C and B-C only
    "A's ties with B", "A sold jets to B"                     -> A-B
    "A is B's main supplier of arms"                          -> A-B (a possessive before the cue)
    a multilateral cue ("a four-nation meeting")              -> every pair named in the clause, once each
"""

from __future__ import annotations

import re
from itertools import combinations

from .clauses import Clause
from .cues import CueMatch
from .mentions import Group

Pair = tuple[str, str]
_BETWEEN = re.compile(r"\b(?:between|among|amongst)\s+(?:the\s+)?$", re.IGNORECASE)
_WITH = re.compile(r"\b(?:with|and)\s+(?:the\s+)?$", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^['’]s?\b")


def _within(actors) -> list[Pair]:
    return list(combinations(dict.fromkeys(actors), 2))


def _across(left, right) -> list[Pair]:
    return [(a, b) for a in dict.fromkeys(left) for b in dict.fromkeys(right) if a != b]


def _possessive(sentence: str, group: Group) -> bool:
    return bool(_POSSESSIVE.match(sentence[group.end:group.end + 2]))


def subject_object_pairs(sentence: str, groups: list[Group], cue: CueMatch,
                         inherited: tuple[str, ...] | None) -> list[Pair]:
    """The pairs one cue links, from the groups of its clause and the subject inherited by the clause."""
    before = [g for g in groups if g.start < cue.start]
    inside = [g for g in groups if cue.start <= g.start < cue.end]
    after = inside + [g for g in groups if g.start >= cue.end]
    directed = cue.cue.pairing == "directed"
    if cue.targets:  # "anti-India": the named actor is the object
        source = before[-1].actors if before else next(
            (g.actors for g in groups if g.start >= cue.end and set(g.actors) - set(cue.targets)), inherited or ())
        return _across(source, cue.targets)
    obj = after[0] if after else None
    lead_in = sentence[cue.end:obj.start] if obj and obj.start >= cue.end else ""
    if obj and len(obj.actors) > 1 and _BETWEEN.search(lead_in) and not directed:
        return _within(obj.actors)  # a directed cue ("mediate between A and B") goes from its subject
    if before:
        subject = before[-1]
        if obj is None and _possessive(sentence, subject) and len(before) > 1:
            return _across(before[-2].actors, subject.actors)  # "A is B's main supplier"
    else:
        subject = None
    subject_actors = subject.actors if subject else (inherited or ())
    if len(subject_actors) > 1:
        if directed:
            return _across(subject_actors, obj.actors) if obj else _within(subject_actors)
        pairs = _within(subject_actors)
        if obj and _WITH.search(lead_in):
            pairs += _across(subject_actors, obj.actors)
        return pairs
    if subject_actors:
        if obj and set(obj.actors) - set(subject_actors):
            return _across(subject_actors, obj.actors)
        if not directed and len(before) > 1:  # "A's ties with B deepened", "up to A whether B was fuelling"
            return _across(before[-2].actors, subject_actors)
        return []
    if obj and not directed:  # a directed cue needs its actor ("growing allegations that A ..." names none)
        if len(obj.actors) > 1:
            return _within(obj.actors)
        partner = next((g for g in after[1:] if set(g.actors) - set(obj.actors)), None)
        return _across(obj.actors, partner.actors) if partner else []
    return []


def clause_subject(groups: list[Group], cues: list[CueMatch]) -> tuple[str, ...] | None:
    """The actor that acts in a clause: the first group, if it stands before the clause's first cue."""
    if not groups:
        return None
    first_cue = min((c.start for c in cues), default=None)
    if first_cue is None or groups[0].start < first_cue:
        return groups[0].actors
    return None


def cue_pairs(sentence: str, groups: list[Group], cues: list[CueMatch],
              clauses: list[Clause]) -> list[tuple[CueMatch, list[Pair]]]:
    """Each cue of a sentence with the pairs it links (possibly none), clause by clause."""
    result = []
    previous_subject: tuple[str, ...] | None = None
    for clause in clauses:
        inside = [g for g in groups if clause.start <= g.start < clause.end]
        mine = [c for c in cues if clause.start <= c.start < clause.end]
        inherited = previous_subject
        if clause.relative:  # "Russia, which supplies India": Russia acts
            antecedent = [g for g in groups if g.end <= clause.start]
            inherited = antecedent[-1].actors if antecedent else previous_subject
        for cue in mine:
            if cue.cue.pairing == "multilateral":
                actors = [a for g in inside for a in g.actors]
                if inherited and (not inside or inside[0].start > cue.start):  # "... and held a meeting with C"
                    actors = list(inherited) + actors
                pairs = _within(actors)
            else:
                pairs = subject_object_pairs(sentence, inside, cue, inherited)
            result.append((cue, pairs))
        subject = clause_subject(inside, mine)
        if not clause.relative:
            previous_subject = subject if subject is not None else previous_subject
    return result
