"""One exception type for every mistake a user can make, so the CLI can turn it into exit code 2."""

from __future__ import annotations

import re


class EntenteError(Exception):
    """A problem with the user's input: names the file, the place in it and how to fix it.

    Only the CLI prints these and exits; library code raises them and never prints.
    """

    def __init__(
        self,
        problem: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.file = None if file is None else str(file)
        self.line = line
        self.column = column
        self.field = field
        self.hint = hint
        super().__init__(self.message())

    def where(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.line is not None:
            parts.append(f"line {self.line}" + (f", column {self.column}" if self.column else ""))
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)

    def message(self) -> str:
        """One paragraph, safe to print: whatever a file held, it is shown, never interpreted by the terminal."""
        where = self.where()
        text = f"{where}: {self.problem}" if where else self.problem
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
        return printable(text, limit=MESSAGE_LIMIT)


MESSAGE_LIMIT = 2000
"""Longest error message, in characters: a paragraph, whatever the file held."""

# Characters a terminal or an editor interprets instead of showing: C0 and C1 controls, DEL, the
# bidirectional embeddings, overrides, isolates and marks (Trojan Source, CVE-2021-42574), the line and
# paragraph separators, and the byte order mark / zero-width no-break space.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029\ufeff\ud800-\udfff]")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _visible(match: re.Match) -> str:
    char = match.group()
    code = ord(char)
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def printable(text, *, lines: bool = False, limit: int | None = None) -> str:
    """Any text made safe for a terminal: what could act on the screen is shown as an escape instead.

    Control characters (ESC, BEL, carriage return...), bidirectional overrides and lone surrogates
    appear as `\\x1b`, `\\u202e`, `\\ud800`. A newline and a tab are kept only when `lines` is true (text
    printed as a block); in a one-line field they are shown as `\\n` and `\\t`. `limit` cuts the text to
    that many characters (after escaping), marking the cut with '...'.
    """
    text = str(text)
    if limit is not None:
        text = text[: limit + 1]  # escaping only lengthens: no need to look further
    if lines:
        text = "\n".join("\t".join(_UNSAFE.sub(_visible, part) for part in line.split("\t"))
                         for line in text.split("\n"))
    else:
        text = _UNSAFE.sub(_visible, text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 3, 0)] + "..."
    return text


def did_you_mean(word: str, choices, *, n: int = 1) -> str:
    """'Did you mean X?' for a misspelt name, or '' when nothing is close."""
    import difflib

    lowered = {str(c).lower(): str(c) for c in choices}
    close = difflib.get_close_matches(str(word).lower(), list(lowered), n=n, cutoff=0.6)
    if not close:
        return ""
    return "Did you mean " + " or ".join(repr(lowered[c]) for c in close) + "?"


def field_path(path) -> str:
    """('events', 3, 'to') -> 'events[3].to': how a place in a YAML file is named in messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


QUOTED_TEXT = 60  # characters of a written text an error message quotes


def describe_value(value) -> str:
    """What a student wrote, in words: 'the text 'ten'', 'a list', 'nothing (an empty value)'."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        if len(value) > QUOTED_TEXT:  # a whole file read as one text (a CSV given for YAML): its start
            return f"a text of {len(value):,} characters starting {value[:QUOTED_TEXT]!r}"
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return type(value).__name__
