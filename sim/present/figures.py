"""Figures of a Result: the pairs that moved most, the score matrices, and the bloc map.

Each plot_* function returns a matplotlib Figure built without pyplot, so nothing is shown or kept in a
global figure list and library code never opens a window; `save_plots` writes them all, reproducibly
(same Result, same bytes). Matplotlib is imported inside the functions that draw, so `import sim.plots`
is cheap. Nothing here computes the model: every number comes from the Result.

The layouts are fixed (sim.present.layout: axes placed once around measured text, no layout engine) and PNGs
are drawn by sim.present.glyphs' canvas, so that a plain `sim run` spends a fraction of a second on its
figures; bench/figures.py measures them.
"""

from __future__ import annotations

import math
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from . import glyphs, layout, numbers, style
from .sentences import SHOWN_EFFECT
from ..errors import EntenteError
from ..results.result import Result
from ..results.summary import summarise_blocs

WEAK_EDGE = 0.1  # pairs with |symmetric propensity| below this are left out of the bloc map
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

MAX_PANELS = 6  # pairs (both directions) drawn, one panel each
MAX_EVENT_KEYS = 16  # event entries listed under the figure; the rest are counted


def chosen_pairs(result: Result, n: int = 6) -> tuple[str, list[tuple[str, str]]]:
    """('effect' or 'change', the unordered pairs to draw, largest first) from the top n directed pairs."""
    by = "effect" if _has_effect(result) else "change"
    ranked = top_pairs(result, n, by=by)
    # Pairs that would read "+0.00" are padding, not news: keep only those that moved visibly.
    visible = [pair for pair in ranked if abs(pair[2]) >= SHOWN_EFFECT] or ranked[:1]
    pairs: list[tuple[str, str]] = []
    for source, target, _ in visible:
        if (source, target) not in pairs and (target, source) not in pairs:
            pairs.append((source, target))
    return by, pairs[:MAX_PANELS]


PAIR_PANEL = (3.9, 2.8)  # inches: one pair's axes, wide enough for 120 months and the legend of two lines
PAIR_SPACE = 0.3  # inches of air right of each panel
PAIR_LABEL_SIZE = 8  # points: the y-axis label, "score (axis fitted to the data)"
KEY_SIZE = 8  # points: the figure's key of line styles and events
KEY_TITLE = "How to read the lines, and the events"
STRIP_SIZE = 7  # points: the event numbers above each panel
STRIP_ROOM = 16  # points between a panel and its title when event numbers sit between them
MONTH_TICKS = 6  # at most this many steps between labelled months (multiples of 1, 2, 3 or 6 months...)
SCORE_TICKS = 6  # at most this many steps between labelled scores (0.1 apart on a typical panel)
MARKS_PER_LINE = 6  # direction markers along each line: enough to tell the lines apart, few enough to read
MARKER_SIZE = 5  # points


