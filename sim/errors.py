"""One exception type for every mistake a user can make, so the CLI can turn it into exit code 2."""

from __future__ import annotations


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
        where = self.where()
        text = f"{where}: {self.problem}" if where else self.problem
        if self.hint:
            text = f"{text.rstrip('.')}. {self.hint}"
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


def describe_value(value) -> str:
    """What a student wrote, in words: 'the text 'ten'', 'a list', 'nothing (an empty value)'."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    return type(value).__name__
