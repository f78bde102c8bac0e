"""`sim compare` as text: the terminal table, compare.csv and compare.html (self-contained, escaped)."""

from __future__ import annotations

import base64
from pathlib import Path

import pandas as pd

from ..present.numbers import signed
from ..errors import printable
from .compare import Comparison
from ..present.html import CSS, e

SHOWN_PAIRS = 15  # pairs in the terminal table; compare.csv has them all
SHOWN_EVENTS = 20
NAME_WIDTH = 40


def _s(value: float) -> str:
    return signed(value)


def _p(text, limit: int = NAME_WIDTH) -> str:
    return printable(text, limit=limit)


def _blocs(blocs) -> str:
    return "   ".join(f"[{i}] {', '.join(_p(m) for m in bloc)}" for i, bloc in enumerate(blocs, start=1))


def _event_line(ev) -> str:
    runs = f" ({ev.runs} runs)" if ev.runs > 1 else ""
    return (f"  month {ev.month:>3}  {_p(ev.type)}  {_p(ev.source)} → {_p(ev.target)}  [{ev.origin}]{runs}")


def comparison_text(c: Comparison, *, most: int = SHOWN_PAIRS) -> str:
    """The terminal report: the differing pairs ranked by the difference of effects, the blocs, the events."""
    def where(label: str, months: int, runs: int) -> str:
        return f"({_p(label, 200)}, month {months}{f', mean of {runs:,} runs' if runs > 1 else ''})"

    lines = [f"A: {_p(c.a_name, 120)}  {where(c.a_label, c.a_months, c.a_runs)}",
             f"B: {_p(c.b_name, 120)}  {where(c.b_label, c.b_months, c.b_runs)}", ""]
    differing = c.differing_pairs
    if not differing:
        lines.append("Pairs: no pair differs at the end (every difference below 0.005).")
    else:
        lines.append(f"Pairs that differ at the end: {len(differing)} of {len(c.pairs)}, by |effect A − effect B|"
                     + (f" (top {most}; compare.csv has all)" if len(differing) > most else ""))
        width = max(len(_p(p.source)) + len(_p(p.target)) for p in differing[:most]) + 3
        lines.append(f"  {'pair':<{width}}  {'A final':>8} {'B final':>8}  {'A effect':>8} {'B effect':>8}  "
                     f"{'A − B':>7}")
        for p in differing[:most]:
            label = f"{_p(p.source)} → {_p(p.target)}"
            lines.append(f"  {label:<{width}}  {_s(p.a_final):>8} {_s(p.b_final):>8}  {_s(p.a_effect):>8} "
                         f"{_s(p.b_effect):>8}  {_s(p.effect_difference):>7}")
    lines.append("")
    if c.moved_actors:
        lines.append(f"Blocs at the end differ (for {', '.join(_p(a) for a in c.moved_actors)}):")
    else:
        lines.append("Blocs at the end: the same in A and B.")
    lines += [f"  A: {_blocs(c.a_blocs)}", f"  B: {_blocs(c.b_blocs)}", ""]
    for side in ("A", "B"):
        only = [ev for ev in c.events if ev.side == side]
        if not only:
            lines.append(f"Events in {side} only: none.")
            continue
        lines.append(f"Events in {side} only: {len(only)}")
        lines += [_event_line(ev) for ev in only[:SHOWN_EVENTS]]
        if len(only) > SHOWN_EVENTS:
            lines.append(f"  … and {len(only) - SHOWN_EVENTS} more (compare.csv)")
    lines += ["", "A lens for discussion, not a forecast."]
    return "\n".join(lines)


def comparison_table(c: Comparison) -> pd.DataFrame:
    """compare.csv: every directed pair, ranked as in the terminal table."""
    return pd.DataFrame(
        [(p.source, p.target, p.a_final, p.b_final, p.final_difference, p.a_effect, p.b_effect,
          p.effect_difference, p.differs) for p in c.pairs],
        columns=["source", "target", "a_final", "b_final", "final_difference", "a_effect", "b_effect",
                 "effect_difference", "differs"])


def comparison_csv(c: Comparison) -> str:
    from ..present.files import _csv

    return _csv(comparison_table(c))


