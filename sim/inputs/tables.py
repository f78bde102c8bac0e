"""The bundled tables a teacher may edit (codebook, actors), read into the core's plain types.

Every table is read through the safe loader, and every entry is checked against the keys it may hold, so
a misspelt key (`durabel:`) is an error naming the file, the line and the key, not a silent default.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import EntenteError, did_you_mean
from ..model.actors import ActorInfo, ActorNames
from ..model.events import AUDIENCE_RULES, EventType
from .resources import table_document


def table_error(name: str, path: tuple, problem: str, hint: str | None = None) -> EntenteError:
    """An error in a bundled table, placed at the line of `path` (e.g. ("types", "arms_sale", "durable"))."""
    return table_document(name).error(path, problem, hint)


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
    """The event types, each with its weight and the rules the model reads from it (audience, ties)."""
    types = table_document("codebook.yaml").data["types"]
    book = {}
    for name, entry in types.items():
        path = ("types", name)
        entry = checked_entry("codebook.yaml", path, entry,
                              required=("cameo", "goldstein", "durable", "audience", "military_tie", "one_way"),
                              optional=("label", "duration", "description", "counter_move", "restorative"))
        audience = entry["audience"]
        if audience not in AUDIENCE_RULES:
            raise table_error("codebook.yaml", (*path, "audience"), f"unknown audience rule {audience!r}",
                              did_you_mean(str(audience), AUDIENCE_RULES)
                              or f"Choose one of: {', '.join(AUDIENCE_RULES)}.")
        for flag in ("military_tie", "one_way", "restorative"):
            if flag in entry and not isinstance(entry[flag], bool):
                raise table_error("codebook.yaml", (*path, flag), f"{flag} must be true or false, "
                                  f"not {entry[flag]!r}", "Write true or false.")
        book[name] = EventType(
            name=name,
            cameo=str(entry["cameo"]),
            label=entry.get("label", name),
            goldstein=float(entry["goldstein"]),
            durable=float(entry["durable"]),
            duration=int(entry.get("duration", 1)),
            description=entry.get("description", ""),
            audience=audience,
            military_tie=entry["military_tie"],
            one_way=entry["one_way"],
            counter_move=entry.get("counter_move"),
            restorative=entry.get("restorative", False),
        )
    for name, kind in book.items():
        if kind.counter_move is not None and kind.counter_move not in book:
            raise table_error("codebook.yaml", ("types", name, "counter_move"),
                              f"unknown counter-move {kind.counter_move!r}",
                              did_you_mean(str(kind.counter_move), list(book))
                              or "Name an event type of this codebook.")
    return book


ACTOR_KEYS = ("aliases", "kind", "anchoring", "attention", "arms_exports", "event_data", "note",
              "source")  # optional keys


def canonical_actors() -> list[ActorInfo]:
    table = table_document("actors.yaml").data
    actors = []
    for index, entry in enumerate(table["actors"]):
        a = checked_entry("actors.yaml", ("actors", index), entry, required=("name", "capability"),
                          optional=ACTOR_KEYS)
        share = a.get("arms_exports", 0.0)  # which way a counter-move runs (agents.patron_supplies)
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise table_error("actors.yaml", ("actors", index, "arms_exports"),
                              f"arms_exports must be a share between 0 and 1, not {share!r}",
                              "Write the share of world arms exports, e.g. 0.21 for 21%.")
        actors.append(ActorInfo(a["name"], float(a["capability"]), tuple(a.get("aliases", ())),
                                a.get("kind", "state"), float(a.get("anchoring", 1.0)),
                                float(a.get("attention", 1.0)), float(share)))
    return actors


def actor_names(extra: Sequence[str] = ()) -> ActorNames:
    """Resolver for the canonical actors' names and aliases (plus any extra names)."""
    return ActorNames(canonical_actors(), list(extra))
