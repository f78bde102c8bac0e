"""Figures of a Result: the pairs that moved most, the score matrices, and the bloc map.

Each plot_* function returns a matplotlib Figure built without pyplot, so nothing is shown or kept in a
global figure list and library code never opens a window; `save_plots` writes them all, reproducibly
(same Result, same bytes). Matplotlib and networkx are imported inside the functions that draw, so
`import sim.plots` is cheap. Nothing here computes the model: every number comes from the Result.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import style
from ..errors import EntenteError
from ..experiment.result import Result
from ..experiment.summary import summarise_blocs

WEAK_EDGE = 0.1  # pairs with |symmetric propensity| below this are left out of the bloc map
VISIBLE_CHANGE = 0.005  # smaller effects round to 0.00 and their pairs are left out of the line plot
PERCENTILE_BAND_FROM = 10  # with this many runs or more the band is 10-90 %; below it, min-max


# --- selecting pairs ---------------------------------------------------------------------------------

def top_pairs(result: Result, n: int = 6, *, by: str = "effect") -> list[tuple[str, str, float]]:
    """The n directed pairs with the largest |value| at the last month, largest first.

    by="effect": scenario minus baseline (what the events did); by="change": final minus month 0 (how far
    the pair drifted, useful when a scenario has no events). Ties keep the actors' order.
    """
    if by == "effect":
        values = result.effect()
    elif by == "change":
        values = result.matrix(result.months) - result.matrix(0)
    else:
        raise ValueError(f"by must be 'effect' or 'change', not {by!r}")
    names = result.actors
    pairs = [(i, j) for i in range(len(names)) for j in range(len(names)) if i != j]
    # Rounding keeps the order stable against the last bits of floating-point noise.
    pairs.sort(key=lambda ij: (-round(abs(values[ij]), 12), ij))
    return [(names[i], names[j], float(values[i, j])) for i, j in pairs[:max(n, 0)]]


def pair_label(source: str, target: str) -> str:
    return f"{source}{style.ARROW}{target}"


# --- figure 1: pairs over time -----------------------------------------------------------------------

def plot_top_pairs(result: Result, n: int = 6):
    """Scores over time of the pairs the events moved most; the baseline dashed in the same colour."""
    import matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    by = "effect" if _has_effect(result) else "change"
    ranked = top_pairs(result, n, by=by)
    # Pairs that would read "+0.00" are padding, not news: keep only those that moved visibly.
    chosen = [pair for pair in ranked if abs(pair[2]) >= VISIBLE_CHANGE] or ranked[:1]
    runs = _run_count(result.alignment)

    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(12.5, 6.2)
        ax = figure.add_subplot()
        ax.axhline(0.0, color="#CCCCCC", linewidth=0.8, zorder=0)
        event_handles = _mark_events(ax, result.events, runs)

        pair_handles = []
        for k, (source, target, value) in enumerate(chosen):
            colour = style.LINE_COLOURS[k % len(style.LINE_COLOURS)]
            months, mean, low, high = _pair_series(result.alignment, source, target, runs)
            ax.plot(months, mean, color=colour, linewidth=2.0, zorder=3)
            if runs > 1:
                ax.fill_between(months, low, high, color=colour, alpha=0.18, linewidth=0, zorder=2)
            if by == "effect":  # otherwise the baseline lies exactly under the scenario line
                base_months, base_mean, _, _ = _pair_series(result.baseline, source, target, 1)
                ax.plot(base_months, base_mean, color=colour, linewidth=1.4, linestyle=(0, (4, 3)), zorder=3)
            word = "effect" if by == "effect" else "change"
            label = f"{pair_label(source, target)}  ({word} {_signed(value)})"
            pair_handles.append(Line2D([], [], color=colour, linewidth=2.0, label=label))

        if by == "effect":
            style_handles = [
                Line2D([], [], color="black", linewidth=2.0, label="with the events (scenario)"),
                Line2D([], [], color="black", linewidth=1.4, linestyle=(0, (4, 3)),
                       label="baseline: same world, no events"),
            ]
        else:
            style_handles = [Line2D([], [], color="black", linewidth=2.0, label="scenario = baseline (no effect)")]
        if runs > 1:
            style_handles.append(Patch(color="black", alpha=0.18, label=_band_label(runs)))

        ax.set_xlim(0, max(result.months, 1))
        ax.set_ylim(-1.0, 1.0)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("month")
        ax.set_ylabel(style.SCORE_LABEL)
        ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
        which = "The directed pair" if len(chosen) == 1 else f"The {len(chosen)} directed pairs"
        if by == "effect":
            ax.set_title(f"{which} the events moved most (largest |scenario − baseline| at month {result.months})")
        else:
            ax.set_title(f"No event changed any pair: {which[0].lower()}{which[1:]} that drifted most "
                         f"(month 0 to {result.months})")
        ax.legend(handles=pair_handles + style_handles + event_handles, loc="upper left",
                  bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=9,
                  title=f"pair (at month {result.months})", title_fontsize=9, alignment="left")
        figure.suptitle(_scenario_title(result, runs), fontsize=13, fontweight="bold")
    return figure


def _pair_series(table, source: str, target: str, runs: int):
    """Months and the mean and band of one pair's score over runs."""
    rows = table[(table["source"] == source) & (table["target"] == target)]
    scores = rows.groupby("month", sort=True)["score"]
    months = np.asarray(scores.mean().index, dtype=float)
    mean = scores.mean().to_numpy(dtype=float)
    if runs >= PERCENTILE_BAND_FROM:
        low, high = scores.quantile(0.1).to_numpy(dtype=float), scores.quantile(0.9).to_numpy(dtype=float)
    else:
        low, high = scores.min().to_numpy(dtype=float), scores.max().to_numpy(dtype=float)
    return months, mean, low, high


