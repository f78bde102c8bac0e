"""The Mesa model: actors as agents (agents.py), scheduling and bookkeeping (model.py).

The names below load on first use, so that the Mesa-free part of this package (ledger.py, which the
summary and the figures read) imports without Mesa: a figure-drawing process never needs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.events import LoggedEvent
    from .agents import Actor
    from .model import AlignmentModel

__all__ = ["Actor", "AlignmentModel", "LoggedEvent"]


def __getattr__(name: str):
    if name == "Actor":
        from .agents import Actor

        return Actor
    if name == "AlignmentModel":
        from .model import AlignmentModel

        return AlignmentModel
    if name == "LoggedEvent":
        from ..core.events import LoggedEvent

        return LoggedEvent
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
