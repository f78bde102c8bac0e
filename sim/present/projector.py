"""The app's projector chart: the pairs the events moved most, legible from the back of a classroom.

pairs_over_time.png is a printed figure: six panels, an event key and 8-point text, about 7 pixels high
once the page scales it into a browser column. On a projector (1280 x 720) the class needs one glance:
the two pairs the events moved most, each direction solid with the events and dashed without them (the
same cues as every figure: sim.present.style), and every text at least TEXT_PX pixels high. The figure is
drawn at DPI 72, where one point is one pixel, and shown at its own size (the page does not scale it).
"""

from __future__ import annotations

from ..results.result import Result
from . import figures, style

DPI = 72  # one point = one pixel on screen: text sizes below are pixel heights
TEXT_PX = 14  # the smallest text anywhere on the chart
TITLE_PX = 16
SIZE = (10.6, 4.2)  # inches at 72 dpi: 763 x 302 pixels, beside the effects table at 1280 px wide
PAIRS = 2


def plot_projector(result: Result, pairs: int = PAIRS):
    """Up to `pairs` panels side by side, one per pair the events moved most (both directions)."""
    import matplotlib
    from .figure_type import Figure
    from matplotlib.lines import Line2D

    by, chosen = figures.chosen_pairs(result, 2 * pairs)
    chosen = chosen[:pairs]
    runs = figures._run_count(result)
    values = result.effect() if by == "effect" else result.matrix(result.months) - result.matrix(0)
    at = {name: i for i, name in enumerate(result.actors)}
    settings = {**style.rc(), "font.size": TEXT_PX, "axes.titlesize": TITLE_PX, "axes.labelsize": TEXT_PX,
                "xtick.labelsize": TEXT_PX, "ytick.labelsize": TEXT_PX, "legend.fontsize": TEXT_PX,
                "figure.dpi": DPI, "savefig.dpi": DPI}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=SIZE, dpi=DPI, facecolor="white", layout="constrained")
        axes = figure.subplots(1, len(chosen), squeeze=False)[0]
        for ax, (first, second) in zip(axes, chosen):
            every = max(result.months // figures.MARKS_PER_LINE, 1)
            for d, (source, target) in enumerate(((first, second), (second, first))):
                colour = style.DIRECTION_COLOURS[d]
                marks = {**style.DIRECTIONS[d].style, "markevery": (d * every // 2, every), "markersize": 6}
                months, mean, _, _ = figures._pair_series(result, source, target, runs)
                word = "effect" if by == "effect" else "change"
                ax.plot(months, mean, color=colour, **style.WITH_EVENTS.style, **marks,
                        label=f"{figures.pair_label(source, target)} {word} "
                              f"{figures._signed(values[at[source], at[target]])}")
                if by == "effect":
                    b_months, b_mean, _, _ = figures._pair_series(result, source, target, 1, baseline=True)
                    ax.plot(b_months, b_mean, color=colour, **style.WITHOUT_EVENTS.style, **marks,
                            markerfacecolor="white")
            ax.set_title(f"{first} ↔ {second}", fontweight="bold")
            ax.set_xlabel("month")
            ax.set_xlim(0, max(result.months, 1))
            ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
            ax.legend(loc="best", framealpha=0.85, handlelength=2.4)
        if by == "effect":
            key = [Line2D([], [], color="black", **cue.style, label=cue.label.split(" (")[0])
                   for cue in (style.WITH_EVENTS, style.WITHOUT_EVENTS)]
            figure.legend(handles=key, loc="outside lower center", ncols=2, frameon=False)
    return figure
