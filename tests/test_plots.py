"""The figures, on a small hand-made Result: files, reproducibility, labels, pair choice, bloc colours."""

import hashlib

import numpy as np
import pandas as pd
import pytest

from sim.present import figures as plots
from sim.errors import EntenteError
from sim.results.result import Result

ACTORS = ["Russia", "Pakistan", "India", "US"]
CAPABILITIES = [4.0, 1.3, 8.0, 14.0]
MONTHS = 12
START = {  # how the row actor regards the column actor at month 0
    ("Russia", "Pakistan"): 0.10, ("Russia", "India"): 0.60, ("Russia", "US"): -0.50,
    ("Pakistan", "Russia"): 0.20, ("Pakistan", "India"): -0.70, ("Pakistan", "US"): 0.10,
    ("India", "Russia"): 0.50, ("India", "Pakistan"): -0.80, ("India", "US"): 0.40,
    ("US", "Russia"): -0.60, ("US", "Pakistan"): 0.05, ("US", "India"): 0.50,
}
# What the events do by month 12 (scenario minus baseline); every other pair is untouched.
EFFECT = {("Russia", "Pakistan"): 0.40, ("Pakistan", "Russia"): 0.30, ("India", "Russia"): -0.25,
          ("US", "India"): 0.12, ("India", "Pakistan"): -0.08}
TOP_THREE = [("Russia", "Pakistan"), ("Pakistan", "Russia"), ("India", "Russia")]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _score_rows(run: int, with_events: bool, offset: float = 0.0) -> list[tuple]:
    rows = []
    for month in range(MONTHS + 1):
        ramp = min(1.0, max(0.0, (month - 3) / 4))  # the events start at month 3, full effect from 7
        for (source, target), start in START.items():
            drift = 0.01 * month / MONTHS
            score = start + drift + offset
            if with_events:
                score += EFFECT.get((source, target), 0.0) * ramp
            rows.append((run, month, source, target, score))
    return rows


def _blocs(run: int, india_final: int) -> list[tuple]:
    rows = []
    for month in range(MONTHS + 1):
        for actor, bloc in (("US", 1), ("India", 1 if month < 8 else india_final), ("Russia", 2),
                            ("Pakistan", 2)):
            rows.append((run, month, actor, bloc))
    return rows


def make_result(runs: int = 1, events: bool = True) -> Result:
    score_columns = ["run", "month", "source", "target", "score"]
    alignment, baseline, blocs = [], [], []
    for run in range(1, runs + 1):
        offset = 0.03 * (run - 1)  # a second run sits a little higher, in both tables alike
        alignment += _score_rows(run, events, offset)
        baseline += _score_rows(run, False, offset)
        blocs += _blocs(run, india_final=2 if run == 1 else 1)
    event_rows = []
    if events:
        for run in range(1, runs + 1):
            event_rows += [
                (run, 3, "arms_sale", "Russia", "Pakistan", 1.0, "scenario", "scenario event"),
                (run, 5, "diplomatic_visit", "India", "US", 1.0, "reaction", "rival gained a patron"),
            ]
    return Result(
        name="Synthetic: Russia sells fighters to Pakistan",
        actors=list(ACTORS), capabilities=list(CAPABILITIES), months=MONTHS, runs=runs, seed=1,
        alignment=pd.DataFrame(alignment, columns=score_columns),
        baseline=pd.DataFrame(baseline, columns=score_columns),
        blocs=pd.DataFrame(blocs, columns=["run", "month", "actor", "bloc"]),
        events=pd.DataFrame(event_rows, columns=["run", "month", "type", "source", "target", "intensity",
                                                 "origin", "reason"]),
    )


def _digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _texts(figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(lambda a: hasattr(a, "get_text"))]


# --- files -------------------------------------------------------------------------------------------

def test_save_plots_writes_three_pngs(tmp_path):
    written = plots.save_plots(make_result(), tmp_path)
    assert [p.name for p in written] == ["pairs_over_time.png", "heatmaps.png", "bloc_map.png"]
    for path in written:
        data = path.read_bytes()
        assert data.startswith(PNG_SIGNATURE), path.name
        assert len(data) > 20_000, path.name  # a real picture, not an empty canvas
        assert b"Software" not in data and b"matplotlib" not in data.lower()


