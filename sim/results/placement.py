"""How narrowly each actor's bloc is decided at a month: the energy cost of moving it alone elsewhere.

The landscape reports the lowest-energy blocs; a teacher also needs to know which placements are close
calls. For each actor, the cheapest single-actor move (to another bloc, or alone while fewer than n_blocs
are in use) and its energy change, computed by sim/model/landscape.placements on the run's mean scores.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import landscape
from .result import Result


@dataclass(frozen=True)
class Margin:
    """cost: energy change if `actor` alone moved to `to` (positive: it stays; near 0: a close call).
    share: cost as a fraction of |E| of the reported configuration (None when E is 0)."""

    actor: str
    to: tuple[str, ...]  # the members it would join; empty for a bloc of its own
    cost: float
    share: float | None


def placement_margins(result: Result, blocs, month: int | None = None) -> list[Margin]:
    """Margins of the reported partition `blocs` (names, largest bloc first) at a month (default: last),
    narrowest first."""
    month = result.months if month is None else month
    scores = result.matrix(month)
    names = list(result.actors)
    labels = np.zeros(len(names), dtype=int)
    for k, members in enumerate(blocs):
        for name in members:
            labels[names.index(name)] = k
    propensity = (scores + scores.T) / 2
    sizes = np.asarray(result.capabilities, dtype=float)
    total = landscape.energy(propensity, sizes, labels)
    margins = []
    for place in landscape.placements(propensity, sizes, labels, max(result.n_blocs, len(blocs))):
        joined = tuple(n for k, n in enumerate(names) if labels[k] == place.to_bloc and k != place.actor)
        share = place.cost / abs(total) if total else None
        margins.append(Margin(names[place.actor], joined, round(place.cost, 6) + 0.0,
                              None if share is None else round(share, 6) + 0.0))
    margins.sort(key=lambda m: (m.cost, names.index(m.actor)))
    return margins


def margin_text(margin: Margin) -> str:
    """'moving Iran to China, Russia would raise the energy by 0.12 (3% of |E|)' in plain words."""
    where = "to " + ", ".join(margin.to) if margin.to else "into a bloc of its own"
    verb = "raise" if margin.cost >= 0 else "lower"
    share = f" ({abs(margin.share):.0%} of |E|)" if margin.share is not None else ""
    return f"moving {margin.actor} {where} would {verb} the energy by {abs(margin.cost):.3g}{share}"
