"""A number field whose Enter (or leaving the field) carries the number as typed.

Solara's InputFloat keeps the typed text in the widget's state, which the browser sends as a change
throttled one at a time per widget, and reads it back on Enter, which is sent at once: on a busy server
the Enter arrived first and read the value from before the typing, so a typed 0.123 was dropped (a
parameter typed right after uploading a file, under CI's load). Here the text stays in the browser until
Enter or blur and goes in that event's own message (as in sim/app/text_and_button.py).
"""

from __future__ import annotations

from typing import Any, Callable

import solara

MAX_CHARS = 64  # a number is short: a hand-made message cannot make the server parse a book


@solara.component_vue("number_field.vue")
def _NumberField(label: str, value: str, event_commit: Callable[[Any], None], css_class: str = "",
                 field_style: str = "", error: str = ""):
    """The widget (sim/app/number_field.vue)."""


def parsed(text: str, whole: bool) -> int | float:
    """The number a field's text means (a decimal comma is read as a point); ValueError with the words to
    show when it is not one."""
    text = text.strip().replace(",", ".")
    if not text:
        raise ValueError("type a number")
    try:
        number = float(text)
    except ValueError:
        raise ValueError("not a number") from None
    if whole:
        if not number.is_integer():
            raise ValueError("a whole number")
        return int(number)
    return number


@solara.component
def NumberField(label: str, value: int | float, on_value: Callable[[Any], None], *, whole: bool = False,
                css_class: str = "", field_style: str = ""):
    """label, the value shown, on_value(number) when a different number is committed; whole: integers only."""
    error, set_error = solara.use_state("")

    def committed(data: Any) -> None:
        text = data.get("text") if isinstance(data, dict) else None
        try:
            number = parsed(text[:MAX_CHARS] if isinstance(text, str) else "", whole)
        except ValueError as problem:
            set_error(str(problem))
            return
        set_error("")
        if number != value:
            on_value(number)

    shown = str(int(value)) if whole else repr(float(value))  # the shortest text that reads back as the value
    _NumberField(label=label, value=shown, event_commit=committed,
                 css_class=css_class, field_style=field_style, error=error)
