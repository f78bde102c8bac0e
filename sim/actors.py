"""The canonical actors, their capabilities and the aliases a scenario may use for them."""

from __future__ import annotations

from dataclasses import dataclass, field

from .data_files import read_table


@dataclass(frozen=True)
class ActorInfo:
    name: str
    capability: float
    aliases: tuple[str, ...] = field(default=())
    kind: str = "state"  # or "armed_group"
    anchoring: float = 1.0  # multiplies memory for this actor's own views
    attention: float = 1.0  # multiplies audience_scale for this actor's reactions to others' deals


def canonical_actors() -> list[ActorInfo]:
    table = read_table("actors.yaml")
    return [
        ActorInfo(a["name"], float(a["capability"]), tuple(a.get("aliases", ())), a.get("kind", "state"),
                  float(a.get("anchoring", 1.0)), float(a.get("attention", 1.0)))
        for a in table["actors"]
    ]


CANONICAL_NAMES = ("Russia", "Pakistan", "India", "US", "China", "Iran", "Taliban")


def _fold(name: str) -> str:
    """Case- and punctuation-insensitive key: 'U.S.' and 'us' and 'U.S' all fold to 'us'."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


class ActorNames:
    """Resolves what a user typed ('USA', 'moscow', 'Afghan Taliban') to a canonical actor name."""

    def __init__(self, actors: list[ActorInfo] | None = None, extra: list[str] = ()) -> None:
        actors = canonical_actors() if actors is None else actors
        self.names: list[str] = [a.name for a in actors]
        self._lookup: dict[str, str] = {}
        self._spellings: list[str] = []
        for actor in actors:
            for alias in (actor.name, *actor.aliases):
                self._lookup.setdefault(_fold(alias), actor.name)
                self._spellings.append(alias)
        for name in extra:
            self.add(name)

    def add(self, name: str) -> None:
        if name not in self.names:
            self.names.append(name)
        self._lookup[_fold(name)] = name
        self._spellings.append(name)

    def resolve(self, text: str) -> str | None:
        return self._lookup.get(_fold(text))

    def spellings(self) -> list[str]:
        """Every accepted spelling, for did-you-mean suggestions."""
        return list(self._spellings)
