"""Reading articles, priors and overrides, writing the relations file; each file mistake is an EntenteError."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from .relations import Override, Prior

MAX_ARTICLE_BYTES = 1_000_000  # a long news article is under 100 kB; a book or a web archive is not an article


# --- articles ------------------------------------------------------------------------------------------


def read_article(path) -> str:
    """The article's text, or an error that says what is wrong with the file and how to fix it."""
    from ..inputs.paths import read_input_bytes
    from ..inputs.text import wide_encoding

    file = str(path)
    too_large = EntenteError(f"the file is more than the limit of {MAX_ARTICLE_BYTES:,} bytes for one article",
                             file=file, hint="Code one news article at a time: save just its text in a .txt file.")
    data = read_input_bytes(path, "article file", MAX_ARTICLE_BYTES, too_large)
    encoding = wide_encoding(data)
    if encoding is not None:
        raise EntenteError(f"the article is saved as {encoding} text; the coder reads UTF-8", file=file,
                           hint="Save it again as UTF-8 (in most editors: Save As, then Encoding: UTF-8).")
    if b"\x00" in data:
        raise EntenteError("this is a binary file (it contains NUL bytes), not plain text", file=file,
                           hint="Save the article as plain text (.txt, UTF-8); export a PDF or Word file to "
                                "text first.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise EntenteError(f"the article is not UTF-8 text: byte 0x{data[error.start]:02x} cannot be read",
                           file=file, line=line, column=column,
                           hint="Save it again as UTF-8 (in most editors: Save As, then Encoding: UTF-8).") from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise EntenteError("the article is empty" if not text else "the article holds only blank space",
                           file=file, hint="Paste the article's text into the file and save it.")
    return text


_DATE_LINE = re.compile(r"date\s*:\s*(.+)", re.IGNORECASE)


def article_date(text: str, file: str) -> date | None:
    """The date an article gives on its first non-blank line ("Date: 2022-03-14"), or None."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _DATE_LINE.fullmatch(line.strip())
        if match is None:
            return None
        try:
            return date.fromisoformat(match.group(1))
        except ValueError:
            raise EntenteError(f"the article's date {match.group(1)!r} is not a date", file=file, line=number,
                               hint="Write it as YYYY-MM-DD (Date: 2022-03-14), or give the date with --date "
                                    "YYYY-MM-DD, which takes its place.") from None
    return None


# --- YAML tables written by people: priors and overrides -----------------------------------------------


def _load_yaml(path: Path, what: str):
    """Through the project's safe reader: no Python tags, no duplicate keys, no alias bombs, with places."""
    from ..inputs.safe_yaml import load_yaml

    return load_yaml(path, what=what)


def _pair(entry, names, fail) -> tuple[str, str]:
    between = entry.get("between")
    if not isinstance(between, list) or len(between) != 2:
        raise fail("between", "needs 'between: [ACTOR, ACTOR]'")
    pair = []
    for text in between:
        name = names.resolve(str(text))
        if name is None:
            raise fail("between", f"unknown actor {text!r}",
                       did_you_mean(str(text), names.spellings()) or "Use one of: " + ", ".join(names.names) + ".")
        pair.append(name)
    if pair[0] == pair[1]:
        raise fail("between", "a relation needs two different actors")
    return tuple(sorted(pair, key=names.names.index))


def _score(entry, key, low, fail, default=None) -> float:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or not low <= value <= 1:
        raise fail(key, f"{key} must be a number from {low} to 1, found {value!r}")
    return float(value)


def _entries(path: Path, key: str, what: str, example: str):
    document = _load_yaml(path, what)
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get(key, []), list):
        raise EntenteError(f"the {what} needs a '{key}:' list", file=str(path), hint=f"For example: {example}")
    for index, entry in enumerate(data.get(key) or []):
        def fail(field, problem, hint=None, index=index):
            line, column = document.position((key, index, field)) or (None, None)
            return EntenteError(problem, file=str(path), line=line, column=column,
                                field=f"{key}[{index}].{field}", hint=hint)

        if not isinstance(entry, dict):
            raise fail("between", "each entry must be a mapping", f"For example: {example}")
        yield data, entry, fail


