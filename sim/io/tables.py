"""The bundled tables a teacher may edit (codebook, actors), read into the core's plain types.

Every table is read through the safe loader, and every entry is checked against the keys it may hold, so
a misspelt key (`durabel:`) is an error naming the file, the line and the key, not a silent default.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..core.actors import ActorInfo, ActorNames
from ..core.events import EventType
from ..errors import EntenteError, did_you_mean, field_path
from .resources import table_document


def table_error(name: str, path: tuple, problem: str, hint: str | None = None) -> EntenteError:
    """An error in a bundled table, placed at the line of `path` (e.g. ("types", "arms_sale", "durable"))."""
    document = table_document(name)
    line, column = document.position(path) or (None, None)
    return EntenteError(problem, file=document.filename, line=line, column=column,
                        field=field_path(path) or None, hint=hint)


def checked_entry(name: str, path: tuple, entry, *, required: tuple[str, ...] = (),
                  optional: tuple[str, ...] = ()) -> dict:
    """One mapping of a bundled table, refused if it lacks a required key or holds an unknown one."""
    if not isinstance(entry, dict):
        raise table_error(name, path, "expected a mapping of key: value lines")
    allowed = (*required, *optional)
    for key in entry:
        if key not in allowed:
            raise table_error(name, (*path, key), f"unknown key {key!r}",
                              did_you_mean(str(key), allowed) or f"Allowed keys: {', '.join(allowed)}.")
    for key in required:
        if key not in entry:
            raise table_error(name, path, f"the entry is missing the key {key!r}")
    return entry


def load_codebook() -> dict[str, EventType]:
    types = table_document("codebook.yaml").data["types"]
    book = {}
    for name, entry in types.items():
        entry = checked_entry("codebook.yaml", ("types", name), entry,
                              required=("cameo", "goldstein", "durable"),
                              optional=("label", "duration", "description", "audience"))
        book[name] = EventType(
            name=name,
            cameo=str(entry["cameo"]),
            label=entry.get("label", name),
            goldstein=float(entry["goldstein"]),
            durable=float(entry["durable"]),
            duration=int(entry.get("duration", 1)),
            description=entry.get("description", ""),
        )
    return book


def canonical_actors() -> list[ActorInfo]:
    table = table_document("actors.yaml").data
    actors = []
    for index, entry in enumerate(table["actors"]):
        a = checked_entry("actors.yaml", ("actors", index), entry, required=("name", "capability"),
                          optional=("aliases", "kind", "anchoring", "attention", "note", "source"))
        actors.append(ActorInfo(a["name"], float(a["capability"]), tuple(a.get("aliases", ())),
                                a.get("kind", "state"), float(a.get("anchoring", 1.0)),
                                float(a.get("attention", 1.0))))
    return actors


def actor_names(extra: Sequence[str] = ()) -> ActorNames:
    """Resolver for the canonical actors' names and aliases (plus any extra names)."""
    return ActorNames(canonical_actors(), list(extra))
