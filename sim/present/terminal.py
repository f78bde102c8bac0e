"""The terminal summary of a run: plain text built from its Summary, readable in a classroom."""

from __future__ import annotations

import shlex
from pathlib import Path

from ..errors import printable
from ..results.summary import Summary
from .sentences import (LENS, LISTED_EFFECT, NO_EVENTS, NO_LISTED_EFFECTS, NO_SHIFTS, OTHER_MINIMA, effect_meaning,
                        other_minima, shift_sentence)
from ..links import cite

WIDTH = 78
NAME_WIDTH = 60  # an actor's name, as the schema allows
LINE_WIDTH = 300  # any line with user-written text is cut here, so the report stays a screen or two


def _shown(text, limit: int = LINE_WIDTH) -> str:
    """User-written text (names, notes, paths) as the terminal may show it: one line, escaped, bounded."""
    return printable(text, limit=limit)


def _blocs_line(blocs) -> str:
    return _shown("   ".join(f"[{i}] {', '.join(_shown(m, NAME_WIDTH) for m in members)}"
                           for i, members in enumerate(blocs, start=1)))


def _heading(text: str) -> list[str]:
    return ["", text, "─" * min(len(text), WIDTH)]


def _share(share: float | None, runs: int) -> str:
    return "" if share is None else f"   ({round(share * runs)} of {runs} runs)"


def summary_text(summary: Summary, *, events=None, out_dir: str | Path | None = None, files: list[str] = (),
                 top: int = 10, margins=(), drawn: bool = False) -> str:
    """margins: placement_margins of the final blocs, narrowest first (the first is printed). drawn: each run
    had parameters of its own (drawn from a calibration's posterior)."""
    lines = []
    title = f"Entente · {_shown(summary.scenario, 200)}"
    lines.append(title)
    runs = summary.runs
    scheduled = summary.scenario_event_count
    reactions = summary.reaction_count
    if runs == 1:
        counted = (f"{scheduled} event{'s' if scheduled != 1 else ''} "
                   f"({reactions} reaction{'s' if reactions != 1 else ''})")
    else:
        counted = (f"{scheduled} event{'s' if scheduled != 1 else ''} a run; reactions in "
                   f"{summary.runs_with_reactions} of {runs} runs ({reactions} in all)")
    where = _shown(summary.scenario_file or "scenario")
    lines.append(f"{where} · {summary.months} months · seed {summary.seed} · "
                 f"{runs} run{'s' if runs != 1 else ''} · {counted}")
    lines.append(f"{LENS} ({cite('model')}).")
    noise = summary.parameters.noise
    if runs > 1 and drawn:
        lines.append(f"Scores are means over {runs} runs, each with parameters drawn from a calibration's accepted "
                     f"draws (noise s.d. {noise:g} a month): the bands show the parameters' uncertainty too.")
    elif runs > 1 and not noise and not reactions:
        lines.append(f"Note: the {runs} runs are identical because parameters.noise is 0 and no actor reacted; "
                     "set noise (e.g. 0.03) to see how much chance matters.")
    elif runs > 1 and not noise:
        lines.append(f"Note: parameters.noise is 0, so the {runs} runs differ only in the reactions each draws by "
                     "chance; set noise (e.g. 0.03) to see how much chance in the scores matters.")
    elif runs > 1:
        lines.append(f"Scores are means over {runs} runs (noise s.d. {noise:g} a month).")

    blocs = summary.blocs
    lines += _heading("Blocs (lowest landscape energy, Axelrod & Bennett 1993)")
    if runs > 1:
        lines.append(f"  Each month, the arrangement most of the {runs} runs share (how many in brackets).")
    lines.append(f"  start  {_blocs_line(blocs.initial)}{_share(blocs.timeline[0].share, runs)}")
    for change in blocs.timeline[1:6]:
        lines.append(f"  month {change.month:<3} {_blocs_line(change.blocs)}{_share(change.share, runs)}")
    lines.append(f"  end    {_blocs_line(blocs.final)}{_share(blocs.final_share, runs)}")
    others = other_minima(blocs, 3)
    if others:
        lines.append(f"  {OTHER_MINIMA}")
        for option, above in others:
            relative = f" ({above:.0%} higher)" if above is not None else ""
            lines.append(f"    {_blocs_line(option.blocs)}  energy {option.energy:+.3f}{relative}")

    if margins:
        narrowest = margins[0]
        from ..results.placement import margin_text

        lines.append(f"  Narrowest placement at the end: {_shown(margin_text(narrowest))} (report.html lists every "
                     "actor).")
    if summary.agreement is not None:
        lines += _agreement_lines(summary.agreement)

    lines += _heading("Shifts")
    shifts = summary.shifts
    if not shifts:
        lines.append(f"  {NO_SHIFTS}")
    for shift in shifts[:12]:
        lines.append(f"  month {shift.month:>3}  {shift_sentence(shift, _shown)}")
        if shift.events:
            lines.append(f"             after {_shown('; '.join(shift.events))}")
    if len(shifts) > 12:
        lines.append(f"  … and {len(shifts) - 12} more in summary.json")

    lines += _heading(f"Largest effects of the events ({effect_meaning(summary.months)})")
    changes = [c for c in summary.changes if abs(c.effect) >= LISTED_EFFECT][:top]
    if not changes:
        lines.append(f"  {NO_LISTED_EFFECTS}")
    else:
        lines.append(f"  {'pair':<24}{'start':>7}{'end':>7}{'without':>9}{'effect':>8}   "
                     "behind it (its part of run 1's change, not the effect)")
        for change in changes:
            pair = f"{_shown(change.source, NAME_WIDTH)} → {_shown(change.target, NAME_WIDTH)}"
            behind = _behind(change) if summary.attributed else ""
            lines.append(f"  {pair:<24}{change.initial:>+7.2f}{change.final:>+7.2f}"
                         f"{change.baseline_final:>+9.2f}{change.effect:>+8.2f}   {behind}")
        if summary.why and out_dir is not None:
            first = summary.why[0]
            lines.append(f"  Why? Each pair's change by cause: python -m sim explain {shlex.quote(str(out_dir))} "
                         f"{shlex.quote(first.source)} {shlex.quote(first.target)} (report.html: the first "
                         f"{len(summary.why)}).")
        if not summary.attributed:
            lines.append(f"  'behind it' is left out: {len(summary.actors)} actors are too many to split every pair's "
                         "change by cause here; sim explain (or result.attribution) does it for one pair.")

    if events is not None:
        lines.append(events_text(events, notes=summary.notes).rstrip("\n"))
    if out_dir is not None:
        lines += _heading("Files")
        lines.append(f"  {_shown(out_dir)}/")
        if files:
            lines.append("    " + _shown(", ".join(files)))
    return "\n".join(lines) + "\n"


