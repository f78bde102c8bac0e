"""Find the cue phrases of sim/data/cues.yaml in a sentence, with the negations and hedges around them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import EntenteError, did_you_mean
from .mentions import Mention

PAIRINGS = ("nearest", "multilateral", "directed")
ACTOR_SLOT = "{actor}"
_HYPHENS = "-‐‑–"
_BETWEEN_WORDS = r"""[\s\-‐‑–'’"“”]+"""
_STOPS = re.compile(r"""[,;:()"“”—]""")


@dataclass(frozen=True)
class Settings:
    prior_weight: float = 2.0  # how many firm sentences the prior counts as (scoring.blend)
    reach: float = 1.0  # how far (in atanh units) a +-10 sentence may carry a pair beyond its prior
    hedge_factor: float = 0.5  # firmness of an alleged, possible or conditional statement
    prospective_factor: float = 0.5  # firmness of a plan, an intention or a deal in its early stages
    historical_factor: float = 0.5  # firmness of a statement about the past
    negated_conflict_factor: float = 0.5
    negation_window: int = 10
    gap_words: int = 4
    max_sentence_chars: int = 400  # a longer run without sentence punctuation is cut into pieces


@dataclass(frozen=True)
class Cue:
    phrase: str
    cameo: str
    label: str
    goldstein: float
    pairing: str
    note: str = ""
    pattern: re.Pattern = field(default=None, compare=False, repr=False)

    @property
    def stem(self) -> str | None:
        """Letters every match contains (lower case), to skip the regex on sentences without them."""
        first = self.phrase.split()[0] if self.phrase.split() else ""
        first = re.split(f"[{_HYPHENS}]", first)[0].lower()
        if "|" in first or len(first) < 3:
            return None
        return first[:-1]

    @property
    def names_target(self) -> bool:
        return self.phrase.endswith(ACTOR_SLOT)


@dataclass(frozen=True)
class CueMatch:
    cue: Cue
    start: int
    end: int
    targets: tuple[str, ...]  # the actor named inside an "{actor}" cue ("anti-India")
    negated_by: str | None
    hedged_by: str | None
    tone: float  # Goldstein weight after negation
    firmness: float = 1.0  # product of the factors of the hedge, prospective and historical markers
    prospective_by: str | None = None
    historical_by: str | None = None

    @property
    def weight(self) -> float:
        """What the cue adds, tone times firmness (shown in the evidence)."""
        return round(self.tone * self.firmness, 3) + 0.0


_VOWELS = "aeiou"


def _inflected(word: str) -> str:
    """A regex for a word with its regular endings: supply/supplies/supplied, trade/traded/trading, ban/banned."""
    w = re.escape(word)
    if len(word) < 3 or not word.isalpha():
        return w
    if word.endswith("y") and word[-2] not in _VOWELS:
        return re.escape(word[:-1]) + "(?:y|ies|ied|ying)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + "(?:e|es|ed|ing)"
    double = ""
    if word[-1] not in _VOWELS + "wxy" and word[-2] in _VOWELS and (len(word) < 4 or word[-3] not in _VOWELS):
        double = "|" + re.escape(word[-1]) + "(?:ed|ing)"  # ban -> banned, clash -> (not doubled)
    return w + f"(?:s|es|ed|ing{double})?"


def _word(word: str, suffix: bool) -> str:
    forms = word.split("|")
    pieces = []
    for form in forms:
        parts = [p for p in re.split(f"[{_HYPHENS}]", form)]
        escaped = [re.escape(p) for p in parts[:-1]] + [_inflected(parts[-1]) if suffix else re.escape(parts[-1])]
        pieces.append((f"[{_HYPHENS}\\s]?" if form[-1] in _HYPHENS else f"[{_HYPHENS}\\s]").join(escaped))
    return pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"


def phrase_pattern(phrase: str, gap: int, suffix: bool = True) -> re.Pattern:
    """A regex for a cue phrase: whole words, any case, '...' for a gap, regular endings on every word.

    suffix=False matches the words exactly (negations, hedges and markers).
    """
    phrase = phrase.removesuffix(ACTOR_SLOT)
    parts = []
    for part in phrase.split("..."):
        parts.append(_BETWEEN_WORDS.join(_word(word, suffix) for word in part.split()))
    gap_re = rf"\W+(?:[\w'’.‐-]+\W+){{0,{gap}}}?"
    tail = "" if phrase.rstrip().endswith(tuple(_HYPHENS)) else r"(?!\w)"
    return re.compile(r"(?<!\w)" + gap_re.join(parts) + tail, re.IGNORECASE)


class CueBook:
    """The cues, the negation words and the hedges, ready to be applied to sentences."""

    def __init__(self, cues, negations, not_negations, hedges, ignore, settings: Settings,
                 prospective=(), historical=(), negation_stops=()) -> None:
        self.cues = list(cues)
        self._stems = [(cue, cue.stem) for cue in self.cues]
        self._prospective = [(p, phrase_pattern(p, 0, suffix=False)) for p in prospective]
        self._historical = [(p, phrase_pattern(p, 0, suffix=False)) for p in historical]
        self.settings = settings
        self._negation = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(w) for w in negations if not w.startswith("n'"))
            + r")(?!\w)|n['’]t(?!\w)", re.IGNORECASE)
        self._not_negations = [phrase_pattern(p, 0, suffix=False) for p in not_negations]
        self._hedges = [(p, phrase_pattern(p, 0, suffix=False)) for p in hedges]
        self._ignore = [phrase_pattern(p, 0) for p in ignore]
        self._negation_stops = [phrase_pattern(p, 0, suffix=False) for p in negation_stops]

    def find(self, sentence: str, mentions: list[Mention], clauses=None) -> list[CueMatch]:
        """The cues of a sentence, longest first where they overlap, each weighed within its clause.

        clauses: (start, end) spans (sim.seeding.clauses); hedges and markers only reach within the clause
        of the cue. None: the whole sentence is one clause.
        """
        return self.weigh(sentence, mentions, self.locate(sentence, mentions), clauses)

    def weigh(self, sentence: str, mentions: list[Mention], located: list[tuple], clauses=None) -> list[CueMatch]:
        """The located cues (self.locate) with their negations, hedges and markers, each within its clause."""
        clauses = clauses or [(0, len(sentence))]
        hedge_spans = list(self._hedge_spans(sentence))
        shielded = set()
        for pattern in self._not_negations:
            for match in pattern.finditer(sentence):
                shielded.update(range(match.start(), match.end()))
        for _, h_start, h_end in hedge_spans:
            shielded.update(range(h_start, h_end))
        found = []
        for start, end, cue, targets in located:
            clause = next(((a, b) for a, b in clauses if a <= start < b), (0, len(sentence)))
            found.append(self._weigh(sentence, mentions, cue, start, end, targets, clause, hedge_spans, shielded))
        return found

    def locate(self, sentence: str, mentions: list[Mention]) -> list[tuple]:
        """Where the cues are: (start, end, cue, targets), longest first where they overlap, in order."""
        lower = sentence.lower()
        blanked = set()
        for pattern in self._ignore:
            for match in pattern.finditer(sentence):
                blanked.update(range(match.start(), match.end()))
        candidates = []
        for cue, stem in self._stems:
            if stem is not None and stem not in lower:
                continue
            for match in cue.pattern.finditer(sentence):
                start, end, targets = match.start(), match.end(), ()
                if cue.names_target:
                    named = [m for m in mentions if m.start == end]
                    if not named:
                        continue
                    end, targets = named[0].end, (named[0].actor,)
                if blanked.intersection(range(start, end)):
                    continue
                candidates.append((start, -(end - start), end, cue, targets))
        located, taken_until = [], -1
        for start, _, end, cue, targets in sorted(candidates, key=lambda c: c[:3]):
            if start >= taken_until:
                located.append((start, end, cue, targets))
                taken_until = end
        return located

    def _hedge_spans(self, sentence: str):
        for phrase, pattern in self._hedges:
            for match in pattern.finditer(sentence):
                yield phrase, match.start(), match.end()

    def _negation_before(self, sentence: str, mentions: list[Mention], start: int, shielded: set) -> str | None:
        """The negation word in the few words before a cue, with no stop, actor name or subordinating
        conjunction in between ("have not improved since the two armies fought": the fighting is not negated)."""
        region = max([0] + [m.end() + 1 for m in _STOPS.finditer(sentence[:start])]
                     + [m.end for m in mentions if m.end <= start]
                     + [m.end() for pattern in self._negation_stops for m in pattern.finditer(sentence, 0, start)])
        text = sentence[region:start]
        words = list(re.finditer(r"[\w'’]+", text))[-self.settings.negation_window:]
        if not words:
            return None
        window_start = region + words[0].start()
        for match in self._negation.finditer(sentence, window_start, start):
            if match.start() not in shielded:
                return match.group(0)
        return None

    def _negation_within(self, sentence: str, cue: Cue, start: int, end: int, shielded: set) -> str | None:
        """A negation word in the gap of a cue with "..." ("relations have not improved"), unless the phrase
        itself holds one ("convince ... not to")."""
        if "..." not in cue.phrase or self._negation.search(cue.phrase):
            return None
        for match in self._negation.finditer(sentence, start, end):
            if match.start() not in shielded:
                return match.group(0)
        return None

    @staticmethod
    def _marker(markers, sentence: str, clause: tuple[int, int]) -> str | None:
        """The first marker phrase found anywhere in the clause."""
        hits = [(m.start(), phrase) for phrase, pattern in markers
                for m in pattern.finditer(sentence, clause[0], clause[1])]
        return min(hits)[1] if hits else None

    def _weigh(self, sentence, mentions, cue, start, end, targets, clause, hedge_spans, shielded) -> CueMatch:
        s = self.settings
        hedges = [(h_start, phrase) for phrase, h_start, _ in hedge_spans if clause[0] <= h_start < start]
        hedged_by = max(hedges)[1] if hedges else None
        negated_by = self._negation_before(sentence, mentions, start, shielded) or self._negation_within(
            sentence, cue, start, end, shielded)
        tone = cue.goldstein
        if negated_by:
            tone = -tone * s.negated_conflict_factor if tone < 0 else 0.0
        prospective_by = self._marker(self._prospective, sentence, clause)
        historical_by = self._marker(self._historical, sentence, clause)
        firmness = 1.0
        for marker, factor in ((hedged_by, s.hedge_factor), (prospective_by, s.prospective_factor),
                               (historical_by, s.historical_factor)):
            if marker:
                firmness *= factor
        return CueMatch(cue, start, end, targets, negated_by, hedged_by, round(tone, 3) + 0.0,
                        round(firmness, 4), prospective_by, historical_by)