def _band_label(runs: int) -> str:
    if runs >= PERCENTILE_BAND_FROM:
        return f"shaded: 10–90 % of {runs} runs (line = mean)"
    return f"shaded: range of {runs} runs (line = mean)"


def _mark_events(ax, events, runs: int) -> list:
    """Light vertical lines at event months; scenario events labelled at the top, reactions at the bottom."""
    from matplotlib.lines import Line2D
    from matplotlib.transforms import blended_transform_factory, offset_copy

    if events is None or len(events) == 0:
        return []
    base = blended_transform_factory(ax.transData, ax.transAxes)
    handles = []
    for origin, colour, dashes, at_top, name in (
        ("scenario", style.SCENARIO_EVENT, "solid", True, "scenario event"),
        ("reaction", style.REACTION_EVENT, (0, (1, 2)), False, "reaction by an actor (model)"),
    ):
        rows = events[events["origin"].astype(str) == origin]
        if len(rows) == 0:
            continue
        handles.append(Line2D([], [], color=colour, linewidth=1.0, linestyle=dashes, label=name))
        shift = offset_copy(base, fig=ax.figure, x=2.5 if at_top else -2.5, units="points")
        for month, label in _event_labels(rows, runs):
            ax.axvline(month, color=colour, linewidth=0.9, linestyle=dashes, alpha=0.55, zorder=1)
            ax.text(month, 0.985 if at_top else 0.015, label, transform=shift, rotation=90,
                    ha="left" if at_top else "right", va="top" if at_top else "bottom", fontsize=7,
                    color=colour, zorder=4, clip_on=False,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.75, pad=0.6))
    return handles


def _event_labels(rows, runs: int) -> list[tuple[int, str]]:
    """One short label per month: the event types, with their pair when there is only one."""
    labels = []
    for month, at_month in rows.groupby("month", sort=True):
        parts = []
        for kind in dict.fromkeys(at_month["type"].astype(str)):  # first-seen order, no repeats
            of_kind = at_month[at_month["type"].astype(str) == kind]
            pairs = list(dict.fromkeys(zip(of_kind["source"].astype(str), of_kind["target"].astype(str))))
            text = kind.replace("_", " ")
            if len(pairs) == 1:
                text += f": {pair_label(*pairs[0])}"
            else:
                actors = {name for pair in pairs for name in pair}
                text += f" ({len(actors)} actors)"
            in_runs = of_kind["run"].nunique() if "run" in of_kind else runs
            if runs > 1 and in_runs < runs:
                text += f" [{in_runs}/{runs} runs]"
            parts.append(text)
        labels.append((int(month), "; ".join(parts)))
    return labels


# --- figure 2: heatmaps ------------------------------------------------------------------------------

