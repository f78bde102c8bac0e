"""The starting world of a scenario: who is in it, how big each is, and how each regards the others."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class World:
    names: tuple[str, ...]
    capabilities: np.ndarray  # relative sizes, used for blocs
    scores: np.ndarray  # scores[i, j]: how names[i] regards names[j]
    sources: dict[tuple[str, str], str]  # document | prior | override | scenario | scenario-default
    kinds: tuple[str, ...] = ()  # "state" or "armed_group", per actor
    anchoring: np.ndarray | None = None  # per actor, multiplies memory
    attention: np.ndarray | None = None  # per actor, multiplies audience_scale
    arms_exports: np.ndarray | None = None  # per actor, share of world arms exports (None: all 0): who
    # supplies whom when an actor turns to a counter-patron (sim/model/agents.py, patron_supplies)

    def export_shares(self) -> np.ndarray:
        """arms_exports, or zeros for a World built without them."""
        n = len(self.names)
        return np.zeros(n) if self.arms_exports is None else np.asarray(self.arms_exports, dtype=float)

    def index(self, name: str) -> int:
        return self.names.index(name)