def test_same_result_gives_identical_bytes(tmp_path):
    for name in ("one", "two"):
        plots.save_plots(make_result(runs=2), tmp_path / name, formats=("png", "svg"))
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two")
    assert len(_digests(tmp_path / "one")) == 6


def test_svg_on_request(tmp_path):
    written = plots.save_plots(make_result(), tmp_path, formats=("png", "svg"))
    svgs = [p for p in written if p.suffix == ".svg"]
    assert [p.name for p in svgs] == ["pairs_over_time.svg", "heatmaps.svg", "bloc_map.svg"]
    for path in svgs:
        text = path.read_text(encoding="utf-8")
        assert "<svg" in text and "</svg>" in text
        assert "<dc:date>" not in text and "Matplotlib v" not in text


def test_unknown_format_and_month_are_clear_errors(tmp_path):
    with pytest.raises(EntenteError, match="svg"):
        plots.save_plots(make_result(), tmp_path, formats=("jpeg",))
    with pytest.raises(EntenteError, match="0 .*12"):
        plots.plot_bloc_map(make_result(), 13)


def test_figures_stay_out_of_pyplot(tmp_path):
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.save_plots(make_result(), tmp_path)
    assert plt.get_fignums() == before


# --- pairs over time ---------------------------------------------------------------------------------

def test_top_pairs_are_the_largest_effects():
    chosen = plots.top_pairs(make_result(), n=3)
    assert [(s, t) for s, t, _ in chosen] == TOP_THREE
    assert [round(v, 6) for _, _, v in chosen] == [0.40, 0.30, -0.25]


def _panels(figure):
    """The data panels of the pairs figure (those with a legend), in drawing order."""
    return [a for a in figure.axes if a.get_legend() is not None and a.get_visible()]


def test_pairs_figure_has_one_panel_per_pair_with_both_directions_apart():
    figure = plots.plot_top_pairs(make_result(), n=3)
    panels = _panels(figure)
    # top three directed pairs: Russia→Pakistan, Pakistan→Russia (one pair), India→Russia
    assert [a.get_title() for a in panels] == ["Russia ↔ Pakistan", "India ↔ Russia"]
    for ax in panels:
        assert ax.get_xlabel() == "month" and "fitted" in ax.get_ylabel()
        lines = [line for line in ax.get_lines() if len(line.get_xdata()) == MONTHS + 1]
        assert len(lines) == 4  # each direction with the events, and its baseline
        first, first_base, second, second_base = lines
        assert first.get_linestyle() == second.get_linestyle() == "-"  # with the events: solid
        assert first_base.get_linestyle() == second_base.get_linestyle() == "--"  # without them: dashed
        assert first.get_color() != second.get_color() and first.get_marker() != second.get_marker()
        assert first_base.get_color() == first.get_color() and first_base.get_marker() == first.get_marker()
        assert first_base.get_linewidth() < first.get_linewidth()
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert len(legend) == 2 and all("effect" in t for t in legend)
    legend = [t.get_text() for t in panels[0].get_legend().get_texts()]
    assert legend[0].startswith("Russia → Pakistan  (effect +0.40") and legend[1].startswith("Pakistan → Russia")
    key = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert any(t.startswith("solid: with the events") for t in key)
    assert any(t.startswith("dashed: without the events") and "baseline" in t for t in key)
    assert any(t.startswith("circles") for t in key) and any(t.startswith("squares") for t in key)
    assert "Synthetic" in figure.get_suptitle() and "moved most" in figure.get_suptitle()


def test_pairs_axes_are_fitted_to_the_data_within_the_score_bounds():
    figure = plots.plot_top_pairs(make_result(), n=3)
    low, high = _panels(figure)[0].get_ylim()  # Russia↔Pakistan runs from 0.10 to about 0.51
    assert -1.0 < low < 0.10 and 0.51 < high < 1.0 and high - low < 0.8
    assert plots.fitted_limits(0.50, 0.52)[1] - plots.fitted_limits(0.50, 0.52)[0] >= 0.2  # never zoomed to noise
    assert plots.fitted_limits(-1.0, 1.0) == (-1.05, 1.05)


