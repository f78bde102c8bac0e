"""Two runs' effect heatmaps side by side on ONE colour scale, so the same colour means the same effect.

The scale is the fixed default (style.EFFECT_SCALE) or the user's --effect-scale, never fitted to the data,
and it is stated on the single colour bar the two panels share.
"""

from __future__ import annotations

import textwrap

import numpy as np

from ..present import style
from ..present.figures import check_effect_scale, effect_bar_label, heatmap_panel

def plot_effect_comparison(a_effect: np.ndarray, b_effect: np.ndarray, actors, a_title: str, b_title: str,
                           effect_scale: float | None = None):
    """A's and B's effect matrices (scenario − baseline, actors in the same order) with one colour bar."""
    import matplotlib
    from ..present.figure_type import Figure

    limit = check_effect_scale(effect_scale)
    names = list(actors)
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(14.0, 8.0), dpi=style.DPI, layout="constrained", facecolor="white")
        axes = figure.subplots(1, 2)
        image = None
        for ax, matrix, title in ((axes[0], a_effect, a_title), (axes[1], b_effect, b_title)):
            wrapped = "\n".join(textwrap.wrap(title, 60))
            image = heatmap_panel(ax, np.asarray(matrix, dtype=float), names, limit, wrapped)
        off = ~np.eye(len(names), dtype=bool)
        beyond = max(float(np.max(np.abs(np.asarray(m)[off]), initial=0.0)) for m in (a_effect, b_effect)) > limit
        bar = figure.colorbar(image, ax=list(axes), shrink=0.82, pad=0.02, extend="both" if beyond else "neither")
        bar.set_label(effect_bar_label(limit))
        figure.suptitle(f"Effect of the events (scenario − baseline) in A and in B: one colour scale, ±{limit:.2f}",
                        fontsize=13)
        figure.supxlabel("Compare cell by cell: the same colour is the same effect in both panels. Row = how this "
                         "actor regards the column actor.", fontsize=10, style="italic", color="#333333")
    return figure
