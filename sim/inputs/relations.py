"""Relations files: the one reader and writer (python -m sim seed writes them, build_world and --explain read).

A relations file holds symmetric starting scores with where each came from. It is written as block YAML
with a fixed key order and no dates, so a rerun is byte-identical, and atomically, so it is never
half-written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from ..links import page
from .resources import default_relations
from .tables import actor_names

HEADER = "# Starting alignments coded from an article by `python -m sim seed`."
HEADER_LINES = (
    HEADER,
    "# Do not edit by hand: put corrections in overrides.yaml beside this file and run the command again.",
    "# Why a score is what it is: python -m sim seed --explain ACTOR ACTOR --relations THIS_FILE",
    f"# How the coder works and where it goes wrong: {page('seeding')}",
)


@dataclass(frozen=True)
class StartingRelations:
    """Symmetric starting scores from a relations file (python -m sim seed), with where each came from."""

    file: str
    scores: dict[tuple[str, str], float]  # keyed by the pair in canonical order
    sources: dict[tuple[str, str], str]


def load_relations(path: str | Path | None = None) -> StartingRelations:
    """Read a relations file; every mistake names the file, the line and the fix."""
    from .safe_yaml import load_yaml

    path = Path(path) if path is not None else default_relations()
    document = load_yaml(path, what="relations file")
    data = document.data
    names = actor_names()

    def fail(where, problem, hint=None):
        return document.error(where, problem, hint, file=str(path))

    if not isinstance(data, dict) or not isinstance(data.get("relations"), list):
        raise fail((), "a relations file needs a 'relations:' list",
                   "Make one with: python -m sim seed ARTICLE.txt --out relations.yaml")
    scores, sources = {}, {}
    order = list(names.names)
    for index, entry in enumerate(data["relations"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("between"), list) or len(entry["between"]) != 2:
            raise fail(("relations", index), "each relation needs 'between: [ACTOR, ACTOR]'")
        pair = []
        for k, text in enumerate(entry["between"]):
            name = names.resolve(str(text))
            if name is None:
                raise fail(("relations", index, "between", k), f"unknown actor {text!r}",
                           did_you_mean(str(text), names.spellings()) or None)
            pair.append(name)
        score = entry.get("score")
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not -1 <= score <= 1:
            raise fail(("relations", index, "score"), f"score must be a number from -1 to 1, found {score!r}")
        if pair[0] == pair[1]:
            raise fail(("relations", index, "between"), "a relation needs two different actors")
        first, second = sorted(pair, key=order.index)
        key = (first, second)
        scores[key] = float(score)
        sources[key] = str(entry.get("source", "document"))
    return StartingRelations(str(path), scores, sources)


BUNDLED_RELATIONS = "seeds/relations.yaml (bundled)"  # how a result names the bundled file, wherever installed


def sha256_of(path: str | Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def relations_record(path: str | Path | None) -> tuple[str, str]:
    """How a result names the relations file its world started from, and that file's sha256, so a reader
    of summary.json knows which starting world was used (the bundled file is named, not its install path)."""
    if path is None:
        return BUNDLED_RELATIONS, sha256_of(default_relations())
    return str(path), sha256_of(path)


def recorded_relations_path(recorded: str) -> Path:
    """The file a result's recorded relations name points at (see relations_record)."""
    return default_relations() if recorded == BUNDLED_RELATIONS else Path(recorded)


# --- writing ----------------------------------------------------------------------------------------

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
    from .paths import check_output_path
    from .safe_files import check_writable_name

    check_output_path(out, "relations file")  # never a device, a FIFO or the current folder, even with --force
    check_writable_name(out, "relations file")  # nor a link: refused before the article is coded
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


def read_relations(path) -> dict:
    """A relations file as a document (every field, evidence included), for --explain."""
    from .safe_yaml import load_yaml

    path = Path(path)
    data = load_yaml(path, what="relations file").data
    if not isinstance(data, dict) or not isinstance(data.get("relations"), list):
        raise EntenteError("this is not a relations file: it has no 'relations:' list", file=str(path),
                           hint="Make one with: python -m sim seed ARTICLE.txt --out relations.yaml")
    return data
