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


def save_figure(figure, path: Path, fmt: str) -> Path:
    """Write one figure with no date or software version in it: same figure, same bytes."""
    import matplotlib

    metadata = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    with matplotlib.rc_context(rc()):
        figure.savefig(path, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return path
