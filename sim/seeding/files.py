"""Reading articles, priors and overrides, writing the relations file; each file mistake is an EntenteError."""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from .relations import Override, Prior

MAX_ARTICLE_BYTES = 1_000_000  # a long news article is under 100 kB; a book or a web archive is not an article
HEADER = "# Starting alignments coded from an article by `python -m sim seed`."
HEADER_LINES = (
    HEADER,
    "# Do not edit by hand: put corrections in overrides.yaml beside this file and run the command again.",
    "# Why a score is what it is: python -m sim seed --explain ACTOR ACTOR --relations THIS_FILE",
    "# How the coder works and where it goes wrong: docs/seeding.md",
)


# --- articles ------------------------------------------------------------------------------------------


def read_article(path) -> str:
    """The article's text, or an error that says what is wrong with the file and how to fix it."""
    from ..io.paths import read_input_bytes

    file = str(path)
    too_large = EntenteError(f"the file is more than the limit of {MAX_ARTICLE_BYTES:,} bytes for one article",
                             file=file, hint="Code one news article at a time: save just its text in a .txt file.")
    data = read_input_bytes(path, "article file", MAX_ARTICLE_BYTES, too_large)
    for bom, encoding in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
                          (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16")):
        if data.startswith(bom):
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


# --- YAML tables written by people: priors and overrides -----------------------------------------------


def _load_yaml(path: Path, what: str):
    """Through the project's safe reader: no Python tags, no duplicate keys, no alias bombs, with places."""
    from ..io.safe_yaml import load_yaml

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


def load_priors(path: Path, names) -> dict[tuple[str, str], Prior]:
    """Every pair's prior; a missing pair is an error, never a silent zero."""
    priors = {}
    example = "{between: [US, Iran], score: -0.7, rationale: ...}"
    for data, entry, fail in _entries(path, "priors", "priors file", example):
        pair = _pair(entry, names, fail)
        if pair in priors:
            raise fail("between", f"{pair[0]}-{pair[1]} has two priors", "Keep one.")
        rationale = str(entry.get("rationale", "")).strip()
        if not rationale:
            raise fail("rationale", "every prior needs a one-line rationale")
        confidence = _score(entry, "confidence", 0, fail, default=data.get("confidence", 0.3))
        priors[pair] = Prior(pair, _score(entry, "score", -1, fail), confidence, rationale)
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


# --- the relations file --------------------------------------------------------------------------------

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 _.()/-]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def _scalar(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value + 0.0)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not text.endswith((" ", ":")) and ": " not in text:
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar
    return quoted.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")


def _flow(values) -> str:
    return "[" + ", ".join(_scalar(v) for v in values) + "]"


def _block(key: str, value, indent: str) -> list[str]:
    if isinstance(value, dict):
        lines = [f"{indent}{key}:"]
        for k, v in value.items():
            lines += _block(k, v, indent + "  ")
        return lines
    if isinstance(value, list) and value and isinstance(value[0], dict):
        lines = [f"{indent}{key}:"]
        for item in value:
            item_lines = []
            for k, v in item.items():
                item_lines += _block(k, v, indent + "    ")
            item_lines[0] = indent + "  - " + item_lines[0][len(indent) + 4:]
            lines += item_lines
        return lines
    if isinstance(value, list):
        return [f"{indent}{key}: {_flow(value)}"]
    return [f"{indent}{key}: {_scalar(value)}"]


def render(document: dict) -> str:
    """The relations document as YAML: block style, fixed key order, no dates, so a rerun is byte-identical."""
    lines = list(HEADER_LINES)
    for key, value in document.items():
        lines += _block(key, value, "")
    return "\n".join(lines) + "\n"


def check_out_file(out: Path, article: Path, force: bool) -> None:
    """Refuse to write over the article, a folder, or a file that `sim seed` did not write."""
    from ..io.paths import check_output_path

    check_output_path(out, "relations file")  # never a device, a FIFO or the current folder, even with --force
    if out.is_dir():
        raise EntenteError("--out names a folder; give a file name", file=str(out),
                           hint=f"For example: --out {out / 'relations.yaml'}")
    if not out.parent.is_dir():
        raise EntenteError(f"the folder {str(out.parent)!r} does not exist", file=str(out),
                           hint="Create the folder first, or choose another --out.")
    if out.exists():
        if article.exists() and out.resolve() == article.resolve():
            raise EntenteError("--out is the article itself; writing there would destroy it", file=str(out),
                               hint="Choose another file name, such as relations.yaml.")
        with open(out, "rb") as handle:
            ours = handle.read(len(HEADER.encode())) == HEADER.encode()
        if not ours and not force:
            raise EntenteError("this file exists and was not written by `python -m sim seed`; it was left "
                               "untouched", file=str(out),
                               hint="Choose another --out, or add --force to replace it.")


def _file_mode(out: Path) -> int:
    """The mode of the file being replaced, else what a new file gets (temporary files start private)."""
    try:
        return stat.S_IMODE(out.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomically(out: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written relations file."""
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="\n", dir=out.parent,
                                         prefix=f".{out.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, _file_mode(out))
        os.replace(handle.name, out)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def read_relations(path) -> dict:
    """A relations file written by `sim seed`, for --explain."""
    path = Path(path)
    data = _load_yaml(path, "relations file").data
    if not isinstance(data, dict) or not isinstance(data.get("relations"), list):
        raise EntenteError("this is not a relations file: it has no 'relations:' list", file=str(path),
                           hint="Make one with: python -m sim seed ARTICLE.txt --out relations.yaml")
    return data
