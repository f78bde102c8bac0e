"""A pair's "why" as an inline SVG waterfall for report.html: no matplotlib, so the report costs no figure.

The same picture as sim.present.waterfall's (score at month 0, each cause in turn, the score at the end, the
causes grouped by the one rule, attribution.leading), drawn from a summary's PairWhy, whose causes add up
to the change; it is a few kilobytes of text.
"""

from __future__ import annotations

import html

from .numbers import signed
from ..results.summary import PairWhy
from . import style

WIDTH = 760  # px
LABEL_RIGHT = 372  # the cause labels end here; the bars start after a gap
PLOT = (384, 684)  # the bars' horizontal span; each bar's value is written in the column after it
ROW = 24  # px per bar
LABEL_CHARACTERS = 58  # longer labels are shortened (the full text is the bar's tooltip)
END_COLOUR = "#999999"


def _score(value: float) -> str:
    return signed(value, 3, typographic=True)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1] + "…"


def waterfall_svg(why: PairWhy, months: int) -> str:
    """The SVG element: one row per bar, top to bottom, with its label and value."""
    rows = [("score at month 0", 0.0, why.initial, END_COLOUR)]
    level = why.initial
    for cause in why.causes:
        colour = style.COOPERATIVE if cause.value >= 0 else style.HOSTILE
        rows.append((cause.label, level, cause.value, colour))
        level += cause.value
    rows.append((f"score at month {months}", 0.0, why.final, END_COLOUR))
    ends = [edge for _, bottom, height, _ in rows for edge in (bottom, bottom + height)] + [0.0]
    low, high = min(ends), max(ends)
    pad = 0.04 * max(high - low, 0.05)
    low, high = low - pad, high + pad

    def x(value: float) -> float:
        return round(PLOT[0] + (value - low) / (high - low) * (PLOT[1] - PLOT[0]), 1)

    height = ROW * len(rows) + 8
    title = f"Why {why.source} → {why.target} moved {_score(why.change)}: every cause, largest first"
    out = [f'<svg width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{html.escape(title, quote=True)}" '
           'font-family="system-ui, sans-serif" font-size="12">',
           f'<line x1="{x(0.0)}" y1="0" x2="{x(0.0)}" y2="{height}" stroke="#cccccc"/>']
    for k, (label, bottom, value, colour) in enumerate(rows):
        top = 4 + k * ROW
        left, right = sorted((x(bottom), x(bottom + value)))
        text = html.escape(_short(label))
        out.append(f'<text x="{LABEL_RIGHT}" y="{top + 16}" text-anchor="end">{text}</text>')
        out.append(f'<rect x="{left}" y="{top + 4}" width="{max(round(right - left, 1), 1.0)}" height="{ROW - 8}" '
                   f'fill="{colour}"><title>{html.escape(label)}: {_score(value)}</title></rect>')
        out.append(f'<text x="{WIDTH - 6}" y="{top + 16}" text-anchor="end" fill="#333333">{_score(value)}</text>')
        if 0 < k < len(rows) - 1:  # a connector from this bar's end to the next bar's start
            end = x(bottom + value)
            out.append(f'<line x1="{end}" y1="{top + ROW - 4}" x2="{end}" y2="{top + ROW + 4}" stroke="#666666" '
                       'stroke-width="0.8"/>')
    out.append("</svg>")
    return "".join(out)
