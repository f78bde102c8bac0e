"""The terminal summary of a run: plain text built from summary.json, readable in a classroom."""

from __future__ import annotations

from pathlib import Path

WIDTH = 78


def _blocs_line(blocs: list[list[str]]) -> str:
    return "   ".join(f"[{i}] {', '.join(members)}" for i, members in enumerate(blocs, start=1))


def _heading(text: str) -> list[str]:
    return ["", text, "─" * min(len(text), WIDTH)]


def summary_text(summary: dict, *, events=None, out_dir: str | Path | None = None, files: list[str] = (),
                 top: int = 10) -> str:
    lines = []
    title = f"Entente · {summary['scenario']}"
    lines.append(title)
    runs = summary["runs"]
    scheduled = summary["scenario_events"]
    reactions = summary["reactions"]
    if runs == 1:
        counted = (f"{scheduled} event{'s' if scheduled != 1 else ''} "
                   f"({reactions} reaction{'s' if reactions != 1 else ''})")
    else:
        counted = (f"{scheduled} event{'s' if scheduled != 1 else ''} a run; reactions in "
                   f"{summary['runs_with_reactions']} of {runs} runs ({reactions} in all)")
    where = summary.get("scenario_file") or "scenario"
    lines.append(f"{where} · {summary['months']} months · seed {summary['seed']} · "
                 f"{runs} run{'s' if runs != 1 else ''} · {counted}")
    lines.append("A lens for discussion, not a forecast: the numbers follow from the model's assumptions "
                 "(docs/model.md).")
    if runs > 1 and not summary.get("parameters", {}).get("noise"):
        lines.append(f"Note: the {runs} runs are identical because parameters.noise is 0; set it (e.g. 0.03) "
                     "to see how much chance matters.")
    elif runs > 1:
        lines.append(f"Scores are means over {runs} runs (noise s.d. {summary['parameters']['noise']:g} a month).")

    blocs = summary["blocs"]
    lines += _heading("Blocs (lowest landscape energy, Axelrod & Bennett 1993)")
    lines.append(f"  start  {_blocs_line(blocs['initial'])}")
    for change in blocs.get("timeline", [])[1:6]:
        lines.append(f"  month {change['month']:<3} {_blocs_line(change['blocs'])}")
    lines.append(f"  end    {_blocs_line(blocs['final'])}")
    minima = blocs.get("final_local_minima", [])
    if len(minima) > 1:
        best = minima[0]["energy"]
        lines.append("  Other stable arrangements at the end (no actor gains by switching alone):")
        for option in minima[1:4]:
            gap = option["energy"] - best
            relative = f" ({gap / abs(best):.0%} higher)" if best else ""
            lines.append(f"    {_blocs_line(option['blocs'])}  energy {option['energy']:+.3f}{relative}")

    lines += _heading("Shifts")
    shifts = summary["shifts"]
    if not shifts:
        lines.append("  No actor changed bloc or swung its lean between the starting blocs.")
    for shift in shifts[:12]:
        if shift["kind"] == "bloc":
            partners = ", ".join(shift["to"]) or "nobody (alone)"
            text = f"  month {shift['month']:>3}  {shift['actor']} changes bloc: now with {partners}"
        else:
            text = (f"  month {shift['month']:>3}  {shift['actor']} now leans towards "
                    f"{', '.join(shift['towards'])} (net lean {shift['lean_before']:+.2f} → "
                    f"{shift['lean_after']:+.2f})")
        lines.append(text)
        if shift["events"]:
            lines.append(f"             after {'; '.join(shift['events'])}")
    if len(shifts) > 12:
        lines.append(f"  … and {len(shifts) - 12} more in summary.json")

    lines += _heading(f"Largest effects of the events (score at month {summary['months']} "
                      "minus the same world without them)")
    changes = [c for c in summary["changes"] if abs(c["effect"]) >= 0.0005][:top]
    if not changes:
        lines.append("  The events changed no score by as much as 0.001.")
    else:
        lines.append(f"  {'pair':<24}{'start':>7}{'end':>7}{'without':>9}{'effect':>8}   behind it")
        for change in changes:
            pair = f"{change['source']} → {change['target']}"
            behind = change["events"][0] if change["events"] else ""
            lines.append(f"  {pair:<24}{change['initial']:>+7.2f}{change['final']:>+7.2f}"
                         f"{change['baseline_final']:>+9.2f}{change['effect']:>+8.2f}   {behind}")

    if events is not None:
        lines.append(events_text(events).rstrip("\n"))
    if out_dir is not None:
        lines += _heading("Files")
        lines.append(f"  {out_dir}/")
        if files:
            lines.append("    " + ", ".join(files))
    return "\n".join(lines) + "\n"


def events_text(events, most: int = 15) -> str:
    """The run's events (first run), scenario and reactions, with reasons for the reactions."""
    rows = events[events["run"] == 1] if len(events) else events
    lines = _heading("Events (run 1)")
    if not len(rows):
        lines.append("  No events: this is the world drifting on its own.")
    for record in rows.head(most).to_dict("records"):
        origin = "" if record["origin"] == "scenario" else "  [reaction]"
        lines.append(f"  month {record['month']:>3}  {record['type']:<20} {record['source']} → "
                     f"{record['target']}  ×{record['intensity']:g}{origin}")
        if record["reason"]:
            lines.append(f"             {record['reason']}")
    if len(rows) > most:
        lines.append(f"  … {len(rows) - most} more in events.csv")
    return "\n".join(lines) + "\n"
