"""The engine (engine.py): a Mesa model whose agents, the actors (agents.py), decide their reactions through
the rules in reactions.py, for every run at once.

The names below load on first use, so that the Mesa-free part of this package (ledger.py, reactions.py)
imports without Mesa: a figure-drawing process never needs it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .events import LoggedEvent
    from .agents import Actor
    from .engine import AlignmentModel

__all__ = ["Actor", "AlignmentModel", "LoggedEvent"]


_WHERE = {"Actor": ".agents", "AlignmentModel": ".engine", "LoggedEvent": ".events"}


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
