"""Assemble a scenario's starting World: the seeded relations, then the scenario's actors and overrides.

Every pair of the default actors needs a starting score from the relations file (or from the scenario's
`relations:`): a missing pair is an error, never a silent zero. A scenario-added actor's relations that the
scenario leaves unsaid start at 0 (neutral), recorded as source "scenario-default" in World.sources.
A scenario-added actor's share of world arms exports is 0 (a scenario cannot set it yet), so in a
counter-move its patron supplies it.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

from ..errors import EntenteError
from ..model.world import World
from .relations import load_relations
from .tables import canonical_actors


def build_world(scenario) -> World:
    """Seeded scores, then the scenario's added actors, then its overrides, in that order."""
    relations = load_relations(scenario.relations_file)
    infos = canonical_actors()
    _check_every_pair(relations, [a.name for a in infos], scenario)
    names = [a.name for a in infos] + [a.name for a in scenario.added_actors]
    capabilities = [a.capability for a in infos] + [a.capability for a in scenario.added_actors]
    kinds = [a.kind for a in infos] + [a.kind for a in scenario.added_actors]
    arms_exports = [a.arms_exports for a in infos] + [0.0] * len(scenario.added_actors)  # added actors: 0
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
                sources.setdefault((a, b), "scenario-default")  # an added actor's unsaid relation: 0
    for name, values in scenario.actor_parameters.items():
        for key, value in values.items():
            behaviour[key][at[name]] = value
    return World(tuple(names), np.array(capabilities, dtype=float), scores, sources, tuple(kinds),
                 np.array(behaviour["anchoring"], dtype=float), np.array(behaviour["attention"], dtype=float),
                 np.array(arms_exports, dtype=float))


def _check_every_pair(relations, names: list[str], scenario) -> None:
    """Refuse a relations file that lacks a pair of the default actors the scenario does not set itself."""
    set_by_scenario = {(o.source, o.target) for o in scenario.relations if not o.directed}
    set_by_scenario |= {(o.target, o.source) for o in scenario.relations if not o.directed}
    directed = {(o.source, o.target) for o in scenario.relations if o.directed}
    set_by_scenario |= {(a, b) for a, b in directed if (b, a) in directed}
    missing = [(a, b) for a, b in combinations(names, 2)
               if (a, b) not in relations.scores and (b, a) not in relations.scores and (a, b) not in set_by_scenario]
    if not missing:
        return
    listed = "; ".join(f"{a} - {b}" for a, b in missing[:10]) + ("; ..." if len(missing) > 10 else "")
    raise EntenteError(
        f"the relations file has no starting score for {len(missing)} pair{'s' if len(missing) != 1 else ''} "
        f"of actors in play ({listed})",
        file=relations.file,
        hint="Add each pair with its score ('- between: [A, B]' and 'score:'; write 'source: prior' for a "
             "stated prior), or remake the file with python -m sim seed ARTICLE.txt --out FILE, which gives "
             "every pair the article is silent on a prior. A scenario can also set a pair under 'relations:'.")
