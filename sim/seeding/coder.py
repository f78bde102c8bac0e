"""The dictionary coder: sentences -> clauses, actor mentions -> cues -> evidence for each pair of actors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .clauses import split_clauses
from .cues import CueBook
from .mentions import MentionFinder, group_mentions
from .pairing import cue_pairs
from .sentences import split_sentences

Pair = tuple[str, str]


@dataclass(frozen=True)
class Evidence:
    """One cue read in one sentence as linking one pair."""

    line: int
    sentence: str  # verbatim from the article (a bounded piece of a run-on line)
    cue: str  # the phrase of sim/data/cues.yaml that matched
    matched: str  # the words of the sentence it matched
    cameo: str
    label: str
    goldstein: float  # the weight of the CAMEO code
    tone: float  # after negation
    firmness: float  # after hedges, prospective and historical markers
    pairing: str
    negated_by: str | None = None
    hedged_by: str | None = None
    prospective_by: str | None = None
    historical_by: str | None = None
    repeated_on: tuple[int, ...] = ()  # other lines holding the very same sentence (counted once)

    @property
    def weight(self) -> float:
        return round(self.tone * self.firmness, 3) + 0.0


@dataclass(frozen=True)
class Coding:
    actors: tuple[str, ...]  # canonical order
    sentences: int
    mentioned: tuple[str, ...]  # the actors the article names at all
    evidence: dict[Pair, list[Evidence]]  # keyed by the pair in canonical order, in article order


class Coder:
    def __init__(self, finder: MentionFinder, cue_book: CueBook, actors: tuple[str, ...]) -> None:
        self.finder = finder
        self.cue_book = cue_book
        self.actors = tuple(actors)

    def canonical(self, a: str, b: str) -> Pair:
        return (a, b) if self.actors.index(a) < self.actors.index(b) else (b, a)

    def code(self, text: str, on: date | None = None) -> Coding:
        """The evidence in a text; `on`, the article's date, decides what a dated spelling names (Kabul)."""
        sentences = split_sentences(text, self.cue_book.settings.max_sentence_chars)
        first_line: dict[str, int] = {}
        repeats: dict[str, list[int]] = {}
        for sentence in sentences:
            if sentence.text in first_line:
                repeats[sentence.text].append(sentence.line)
            else:
                first_line[sentence.text] = sentence.line
                repeats[sentence.text] = []
        evidence: dict[Pair, list[Evidence]] = {}
        mentioned = set()
        for text_, line in first_line.items():
            mentions = self.finder.find(text_, on)
            mentioned.update(m.actor for m in mentions)
            if len({m.actor for m in mentions}) < 2:
                continue
            groups = group_mentions(text_, mentions)
            located = self.cue_book.locate(text_, mentions)
            clauses = split_clauses(text_, groups, [(start, end) for start, end, _, _ in located])
            cues = self.cue_book.weigh(text_, mentions, located, [(c.start, c.end) for c in clauses])
            for match, pairs in cue_pairs(text_, groups, cues, clauses):
                for a, b in dict.fromkeys(self.canonical(a, b) for a, b in pairs):
                    evidence.setdefault((a, b), []).append(Evidence(
                        line=line, sentence=text_, cue=match.cue.phrase, matched=text_[match.start:match.end],
                        cameo=match.cue.cameo, label=match.cue.label, goldstein=match.cue.goldstein,
                        tone=match.tone, firmness=match.firmness, pairing=match.cue.pairing,
                        negated_by=match.negated_by, hedged_by=match.hedged_by,
                        prospective_by=match.prospective_by, historical_by=match.historical_by,
                        repeated_on=tuple(repeats[text_])))
        ordered = {pair: evidence[pair] for pair in sorted(evidence, key=lambda p: (self.actors.index(p[0]),
                                                                                   self.actors.index(p[1])))}
        return Coding(self.actors, len(sentences), tuple(a for a in self.actors if a in mentioned), ordered)
