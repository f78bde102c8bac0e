"""Text drawn from glyph outlines cached once per process, instead of FreeType bitmaps glyph by glyph.

Matplotlib's Agg renderer shapes each string again to draw it and renders every glyph with FreeType on
each draw: about half a millisecond for a four-character number, most of a figure's drawing time (a run's
three figures hold some 300 strings). GlyphCanvas draws a figure as FigureCanvasAgg does, except that each
string is laid out once per process from cached outlines (the font's advances and kerning) and filled as
one path, as matplotlib's vector backends and svg.fonttype = "path" draw text anyway. Mathtext, and strings
with a character the font lacks (matplotlib would fall back to another font), are left to matplotlib.

The outlines are unhinted: at the figures' 150 dpi the letters look the same (compare the PNGs of
bench/figures.py --against an older checkout); widths agree with matplotlib's measure to within a pixel.
"""

from __future__ import annotations

import functools

import numpy as np

SCALE = 100.0  # pixels per em at which outlines and advances are read from the font (then divided out)
SUBPIXELS = 64.0  # FreeType's 26.6 fixed point: kerning comes in 64ths of a pixel


def _flags():
    """FreeType load flags without hinting, in matplotlib >= 3.10 and before."""
    try:
        from matplotlib.ft2font import LoadFlags

        return LoadFlags.NO_HINTING
    except ImportError:  # matplotlib < 3.10
        from matplotlib.ft2font import LOAD_NO_HINTING  # type: ignore[attr-defined]

        return LOAD_NO_HINTING


def _kerning_mode():
    try:
        from matplotlib.ft2font import Kerning

        return Kerning.DEFAULT
    except ImportError:  # matplotlib < 3.10
        from matplotlib.ft2font import KERNING_DEFAULT  # type: ignore[attr-defined]

        return KERNING_DEFAULT


@functools.lru_cache(maxsize=16)
def _font(fname: str):
    """A private FT2Font of one font file (matplotlib's shared one is resized under it on every draw)."""
    from matplotlib.ft2font import FT2Font

    font = FT2Font(fname)
    font.set_size(SCALE, 72)  # at 72 dpi a pixel is a point
    return font


@functools.lru_cache(maxsize=2048)
def _glyph(fname: str, character: str) -> tuple[int, np.ndarray, np.ndarray, float] | None:
    """(glyph index, outline vertices at 1 pt, path codes, advance in points), or None if the font lacks it."""
    font = _font(fname)
    index = font.get_char_index(ord(character))
    if index == 0 and not character.isspace():
        return None
    glyph = font.load_char(ord(character), flags=_flags())
    vertices, codes = font.get_path()
    return index, np.asarray(vertices, dtype=float) / SCALE, np.asarray(codes), glyph.linearHoriAdvance / 65536 / SCALE


@functools.lru_cache(maxsize=4096)
def _line(text: str, fname: str):
    """(outline Path at 1 pt, pen start at the origin on the baseline, the pen's end), or None (see text_path)."""
    from matplotlib.path import Path

    font, mode = _font(fname), _kerning_mode()
    vertices, codes, pen, previous = [], [], 0.0, None
    for character in text:
        glyph = _glyph(fname, character)
        if glyph is None:
            return None
        index, outline, kinds, advance = glyph
        if previous is not None:
            pen += font.get_kerning(previous, index, mode) / SUBPIXELS / SCALE
        if len(kinds):
            vertices.append(outline + (pen, 0.0))
            codes.append(kinds)
        pen += advance
        previous = index
    if not vertices:
        return Path(np.zeros((0, 2))), pen
    return Path(np.concatenate(vertices), np.concatenate(codes)), pen


def text_path(text: str, fname: str):
    """One line of text as a Path at 1 pt, pen starting at the origin on the baseline; None to let matplotlib
    draw it (a character the font lacks: matplotlib falls back to another font)."""
    line = _line(text, fname)
    return None if line is None else line[0]