def plot_heatmaps(result: Result):
    """Starting matrix, final matrix and the effect of the events, side by side."""
    import matplotlib

    runs = _run_count(result.alignment)
    start = result.matrix(0)
    final = result.matrix(result.months)
    effect = result.effect()
    off_diagonal = ~np.eye(len(result.actors), dtype=bool)
    largest = float(np.max(np.abs(effect[off_diagonal]))) if off_diagonal.any() else 0.0
    limit = max(math.ceil(largest * 20 - 1e-9) / 20, 0.05)  # symmetric, rounded up to 0.05

    mean_note = f", mean of {runs} runs" if runs > 1 else ""
    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(18.0, 6.0)
        axes = figure.subplots(1, 3)
        _heatmap(axes[0], start, result.actors, 1.0, "Month 0 (start)", style.SCORE_LABEL)
        _heatmap(axes[1], final, result.actors, 1.0, f"Month {result.months} (end){mean_note}",
                 style.SCORE_LABEL)
        _heatmap(axes[2], effect, result.actors, limit,
                 f"Effect of the events at month {result.months}\n(scenario − baseline){mean_note}",
                 "effect on the score (− cooler … + warmer)")
        figure.suptitle(f"{_wrap(result.name)}\nalignment scores: row = how this actor regards the "
                        f"column actor", fontsize=13)
    return figure


def _heatmap(ax, matrix: np.ndarray, names: list[str], limit: float, title: str, bar_label: str) -> None:
    import matplotlib

    size = len(names)
    diagonal = np.eye(size, dtype=bool)
    colours = matplotlib.colormaps[style.SCORE_CMAP].with_extremes(bad=style.DIAGONAL)
    image = ax.imshow(np.ma.masked_array(matrix, mask=diagonal), cmap=colours, vmin=-limit, vmax=limit)
    font = 9 if size <= 8 else 7 if size <= 12 else 5
    for i in range(size):
        for j in range(size):
            if i == j:
                continue
            value = float(matrix[i, j])
            ink = "white" if abs(value) > 0.6 * limit else "black" if abs(value) >= 0.005 else "#999999"
            ax.text(j, i, _number(value), ha="center", va="center", fontsize=font, color=ink)
    ax.set_xticks(range(size), names, rotation=40, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(size), names)
    ax.set_xlabel("…this actor")
    ax.set_ylabel("how this actor regards…")
    ax.set_title(title)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = ax.figure.colorbar(image, ax=ax, shrink=0.82, pad=0.02)
    bar.set_label(bar_label)


# --- figure 3: bloc map ------------------------------------------------------------------------------

def plot_bloc_map(result: Result, month: int):
    """The actors as a network at one month: node colour = bloc, edge colour = sign, width = strength."""
    import matplotlib

    month = _check_month(result, month)
    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(11.0, 8.0)
        ax = figure.add_subplot()
        positions = _layout(result)
        blocs = _draw_bloc_map(ax, result, month, positions)
        _add_side_legend(ax, blocs)
        figure.suptitle(_bloc_title(result, "Blocs and relations"), fontsize=13)
    return figure


def plot_bloc_maps(result: Result):
    """The bloc map at the start and at the end, on the same layout so the eye can compare."""
    import matplotlib

    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(14.0, 7.8)
        axes = figure.subplots(1, 2)
        positions = _layout(result)
        seen: set[int] = set()
        for ax, month in zip(axes, (0, result.months)):
            seen |= _draw_bloc_map(ax, result, month, positions)
        _add_bloc_legends(figure, seen)
        figure.suptitle(_bloc_title(result, "Blocs and relations at the start and at the end"), fontsize=13)
    return figure


def blocs_at(result: Result, month: int) -> dict[str, int]:
    """Each actor's bloc at a month (1 = the largest), as the summary reports it: the run's own partition
    with one run, else the partition most runs share that month."""
    report = result.summary.blocs if result.summary is not None else summarise_blocs(result)[0]
    return {actor: k for k, members in enumerate(report.at(month).blocs, start=1) for actor in members}


