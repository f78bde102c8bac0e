"""The figure of a sensitivity analysis: for each outcome, how much each parameter matters.

Morris: bars of mu* (the mean absolute elementary effect, with its bootstrap interval) and a marker for
sigma (how much that effect changes with the other parameters: interactions or curvature). Sobol: the
first-order index S1 and the total index ST side by side, with their intervals. Parameters keep one order
in every panel (most influential over all outcomes first), so panels compare at a glance.
"""

from __future__ import annotations

import numpy as np

from .sensitivity import SensitivityResult
from ..present import style

PANEL_COLUMNS = 3


def plot_sensitivity(result: SensitivityResult):
    """A matplotlib Figure with one panel per outcome."""
    import matplotlib
    from ..present.figure_type import Figure

    morris = result.method == "morris"
    key = "mu_star" if morris else "ST"
    table = result.table
    order = (table.groupby("parameter")[key].mean().reset_index()
             .sort_values([key, "parameter"], ascending=[False, True])["parameter"].tolist())
    outcomes = [o.label for o in result.outcomes]
    columns = min(PANEL_COLUMNS, len(outcomes))
    rows = -(-len(outcomes) // columns)
    height = 0.8 + 0.32 * len(order)
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(4.2 * columns, height * rows + 0.9), dpi=style.DPI, layout="constrained",
                        facecolor="white")
        axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).reshape(-1)
        y = np.arange(len(order))
        for ax, label in zip(axes, outcomes):
            part = table[table["outcome"] == label].set_index("parameter").loc[order]
            if morris:
                ax.barh(y, part["mu_star"], xerr=part["mu_star_conf"], color=style.LINE_COLOURS[0],
                        error_kw={"ecolor": "#444444", "lw": 0.8}, label="μ* (mean |elementary effect|)")
                ax.plot(part["sigma"], y, "D", mfc="white", mec=style.LINE_COLOURS[1], ms=5,
                        label="σ (spread: interactions)")
                ax.set_xlabel("change over the parameter's range")
            else:
                ax.barh(y - 0.2, part["S1"], 0.4, xerr=part["S1_conf"], color=style.LINE_COLOURS[0],
                        error_kw={"ecolor": "#444444", "lw": 0.8}, label="S1 (alone)")
                ax.barh(y + 0.2, part["ST"], 0.4, xerr=part["ST_conf"], color=style.LINE_COLOURS[1],
                        error_kw={"ecolor": "#444444", "lw": 0.8}, label="ST (with interactions)")
                ax.set_xlabel("share of the outcome's variance")
            ax.set_yticks(y, order)
            ax.invert_yaxis()
            ax.set_title(label)
            ax.axvline(0, color="#999999", lw=0.6)
        for ax in axes[len(outcomes):]:
            ax.set_visible(False)
        handles, labels = axes[0].get_legend_handles_labels()
        figure.legend(handles, labels, loc="outside lower center", ncols=2, frameon=False)
        method = "Morris screening" if morris else "Sobol indices"
        figure.suptitle(f"{result.scenario}: {method}, {result.evaluations} runs", fontsize=11)
    return figure
