"""Shared look of Entente's figures: colour-blind-safe colours, sizes, and byte-reproducible saving.

Colours are from the Okabe & Ito (2008) palette, "Color Universal Design"; scores use matplotlib's RdBu
diverging map (red = hostile, blue = allied), which stays readable for the common forms of colour
blindness. Matplotlib is imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

DPI = 150
FONT = "DejaVu Sans"  # ships with matplotlib, so every machine draws the same glyphs (→, −, …)

# Okabe-Ito colours, yellow left out of lines because it vanishes on white.
LINE_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#999999")
COOPERATIVE = "#0072B2"  # blue: the pair leans towards each other
HOSTILE = "#D55E00"  # vermillion: the pair leans against each other
BLOC_COLOURS = ("#009E73", "#CC79A7", "#F0E442", "#56B4E9", "#E69F00", "#999999")
BLOC_SHAPES = ("o", "s", "^", "D", "v", "p")  # a second cue beside colour
NO_BLOC = "#DDDDDD"
DIAGONAL = "#BBBBBB"
SCENARIO_EVENT = "#555555"
REACTION_EVENT = "#882255"



@dataclass(frozen=True)
class Cue:
    """One way a line is drawn and what it stands for, in every figure that draws it.

    The legends' words are built from here (`label`), and tests/test_visual_language.py checks that the
    worksheets, notes, notebook and README describe the figures with the same cue and phrase, so a text
    can never again call "dashed" what a figure draws otherwise.
    """

    cue: str  # the word a reader sees: "solid", "dashed", "circles"
    phrase: str  # what it stands for, in the words every text uses for it
    detail: str = ""  # said in the legend after the phrase
    style: dict = field(default_factory=dict)  # the matplotlib line settings that draw it

    @property
    def label(self) -> str:
        return f"{self.cue}: {self.phrase}" + (f" ({self.detail})" if self.detail else "")


# The scenario and its baseline: one encoding in every figure (pairs_over_time, bands, the app's chart).
WITH_EVENTS = Cue("solid", "with the events", "the scenario", {"linestyle": "solid", "linewidth": 2.2})
WITHOUT_EVENTS = Cue("dashed", "without the events", "the baseline: same world, no events",
                     {"linestyle": (0, (4, 2.5)), "linewidth": 1.4})

# The two directions of a pair: colour and marker shape both differ, so they read apart in grey print too;
# the line style is left to say "with" or "without the events".
DIRECTION_COLOURS = ("#0072B2", "#D55E00")
DIRECTIONS = (Cue("circles", "the first-named actor's view of the second", style={"marker": "o"}),
              Cue("squares", "the second's view of the first", style={"marker": "s"}))
LINE_CUES = (WITH_EVENTS, WITHOUT_EVENTS, *DIRECTIONS)
"""Every line cue of the figures: the single source of their legends and of the texts' test."""
EFFECT_SCALE = 0.5  # the effect heatmap's fixed colour scale (±), the same for every run (--effect-scale)

SCORE_CMAP = "RdBu"
SCORE_LABEL = "alignment score (−1 hostile … +1 allied)"
ARROW = " → "

SVG_SALT = "entente"  # fixed ids for clip paths, so the same figure gives the same SVG bytes
FORMATS = ("png", "svg")


def rc() -> dict:
    """Settings applied while a figure is drawn and saved (never changed globally)."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT],
        "font.size": 10,
        "axes.titlesize": 11,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "svg.hashsalt": SVG_SALT,
        "svg.fonttype": "path",
        "path.simplify": True,
    }


def bloc_colour(bloc: int) -> str:
    return NO_BLOC if bloc < 1 else BLOC_COLOURS[(bloc - 1) % len(BLOC_COLOURS)]


def bloc_shape(bloc: int) -> str:
    return "o" if bloc < 1 else BLOC_SHAPES[(bloc - 1) % len(BLOC_SHAPES)]


def figure_bytes(figure, fmt: str, dpi: int = DPI) -> bytes:
    """One figure as file bytes with no date or software version in them: same figure, same bytes.
    dpi: the files' resolution unless a caller (the page, at screen size) asks for another.

    PNG is drawn once straight onto an Agg canvas and encoded by png_bytes: savefig would draw a figure
    with a layout engine twice and Pillow's adaptive row filters cost more than the drawing saves.
    """
    import io

    import matplotlib

    if fmt != "png":
        metadata = {"Date": None, "Creator": None}
        buffer = io.BytesIO()
        with matplotlib.rc_context(rc()):
            figure.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata, facecolor="white")
        return buffer.getvalue()

    import numpy as np

    from . import glyphs

    canvas = glyphs.canvas(figure)
    facecolor = figure.get_facecolor()
    if figure.dpi != dpi:
        figure.set_dpi(dpi)
    figure.set_facecolor("white")  # as savefig(facecolor="white"): the canvas is opaque, so alpha can go
    try:
        with matplotlib.rc_context(rc()):
            canvas.draw()
        return png_bytes(np.asarray(canvas.buffer_rgba()), dpi)
    finally:
        figure.set_facecolor(facecolor)


PNG_ZLIB_LEVEL = 1  # zlib effort: flat figure colours compress nearly as well at 1 as at 6, in half the time


def png_bytes(rgba, dpi: float) -> bytes:
    """An opaque RGBA pixel array (rows top first) as a minimal PNG: 8-bit RGB, no row filter, no text chunks.

    Byte-reproducible: the same pixels and zlib give the same bytes. Filter "none" suits figures, whose
    large flat areas zlib already compresses well; the pHYs chunk records the resolution, as savefig does.
    """
    import struct
    import zlib

    import numpy as np

    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # each row starts with its filter type: 0 = none
    body = rows[:, 1:].reshape(height, width, 3)
    for channel in range(3):  # channel by channel: a strided copy of all three at once is several times slower
        body[:, :, channel] = rgba[:, :, channel]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    per_metre = round(dpi / 0.0254)
    return b"".join((
        b"\x89PNG\r\n\x1a\n",
        chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),  # 8-bit RGB, no interlace
        chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),  # pixels per metre
        chunk(b"IDAT", zlib.compress(rows.data, PNG_ZLIB_LEVEL)),
        chunk(b"IEND", b""),
    ))


def save_figure(figure, path: Path, fmt: str) -> Path:
    """Write one figure (see figure_bytes)."""
    from ..inputs.safe_files import write_file

    return write_file(path, figure_bytes(figure, fmt), what="figure")
