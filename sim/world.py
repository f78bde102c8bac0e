"""The starting world of a scenario: who is in it, how big each is, and how each regards the others."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .actors import ActorNames, canonical_actors
from .data_files import SEEDS_DIR
from .errors import EntenteError, did_you_mean, field_path

DEFAULT_RELATIONS = SEEDS_DIR / "relations.yaml"


@dataclass(frozen=True)
class StartingRelations:
    """Symmetric starting scores from a relations file (python -m sim seed), with where each came from."""

    file: str
    scores: dict[tuple[str, str], float]  # keyed by the pair in canonical order
    sources: dict[tuple[str, str], str]


@dataclass(frozen=True)
class World:
    names: tuple[str, ...]
    capabilities: np.ndarray  # relative sizes, used for blocs
    scores: np.ndarray  # scores[i, j]: how names[i] regards names[j]
    sources: dict[tuple[str, str], str]  # document | prior | override | scenario
    kinds: tuple[str, ...] = ()  # "state" or "armed_group", per actor
    anchoring: np.ndarray | None = None  # per actor, multiplies memory
    attention: np.ndarray | None = None  # per actor, multiplies audience_scale

    def index(self, name: str) -> int:
        return self.names.index(name)


def load_relations(path: str | Path | None = None) -> StartingRelations:
    """Read a relations file; every mistake names the file, the line and the fix."""
    from .safe_yaml import load_yaml

    path = Path(path) if path is not None else DEFAULT_RELATIONS
    document = load_yaml(path, what="relations file")
    data = document.data
    names = ActorNames()

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
        key = tuple(sorted(pair, key=order.index))
        scores[key] = float(score)
        sources[key] = str(entry.get("source", "document"))
    return StartingRelations(str(path), scores, sources)


def build_world(scenario) -> World:
    """Seeded scores, then the scenario's added actors, then its overrides, in that order."""
    relations = load_relations(scenario.relations_file)
    infos = canonical_actors()
    names = [a.name for a in infos] + [a.name for a in scenario.added_actors]
    capabilities = [a.capability for a in infos] + [a.capability for a in scenario.added_actors]
    kinds = [a.kind for a in infos] + [a.kind for a in scenario.added_actors]
    behaviour = {key: [getattr(a, key) for a in infos] + [getattr(a, key) for a in scenario.added_actors]
                 for key in ("anchoring", "attention")}
    n = len(names)
    at = {name: i for i, name in enumerate(names)}
    scores = np.zeros((n, n))
    sources: dict[tuple[str, str], str] = {}
    for (a, b), score in relations.scores.items():
        scores[at[a], at[b]] = scores[at[b], at[a]] = score
        sources[(a, b)] = sources[(b, a)] = relations.sources[(a, b)]
    for actor in scenario.added_actors:
        for other, score in actor.relations.items():
            scores[at[actor.name], at[other]] = scores[at[other], at[actor.name]] = score
            sources[(actor.name, other)] = sources[(other, actor.name)] = "scenario"
    for override in scenario.relations:
        i, j = at[override.source], at[override.target]
        scores[i, j] = override.score
        sources[(override.source, override.target)] = "scenario"
        if not override.directed:
            scores[j, i] = override.score
            sources[(override.target, override.source)] = "scenario"
    for a in names:
        for b in names:
            if a != b:
                sources.setdefault((a, b), "none")
    for name, values in scenario.actor_parameters.items():
        for key, value in values.items():
            behaviour[key][at[name]] = value
    return World(tuple(names), np.array(capabilities, dtype=float), scores, sources, tuple(kinds),
                 np.array(behaviour["anchoring"], dtype=float), np.array(behaviour["attention"], dtype=float))
