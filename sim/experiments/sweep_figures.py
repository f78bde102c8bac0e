"""Figures of a sweep: each outcome against each swept dimension, and the share of each bloc outcome."""

from __future__ import annotations

from pathlib import Path

from ..present import style
from .outcomes import EFFECT
from .sweep_summary import SweepSummary


def plot_dependence(summary: SweepSummary, most: int = 8):
    """One panel per outcome (rows) and dimension (columns): every point, and the mean by value or bin."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outcomes = list(summary.outcomes[:most])
    dims = list(summary.dimensions) or ["point"]
    with matplotlib.rc_context(style.rc()):
        size = (2.8 * len(dims) + 0.8, 1.9 * len(outcomes) + 0.8)
        figure, axes = plt.subplots(len(outcomes), len(dims), figsize=size, squeeze=False, sharey="row")
        for row, outcome in enumerate(outcomes):
            for col, dim in enumerate(dims):
                ax = axes[row][col]
                categorical = dim == "variant" or summary.table[dim].dtype == object
                found = [d for d in summary.for_outcome(outcome) if d.dimension == dim]
                if categorical:
                    names = ([str(v) for v in found[0].levels] if found
                             else sorted(summary.table[dim].astype(str).unique()))
                    at = {name: i for i, name in enumerate(names)}
                    ax.scatter(summary.table[dim].astype(str).map(at), summary.values(outcome), s=8, alpha=0.35,
                               color=style.LINE_COLOURS[7], linewidths=0)
                    if found:
                        ax.plot(range(len(names)), found[0].means, "o-", color=style.LINE_COLOURS[0])
                    ax.set_xticks(range(len(names)), names, rotation=20, fontsize=7)
                else:
                    ax.scatter(summary.table[dim], summary.values(outcome), s=8, alpha=0.35,
                               color=style.LINE_COLOURS[7], linewidths=0)
                    if found:
                        ax.plot(found[0].levels, found[0].means, "o-", color=style.LINE_COLOURS[0])
                if outcome.kind == EFFECT:
                    ax.axhline(0, color=style.DIAGONAL, linewidth=0.8, zorder=0)
                if row == len(outcomes) - 1:
                    ax.set_xlabel(dim)
                if col == 0:
                    ax.set_ylabel(f"effect {outcome.actors[0]}{style.ARROW.strip()}{outcome.actors[1]}"
                                  if outcome.kind == EFFECT else f"P(first bloc)\n{outcome.actors[0]}", fontsize=8)
        figure.suptitle(f"{summary.name}: outcomes across the sweep ({summary.points} points; grey: points, "
                        f"blue: mean by value or fifth)", fontsize=10)
        figure.tight_layout()
    return figure


def plot_bloc_shares(summary: SweepSummary):
    """A bar per bloc outcome: the share of the sweep's points whose most common end configuration it is."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [text.replace(" | ", "\n vs ") for text, _ in summary.bloc_shares]
    shares = [share for _, share in summary.bloc_shares]
    with matplotlib.rc_context(style.rc()):
        figure, ax = plt.subplots(figsize=(8, 0.9 * len(labels) + 1.2))
        ax.barh(range(len(labels)), shares, color=[style.bloc_colour(i + 1) for i in range(len(labels))])
        ax.set_yticks(range(len(labels)), labels, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of the sweep's points")
        ax.set_title("End blocs across the sweep (each point's most common configuration)")
        figure.tight_layout()
    return figure


def save_sweep_plots(summary: SweepSummary, folder) -> list[Path]:
    import matplotlib.pyplot as plt

    written = []
    for name, make in (("sweep_dependence", plot_dependence), ("sweep_blocs", plot_bloc_shares)):
        figure = make(summary)
        written.append(style.save_figure(figure, Path(folder) / f"{name}.png", "png"))
        plt.close(figure)
    return written
