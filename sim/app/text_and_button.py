"""A text field and the button that uses it, as one widget whose click carries the text as typed.

Solara's InputText sends its text when the field is left, as a change of the widget's state, and the
widgets' state changes are throttled in the browser (one at a time per widget, the next held until the
server has answered the last), while a click is sent at once. On a busy server a name typed and followed
at machine speed by "Add the team" reached the server after the click, and the team was added without
it. Here the text (and the choice beside it, if any) stays in the browser until the click, and goes in the
click's own message.
"""

from __future__ import annotations

from typing import Any, Callable

import solara

MAX_CHARS = 2000  # a note or a name is a line: a hand-made message cannot make the server hold a book


@solara.component_vue("text_and_button.vue")
def _TextAndButton(label: str, button: str, event_submit: Callable[[Any], None], value: str = "",
                   color: str | None = None, disabled: bool = False, clear: bool = False, field_style: str = "",
                   children: tuple = (), choices: tuple = (), choice_label: str = "", choice: str | None = None):
    """The widget (sim/app/text_and_button.vue)."""


@solara.component
def TextAndButton(label: str, button: str, on_submit: Callable[[str, str | None], None], *, value: str = "",
                  color: str | None = None, disabled: bool = False, clear: bool = False,
                  field_style: str = "min-width: 12em", children: list | None = None,
                  choices: list[str] | None = None, choice_label: str = "", choice: str | None = None):
    """label: the field's; button: the button's text; on_submit(text, choice) on a click, with the text shown
    then (cleared after the click if `clear`) and the choice picked in `choices` (a select labelled
    choice_label, starting at `choice`; None without choices); children: widgets shown before the button."""
    offered = list(choices or [])

    def submitted(data: Any) -> None:
        data = data if isinstance(data, dict) else {}
        text, picked = data.get("text"), data.get("choice")
        on_submit(text[:MAX_CHARS] if isinstance(text, str) else "", picked if picked in offered else None)

    _TextAndButton(label=label, button=button, event_submit=submitted, value=value, color=color,
                   disabled=disabled, clear=clear, field_style=field_style, children=children or [],
                   choices=offered, choice_label=choice_label, choice=choice)
