"""The Figure every Entente figure is: matplotlib's, plus a picture of itself for Jupyter.

Entente builds its figures without pyplot (no global state, no GUI backend), so Jupyter's matplotlib
support, which pyplot registers, never sees them: a figure as a cell's last line printed
`<Figure size 2700x990 with 5 Axes>`. `_repr_png_` is IPython's display protocol for any object; the PNG
is the file's own bytes (style.figure_bytes), so the notebook shows exactly what `sim run` writes.
Imported only where a figure is drawn: importing matplotlib here costs the figure's callers nothing more.
"""

from __future__ import annotations

from matplotlib.figure import Figure as _MatplotlibFigure

from . import style


class Figure(_MatplotlibFigure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter (IPython's `_repr_png_`)."""

    def _repr_png_(self) -> bytes:
        return style.figure_bytes(self, "png")
