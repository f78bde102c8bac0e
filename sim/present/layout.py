"""Fixed layouts for the run's figures: axes placed in inches around the text they must hold, measured once.

Matplotlib's constrained layout measures every artist again on each draw (and makes savefig draw twice);
it was half the cost of a plain `sim run`. The run's figures are regular, so each is laid out here by hand:
the few strings that set a margin (actor names, legend entries, the caption) are measured with the font's
own metrics, everything else uses matplotlib's fixed paddings. Lengths are inches unless named otherwise.
"""

from __future__ import annotations

import functools
import math
import textwrap
from typing import Literal

from . import style

Slant = Literal["normal", "italic", "oblique"]

POINT = 1 / 72  # inches per typographic point
LINE_SPACING = 1.2  # matplotlib's height of one line of text, as a multiple of the font size
EDGE = 0.1  # white between the figure's edge and anything drawn
TICK = 7 * POINT  # axis to tick label: matplotlib's 3.5 pt tick and 3.5 pt pad
BARE_TICK = 3.5 * POINT  # axis to tick label when the ticks have no length (the heatmaps)
LABEL_PAD = 5 * POINT  # tick labels to axis label (matplotlib's 4 pt, rounded up)
TITLE_PAD = 6 * POINT  # axes to its title (matplotlib's axes.titlepad)
GAP = 0.12  # air between a figure title or caption and the panels


@functools.lru_cache(maxsize=1024)
def text_width(text: str, size: float, weight: str = "normal", slant: Slant = "normal") -> float:
    """Width of the widest line of text in the figures' font (cached: names and keys repeat across figures)."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import text_to_path

    prop = FontProperties(family=style.FONT, size=size, weight=weight, style=slant)
    return max(text_to_path.get_text_width_height_descent(line, prop, ismath=False)[0]
               for line in str(text).split("\n")) * POINT


def text_height(text: str, size: float) -> float:
    """Height of a block of text: its lines at matplotlib's line spacing."""
    return (str(text).count("\n") + 1) * size * LINE_SPACING * POINT


def wrap_to(text: str, size: float, width: float, slant: Slant = "normal") -> str:
    """Text wrapped at word breaks into as few lines as fit the width (in inches), of about equal length."""
    text = str(text)
    lines = math.ceil(text_width(text, size, slant=slant) / width)
    characters = math.ceil(len(text) / lines * 1.05)  # balanced lines, with room for a long word at a break
    while True:
        wrapped = "\n".join(textwrap.wrap(text, characters)) or text
        if characters <= 10 or text_width(wrapped, size, slant=slant) <= width:
            return wrapped
        characters -= max(characters // 20, 1)


def place(figure, left: float, bottom: float, width: float, height: float):
    """A new axes at a rectangle given in inches from the figure's lower left corner."""
    figure_width, figure_height = figure.get_size_inches()
    return figure.add_axes((left / figure_width, bottom / figure_height, width / figure_width,
                            height / figure_height))


def wrap_caption(caption: str, figure_width: float) -> str:
    """The caption wrapped to the figure's width (between its edges)."""
    return wrap_to(caption, CAPTION_SIZE, figure_width - 2 * EDGE, slant="italic")


def margins(title: str, title_size: float, caption: str) -> tuple[float, float]:
    """(top, bottom): the inches a figure's title and its wrapped caption take from its edges, gaps included."""
    return EDGE + text_height(title, title_size) + GAP, EDGE + text_height(caption, CAPTION_SIZE) + GAP


def add_title_and_caption(figure, title: str, title_size: float, caption: str) -> None:
    """The title at the top edge and the wrapped caption (italic) at the bottom edge, both centred."""
    height = figure.get_size_inches()[1]
    figure.suptitle(title, fontsize=title_size, y=1 - EDGE / height, va="top")
    figure.supxlabel(caption, fontsize=CAPTION_SIZE, style="italic", color="#333333", y=EDGE / height, va="bottom")


CAPTION_SIZE = 10  # points: the sentence under each figure saying what to look at


def legend_width(labels, size: float, title: str = "", title_size: float = 0.0, handle: float = 2.0) -> float:
    """Width of a frameless legend: handles (handle em long, as matplotlib's default) and the longest label.

    Matplotlib's paddings: 0.8 em between handle and text, 0.4 em border on each side.
    """
    entries = max((text_width(label, size) for label in labels), default=0.0)
    body = (handle + 0.8 + 2 * 0.4) * size * POINT + entries
    return max(body, text_width(title, title_size) + 0.8 * size * POINT if title else 0.0)


def legend_height(labels, size: float, title: str = "", title_size: float = 0.0) -> float:
    """Height of a frameless legend: each entry's lines, 0.5 em between entries, 0.4 em border and the title."""
    lines = sum(str(label).count("\n") + 1 for label in labels)
    body = lines * size * LINE_SPACING * POINT + max(len(labels) - 1, 0) * 0.5 * size * POINT
    return body + 2 * 0.4 * size * POINT + (text_height(title, title_size) if title else 0.0)
