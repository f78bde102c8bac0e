"""What a run's report says in the terminal and in report.html alike, written once: the two never disagree.

Each caller only escapes (HTML) or bounds (terminal) the names and pads the columns; the words and the rule
for which effects are worth a row live here.
"""

from __future__ import annotations

from typing import Callable

from ..results.summary import BlocShift
from .numbers import signed

SHOWN_EFFECT = 0.005
"""Effects smaller than this read 0.00 at two decimals: report.html's table and the line plot leave them out."""

LISTED_EFFECT = 5e-4
"""The terminal's table goes further down, to rows that read ±0.00 (with --top 42 every pair the events
touched: worksheet 01 asks about such rows, whose peak report.html gives)."""

LENS = "A lens for discussion, not a forecast: the numbers follow from the model's assumptions"
NO_EVENTS = "No events: this is the world drifting on its own."
NO_EFFECTS = "The events changed no score by as much as 0.01."
NO_LISTED_EFFECTS = "The events changed no score by as much as 0.001."
NO_SHIFTS = "No actor changed bloc or swung its lean between the starting blocs."
OTHER_MINIMA = "Other stable arrangements at the end (no actor gains by switching alone):"


def effect_meaning(months: int) -> str:
    """What 'effect' means, in the words both reports use."""
    return f"the score at month {months} minus the same world without the events"


def other_minima(report, most: int) -> list[tuple]:
    """The final month's other local minima: up to `most`, each with how far its energy lies above the lowest,
    as a share of |E| (None when the lowest is 0)."""
    minima = report.final_local_minima
    best = minima[0].energy if minima else 0.0
    return [(option, (option.energy - best) / abs(best) if best else None) for option in minima[1:1 + most]]


def shift_sentence(shift, name: Callable[[str], str] = str, *, typographic: bool = False) -> str:
    """'India changes bloc: now with US' or 'Iran now leans towards Russia (net lean +0.10 → -0.05)';
    `name` shows user-written names (escaped for HTML, bounded for the terminal)."""
    if isinstance(shift, BlocShift):
        return f"{name(shift.actor)} changes bloc: now with {name(', '.join(shift.joined)) or 'nobody (alone)'}"
    before, after = (signed(v, typographic=typographic) for v in (shift.lean_before, shift.lean_after))
    return f"{name(shift.actor)} now leans towards {name(', '.join(shift.towards))} (net lean {before} → {after})"