def load_facts(path: Path) -> dict[str, dict]:
    """The dated facts behind the priors (sim/data/facts.yaml), by id; the UN ideal points under their own id."""
    document = _load_yaml(path, "facts file")
    data = document.data
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise EntenteError("the facts file needs a 'facts:' list", file=str(path))
    facts = {}
    for index, entry in enumerate(data["facts"]):
        line = (document.position(("facts", index)) or (None, None))[0]
        if not isinstance(entry, dict) or not all(entry.get(k) for k in ("id", "kind", "year", "text", "source")):
            raise EntenteError("each fact needs an id, a kind, a year, a text and a source", file=str(path),
                               line=line, field=f"facts[{index}]")
        if entry["id"] in facts:
            raise EntenteError(f"the fact id {entry['id']!r} is used twice", file=str(path), line=line,
                               field=f"facts[{index}].id")
        facts[str(entry["id"])] = entry
    points = data.get("un_ideal_points")
    if isinstance(points, dict):
        facts["un_ideal_points"] = {"id": "un_ideal_points", "kind": "ideal_points", "year": points.get("year"),
                                    "text": f"UN General Assembly ideal points, {points.get('year')}",
                                    "source": points.get("source"), "points": points.get("points", {})}
    return facts


def citation(fact: dict) -> str:
    """How a fact is cited in the relations file and by --explain: what, when, and the original source."""
    return f"{fact['text']} ({fact['source']})"


def load_priors(path: Path, names, facts: dict[str, dict] | None = None) -> dict[tuple[str, str], Prior]:
    """Every pair's prior with its year and sources; a missing pair is an error, never a silent zero."""
    if facts is None:
        facts = load_facts(path.parent / "facts.yaml")
    priors = {}
    example = "{between: [US, Iran], score: -0.7, sources: [rivalry_iran_us], rationale: ...}"
    for data, entry, fail in _entries(path, "priors", "priors file", example):
        pair = _pair(entry, names, fail)
        if pair in priors:
            raise fail("between", f"{pair[0]}-{pair[1]} has two priors", "Keep one.")
        rationale = str(entry.get("rationale", "")).strip()
        if not rationale:
            raise fail("rationale", "every prior needs a one-line rationale")
        sources = entry.get("sources")
        if not isinstance(sources, list) or not sources:
            raise fail("sources", "every prior needs 'sources:', ids of facts in sim/data/facts.yaml")
        for source in sources:
            if source not in facts:
                raise fail("sources", f"unknown fact {source!r}",
                           did_you_mean(str(source), list(facts)) or "Add it to sim/data/facts.yaml first.")
        as_of = entry.get("as_of", data.get("as_of"))
        if isinstance(as_of, bool) or not isinstance(as_of, int):
            raise fail("as_of", f"as_of must be a year, found {as_of!r}")
        confidence = _score(entry, "confidence", 0, fail, default=data.get("confidence", 0.3))
        weight = entry.get("weight")
        if weight is not None and (isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight < 0):
            raise fail("weight", f"weight must be a number of at least 0, found {weight!r}")
        priors[pair] = Prior(pair, _score(entry, "score", -1, fail), confidence, rationale, as_of,
                             tuple(citation(facts[s]) for s in sources),
                             None if weight is None else float(weight))
    return priors


def load_overrides(path: Path, names) -> list[Override]:
    """A teacher's corrections: each names a pair, a score and why."""
    overrides, seen = [], set()
    example = '{between: [India, Russia], score: 0.6, rationale: "..."}'
    for _, entry, fail in _entries(path, "overrides", "overrides file", example):
        unknown = sorted(set(entry) - {"between", "score", "confidence", "rationale"})
        if unknown:
            raise fail(unknown[0], f"unknown key {unknown[0]!r}",
                       did_you_mean(unknown[0], ["between", "score", "confidence", "rationale"]) or
                       "An override has between, score, rationale and optionally confidence.")
        pair = _pair(entry, names, fail)
        if pair in seen:
            raise fail("between", f"{pair[0]}-{pair[1]} is overridden twice", "Keep one entry per pair.")
        seen.add(pair)
        rationale = str(entry.get("rationale") or "").strip()
        if not rationale:
            raise fail("rationale", "an override needs a rationale: say why the coder's score is wrong")
        overrides.append(Override(pair, _score(entry, "score", -1, fail),
                                  _score(entry, "confidence", 0, fail, default=1.0), rationale))
    return overrides
