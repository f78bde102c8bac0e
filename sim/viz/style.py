"""Shared look of Entente's figures: colour-blind-safe colours, sizes, and byte-reproducible saving.

Colours are from the Okabe & Ito (2008) palette, "Color Universal Design"; scores use matplotlib's RdBu
diverging map (red = hostile, blue = allied), which stays readable for the common forms of colour
blindness. Matplotlib is imported inside functions so that importing this module stays cheap.
"""

from __future__ import annotations

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

# The two directions of a pair: colour and dash pattern both differ, so they read apart in grey print too.
DIRECTION_COLOURS = ("#0072B2", "#D55E00")
DIRECTION_DASHES = ("solid", (0, (5, 2.5)))
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


def figure_bytes(figure, fmt: str) -> bytes:
    """One figure as file bytes with no date or software version in them: same figure, same bytes."""
    import io

    import matplotlib

    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    buffer = io.BytesIO()
    with matplotlib.rc_context(rc()):
        figure.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def save_figure(figure, path: Path, fmt: str) -> Path:
    """Write one figure (see figure_bytes)."""
    Path(path).write_bytes(figure_bytes(figure, fmt))
    return path
