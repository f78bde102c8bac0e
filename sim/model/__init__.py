"""The Mesa model: actors as agents (agents.py), scheduling and bookkeeping (model.py).

The names below load on first use, so that the Mesa-free part of this package (ledger.py, which the
summary and the figures read) imports without Mesa: a figure-drawing process never needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..core.events import LoggedEvent
    from .agents import Actor
    from .model import AlignmentModel

__all__ = ["Actor", "AlignmentModel", "LoggedEvent"]


_WHERE = {"Actor": ".agents", "AlignmentModel": ".model", "LoggedEvent": "..core.events"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
