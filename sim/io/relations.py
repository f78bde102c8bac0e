"""Relations files (python -m sim seed writes them): symmetric starting scores with where each came from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import EntenteError, did_you_mean, field_path
from .resources import default_relations
from .tables import actor_names


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
        place = document.position(where) or (None, None)
        field = field_path(where)
        return EntenteError(problem, file=str(path), line=place[0], column=place[1], field=field or None,
                            hint=hint)

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