def test_event_labels_sit_above_the_axes_not_over_the_data():
    figure = plots.plot_top_pairs(make_result())
    plots.style.figure_bytes(figure, "png")  # drawn: the labels' places on the canvas are known
    for ax in _panels(figure):
        labels = [t for t in ax.texts if t.get_text()]
        assert [t.get_text() for t in labels] == ["1", "2"]  # one number per event month
        top = ax.get_window_extent().y1
        assert all(t.get_window_extent().y0 >= top for t in labels)  # on a strip above, never over the data
    key = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert any(t.startswith("1: month 3, arms sale: Russia → Pakistan") for t in key)
    assert any(t.startswith("2: month 5, diplomatic visit") and "reaction" in t for t in key)


def test_every_figure_has_a_caption_saying_what_to_look_at():
    result = make_result()
    for stem, figure in (("pairs_over_time", plots.plot_top_pairs(result)),
                         ("heatmaps", plots.plot_heatmaps(result)), ("bloc_map", plots.plot_bloc_maps(result))):
        text = figure._supxlabel.get_text().replace("\n", " ")
        assert text.startswith(("Look", "Compare")), stem
        assert text == plots.caption(stem, result).replace("\n", " ") or " ".join(text.split()) == " ".join(
            plots.caption(stem, result).split()), stem
    assert "|score| < 0.1 are not drawn" in plots.caption("bloc_map", result)


def test_several_runs_show_a_band():
    figure = plots.plot_top_pairs(make_result(runs=2), n=3)
    key = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert any("range of 2 runs" in t for t in key)
    ax = _panels(figure)[0]
    bands = [c for c in ax.collections if type(c).__name__ in ("PolyCollection", "FillBetweenPolyCollection")]
    assert len(bands) == 2  # one per direction: two bands a panel stay legible
    top = bands[0].get_paths()[0].vertices[:, 1]
    assert np.ptp(top) > 0.3  # follows the trajectory, not a flat strip


def test_without_events_the_pairs_that_drifted_most_are_shown():
    figure = plots.plot_top_pairs(make_result(events=False))
    assert "drifted" in figure.get_suptitle()
    key = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert not any("with the events" in t for t in key)
    legend = [t.get_text() for ax in _panels(figure) for t in ax.get_legend().get_texts()]
    assert all("change +0.01" in t for t in legend)  # every pair drifts by 0.01 in the made-up data


def test_pairs_the_events_did_not_move_are_left_out():
    # five directed pairs have an effect (four pairs); asking for six must not pad with a "+0.00" pair
    figure = plots.plot_top_pairs(make_result(), n=6)
    assert len(_panels(figure)) == 4
    assert "The 4 pairs" in figure.get_suptitle()


# --- heatmaps ----------------------------------------------------------------------------------------