def plot_top_pairs(result: Result, n: int = 6):
    """One panel per pair the events moved most: each direction solid with the events, dashed without them.

    The directions differ in colour and marker (circles A→B, triangles B→A); the cues come from
    sim.present.style (WITH_EVENTS, WITHOUT_EVENTS, DIRECTIONS), as the texts describing the figure do.

    Each panel's y-axis is fitted to its data (small effects stay visible; the ±1 bounds are stated);
    events are numbered ticks above the panels, listed beside the figure, so no label crosses a line.
    The layout is fixed (sim.present.layout): the key's width is measured and the panels placed around it.
    """
    import matplotlib
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    by, pairs = chosen_pairs(result, n)
    runs = _run_count(result)
    values = result.effect() if by == "effect" else result.matrix(result.months) - result.matrix(0)
    at = {name: i for i, name in enumerate(result.actors)}
    keys = _event_keys(result.events, runs)

    style_handles = []
    if by == "effect":
        style_handles += [Line2D([], [], color="black", **style.WITH_EVENTS.style, label=style.WITH_EVENTS.label),
                          Line2D([], [], color="black", **style.WITHOUT_EVENTS.style,
                                 label=style.WITHOUT_EVENTS.label)]
    style_handles += [Line2D([], [], color=colour, linestyle="none", markersize=MARKER_SIZE, **cue.style,
                             label=cue.label) for colour, cue in zip(style.DIRECTION_COLOURS, style.DIRECTIONS)]
    if runs > 1:
        style_handles.append(Patch(color="black", alpha=0.15, label=_band_label(runs)))
    key = style_handles + _event_key_handles(keys)
    which = "The pair" if len(pairs) == 1 else f"The {len(pairs)} pairs"
    if by == "effect":
        subject = f"{which} the events moved most (largest |scenario − baseline| at month {result.months})"
    else:
        subject = (f"No event changed any pair: {which[0].lower()}{which[1:]} that drifted most "
                   f"(month 0 to {result.months})")
    title = f"{_scenario_title(result, runs)}\n{subject}"

    columns = min(3, len(pairs))
    rows = math.ceil(len(pairs) / columns)
    with matplotlib.rc_context(style.rc()):
        size, title_size = matplotlib.rcParams["font.size"], matplotlib.rcParams["axes.titlesize"]
        beside = (layout.text_height("x", PAIR_LABEL_SIZE) + layout.LABEL_PAD + layout.text_width("−0.00", size)
                  + layout.TICK)  # y label and tick labels
        below = layout.TICK + 2 * layout.text_height("x", size) + layout.LABEL_PAD  # tick labels and "month"
        above = layout.text_height("x", title_size) + (STRIP_ROOM if keys else 6) * layout.POINT
        labels = [handle.get_label() for handle in key]
        key_width = layout.legend_width(labels, KEY_SIZE, KEY_TITLE, 9) + 2 * layout.EDGE
        key_height = layout.legend_height(labels, KEY_SIZE, KEY_TITLE, 9)
        cell = (beside + PAIR_PANEL[0] + PAIR_SPACE, above + PAIR_PANEL[1] + below)
        width = 2 * layout.EDGE + columns * cell[0] + key_width
        words = layout.wrap_caption(caption("pairs_over_time", result), width)
        top, bottom = layout.margins(title, 12, words)
        height = top + max(rows * cell[1], key_height) + bottom
        figure = _new_figure(width, height)
        layout.add_title_and_caption(figure, title, 12, words)
        for k, (first, second) in enumerate(pairs):
            row, column = divmod(k, columns)
            ax = layout.place(figure, layout.EDGE + column * cell[0] + beside, height - top - (row + 1) * cell[1]
                              + below, *PAIR_PANEL)
            lows, highs = [], []
            every = max(result.months // MARKS_PER_LINE, 1)
            for d, (source, target) in enumerate(((first, second), (second, first))):
                colour, marker = style.DIRECTION_COLOURS[d], style.DIRECTIONS[d].style
                marks = {**marker, "markevery": (d * every // 2, every), "markersize": MARKER_SIZE}
                months, mean, low, high = _pair_series(result, source, target, runs)
                word = "effect" if by == "effect" else "change"
                label = f"{pair_label(source, target)}  ({word} {_signed(values[at[source], at[target]])})"
                ax.plot(months, mean, color=colour, **style.WITH_EVENTS.style, **marks, zorder=3, label=label)
                lows.append(low.min())
                highs.append(high.max())
                if runs > 1:
                    ax.fill_between(months, low, high, color=colour, alpha=0.15, linewidth=0, zorder=2)
                if by == "effect":  # otherwise the baseline lies exactly under the scenario line
                    b_months, b_mean, _, _ = _pair_series(result, source, target, 1, baseline=True)
                    ax.plot(b_months, b_mean, color=colour, **style.WITHOUT_EVENTS.style, **marks,
                            markerfacecolor="white", zorder=3)
                    lows.append(b_mean.min())
                    highs.append(b_mean.max())
            _mark_event_months(ax, keys)
            ax.set_ylim(*fitted_limits(min(lows), max(highs)))
            ax.set_xlim(0, max(result.months, 1))
            ax.xaxis.set_major_locator(MaxNLocator(nbins=MONTH_TICKS, integer=True, steps=[1, 2, 3, 6, 10]))
            ax.yaxis.set_major_locator(MaxNLocator(nbins=SCORE_TICKS, steps=[1, 2, 2.5, 5, 10]))
            ax.set_xlabel("month")
            ax.set_ylabel("score (axis fitted to the data)", fontsize=PAIR_LABEL_SIZE)
            ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
            ax.set_title(f"{first} ↔ {second}", fontsize=title_size, fontweight="bold", y=1.0,
                         pad=STRIP_ROOM if keys else 6)
            ax.legend(loc="best", fontsize=8, framealpha=0.85, handlelength=3.2)
        figure.legend(handles=key, loc="upper left", bbox_to_anchor=((width - key_width) / width, 1 - top / height),
                      ncols=1, frameon=False, fontsize=KEY_SIZE, alignment="left", title=KEY_TITLE,
                      title_fontsize=9, borderaxespad=0)
    return figure


def fitted_limits(low: float, high: float) -> tuple[float, float]:
    """y-limits around the data with a margin, at least 0.2 tall, never beyond the ±1 score bounds."""
    span = max(high - low, 0.2)
    middle = (high + low) / 2
    pad = 0.12 * span
    low, high = middle - span / 2 - pad, middle + span / 2 + pad
    if low < -1.05:
        low, high = -1.05, max(high, -1.05 + span + 2 * pad)
    if high > 1.05:
        low, high = min(low, 1.05 - span - 2 * pad), 1.05
    return max(low, -1.05), min(high, 1.05)


def _pair_rows(result: Result, source: str, target: str, *, baseline: bool = False):
    """One pair's rows of the long table (month, score; run by run, month by month), as filtering
    result.alignment (or .baseline) gives them, made from the arrays: the whole table is 15 million rows
    for 10,000 runs, 1.2 GB with the baseline's, kept by the Result once built (issue 25)."""
    import pandas as pd

    array = result.baseline_scores if baseline else result.scores
    if array is None:
        table = result.baseline if baseline else result.alignment
        return table[(table["source"] == source) & (table["target"] == target)]
    i, j = result.actors.index(source), result.actors.index(target)
    runs, months = array.shape[0], array.shape[1]
    return pd.DataFrame({"month": np.tile(np.arange(months), runs), "score": array[:, :, i, j].reshape(-1)})


def _pair_series(result: Result, source: str, target: str, runs: int, *, baseline: bool = False):
    """Months and the mean and band of one pair's score over runs."""
    rows = _pair_rows(result, source, target, baseline=baseline)
    months = rows["month"].to_numpy()
    if np.unique(months).size == months.size:  # one run: its scores are the mean and the band (no groupby)
        order = np.argsort(months, kind="stable")
        scores_now = rows["score"].to_numpy(dtype=float)[order]
        return months[order].astype(float), scores_now, scores_now, scores_now
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


def _event_keys(events, runs: int) -> list[tuple[int, int, str, str]]:
    """(number, month, origin, label) for each month's scenario events and reactions, in month order."""
    if events is None or len(events) == 0:
        return []
    keys = []
    for origin in ("scenario", "reaction"):
        rows = events[events["origin"].astype(str) == origin]
        for month, label in _event_labels(rows, runs):
            keys.append((month, 0 if origin == "scenario" else 1, origin, label))
    keys.sort(key=lambda k: k[:2])
    return [(number, month, origin, label) for number, (month, _, origin, label) in enumerate(keys, start=1)]


def _mark_event_months(ax, keys) -> None:
    """Light vertical lines at event months, numbered on a strip above the axes (never over the data)."""
    if not keys:
        return
    by_month: dict[int, list[str]] = {}
    for number, month, origin, _ in keys:
        colour = style.SCENARIO_EVENT if origin == "scenario" else style.REACTION_EVENT
        dashes = "solid" if origin == "scenario" else (0, (1, 2))
        ax.axvline(month, color=colour, linewidth=0.8, linestyle=dashes, alpha=0.45, zorder=1)
        by_month.setdefault(month, []).append(str(number))
    top = ax.get_xaxis_transform()  # x in months, y in axes fractions: 1 is the top edge
    months = sorted(by_month)
    ax.plot(months, [1.0] * len(months), transform=top, linestyle="none", marker=2, markersize=3,  # 2: tick up
            markeredgewidth=0.8, color=style.SCENARIO_EVENT, clip_on=False)
    for month in months:
        ax.annotate(",".join(by_month[month]), (month, 1.0), xycoords=top, xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=STRIP_SIZE, color=style.SCENARIO_EVENT, annotation_clip=False)


def _event_key_handles(keys) -> list:
    """The event list under the figure: one legend entry per numbered tick."""
    from matplotlib.lines import Line2D

    handles = []
    for number, month, origin, label in keys[:MAX_EVENT_KEYS]:
        colour = style.SCENARIO_EVENT if origin == "scenario" else style.REACTION_EVENT
        dashes = "solid" if origin == "scenario" else (0, (1, 2))
        who = "" if origin == "scenario" else " (reaction by an actor)"
        handles.append(Line2D([], [], color=colour, linestyle=dashes, linewidth=1.0,
                              label=f"{number}: month {month}, {label}{who}"))
    if len(keys) > MAX_EVENT_KEYS:
        handles.append(Line2D([], [], linestyle="none",
                              label=f"… {len(keys) - MAX_EVENT_KEYS} more numbered events in events.csv"))
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

HEATMAPS_SIZE = (18.0, 6.6)  # inches: three square panels in a row, as wide as a slide
BAR_WIDTH = 0.18  # inches: a colour bar's thickness
BAR_GAP = 0.15  # inches between a panel and its colour bar
BAR_SHRINK = 0.82  # a colour bar's length as a share of its panel's height
BAR_TICKS = 5  # labelled values on a colour bar: both ends, the middle and the quarters
PANEL_GAP = 0.45  # inches of air between a colour bar's label and the next panel's axis label
NAME_ROTATION = 40  # degrees: the column names slant so that long names do not collide


def plot_heatmaps(result: Result, effect_scale: float | None = None):
    """Starting matrix, final matrix and the effect of the events, side by side.

    The start and the end share one colour bar (both span the whole score range); the effect panel uses
    one fixed colour scale (style.EFFECT_SCALE, or effect_scale), the same for every run, so two runs'
    heatmaps compare; it is stated on its colour bar. The layout is fixed (sim.present.layout).
    """
    import matplotlib

    runs = _run_count(result)
    start = result.matrix(0)
    final = result.matrix(result.months)
    effect = result.effect()
    limit = check_effect_scale(effect_scale)
    names = result.actors

    mean_note = f", mean of {runs} runs" if runs > 1 else ""
    titles = ("Month 0 (start)", f"Month {result.months} (end){mean_note}",
              f"Effect of the events at month {result.months}\n(scenario − baseline){mean_note}")
    bar_labels = (style.SCORE_LABEL, effect_bar_label(limit))
    with matplotlib.rc_context(style.rc()):
        width, height = HEATMAPS_SIZE
        figure = _new_figure(width, height)
        title = f"{_wrap(result.name)}\nalignment scores: row = how this actor regards the column actor"
        words = layout.wrap_caption(caption("heatmaps", result, effect_scale=limit), width)
        top, bottom = layout.margins(title, 13, words)
        layout.add_title_and_caption(figure, title, 13, words)
        size = matplotlib.rcParams["font.size"]
        name_width = max(layout.text_width(name, size) for name in names)
        slant = math.radians(NAME_ROTATION)
        below = layout.BARE_TICK + name_width * math.sin(slant) + size * layout.POINT * math.cos(slant)
        below += layout.LABEL_PAD + layout.text_height("x", size)  # the x-axis label
        above = layout.TITLE_PAD + max(layout.text_height(t, matplotlib.rcParams["axes.titlesize"]) for t in titles)
        beside = layout.text_height("x", size) + layout.LABEL_PAD + name_width + layout.BARE_TICK  # y label, names
        bars = [BAR_GAP + BAR_WIDTH + layout.TICK + layout.text_width("−0.50", size) + layout.LABEL_PAD
                + layout.text_height(label, size) for label in bar_labels]
        side = min(height - top - bottom - below - above,
                   (width - 2 * layout.EDGE - 3 * beside - sum(bars) - 2 * PANEL_GAP) / 3)
        x = (width - 3 * (beside + side) - sum(bars) - 2 * PANEL_GAP) / 2
        y = bottom + below + (height - top - bottom - below - above - side) / 2
        panels = []
        for k, (matrix, title) in enumerate(zip((start, final, effect), titles)):
            x += (PANEL_GAP if k else 0.0) + beside
            ax = layout.place(figure, x, y, side, side)
            panels.append(heatmap_panel(ax, matrix, names, limit if k == 2 else 1.0, title))
            x += side
            if k >= 1:  # one bar for the start and the end (same scale), one for the effect
                bar = layout.place(figure, x + BAR_GAP, y + side * (1 - BAR_SHRINK) / 2, BAR_WIDTH, side * BAR_SHRINK)
                _colour_bar(bar, panels[-1], (start, final) if k == 1 else (effect,), 1.0 if k == 1 else limit,
                            bar_labels[k - 1])
                x += bars[k - 1]
    return figure


def check_effect_scale(effect_scale: float | None) -> float:
    """The effect colour scale's half-range: the fixed default, or a user's number in (0, 2]."""
    if effect_scale is None:
        return style.EFFECT_SCALE
    if isinstance(effect_scale, bool) or not isinstance(effect_scale, (int, float)) or not 0 < effect_scale <= 2:
        raise EntenteError(f"the effect colour scale must be a number above 0 and at most 2, got {effect_scale!r}",
                           hint=f"Use for example --effect-scale 0.25 (the default is {style.EFFECT_SCALE}).")
    return float(effect_scale)


def effect_bar_label(limit: float) -> str:
    return (f"effect on the score (− cooler … + warmer)\nfixed scale ±{limit:.2f} for every run; "
            "beyond it, the end colour")


def cell_numbers(ax) -> list[str]:
    """The numbers written in a heatmap panel's cells, row by row (the diagonal has none)."""
    return [text for collection in ax.collections for text in getattr(collection, "texts", [])]


def _colour_bar(cax, image, matrices, limit: float, label: str) -> None:
    """A colour bar in its own axes: BAR_TICKS labelled values, arrow ends when some cell is beyond the scale."""
    off = ~np.eye(len(matrices[0]), dtype=bool)
    beyond = any(matrix[off].size and float(np.max(np.abs(matrix[off]))) > limit + 1e-12 for matrix in matrices)
    bar = cax.figure.colorbar(image, cax=cax, extend="both" if beyond else "neither")
    bar.set_ticks(np.linspace(-limit, limit, BAR_TICKS))
    bar.set_label(label)


def heatmap_panel(ax, matrix: np.ndarray, names, limit: float, title: str):
    """One score matrix as coloured, labelled cells on ±limit (no colour bar: callers may share one)."""
    import matplotlib

    size = len(names)
    diagonal = np.eye(size, dtype=bool)
    colours = matplotlib.colormaps[style.SCORE_CMAP].with_extremes(bad=style.DIAGONAL)
    image = ax.imshow(np.ma.masked_array(matrix, mask=diagonal), cmap=colours, vmin=-limit, vmax=limit)
    font = 9 if size <= 8 else 7 if size <= 12 else 5
    texts, cells, inks = [], [], []
    for i in range(size):
        for j in range(size):
            if i == j:
                continue
            value = float(matrix[i, j])
            texts.append(_number(value))
            cells.append((j, i))
            inks.append("white" if abs(value) > 0.6 * limit else "black" if abs(value) >= 0.005 else "#999999")
    glyphs.cell_labels(ax, texts, cells, inks, font, style.FONT)  # one collection, not a Text a cell
    ax.set_xticks(range(size), names, rotation=NAME_ROTATION, ha="right", rotation_mode="anchor")
    ax.set_yticks(range(size), names)
    ax.set_xlabel("…this actor")
    ax.set_ylabel("how this actor regards…")
    ax.set_title(title, y=1.0)  # a fixed y spares matplotlib's search for a place above the top axis
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    return image


# --- figure 3: bloc map ------------------------------------------------------------------------------

BLOC_MAP_SIZE = (11.0, 8.0)  # inches: one map and its legend
BLOC_MAPS_SIZE = (16.0, 7.4)  # inches: the start and end maps side by side and their legends
MAP_TITLE_SIZE = 12  # points: "Month 0 (start)" over each map


def plot_bloc_map(result: Result, month: int):
    """The actors as a network at one month: node colour = bloc, edge colour = sign, width = strength."""
    import matplotlib

    month = _check_month(result, month)
    width, height = BLOC_MAP_SIZE
    title = _bloc_title(result, "Blocs and relations")
    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(width, height)
        words = layout.wrap_caption(caption("bloc_map", result), width)
        top, bottom = layout.margins(title, 13, words)
        layout.add_title_and_caption(figure, title, 13, words)
        positions = _layout(result)
        blocs = blocs_at(result, month)
        nodes, edges = _bloc_legend_handles(set(blocs.values()))
        heading = _edge_heading()
        labels = [h.get_label() for h in nodes + [heading] + edges]
        side = layout.legend_width(labels, LEGEND_SIZE, NODE_LEGEND_TITLE, LEGEND_TITLE_SIZE) + layout.EDGE
        above = layout.text_height("x", MAP_TITLE_SIZE) + layout.TITLE_PAD
        ax = layout.place(figure, layout.EDGE, bottom, width - 2 * layout.EDGE - side, height - top - bottom - above)
        _draw_bloc_map(ax, result, month, positions, blocs)
        # Beside the map (which its equal aspect may narrow within its rectangle), in the room kept for it.
        ax.legend(handles=nodes + [heading] + edges, loc="center left", bbox_to_anchor=(1.0, 0.5),
                  title=NODE_LEGEND_TITLE, borderaxespad=layout.EDGE * 72 / LEGEND_SIZE,
                  **LEGEND_STYLE)
    return figure


def plot_bloc_maps(result: Result):
    """The bloc map at the start and at the end, on the same layout so the eye can compare."""
    import matplotlib

    width, height = BLOC_MAPS_SIZE
    title = _bloc_title(result, "Blocs and relations at the start and at the end")
    with matplotlib.rc_context(style.rc()):
        figure = _new_figure(width, height)
        words = layout.wrap_caption(caption("bloc_map", result), width)
        top, bottom = layout.margins(title, 13, words)
        layout.add_title_and_caption(figure, title, 13, words)
        positions = _layout(result)
        members = {month: blocs_at(result, month) for month in (0, result.months)}
        seen = set(members[0].values()) | set(members[result.months].values())
        nodes, edges = _bloc_legend_handles(seen)
        size, title_size = LEGEND_SIZE, LEGEND_TITLE_SIZE
        edge_title = EDGE_LEGEND_TITLE.replace(" = ", " =\n")
        side = max(layout.legend_width([h.get_label() for h in nodes], size, NODE_LEGEND_TITLE, title_size),
                   layout.legend_width([h.get_label() for h in edges], size, edge_title, title_size)) + layout.EDGE
        above = layout.text_height("x", MAP_TITLE_SIZE) + layout.TITLE_PAD
        map_width = (width - 2 * layout.EDGE - side) / 2
        for k, month in enumerate((0, result.months)):
            ax = layout.place(figure, layout.EDGE + k * map_width, bottom, map_width, height - top - bottom - above)
            _draw_bloc_map(ax, result, month, positions, members[month])
        x = (width - layout.EDGE - side) / width
        figure.legend(handles=nodes, loc="upper left", bbox_to_anchor=(x, 1 - layout.EDGE / height),
                      title=NODE_LEGEND_TITLE, borderaxespad=0, **LEGEND_STYLE)
        figure.legend(handles=edges, loc="lower left", bbox_to_anchor=(x, bottom / height), title=edge_title,
                      borderaxespad=0, **LEGEND_STYLE)
    return figure


def blocs_at(result: Result, month: int) -> dict[str, int]:
    """Each actor's bloc at a month (1 = the largest), as the summary reports it: the run's own partition
    with one run, else the partition most runs share that month."""
    report = result.summary.blocs if result.summary is not None else summarise_blocs(result)[0]
    return {actor: k for k, members in enumerate(report.at(month).blocs, start=1) for actor in members}


def _draw_bloc_map(ax, result: Result, month: int, positions: dict, blocs: dict[str, int]) -> None:
    """Edges as one LineCollection per sign, nodes as one scatter per bloc (drawn with matplotlib itself:
    networkx's drawing functions import pyplot, a tenth of a second for nothing)."""
    from matplotlib.collections import LineCollection

    scores = result.matrix(month)
    propensity = (scores + scores.T) / 2.0
    names = result.actors
    edges: dict[str, list] = {"cooperative": [], "hostile": []}
    widths: dict[str, list[float]] = {"cooperative": [], "hostile": []}
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            p = float(propensity[i, j])
            if abs(p) < WEAK_EDGE:
                continue
            kind = "cooperative" if p > 0 else "hostile"
            edges[kind].append((positions[names[i]], positions[names[j]]))
            widths[kind].append(_edge_width(p))
    for kind, colour, line in (("cooperative", style.COOPERATIVE, "solid"), ("hostile", style.HOSTILE, "--")):
        if edges[kind]:
            ax.add_collection(LineCollection(edges[kind], colors=colour, linewidths=widths[kind], linestyles=line,
                                             alpha=0.85, zorder=1), autolim=False)

    sizes = dict(zip(names, _node_sizes(result.capabilities)))
    for bloc in sorted(set(blocs.values())):
        members = [a for a in names if blocs[a] == bloc]
        ax.scatter([positions[a][0] for a in members], [positions[a][1] for a in members],
                   s=[sizes[a] for a in members], c=style.bloc_colour(bloc), marker=style.bloc_shape(bloc),
                   edgecolors="black", linewidths=1.0, zorder=2)
    for name in names:
        _label_node(ax, name, positions[name], sizes[name])

    if month == 0:
        title = "Month 0 (start)"
    elif month == result.months:
        title = f"Month {month} (end)"
    else:
        title = f"Month {month}"
    ax.set_title(title, fontsize=MAP_TITLE_SIZE, y=1.0)
    ax.set_xlim(-1.5, 1.5)
    ax.set_ylim(-1.45, 1.45)
    ax.set_aspect("equal")
    ax.axis("off")


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
LEGEND_SIZE = 9  # points: the bloc maps' legend entries
LEGEND_TITLE_SIZE = 10  # points: their headings
LEGEND_STYLE = dict(frameon=False, fontsize=LEGEND_SIZE, title_fontsize=LEGEND_TITLE_SIZE, alignment="left")


def _edge_heading():
    """The edges' heading inside a single map's legend: an entry with no handle."""
    from matplotlib.lines import Line2D

    return Line2D([], [], linestyle="none", label="\n" + EDGE_LEGEND_TITLE.replace(" = ", " =\n"))


def _bloc_title(result: Result, subject: str) -> str:
    runs = _run_count(result)
    how = f" (the blocs most of the {runs} runs share; scores averaged over runs)" if runs > 1 else ""
    return f"{_wrap(result.name)}\n{subject}{how}"


def _check_month(result: Result, month) -> int:
    if isinstance(month, bool) or not isinstance(month, (int, np.integer)) or not 0 <= month <= result.months:
        raise EntenteError(f"month {month!r} is not in this run",
                           hint=f"Use a whole number from 0 (start) to {result.months} (end).")
    return int(month)


# --- saving ------------------------------------------------------------------------------------------

FIGURES: dict[str, Callable[..., Any]] = {  # each returns a matplotlib Figure
    "pairs_over_time": plot_top_pairs, "heatmaps": plot_heatmaps, "bloc_map": plot_bloc_maps}
"""The figures every run writes, by file stem, in order: register a new figure here (CONTRIBUTING.md)."""


def caption(stem: str, result: Result, *, effect_scale: float | None = None) -> str:
    """The one sentence under a figure saying what to look at (drawn in the figure and shown in the report)."""
    if stem == "pairs_over_time":
        first, second = style.DIRECTIONS
        views = f"{first.cue} = {first.phrase}, {second.cue} = {second.phrase}"
        if _has_effect(result):
            return (f"Look at the gap between each {style.WITH_EVENTS.cue} line ({style.WITH_EVENTS.phrase}) and "
                    f"its {style.WITHOUT_EVENTS.cue} twin ({style.WITHOUT_EVENTS.phrase}): that gap is what the "
                    f"events did ({views}); numbered ticks on top are the events listed at the right, and each "
                    "panel's axis is fitted to its data within the −1…+1 score range.")
        return ("No event changed any score, so look at how far each pair drifts on its own "
                f"({views}); each panel's axis is fitted to its data within −1…+1.")
    if stem == "heatmaps":
        limit = check_effect_scale(effect_scale)
        return (f"Look at the right-hand panel: blue cells are views the events warmed, red cells views they "
                f"cooled; its colour scale is fixed at ±{limit:.2f} so the heatmaps of different runs compare.")
    if stem == "bloc_map":
        return ("Compare the two maps: an actor whose node changes colour and shape changed bloc; solid blue "
                "edges are friendly pairs, dashed red hostile ones, thicker is stronger; pairs with "
                f"|score| < {WEAK_EDGE} are not drawn.")
    return ""  # a figure registered in FIGURES without a caption of its own


def render_plots(result: Result, formats=("png",), *, effect_scale: float | None = None,
                 stems=None) -> dict[str, bytes]:
    """Every figure of FIGURES in each format as bytes, by file name (pairs_over_time.png, ...), in order;
    stems: only these figures (the painter shares them among its processes)."""
    formats = _check_formats(formats)
    limit = check_effect_scale(effect_scale)
    options = {"heatmaps": {"effect_scale": limit}}  # what a built-in figure takes besides the Result
    rendered = {}
    with warnings.catch_warnings():
        # Matplotlib's warnings (a glyph a name uses is missing from the font...) would print its source
        # paths in the middle of the report; the figures are drawn either way.
        warnings.simplefilter("ignore")
        for stem, maker in FIGURES.items():
            if stems is not None and stem not in stems:
                continue
            figure = maker(result, **options.get(stem, {}))
            for fmt in formats:
                rendered[f"{stem}.{fmt}"] = style.figure_bytes(figure, fmt)
            # No figure.clear(): it resets every axes (a third of a figure's cost); the figure is garbage now.
    return rendered


def save_plots(result: Result, out_dir, formats=("png",), *, effect_scale: float | None = None) -> list[Path]:
    """Write every figure of FIGURES in each format; returns the paths written."""
    from ..inputs.safe_files import write_file

    rendered = render_plots(result, formats, effect_scale=effect_scale)
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in rendered.items():
        written.append(write_file(folder / name, data, what="figure"))
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
    from .figure_type import Figure

    # No layout engine: each figure places its axes once (sim.present.layout), so a save draws once.
    return Figure(figsize=(width, height), dpi=style.DPI, facecolor="white")


def _has_effect(result: Result) -> bool:
    effect = result.effect()
    return bool(np.any(np.abs(effect[~np.eye(len(result.actors), dtype=bool)]) > 1e-9))


def _run_count(result: Result) -> int:
    """The runs a result holds, as its alignment table counts them (1 when the table is empty: one actor)."""
    if result.scores is not None:
        return int(result.scores.shape[0]) if len(result.actors) > 1 else 1
    table = result.alignment
    return int(table["run"].nunique()) if len(table) else 1


def _scenario_title(result: Result, runs: int) -> str:
    extra = f"  ·  {runs} runs" if runs > 1 else ""
    return f"{_wrap(result.name)}{extra}"


def _wrap(text: str, width: int = 90) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or "scenario"


def _number(value: float) -> str:
    return numbers.number(value, typographic=True)


def _signed(value: float) -> str:
    return numbers.signed(value, typographic=True)