@functools.lru_cache(maxsize=4096)
def text_box(text: str, fname: str) -> tuple[float, float, float] | None:
    """(width, height, descent) of one line at 1 pt, as FreeType measures a string for matplotlib: from the
    pen's start to the further of its end and the ink; ink height; depth of the ink below the baseline
    (negative for a glyph above it). None when matplotlib should measure it (see text_path)."""
    from matplotlib.path import Path

    line = _line(text, fname)
    if line is None:
        return None
    path, pen = line
    ink = path.vertices[path.codes != Path.CLOSEPOLY] if len(path.vertices) else path.vertices
    if not len(ink):
        return max(pen, 0.0), 0.0, 0.0
    low, high = ink.min(axis=0), ink.max(axis=0)
    return float(max(high[0], pen) - min(low[0], 0.0)), float(high[1] - low[1]), float(-low[1])


def cell_labels(ax, texts, cells, colours, size: float, family: str):
    """Short labels centred on data points of ax, as one collection of outlines rather than one Text each.

    For the heatmaps' dozens of cell numbers: a Text costs far more to make and place than its glyphs
    cost to fill. cells: an (x, y) each; colours: a fill each; size in points; family: the font's family
    (the caller's style, so that this module imports nothing of the figures). The collection's `texts`
    attribute keeps the labels as written, in order, for readers of the figure.
    """
    from matplotlib.collections import PathCollection
    from matplotlib.font_manager import FontProperties, findfont
    from matplotlib.path import Path
    from matplotlib.transforms import Affine2D

    fname = findfont(FontProperties(family=family))
    paths = []
    for text in texts:
        path = text_path(text, fname)
        if path is None or not len(path.vertices):
            paths.append(Path(np.zeros((1, 2)), [Path.MOVETO]))
            continue
        ink = path.vertices[path.codes != Path.CLOSEPOLY]
        middle = (ink.min(axis=0) + ink.max(axis=0)) / 2  # centred on the ink, as ha=va="center" look
        paths.append(Path((path.vertices - middle) * size, path.codes))
    points_to_pixels = Affine2D().scale(1 / 72) + ax.figure.dpi_scale_trans  # follows the figure's dpi
    collection = PathCollection(paths, offsets=np.asarray(cells, dtype=float).reshape(-1, 2),
                                offset_transform=ax.transData, transform=points_to_pixels,
                                facecolors=list(colours), edgecolors="none", linewidths=0, zorder=3)
    collection.texts = list(texts)  # type: ignore[attr-defined]
    ax.add_collection(collection, autolim=False)
    return collection


def canvas(figure):
    """A GlyphCanvas for the figure (the figure's own canvas becomes it, as with FigureCanvasAgg(figure))."""
    return _canvas_class()(figure)


@functools.lru_cache(maxsize=1)
def _canvas_class():
    """GlyphCanvas, made once (the classes subclass matplotlib's, imported only when a figure is drawn)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
    from matplotlib.font_manager import findfont
    from matplotlib.transforms import Affine2D

    class GlyphRenderer(RendererAgg):
        """RendererAgg measuring and drawing plain text with cached outlines (see the module's docstring)."""

        def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
            path = None if ismath else text_path(s, findfont(prop))
            if path is None:
                return super().draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)
            if not len(path.vertices):
                return None
            size = self.points_to_pixels(prop.get_size_in_points())
            # As matplotlib's own text-as-path drawing: x, y is the pen's start, y counted from the top.
            transform = Affine2D().scale(size).rotate_deg(angle).translate(x, self.height - y)
            colour = gc.get_rgb()
            gc.set_linewidth(0.0)
            self.draw_path(gc, path, transform, rgbFace=colour)
            return None

        def get_text_width_height_descent(self, s, prop, ismath):
            box = None if ismath else text_box(s, findfont(prop))
            if box is None:
                return super().get_text_width_height_descent(s, prop, ismath)
            size = self.points_to_pixels(prop.get_size_in_points())
            return box[0] * size, box[1] * size, box[2] * size

    class GlyphCanvas(FigureCanvasAgg):
        def get_renderer(self):
            width, height = self.get_width_height(physical=True)
            key = (width, height, self.figure.dpi)
            if getattr(self, "_glyph_key", None) != key:
                self.renderer = GlyphRenderer(width, height, self.figure.dpi)
                self._glyph_key = key
            return self.renderer

    return GlyphCanvas
