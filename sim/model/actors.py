"""Actors as plain types, and how a name a user typed resolves to one of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ActorInfo:
    name: str
    capability: float
    aliases: tuple[str, ...] = field(default=())
    kind: str = "state"  # or "armed_group"
    anchoring: float = 1.0  # multiplies memory for this actor's own views
    attention: float = 1.0  # multiplies audience_scale for this actor's reactions to others' deals
    arms_exports: float = 0.0  # share of world arms exports: who supplies whom in a counter-move


def _fold(name: str) -> str:
    """Case- and punctuation-insensitive key: 'U.S.' and 'us' and 'U.S' all fold to 'us'."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


class ActorNames:
    """Resolves what a user typed ('USA', 'moscow', 'Afghan Taliban') to a canonical actor name."""

    def __init__(self, actors: list[ActorInfo], extra: Sequence[str] = ()) -> None:
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