def test_heatmaps_have_three_labelled_panels():
    figure = plots.plot_heatmaps(make_result())
    panels = [a for a in figure.axes if a.get_images()]
    assert [a.get_title().split("\n")[0] for a in panels] == [
        "Month 0 (start)", "Month 12 (end)", "Effect of the events at month 12"]
    for ax in panels:
        assert ax.get_ylabel() == "how this actor regards…" and ax.get_xlabel() == "…this actor"
        assert [t.get_text() for t in ax.get_yticklabels()] == ACTORS
        assert [t.get_text() for t in ax.get_xticklabels()] == ACTORS
    start_cells = plots.cell_numbers(panels[0])
    assert {"0.10", "−0.80", "0.60"} <= set(start_cells)
    assert len(start_cells) == 12  # no number on the diagonal
    assert start_cells[:3] == ["0.10", "0.60", "−0.50"]  # row by row: Russia's views of the others
    numbers = [c for c in panels[0].collections if hasattr(c, "texts")][0]  # drawn as one collection
    assert len(numbers.get_paths()) == 12 and all(len(path.vertices) > 10 for path in numbers.get_paths())
    assert tuple(numbers.get_offsets()[0]) == (1.0, 0.0)  # Russia→Pakistan: column 1, row 0
    effect_cells = set(plots.cell_numbers(panels[2]))
    assert {"0.40", "0.30", "−0.25", "0.00"} <= effect_cells
    score_limits = panels[0].get_images()[0].get_clim()
    assert score_limits == (-1.0, 1.0)
    assert panels[2].get_images()[0].get_clim() == (-0.5, -0.5 * -1)  # the fixed scale, whatever the data
    assert np.ma.is_masked(panels[0].get_images()[0].get_array()[0, 0])
    bars = [a for a in figure.axes if not a.get_images()]
    # one bar for the start and the end (both on the whole score range), one for the effect's fixed scale
    assert len(bars) == 2 and all(b.get_ylabel() for b in bars)
    assert "alignment score" in bars[0].get_ylabel() and bars[0].get_ylim() == (-1.0, 1.0)
    assert "fixed scale ±0.50" in bars[1].get_ylabel() and bars[1].get_ylim() == (-0.5, 0.5)


def test_effect_colour_scale_is_fixed_or_set_by_the_user():
    small = plots.plot_heatmaps(make_result())  # largest effect 0.40
    chosen = plots.plot_heatmaps(make_result(), effect_scale=0.25)
    effect = [a for a in small.axes if a.get_images()][2].get_images()[0]
    assert effect.get_clim() == (-plots.style.EFFECT_SCALE, plots.style.EFFECT_SCALE)
    panel = [a for a in chosen.axes if a.get_images()][2]
    assert panel.get_images()[0].get_clim() == (-0.25, 0.25)
    bar = [a for a in chosen.axes if not a.get_images()][1]
    assert "±0.25" in bar.get_ylabel()
    with pytest.raises(EntenteError, match="effect colour scale"):
        plots.plot_heatmaps(make_result(), effect_scale=0)


# --- bloc map ----------------------------------------------------------------------------------------

def _node_colours(ax) -> dict[str, tuple]:
    """Actor -> node face colour, matching each name label to the node nearest to it."""
    nodes = []
    for collection in ax.collections:
        if type(collection).__name__ != "PathCollection":
            continue
        colours = collection.get_facecolors()
        for k, xy in enumerate(collection.get_offsets()):
            nodes.append((np.asarray(xy), tuple(np.round(colours[k % len(colours)], 4))))
    found = {}
    for text in ax.texts:
        if text.get_text() in ACTORS:
            where = np.asarray(getattr(text, "xy", text.get_position()))  # an annotation points at its node
            found[text.get_text()] = min(nodes, key=lambda node: np.linalg.norm(node[0] - where))[1]
    return found


def test_bloc_map_colours_nodes_by_bloc():
    figure = plots.plot_bloc_maps(make_result())
    start_ax, end_ax = [a for a in figure.axes if a.get_title()]
    assert start_ax.get_title() == "Month 0 (start)" and end_ax.get_title() == "Month 12 (end)"
    start, end = _node_colours(start_ax), _node_colours(end_ax)
    assert set(start) == set(ACTORS)
    assert start["US"] == start["India"] != start["Russia"] == start["Pakistan"]
    # India moved to Russia's and Pakistan's bloc by the end
    assert end["India"] == end["Russia"] == end["Pakistan"] != end["US"]
    legend = [t.get_text() for box in figure.legends for t in box.get_texts()]
    assert "bloc 1" in legend and "bloc 2" in legend
    assert any("cooperative" in t for t in legend) and any("hostile" in t for t in legend)
    assert any("|score| = 0.9" in t for t in legend)
    titles = [box.get_title().get_text() for box in figure.legends]
    assert any("bloc" in t for t in titles) and any("edge" in t for t in titles)


