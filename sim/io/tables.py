"""The bundled tables a teacher may edit (codebook, actors), read into the core's plain types."""

from __future__ import annotations

from ..core.actors import ActorInfo, ActorNames
from ..core.events import EventType
from .resources import read_table


def load_codebook() -> dict[str, EventType]:
    table = read_table("codebook.yaml")["types"]
    return {
        name: EventType(
            name=name,
            cameo=str(entry["cameo"]),
            label=entry.get("label", name),
            goldstein=float(entry["goldstein"]),
            durable=float(entry["durable"]),
            duration=int(entry.get("duration", 1)),
            description=entry.get("description", ""),
        )
        for name, entry in table.items()
    }


def canonical_actors() -> list[ActorInfo]:
    table = read_table("actors.yaml")
    return [
        ActorInfo(a["name"], float(a["capability"]), tuple(a.get("aliases", ())), a.get("kind", "state"),
                  float(a.get("anchoring", 1.0)), float(a.get("attention", 1.0)))
        for a in table["actors"]
    ]


def actor_names(extra: list[str] = ()) -> ActorNames:
    """Resolver for the canonical actors' names and aliases (plus any extra names)."""
    return ActorNames(canonical_actors(), list(extra))
