"""The short HTML a notebook shows for a Result or a Summary (their `_repr_html_`): a few lines and a table.

Why: a notebook cell that ends in a Result would otherwise show one line of text, and the findings are the
point. Short by design (the SHOWN largest effects, never every pair or every run), and every piece of text
escaped, because scenario names, actor names and event labels are user input.
"""

from __future__ import annotations

from html import escape

SHOWN = 5  # the largest effects a notebook shows; sim.changes(result) has them all


def _number(value: float) -> str:
    return f"{value:+.2f}".replace("-", "\N{MINUS SIGN}")


def changes_table(changes, shown: int = SHOWN) -> str:
    """The largest effects as an HTML table: pair, start, end, without the events, effect, behind it."""
    if not changes:
        return "<p>The events changed no pair.</p>"
    head = "".join(f"<th>{escape(text)}</th>" for text in ("pair", "start", "end", "without", "effect",
                                                             "behind it (run 1)"))
    rows = []
    for change in changes[:shown]:
        behind = change.events[0] + (f" and {len(change.events) - 1} more" if len(change.events) > 1 else "") \
            if change.events else ""
        cells = (f"{change.source} \N{RIGHTWARDS ARROW} {change.target}", _number(change.initial),
                 _number(change.final), _number(change.baseline_final), _number(change.effect), behind)
        rows.append("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in cells) + "</tr>")
    more = len(changes) - shown
    tail = f"<p>{more} more pairs: sim.changes(result) lists them all.</p>" if more > 0 else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{tail}"


def heading(kind: str, name: str, actors: int, months: int, runs: int, seed: int, extra: str = "") -> str:
    """One line naming what this is: 'Result: NAME, 7 actors, 36 months, 1 run, seed 0'."""
    line = (f"{actors} actors, {months} months, {runs:,} run{'s' if runs != 1 else ''}, seed {seed}"
            + (f", {extra}" if extra else ""))
    return f"<p><strong>{escape(kind)}: {escape(name)}</strong><br>{escape(line)}</p>"


def result_html(result) -> str:
    """A Result: its heading, then (when it carries its summary) the largest effects."""
    events = int((result.events["run"] == 1).sum()) if len(result.events) else 0
    top = heading("Result", result.name, len(result.actors), result.months, result.runs, result.seed,
                  f"{events} events in run 1")
    if result.summary is None:
        return top + "<p>Not summarised yet: sim.summarise(result), or sim.run(..., summarise=True).</p>"
    return top + changes_table(result.summary.changes)


def summary_html(summary) -> str:
    """A Summary: its heading, the largest effects and the blocs at the end."""
    top = heading("Summary", summary.scenario, len(summary.actors), summary.months, summary.runs, summary.seed)
    blocs = " | ".join(", ".join(bloc) for bloc in summary.blocs.final)
    return top + changes_table(summary.changes) + f"<p>Blocs at the end: {escape(blocs)}</p>"