def _draw_bloc_map(ax, result: Result, month: int, positions: dict) -> set[int]:
    import networkx as nx

    scores = result.matrix(month)
    propensity = (scores + scores.T) / 2.0
    names = result.actors
    graph = nx.Graph()
    graph.add_nodes_from(names)
    edges = {"cooperative": [], "hostile": []}
    widths = {"cooperative": [], "hostile": []}
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            p = float(propensity[i, j])
            if abs(p) < WEAK_EDGE:
                continue
            kind = "cooperative" if p > 0 else "hostile"
            graph.add_edge(names[i], names[j])
            edges[kind].append((names[i], names[j]))
            widths[kind].append(_edge_width(p))
    for kind, colour, line in (("cooperative", style.COOPERATIVE, "solid"), ("hostile", style.HOSTILE, "--")):
        if edges[kind]:
            nx.draw_networkx_edges(graph, positions, ax=ax, edgelist=edges[kind], width=widths[kind],
                                   edge_color=colour, style=line, alpha=0.85)

    blocs = blocs_at(result, month)
    sizes = dict(zip(names, _node_sizes(result.capabilities)))
    for bloc in sorted(set(blocs.values())):
        members = [a for a in names if blocs[a] == bloc]
        nx.draw_networkx_nodes(graph, positions, ax=ax, nodelist=members, node_shape=style.bloc_shape(bloc),
                               node_color=style.bloc_colour(bloc), node_size=[sizes[a] for a in members],
                               edgecolors="black", linewidths=1.0)
    for name in names:
        _label_node(ax, name, positions[name], sizes[name])

    if month == 0:
        title = "Month 0 (start)"
    elif month == result.months:
        title = f"Month {month} (end)"
    else:
        title = f"Month {month}"
    ax.set_title(title, fontsize=12)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")
    return set(blocs.values())


def _label_node(ax, name: str, xy: tuple[float, float], area: float) -> None:
    """The actor's name just outside its node, on the side away from the centre of the circle."""
    x, y = xy
    length = math.hypot(x, y) or 1.0
    gap = math.sqrt(area) / 2 + 6  # points: half the marker plus a margin
    offset = (gap * x / length, gap * y / length)
    ha = "left" if x > 0.3 else "right" if x < -0.3 else "center"
    va = "bottom" if y > 0.3 else "top" if y < -0.3 else "center"
    ax.annotate(name, xy=xy, xytext=offset, textcoords="offset points", ha=ha, va=va, fontsize=11,
                fontweight="bold")


def _layout(result: Result) -> dict[str, tuple[float, float]]:
    """Actors on a circle, grouped by their starting bloc, the same for every panel and every run."""
    start = blocs_at(result, 0)
    order = sorted(result.actors, key=lambda a: (start[a] if start[a] > 0 else 10**6,
                                                 result.actors.index(a)))
    count = len(order)
    positions = {}
    for k, name in enumerate(order):
        angle = math.pi / 2 - 2 * math.pi * k / count  # clockwise from the top
        positions[name] = (round(math.cos(angle), 12), round(math.sin(angle), 12))
    return positions


def _node_sizes(capabilities) -> list[float]:
    """Marker areas growing with the square root of capability, so small actors stay visible."""
    values = np.clip(np.asarray(capabilities, dtype=float), 0.0, None)
    top = values.max() if values.size and values.max() > 0 else 1.0
    return list(350.0 + 2200.0 * np.sqrt(values / top))


def _edge_width(p: float) -> float:
    return 0.8 + 7.0 * min(abs(p), 1.0)


def _bloc_legend_handles(blocs: set[int]) -> tuple[list, list]:
    """What the nodes mean, and what the edges mean."""
    from matplotlib.lines import Line2D

    nodes = []
    for bloc in sorted(blocs):
        label = f"bloc {bloc}" if bloc > 0 else "no bloc recorded"
        nodes.append(Line2D([], [], linestyle="none", marker=style.bloc_shape(bloc), markersize=11,
                            markerfacecolor=style.bloc_colour(bloc), markeredgecolor="black", label=label))
    nodes.append(Line2D([], [], linestyle="none", marker="o", markersize=7, markerfacecolor="white",
                        markeredgecolor="black", label="bigger node = more capability"))
    edges = [
        Line2D([], [], color=style.COOPERATIVE, linewidth=3, label="cooperative (score > 0)"),
        Line2D([], [], color=style.HOSTILE, linewidth=3, linestyle="--", label="hostile (score < 0)"),
    ]
    edges += [Line2D([], [], color="#777777", linewidth=_edge_width(strength), label=f"|score| = {strength}")
              for strength in (0.2, 0.5, 0.9)]
    edges.append(Line2D([], [], linestyle="none", label=f"|score| < {WEAK_EDGE}: not drawn"))
    return nodes, edges


