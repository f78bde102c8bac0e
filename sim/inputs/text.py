"""Rules for user text that ends up in names and in data files: names that stay names, cells that stay data.

An actor's name goes into CSV files, JSON, figures and the terminal, and is read back by `read_result`
(pandas). So a name must hold a letter or a digit, must be one line of plain text, and must not be a word
that pandas or a spreadsheet reads as missing or as true/false (`NA`, `null`, `None`, `True`...).

A CSV cell a spreadsheet would run as a formula (one starting with `=`, `+`, `-`, `@`, a tab or a carriage
return) is written with a single quote in front, as OWASP recommends against CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection); a cell that starts with a quote gets one more, so
`from_cell` always gives back the text that was written.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"

# Read as missing by pandas (its default na_values) or as a boolean by pandas and spreadsheets.
MISSING_WORDS = frozenset({
    "", "#n/a", "#n/a n/a", "#na", "-1.#ind", "-1.#qnan", "-nan", "1.#ind", "1.#qnan", "<na>", "n/a", "na",
    "nan", "null", "none", "true", "false", "nat",
})
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff"
                          "\ud800-\udfff]")


def to_cell(value):
    """A text value as a CSV cell no spreadsheet runs as a formula; other values pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS + (_QUOTE,)):
        return _QUOTE + value
    return value


def from_cell(value):
    """The text to_cell was given: one leading quote removed from text that starts with one."""
    if isinstance(value, str) and value.startswith(_QUOTE):
        return value[1:]
    return value


def name_problem(name: str) -> str | None:
    """Why a trimmed actor name cannot be used, or None when it can."""
    if not any(char.isalnum() for char in name):
        return "a name must contain a letter or a digit"
    if _UNPRINTABLE.search(name):
        return ("a name must be one line of plain text, but this one holds a control character, a line break "
                "or an invisible direction mark")
    if name.casefold() in MISSING_WORDS:
        return "a data file read back with pandas or opened in a spreadsheet would take it for a missing value " \
               "or for true/false"
    if name.startswith(FORMULA_STARTS):
        return "a spreadsheet would take a name starting with =, +, - or @ for a formula"
    return None


# Longest first: the UTF-16 LE mark FF FE is also the start of the UTF-32 LE mark FF FE 00 00, so a file is
# tested for UTF-32 before UTF-16 (or a UTF-32 file would be called UTF-16).
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def wide_encoding(raw: bytes) -> str | None:
    """'UTF-32' or 'UTF-16' when raw starts with that encoding's byte-order mark, else None (readers want UTF-8)."""
    for bom, name in _WIDE_BOMS:
        if raw.startswith(bom):
            return name
    return None