def test_bloc_map_edges_follow_sign_and_omit_weak_pairs():
    from matplotlib.collections import LineCollection

    ax = plots.plot_bloc_map(make_result(), 0).axes[0]
    assert ax.get_title() == "Month 0 (start)"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "bloc 1" in legend and any("hostile" in t for t in legend)
    edges = [c for c in ax.collections if isinstance(c, LineCollection)]
    # month 0 symmetric propensities: Russia-India 0.55, Pakistan-India -0.75, Russia-US -0.55,
    # India-US 0.45, Russia-Pakistan 0.15; Pakistan-US 0.075 is too weak to draw.
    drawn = sum(len(c.get_segments()) for c in edges)
    assert drawn == 5
    colours = {tuple(np.round(c.get_colors()[0], 3)) for c in edges}
    assert len(colours) == 2  # cooperative and hostile differ
    widths = sorted(w for c in edges for w in np.atleast_1d(c.get_linewidths()))
    assert widths[0] < widths[-1]  # stronger pairs are wider


def test_several_runs_use_the_partition_most_runs_share():
    # At the end India is in bloc 2 in run 1 and in bloc 1 in every later run.
    assert plots.blocs_at(make_result(runs=3), MONTHS) == {"Russia": 2, "Pakistan": 2, "India": 1, "US": 1}
    assert plots.blocs_at(make_result(runs=2), MONTHS)["India"] == 2  # a tie: the earlier run's partition
    assert plots.blocs_at(make_result(), MONTHS)["India"] == 2
    assert plots.blocs_at(make_result(runs=3), 0)["India"] == 1


# --- drawing -----------------------------------------------------------------------------------------

def test_text_drawn_from_cached_outlines_measures_as_matplotlib_does():
    import matplotlib
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties, findfont

    from sim.present import glyphs

    renderer = RendererAgg(100, 100, plots.style.DPI)
    scale = renderer.points_to_pixels(10)
    for weight in ("normal", "bold"):
        prop = FontProperties(family=plots.style.FONT, size=10, weight=weight)
        for text in ("0.61", "Russia ↔ Pakistan", "how this actor regards…", "AVAVA To Wy", "lp", "↔"):
            with matplotlib.rc_context({"text.hinting": "no_hinting"}):  # the outlines are unhinted too
                expected = renderer.get_text_width_height_descent(text, prop, ismath=False)
            box = glyphs.text_box(text, findfont(prop))
            assert all(abs(mine * scale - theirs) < 0.5 for mine, theirs in zip(box, expected)), (text, weight)
    assert glyphs.text_path("中文", findfont(FontProperties(family=plots.style.FONT))) is None  # left to matplotlib


def test_png_is_the_canvas_pixels_without_alpha(tmp_path):
    import io

    from PIL import Image

    figure = plots.plot_bloc_maps(make_result())
    data = plots.style.figure_bytes(figure, "png")
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB" and image.size == (int(16.0 * plots.style.DPI), int(7.4 * plots.style.DPI))
    assert round(image.info["dpi"][0]) == plots.style.DPI
    pixels = np.asarray(figure.canvas.buffer_rgba())
    assert np.array_equal(np.asarray(image), pixels[:, :, :3])


def test_glyph_canvas_draws_text_where_and_as_large_as_matplotlib():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def ink(canvas_of) -> np.ndarray:
        figure = Figure(figsize=(4, 1), dpi=plots.style.DPI, facecolor="white")
        figure.text(0.5, 0.5, "Russia → Pakistan", ha="center", va="center", fontsize=14, rotation=0)
        canvas = canvas_of(figure)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[:, :, 0] < 128  # dark pixels

    from sim.present import glyphs

    ours, theirs = ink(glyphs.canvas), ink(FigureCanvasAgg)
    assert 0.85 < ours.sum() / theirs.sum() < 1.15  # as much ink: same size and weight, give or take hinting
    rows, columns = np.nonzero(ours)
    their_rows, their_columns = np.nonzero(theirs)
    # the same place, to a few pixels of 600 (matplotlib hints its glyphs a little wider than the outlines)
    assert abs(columns.mean() - their_columns.mean()) < 5 and abs(rows.mean() - their_rows.mean()) < 2