def _agreement_lines(agreement) -> list[str]:
    """How many runs agree with the headline, in words: 'India stays in its starting bloc (with US) in
    973 of 1,000 runs'."""
    runs = f"{agreement.runs:,}"
    lines = _heading(f"How many of the {runs} runs agree")
    lines.append(f"  The final blocs above: {agreement.final_blocs:,} of {runs} runs.")
    for actor in agreement.actors:
        partners = _shown(", ".join(actor.partners)) or "nobody"
        verb = "stays in its starting bloc" if actor.stays else "switches bloc"
        lines.append(f"  {_shown(actor.actor, NAME_WIDTH)} {verb} (ending with {partners}) in "
                     f"{actor.runs:,} of {runs} runs.")
    top = agreement.largest_effect
    lines.append(f"  {_shown(top['source'], NAME_WIDTH)} {top['direction']} on {_shown(top['target'], NAME_WIDTH)} "
                 f"because of the events (the largest effect) in {top['runs']:,} of {runs} runs.")
    return lines




def _behind(change) -> str:
    """The event with the largest part in the pair's effect (exact attribution, run 1), with its part."""
    if not change.events:  # moved by balance or reciprocity from other pairs: report.html says which
        return "no event of its own (balance, reciprocity: report.html)"
    top = change.share_of(change.events[0])
    text = _shown(change.events[0], 100) + (f" ({top.value:+.2f})" if top is not None else "")
    more = len(change.events) - 1
    return text + (f" and {more} more" if more else "")


def events_text(events, most: int = 15, notes: dict[str, str] | None = None) -> str:
    """The run's events (first run): scenario events with their notes, reactions with their reasons."""
    rows = events[events["run"] == 1] if len(events) else events
    lines = _heading("Events (run 1)")
    if not len(rows):
        lines.append(f"  {NO_EVENTS}")
    shown: set[str] = set()
    for record in rows.head(most).to_dict("records"):
        origin = "" if record["origin"] == "scenario" else "  [reaction]"
        lines.append(f"  month {record['month']:>3}  {record['type']:<20} {_shown(record['source'], NAME_WIDTH)} → "
                     f"{_shown(record['target'], NAME_WIDTH)}  ×{record['intensity']:g}{origin}")
        if record["origin"] == "scenario":  # a note once per scheduled event, not once per pair it splits into
            reason = "" if record["reason"] in shown else (notes or {}).get(record["reason"], "")
            shown.add(record["reason"])
        else:
            reason = record["reason"]
        if reason:
            lines.append(f"             {_shown(reason)}")
    if len(rows) > most:
        lines.append(f"  … {len(rows) - most} more in events.csv")
    return "\n".join(lines) + "\n"
