"""How numbers are written for a reader, in one place: the terminal, report.html, the SVG waterfall, the
figures, role sheets, debriefs, comparisons and situation reports all call these.

Rounding happens before formatting and `+ 0.0` turns -0.0 into 0.0, so a score that rounds to zero never
reads "-0.00". Typographic output uses the true minus sign (U+2212), which lines up with "+" in tables and
figures; plain output keeps the ASCII hyphen-minus for terminals and Markdown that may lack the glyph.
"""

from __future__ import annotations

MINUS = "−"  # U+2212


def signed(value: float, digits: int = 2, *, typographic: bool = False) -> str:
    """'+0.63' / '-0.30' (typographic: '−0.30'), never '-0.00'."""
    text = f"{round(float(value), digits) + 0.0:+.{digits}f}"
    return text.replace("-", MINUS) if typographic else text


def number(value: float, digits: int = 2, *, typographic: bool = False) -> str:
    """'0.63' / '-0.30' (typographic: '−0.30'), never '-0.00'."""
    text = f"{round(float(value), digits) + 0.0:.{digits}f}"
    return text.replace("-", MINUS) if typographic else text
