"""The situation report of a turn, as terminal text and as a self-contained page for the projector.

The page reuses report.html's style and escaping (sim/present/html.py): no network, no scripts, every
piece of text a team or the teacher wrote is escaped.
"""

from __future__ import annotations

from ..present.numbers import signed
from ..errors import printable
from .situation import Situation
from ..present.html import CSS, _blocs_line, _effect_cell, _signed, e

TOP_CHANGES = 8  # pairs shown with their change split by team


def _plain(value: float) -> str:
    return signed(value)


def _p(text, limit: int = 160) -> str:
    return printable(text, limit=limit)


def situation_text(report: Situation, top: int = TOP_CHANGES) -> str:
    """The turn's report for the terminal: moves, what became of them, reactions, changes by team, blocs."""
    runs = f" · run 1 of {report.runs}" if report.runs > 1 else ""
    lines = [f"Situation report · turn {report.turn} · months {report.first} to {report.last}{runs}",
             f"{_p(report.scenario, 200)} · seed {report.seed} · a lens for discussion, not a forecast", "",
             "Moves as ordered"]
    lines += [f"  {_p(team, 40)}: {_p(words, 80)} (month {month}): {_p(note)}"
              for team, words, month, note in report.ordered] or ["  none"]
    news = [m for m in report.played if m.get("by") == "news"]
    lines += [f"  news: {m['type']} {_p(m.get('from', ''), 40)} → {_p(m.get('to', ''), 40)} (month {m['at']}): "
              f"{_p(m.get('note', ''))}" for m in news]
    if report.agreed or report.proposed or report.refused:
        lines += ["", "Between the teams"]
        lines += [f"  agreed:   {_p(s, 200)}" for s in report.agreed]
        lines += [f"  proposed: {_p(s, 200)}" for s in report.proposed]
        lines += [f"  refused:  {_p(s, 200)}" for s in report.refused]
    lines += ["", f"Reactions (the actors' own answers, run 1): {len(report.reactions)}"]
    for r in report.reactions:
        lines.append(f"  month {r['month']:>3}  {r['type']} {_p(r['source'], 40)} → {_p(r['target'], 40)} "
                     f"×{r['intensity']:.2g}")
        lines.append(f"             {_p(r['reason'], 600)}")
    groups = report.groups
    lines += ["", f"Largest changes of the turn (month {report.first - 1} to {report.last}), split by who caused them"]
    header = f"  {'pair':<22}{'before':>7}{'after':>7}{'change':>8}  " + "  ".join(_p(g, 30) for g in groups)
    lines.append(header)
    for change in report.changes[:top]:
        pair = f"{_p(change.source, 30)} → {_p(change.target, 30)}"
        cells = "  ".join(f"{_plain(change.parts.get(g, 0.0)):>{max(len(_p(g, 30)), 5)}}" for g in groups)
        lines.append(f"  {pair:<22}{_plain(change.before):>7}{_plain(change.after):>7}{_plain(change.change):>8}  "
                     f"{cells}")
    totals = report.team_totals()
    whole = sum(totals.values()) or 1.0
    lines += ["", "Share of the turn's movement (sum of |part| over every pair): " + ", ".join(
        f"{_p(g, 40)} {totals[g] / whole:.0%}" for g in groups)]
    lines += ["", f"Blocs at month {report.last}: {_blocs_plain(report.blocs)}"]
    if report.blocs != report.blocs_before:
        lines.append(f"  (at month {report.first - 1}: {_blocs_plain(report.blocs_before)})")
    return "\n".join(lines) + "\n"


def _blocs_plain(blocs) -> str:
    return "   ".join(f"[{k}] {', '.join(_p(m, 40) for m in members)}" for k, members in enumerate(blocs, start=1))


SITUATION_CSS = CSS + """
body { font-size: 1.15rem; } table { font-size: 1.05rem; }
.agreed { color: #0b5a8c; } .refused { color: #a13c00; }
"""


