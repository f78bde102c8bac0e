"""JSON text with the bytes of `json.dumps(value, indent=2, ensure_ascii=False)`, written faster.

With an indent the standard library encodes in pure Python, one generator step per value: summary.json of
200 actors (120,000 matrix entries, 39,800 pair records) took 0.7 s of CPU (issue 25). Here the values of
one container that are all floats, all strings or all whole numbers are turned to text by C calls over the
whole run (`float.__repr__`, the json module's own string encoder), a float's text is made once per
distinct value (the same scores recur in the matrices and the pair records), and a list of records with
the same keys (the pairs' changes) is written column by column through one %-template. Anything else goes
value by value by the standard library's rules. orjson was weighed and not used: it writes 1e-05 as 1e-5.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring  # the C encoder where available, as json.dumps uses it

import numpy as np

_FLOAT = float.__repr__
_INT = int.__repr__
_SPECIAL = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}  # float.__repr__ -> the json module's text


def dumps(value) -> str:
    """`json.dumps(value, indent=2, ensure_ascii=False)`, the same text."""
    return _Writer().text(value, "\n")


class _Writer:
    """One document's writing: `texts` holds each float's text once made, by its bits."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}

    def floats(self, values: list) -> list[str]:
        """Every float's text as the json module writes it: repr, except NaN and the infinities. Texts are
        kept by the float's 64 bits: as dict keys, floats that are multiples of 1e-6 hash into few slots."""
        bits = np.array(values, dtype=float).view(np.int64).tolist()
        texts = list(map(self.texts.get, bits))
        for i in [i for i, text in enumerate(texts) if text is None]:
            text = _FLOAT(values[i])
            self.texts[bits[i]] = texts[i] = _SPECIAL.get(text, text)
        return texts

    def column(self, values: list, newline: str) -> list[str]:
        """The texts of many values at one indentation: C calls over a run of one plain type."""
        kinds = set(map(type, values))
        if len(kinds) == 1:
            kind = kinds.pop()
            if kind is float:
                return self.floats(values)
            if kind is str:
                return list(map(encode_basestring, values))
            if kind is int:
                return list(map(_INT, values))
            if kind is list or kind is tuple:  # e.g. the pairs' event lists, mostly empty
                return ["[]" if not value else self.text(value, newline) for value in values]
        return [self.text(value, newline) for value in values]

    def text(self, value, newline: str) -> str:
        if isinstance(value, str):
            return encode_basestring(value)
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return _INT(value)
        if isinstance(value, float):
            return self.floats([value])[0]
        inner = newline + "  "
        if isinstance(value, (list, tuple)):
            if not value:
                return "[]"
            items = list(value)
            texts = self.records(items, inner) or self.column(items, inner)
            return "[" + inner + ("," + inner).join(texts) + newline + "]"
        if isinstance(value, dict):
            if not value:
                return "{}"
            keys = list(map(encode_basestring if all(type(key) is str for key in value) else self.key, value))
            texts = self.column(list(value.values()), inner)
            return "{" + inner + ("," + inner).join([k + ": " + t for k, t in zip(keys, texts)]) + newline + "}"
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")

    def key(self, key) -> str:
        """A dict key as the json module writes it (keys that are not text are written as text)."""
        if isinstance(key, str):
            return encode_basestring(key)
        if key is True or key is False or key is None:
            return encode_basestring(json.dumps(key))
        if isinstance(key, float):
            return encode_basestring(self.floats([key])[0])
        if isinstance(key, int):
            return encode_basestring(_INT(key))
        raise TypeError(f"keys must be str, int, float, bool or None, not {type(key).__name__}")

    def records(self, items: list, newline: str) -> list[str] | None:
        """A list of non-empty dicts with the same keys, each written through one template, column by
        column; None for any other list."""
        first = items[0]
        if len(items) < 2 or type(first) is not dict or not first:
            return None
        keys = tuple(first)
        if any(type(item) is not dict or tuple(item) != keys for item in items):
            return None
        inner = newline + "  "
        columns = [self.column([item[key] for item in items], inner) for key in keys]
        template = ("{" + inner + ("," + inner).join(self.key(key).replace("%", "%%") + ": %s" for key in keys)
                    + newline + "}")
        return list(map(template.__mod__, zip(*columns)))