def comparison_html(c: Comparison, figure_png: bytes | None) -> str:
    """compare.html: one page with no network references, every user-written text escaped."""
    body = [f"<h1>Comparison: {e(c.a_name)} and {e(c.b_name)}</h1>",
            "<p class=\"lens\">A lens for discussion, not a forecast. Scores and effects are at each side's last "
            "month (mean over its runs); an effect is the scenario minus its own baseline.</p>",
            f"<p><b>A</b>: {e(c.a_name)} ({e(c.a_label)}, month {c.a_months})<br><b>B</b>: {e(c.b_name)} "
            f"({e(c.b_label)}, month {c.b_months})</p>",
            "<h2 class=\"first\">Pairs that differ at the end</h2>"]
    differing = c.differing_pairs
    if not differing:
        body.append("<p>No pair differs at the end (every difference below 0.005).</p>")
    else:
        body.append("<table><tr><th>pair</th><th>A final</th><th>B final</th><th>A effect</th><th>B effect</th>"
                    "<th>A − B (effect)</th></tr>")
        for p in differing:
            body.append(f"<tr><td>{e(p.source)} → {e(p.target)}</td>" + "".join(
                f"<td class=\"num\">{_s(v).replace('-', '−')}</td>" for v in
                (p.a_final, p.b_final, p.a_effect, p.b_effect, p.effect_difference)) + "</tr>")
        body.append("</table>")
    body.append("<h2>Blocs at the end</h2>")
    body.append("<p>" + ("The same in A and B." if not c.moved_actors else
                         "They differ for " + e(", ".join(c.moved_actors)) + ".") + "</p>")
    for side, blocs in (("A", c.a_blocs), ("B", c.b_blocs)):
        body.append(f"<p><b>{side}</b>: " + " ".join(f"[{i}] {e(', '.join(bloc))}"
                                                      for i, bloc in enumerate(blocs, start=1)) + "</p>")
    body.append("<h2>Events in one only</h2>")
    if not c.events:
        body.append("<p>None: both logged the same events.</p>")
    else:
        body.append("<table><tr><th>in</th><th>month</th><th>type</th><th>source</th><th>target</th>"
                    "<th>origin</th><th>runs</th></tr>")
        for ev in c.events:
            body.append(f"<tr><td>{ev.side} only</td><td class=\"num\">{ev.month}</td><td>{e(ev.type)}</td>"
                        f"<td>{e(ev.source)}</td><td>{e(ev.target)}</td><td>{e(ev.origin)}</td>"
                        f"<td class=\"num\">{ev.runs}</td></tr>")
        body.append("</table>")
    body.append("<h2>Effects on one colour scale</h2>")
    if figure_png:
        encoded = base64.b64encode(figure_png).decode("ascii")
        body.append(f"<figure><img alt=\"Effect heatmaps of A and B\" src=\"data:image/png;base64,{encoded}\">"
                    "<figcaption>Both panels share one fixed colour scale, stated on the colour bar: the same "
                    "colour is the same effect.</figcaption></figure>")
    else:
        body.append("<p class=\"muted\">No figure (--no-plots).</p>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>Entente · compare {e(c.a_name)} · {e(c.b_name)}</title>\n<style>{CSS}</style>\n</head>\n"
            "<body>\n" + "\n".join(body) + "\n<footer class=\"muted\"><p>Written by Entente "
            "(<code>python -m sim compare A B --out DIR</code>).</p></footer>\n</body>\n</html>\n")


def write_comparison(c: Comparison, figure_png: bytes | None, out_dir, *, force: bool = False) -> list[str]:
    """compare.html, compare.csv (and compare.png) and a manifest, through the atomic writer."""
    from ..results.folder import result_folder

    extra = {"comparison": {"a": c.a_label, "b": c.b_label, "a_scenario": c.a_name, "b_scenario": c.b_name}}
    with result_folder(Path(out_dir), force=force, manifest_extra=extra) as folder:
        folder.write_text("compare.csv", comparison_csv(c))
        if figure_png:
            folder.write_bytes("compare.png", figure_png)
        folder.write_text("compare.html", comparison_html(c, figure_png))
        written = folder.file_names()
    return written + ["manifest.json"]
