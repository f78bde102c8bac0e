"""The answer to "why did India cool on Russia?" in plain words: one pair's change over a run, ranked by cause."""

from __future__ import annotations

from ..errors import printable
from ..results.attribution import VISIBLE, leading
from .terminal import NAME_WIDTH
from ..links import cite


def why_question(source: str, target: str, change: float) -> str:
    """'Why did India cool on Russia?': the question a ranked list of causes answers."""
    verb = "cool on" if change < 0 else "warm to" if change > 0 else "stay where it was with"
    return f"Why did {source} {verb} {target}?"


def explain_text(attribution, source: str, target: str, *, top: int = 10, replay_note: str = "") -> str:
    """The ranked parts of a pair's change, largest first, each in words, and what they add up to."""
    a, b = printable(source, limit=NAME_WIDTH), printable(target, limit=NAME_WIDTH)
    change = attribution.change(source, target)
    i, j = attribution.names.index(source), attribution.names.index(target)
    lines = [f"{why_question(a, b, change)}  ({printable(attribution.scenario, limit=200)}, run {attribution.run}, "
             f"seed {attribution.seed})",
             f"{a} → {b}: {attribution.initial[i, j]:+.3f} at month 0, {attribution.final[i, j]:+.3f} at month "
             f"{attribution.months}: {change:+.3f} in all, made of:"]
    listed, rest = leading(attribution.parts(source, target), top)
    for part in listed:
        share = f"  ({part.share:+.0%} of the change)" if part.share is not None and abs(change) >= 0.005 else ""
        lines.append(f"  {part.value:+.3f}  {printable(part.label, limit=160)}{share}")
        if part.through_memory and abs(part.through_memory) >= VISIBLE:
            lines.append(f"          of which {part.through_memory:+.3f} as memory pulled its passing part back "
                         "(its lasting part held)")
    if rest:
        lines.append(f"  {sum(p.value for p in rest):+.3f}  {len(rest)} smaller part{'s' if len(rest) != 1 else ''}")
    lines.append(f"The parts add up to the change (to {max(attribution.gap(), 1e-16):.0e}); how the non-linear "
                 f"parts are shared: {cite('model', 'Attribution')}.")
    if replay_note:
        lines.append(replay_note)
    lines.append("A lens for discussion, not a forecast: the parts follow from the model's assumptions.")
    return "\n".join(lines) + "\n"


def event_text(attribution, table, place: str, label: str | None, *, event_id: str = "", top: int = 10,
               replay_note: str = "") -> str:
    """What one scheduled event did in a run (sim.results.event_parts): the pairs it moved most, each with its
    part of the pair's whole change."""
    name = f"{place} ({printable(event_id, limit=60)})" if event_id else place
    lines = [f"What did {name} do?  ({printable(attribution.scenario, limit=200)}, run {attribution.run}, seed "
             f"{attribution.seed})"]
    if label is None:
        lines.append("It did not happen in this run (its month lies beyond the horizon, or a variant removed it).")
    else:
        lines.append(f"{printable(label, limit=160)}: its part in each pair's change over the run, largest first:")
        for row in table.head(top).itertuples():
            share = f"  ({row.share:+.0%} of the pair's change {row.change:+.3f})" if row.share == row.share else ""
            lines.append(f"  {row.value:+.3f}  {printable(row.source, limit=NAME_WIDTH)} → "
                         f"{printable(row.target, limit=NAME_WIDTH)}{share}")
        rest = len(table) - min(top, len(table))
        if rest:
            lines.append(f"  and {rest} more pair{'s' if rest != 1 else ''} it moved less")
    if replay_note:
        lines.append(replay_note)
    lines.append("A lens for discussion, not a forecast: the parts follow from the model's assumptions.")
    return "\n".join(lines) + "\n"
