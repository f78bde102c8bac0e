"""The waterfall of one pair's change over a run: from its score at month 0, each cause's part in turn
(largest first), to its score at the end. Every number comes from an Attribution; nothing is computed here.
"""

from __future__ import annotations

from pathlib import Path

from ..results.attribution import leading
from . import style

OTHER = "all other parts"


def waterfall_bars(parts, initial: float, most: int = 8) -> list[tuple[str, float, float]]:
    """(label, bottom, height) per bar: the `most` largest parts, then the rest together, starting at the
    pair's score at month 0; the bars end exactly at its final score (the parts add up)."""
    shown, hidden = leading(parts, most)
    rest = sum(part.value for part in hidden)
    bars, level = [], initial
    for label, value in [(part.label, part.value) for part in shown] + ([(OTHER, rest)] if hidden else []):
        bars.append((label, level, value))
        level += value
    return bars


def plot_waterfall(attribution, source: str, target: str, most: int = 8):
    """A horizontal waterfall of the pair's parts, read top to bottom, as a matplotlib Figure (no pyplot)."""
    import textwrap

    import matplotlib
    from .figure_type import Figure

    parts = attribution.parts(source, target)
    i, j = attribution.names.index(source), attribution.names.index(target)
    initial, final = float(attribution.initial[i, j]), float(attribution.final[i, j])
    bars = waterfall_bars(parts, initial, most)
    rows = [("score at month 0", 0.0, initial)] + bars + [(f"score at month {attribution.months}", 0.0, final)]
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(10, 1.2 + 0.5 * len(rows)), dpi=style.DPI, layout="constrained", facecolor="white")
        ax = figure.add_subplot()
        for k, (_label, bottom, height) in enumerate(rows):
            ends = k in (0, len(rows) - 1)
            colour = "#999999" if ends else (style.COOPERATIVE if height >= 0 else style.HOSTILE)
            ax.barh(k, height, left=bottom, color=colour, height=0.6)
            ax.text(bottom + height + (0.01 if height >= 0 else -0.01), k, f"{height:+.3f}",
                    va="center", ha="left" if height >= 0 else "right", fontsize=8)
            if 0 < k < len(rows) - 1:
                ax.plot([bottom + height] * 2, [k + 0.3, k + 0.7], color="#666666", linewidth=0.6)
        ax.set_yticks(range(len(rows)), ["\n".join(textwrap.wrap(label, 48)) for label, _, _ in rows], fontsize=8)
        ax.invert_yaxis()
        ax.axvline(0.0, color="#CCCCCC", linewidth=0.8, zorder=0)
        ax.set_xlabel(style.SCORE_LABEL)
        ax.set_title(f"Why {source}{style.ARROW}{target} moved "
                     f"{final - initial:+.3f} over {attribution.months} months (run {attribution.run}); "
                     "the parts add up to the change")
        low = min(min(b, b + h) for _, b, h in rows[1:-1] + [("", 0.0, initial), ("", 0.0, final)])
        high = max(max(b, b + h) for _, b, h in rows[1:-1] + [("", 0.0, initial), ("", 0.0, final)])
        pad = 0.15 * max(high - low, 0.05)
        ax.set_xlim(low - pad, high + pad)
    return figure


def save_waterfall(attribution, source: str, target: str, path: str | Path, most: int = 8) -> Path:
    """Write the waterfall to path (PNG or SVG by its suffix), byte-reproducibly."""
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    return style.save_figure(plot_waterfall(attribution, source, target, most), path, fmt)
