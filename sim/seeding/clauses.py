"""Split a sentence into clauses, so that a cue is credited only to the actors of its own clause.

No parser: boundaries are words and marks that, in news prose, start a new clause (docs/seeding.md):
";", "while", "whereas", "but", "although", ", which"/", who" (a relative clause, up to the next comma),
and "and" unless it joins two actor names ("Russia and China", "between India and Pakistan") or two parts of
one clause: the words before it name no actor after their first cue (no object yet), the words after it
name none before theirs (no subject of their own) and do not start with a verb in the past tense (a
lower-case word ending in -ed: "and stressed the need"), as in "China shipped food and vaccines to
Pakistan", where a cut would leave the shipper without a recipient.
A clause without an actor before its first cue inherits the subject of the clause before it ("Moscow sold
jets to Delhi while meeting Beijing": the meeting is Moscow's), and a relative clause the actor it
describes ("Russia, which supplies India, ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .mentions import Group

_BOUNDARY = re.compile(r"\s*;\s*|\s*[,—–]?\s*\b(?:while|whereas|but|although|though|and)\b\s*[,—–]?\s*",
                       re.IGNORECASE)
_RELATIVE = re.compile(r",\s*(?:which|who)\b", re.IGNORECASE)
_AND = re.compile(r"\band\b", re.IGNORECASE)
_PAST_TENSE = re.compile(r"[a-z]\w*ed\b")  # "and praised New Delhi": a new predicate, not a second noun


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    relative: bool = False  # a relative clause (", which ..."): its subject is the actor named just before it


def _inside_group(groups: list[Group], start: int, end: int) -> bool:
    return any(g.start < start and end <= g.end for g in groups if len(g.mentions) > 1)


def _has_object(groups: list[Group], cues, start: int, end: int) -> bool:
    """Whether the words from start to end name an actor after their first cue (the cue has its object)."""
    first = min((a for a, _ in cues if start <= a < end), default=None)
    return first is not None and any(first < g.start < end for g in groups)


def _has_subject(groups: list[Group], cues, start: int, end: int) -> bool:
    """Whether the words from start to end hold a cue with an actor before it (an event of their own)."""
    first = min((a for a, _ in cues if start <= a < end), default=None)
    return first is not None and any(start <= g.start < first for g in groups)


def split_clauses(sentence: str, groups: list[Group], cues=()) -> list[Clause]:
    """The clauses of a sentence as spans, in order; relative clauses are spans of their own.

    cues: (start, end) of the sentence's cues, which decide whether an "and" starts a clause.
    """
    relatives = []
    for match in _RELATIVE.finditer(sentence):
        stop = sentence.find(",", match.end())
        relatives.append((match.start() + 1, stop if stop != -1 else len(sentence)))
    cuts = []
    for match in _BOUNDARY.finditer(sentence):
        if match.start() == 0 or _inside_group(groups, match.start(), match.end()):
            continue
        if any(a <= match.start() < b for a, b in relatives):
            continue
        cuts.append((match.start(), match.end(), bool(_AND.search(match.group(0)))))
    spans, start = [], 0
    for index, (cut_start, cut_end, is_and) in enumerate(cuts):
        following = cuts[index + 1][0] if index + 1 < len(cuts) else len(sentence)
        if is_and and not _has_object(groups, cues, start, cut_start) \
                and not _has_subject(groups, cues, cut_end, following) \
                and not _PAST_TENSE.match(sentence, cut_end):
            continue  # "shipped food and vaccines to Pakistan": one clause
        spans.append((start, cut_start))
        start = cut_end
    spans.append((start, len(sentence)))
    clauses = []
    for a, b in spans:
        inner = [(ra, rb) for ra, rb in relatives if a <= ra < b]
        position = a
        for ra, rb in inner:
            if ra > position:
                clauses.append(Clause(position, ra))
            clauses.append(Clause(ra, min(rb, b), relative=True))
            position = min(rb, b)
        if position < b:  # the main clause goes on after a relative clause and inherits its subject
            clauses.append(Clause(position, b))
    return [c for c in clauses if sentence[c.start:c.end].strip()]
