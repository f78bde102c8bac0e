"""Assemble a scenario's starting World: the seeded relations, then the scenario's actors and overrides."""

from __future__ import annotations

import numpy as np

from ..core.world import World
from .relations import load_relations
from .tables import canonical_actors


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