def situation_html(report: Situation, top: int = TOP_CHANGES) -> str:
    """The turn's report as one page for the projector (self-contained, no network)."""
    runs = f", run 1 of {report.runs}" if report.runs > 1 else ""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Turn {report.turn}: {e(report.scenario)}</title>",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<style>{SITUATION_CSS}</style></head><body>",
           f"<h1>Situation report: turn {report.turn}, months {report.first} to {report.last}</h1>",
           f'<p class="lens">{e(report.scenario)}, seed {report.seed}{runs}. A lens for discussion, not a forecast: '
           "the numbers follow from the model's assumptions.</p>",
           '<h2 class="first">Moves as ordered</h2>',
           "<table><tr><th>team</th><th>move</th><th>month</th><th>why</th></tr>"]
    out += [f"<tr><td>{e(team)}</td><td>{e(words)}</td><td class=\"num\">{month}</td><td>{e(note)}</td></tr>"
            for team, words, month, note in report.ordered]
    out += [f"<tr><td>news</td><td>{e(m['type'])} {e(m.get('from', ''))} → {e(m.get('to', ''))}</td>"
            f"<td class=\"num\">{m['at']}</td><td>{e(m.get('note', ''))}</td></tr>"
            for m in report.played if m.get("by") == "news"]
    out.append("</table>")
    if report.agreed or report.proposed or report.refused:
        out.append('<ul data-section="between">')
        out += [f'<li class="agreed">Agreed: {e(s)}</li>' for s in report.agreed]
        out += [f"<li>Proposed: {e(s)}</li>" for s in report.proposed]
        out += [f'<li class="refused">Refused: {e(s)}</li>' for s in report.refused]
        out.append("</ul>")
    out.append(f"<h2>Reactions: the actors' own answers ({len(report.reactions)}, run 1)</h2>")
    if report.reactions:
        out.append("<table><tr><th>month</th><th>reaction</th><th>why</th></tr>")
        out += [f"<tr><td class=\"num\">{r['month']}</td><td>{e(r['type'])} {e(r['source'])} → {e(r['target'])} "
                f"×{r['intensity']:.2g}</td><td>{e(r['reason'])}</td></tr>" for r in report.reactions]
        out.append("</table>")
    else:
        out.append("<p>No actor reacted this turn.</p>")
    groups = report.groups
    out += ["<h2>The largest changes of the turn, and whose doing</h2>",
            f"<p>Each pair's change from month {report.first - 1} to month {report.last} (run 1), split by exact "
            "attribution into who caused it: each team's moves, the news, the scenario's events, the actors' "
            "reactions, and the world's own pull (memory, balance, reciprocity). The parts add up to the change.</p>",
            "<table><tr><th>pair</th><th>before</th><th>after</th><th>change</th>"
            + "".join(f"<th>{e(g)}</th>" for g in groups) + "</tr>"]
    for change in report.changes[:top]:
        out.append(f"<tr><td>{e(change.source)} → {e(change.target)}</td><td class=\"num\">{_signed(change.before)}"
                   f"</td><td class=\"num\">{_signed(change.after)}</td>{_effect_cell(change.change)}"
                   + "".join(_effect_cell(change.parts.get(g, 0.0)) for g in groups) + "</tr>")
    out.append("</table>")
    totals = report.team_totals()
    whole = sum(totals.values()) or 1.0
    out.append("<p>Share of the turn's movement (sum of |part| over every pair): "
               + ", ".join(f"{e(g)} {totals[g] / whole:.0%}" for g in groups) + ".</p>")
    out += [f"<h2>Blocs at month {report.last}</h2>", f"<p>{_blocs_line(report.blocs)}</p>"]
    if report.blocs != report.blocs_before:
        out.append(f'<p class="muted">At month {report.first - 1}: {_blocs_line(report.blocs_before)}</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"
