"""Split an article into sentences that keep their line numbers and their exact wording.

Each sentence is a verbatim slice of one line: nothing is repaired, so a student can find it in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words whose full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "etc e.g i.e mr mrs ms dr prof gen lt col maj capt sgt st vs no jan feb mar apr jun jul aug sep sept "
    "oct nov dec sen rep gov pres approx".split()
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")

# A full stop, question or exclamation mark (with any closing quotes) then space and a capital or a quote.
_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(]?[A-Z0-9])""")
# A colon followed by a capitalised word: "a change in the venue: The special forces ...".
_COLON = re.compile(r":(?=\s+[A-Z])")
# A month directly followed by a capitalised word: the scraped page lost the date and the full stop
# between them ("in December The first-ever ...").
_RUN_ON = re.compile(r"\b(?:" + "|".join(MONTHS) + r")(?=\s+[A-Z][a-z])")
_LEAD = re.compile(r"""^[\s•·*▪‣◦-]+""")


@dataclass(frozen=True)
class Sentence:
    line: int  # 1-based line number in the article
    text: str  # verbatim


def _ends_sentence(line: str, dot: int) -> bool:
    """Whether the mark at `dot` ends a sentence rather than an abbreviation or an initial ('U.', 'U.S.')."""
    if line[dot] != ".":
        return True
    start = dot
    while start > 0 and not line[start - 1].isspace():
        start -= 1
    word = line[start:dot].strip("\"'“‘(")
    if word.lower() in ABBREVIATIONS:
        return False
    if re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", word):  # an initial or a dotted initialism: U. / U.S.
        return False
    return True


MAX_SENTENCE_CHARS = 400  # the bundled article's longest sentence has 329 characters


def _bounded(piece: str, max_chars: int) -> list[str]:
    """A run-on piece cut into verbatim parts of at most max_chars, at a space where there is one."""
    parts, start = [], 0
    while len(piece) - start > max_chars:
        cut = piece.rfind(" ", start + max_chars // 2, start + max_chars)
        cut = cut if cut > start else start + max_chars
        head = piece[start:cut].strip()
        if head:
            parts.append(head)
        start = cut
    tail = piece[start:].strip()
    if tail:
        parts.append(tail)
    return parts


def split_line(line: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[str]:
    """The sentences of one line, each a verbatim slice with surrounding spaces and bullets removed.

    A "sentence" longer than max_chars (a run-on without punctuation, a scraped page's menu) is cut into
    pieces of at most max_chars, so that coding stays linear in the article's length.
    """
    cuts = set()
    for match in _END.finditer(line):
        if _ends_sentence(line, match.start()):
            cuts.add(match.end())
    cuts.update(match.end() for match in _COLON.finditer(line))
    cuts.update(match.end() for match in _RUN_ON.finditer(line))
    pieces, start = [], 0
    for cut in sorted(cuts) + [len(line)]:
        piece = _LEAD.sub("", line[start:cut]).strip()
        if piece:
            pieces.extend(_bounded(piece, max_chars))
        start = cut
    return pieces


def split_sentences(text: str, max_chars: int = MAX_SENTENCE_CHARS) -> list[Sentence]:
    """Every sentence of the text with the number of the line it is on (a sentence never spans lines)."""
    sentences = []
    for number, line in enumerate(text.split("\n"), start=1):
        for piece in split_line(line.rstrip("\r"), max_chars):
            sentences.append(Sentence(number, piece))
    return sentences