def load_cue_book(table: dict, source: str = "sim/data/cues.yaml") -> CueBook:
    """The cue book from the cues table; a teacher's mistake in it names the entry and the fix."""
    codes = table.get("codes") or {}
    for code, entry in codes.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("goldstein"), (int, float)) \
                or not -10 <= entry["goldstein"] <= 10 or not entry.get("label"):
            raise EntenteError(f"CAMEO code {code!r} needs a label and a Goldstein weight from -10 to 10",
                               file=source, field=f"codes.{code}",
                               hint='Write it like "062": {label: Cooperate militarily, goldstein: 7.4}.')
    defaults = Settings()
    scoring = table.get("scoring") or {}
    for key, value in scoring.items():
        if not hasattr(defaults, key):
            raise EntenteError(f"unknown setting {key!r}", file=source, field=f"scoring.{key}",
                               hint=did_you_mean(key, vars(defaults)) or "Use: " + ", ".join(vars(defaults)) + ".")
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise EntenteError(f"{key} must be a number of at least 0, found {value!r}", file=source,
                               field=f"scoring.{key}")
    settings = Settings(**{k: type(getattr(defaults, k))(v) for k, v in scoring.items()})
    cues = []
    for index, entry in enumerate(table.get("cues") or []):
        where = f"cues[{index}]"
        if not isinstance(entry, dict) or not str(entry.get("phrase", "")).strip():
            raise EntenteError("each cue needs a 'phrase:'", file=source, field=where,
                               hint='Write it like {phrase: joint exercise, cameo: "062", pairing: nearest}.')
        code = str(entry.get("cameo"))
        if code not in codes:
            raise EntenteError(f"CAMEO code {code!r} is not in the 'codes:' table", file=source,
                               field=where + ".cameo",
                               hint="Add it to 'codes:' with its label and Goldstein weight, or quote the code "
                                    "(\"062\", not 062).")
        pairing = entry.get("pairing", "nearest")
        if pairing not in PAIRINGS:
            raise EntenteError(f"unknown pairing {pairing!r}", file=source, field=where + ".pairing",
                               hint="Use one of: " + ", ".join(PAIRINGS) + ".")
        phrase = str(entry["phrase"]).strip()
        gap = int(entry.get("gap", settings.gap_words))
        cues.append(Cue(phrase, code, str(codes[code]["label"]), float(codes[code]["goldstein"]), pairing,
                        str(entry.get("note", "")), phrase_pattern(phrase, gap)))

    def phrases(key):
        return [str(e["phrase"]) if isinstance(e, dict) else str(e) for e in table.get(key) or []]

    return CueBook(cues, [str(w) for w in table.get("negations") or []], phrases("not_negations"),
                   phrases("hedges"), phrases("ignore"), settings, phrases("prospective"), phrases("historical"),
                   phrases("negation_stops"))
