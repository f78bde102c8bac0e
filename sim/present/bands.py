"""The spread of many runs, legibly: one small panel per pair, the median with its 50% and 90% bands.

Overlapping bands of several pairs in one plot turn into mud, so each pair the events moved most gets its
own panel on a shared scale: the 90% band light, the 50% band darker, the median solid, and the
baseline's median dashed in the same colour (style.WITH_EVENTS and WITHOUT_EVENTS, as pairs_over_time).
Built without pyplot (see figures.py); every number comes from sim.results.uncertainty.bands.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from . import style
from ..results.result import Result
from ..results.uncertainty import bands

FILE_STEM = "bands"


def plot_bands(result: Result, n: int = 4):
    """Small multiples of the n pairs with the largest median effect at the end (default 4, at most 6)."""
    import matplotlib
    from .figure_type import Figure

    n = max(1, min(int(n), 6))
    effect = bands(result, of="effect")
    last = effect[effect["month"] == result.months]
    order = np.argsort(-np.abs(last["median"].to_numpy()), kind="stable")[:n]
    pairs = [(last["source"].iloc[k], last["target"].iloc[k]) for k in order]
    scenario, baseline = bands(result), bands(result, of="baseline")
    columns = 2 if len(pairs) > 1 else 1
    rows = (len(pairs) + columns - 1) // columns
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(6.2 * columns, 3.0 * rows + 0.6), dpi=style.DPI, layout="constrained",
                        facecolor="white")
        axes = figure.subplots(rows, columns, squeeze=False, sharex=True, sharey=True)
        for k, (source, target) in enumerate(pairs):
            ax = axes[k // columns][k % columns]
            colour = style.LINE_COLOURS[k % len(style.LINE_COLOURS)]
            mine = scenario[(scenario["source"] == source) & (scenario["target"] == target)]
            base = baseline[(baseline["source"] == source) & (baseline["target"] == target)]
            months = mine["month"].to_numpy()
            ax.axhline(0.0, color="#CCCCCC", linewidth=0.8, zorder=0)
            ax.fill_between(months, mine["low_90"], mine["high_90"], color=colour, alpha=0.15, linewidth=0,
                            label="90% of runs")
            ax.fill_between(months, mine["low_50"], mine["high_50"], color=colour, alpha=0.35, linewidth=0,
                            label="50% of runs")
            ax.plot(months, mine["median"], color=colour, **style.WITH_EVENTS.style,
                    label=f"{style.WITH_EVENTS.label}, median")
            ax.plot(base["month"], base["median"], color=colour, **style.WITHOUT_EVENTS.style,
                    label=f"{style.WITHOUT_EVENTS.label}, median")
            ax.set_title(f"{source}{style.ARROW}{target}")
            ax.set_ylim(-1.05, 1.05)
            ax.legend(loc="lower left", fontsize=7, frameon=False)
        for k in range(len(pairs), rows * columns):
            axes[k // columns][k % columns].set_visible(False)
        for ax in axes[-1]:
            ax.set_xlabel("month")
        for row in axes:
            row[0].set_ylabel("score")
        figure.suptitle(f"{result.name}: {result.runs} runs, median and bands of the pairs the events moved most",
                        fontsize=11)
    return figure


def save_bands(result: Result, out_dir, formats=("png",)) -> list[Path]:
    """Write bands.<fmt> for each format; returns the paths written."""
    figure = plot_bands(result)
    try:
        return [style.save_figure(figure, Path(out_dir) / f"{FILE_STEM}.{fmt}", fmt) for fmt in formats]
    finally:
        figure.clear()