NODE_LEGEND_TITLE = "Actors (node colour = bloc)"
EDGE_LEGEND_TITLE = "Pairs (edge = mean score of both directions)"
LEGEND_STYLE = dict(frameon=False, fontsize=9, title_fontsize=10, alignment="left")


def _add_bloc_legends(figure, blocs: set[int]) -> None:
    """Under the two maps: nodes on the left, edges on the right."""
    nodes, edges = _bloc_legend_handles(blocs)
    figure.legend(handles=nodes, loc="outside lower left", ncols=len(nodes), title=NODE_LEGEND_TITLE,
                  **LEGEND_STYLE)
    figure.legend(handles=edges, loc="outside lower right", ncols=3, title=EDGE_LEGEND_TITLE, **LEGEND_STYLE)


def _add_side_legend(ax, blocs: set[int]) -> None:
    """Beside a single map: one legend, nodes first, then the edges under their own heading."""
    from matplotlib.lines import Line2D

    nodes, edges = _bloc_legend_handles(blocs)
    heading = Line2D([], [], linestyle="none", label="\n" + EDGE_LEGEND_TITLE.replace(" = ", " =\n"))
    ax.legend(handles=nodes + [heading] + edges, loc="center left", bbox_to_anchor=(1.02, 0.5),
              title=NODE_LEGEND_TITLE, **LEGEND_STYLE)


def _bloc_title(result: Result, subject: str) -> str:
    runs = _run_count(result.alignment)
    how = f" (the blocs most of the {runs} runs share; scores averaged over runs)" if runs > 1 else ""
    return f"{_wrap(result.name)}\n{subject}{how}"


def _check_month(result: Result, month) -> int:
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 0 <= month <= result.months:
        raise EntenteError(f"month {month!r} is not in this run",
                           hint=f"Use a whole number from 0 (start) to {result.months} (end).")
    return int(month)


# --- saving ------------------------------------------------------------------------------------------

FIGURES: dict[str, Callable[[Result], Any]] = {  # each returns a matplotlib Figure
    "pairs_over_time": plot_top_pairs, "heatmaps": plot_heatmaps, "bloc_map": plot_bloc_maps}
"""The figures every run writes, by file stem, in order: register a new figure here (CONTRIBUTING.md)."""


def save_plots(result: Result, out_dir, formats=("png",)) -> list[Path]:
    """Write every figure of FIGURES in each format; returns the paths written."""
    formats = _check_formats(formats)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with warnings.catch_warnings():
        # Matplotlib's warnings (a glyph a name uses is missing from the font...) would print its source
        # paths in the middle of the report; the figures are written either way.
        warnings.simplefilter("ignore")
        for stem, maker in FIGURES.items():
            figure = maker(result)
            try:
                for fmt in formats:
                    written.append(style.save_figure(figure, folder / f"{stem}.{fmt}", fmt))
            finally:
                figure.clear()  # frees the artists now rather than at garbage collection
    return written


def _check_formats(formats) -> tuple[str, ...]:
    if isinstance(formats, str):
        formats = (formats,)
    cleaned = []
    for fmt in formats:
        name = str(fmt).lower().lstrip(".")
        if name not in style.FORMATS:
            raise EntenteError(f"cannot write plots as {fmt!r}",
                               hint="Use " + " or ".join(repr(f) for f in style.FORMATS) + ".")
        if name not in cleaned:
            cleaned.append(name)
    return tuple(cleaned)


# --- small helpers -----------------------------------------------------------------------------------

def _new_figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=style.DPI, layout="constrained", facecolor="white")


def _has_effect(result: Result) -> bool:
    effect = result.effect()
    return bool(np.any(np.abs(effect[~np.eye(len(result.actors), dtype=bool)]) > 1e-9))


def _run_count(table) -> int:
    return int(table["run"].nunique()) if len(table) else 1


def _scenario_title(result: Result, runs: int) -> str:
    extra = f"  ·  {runs} runs" if runs > 1 else ""
    return f"{_wrap(result.name)}{extra}"


def _wrap(text: str, width: int = 90) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or "scenario"


def _number(value: float) -> str:
    return f"{round(value, 2) + 0.0:.2f}".replace("-", "−")


def _signed(value: float) -> str:
    return f"{round(value, 2) + 0.0:+.2f}".replace("-", "−")
