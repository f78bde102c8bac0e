"""The Mesa model: actors as agents (agents.py), scheduling and bookkeeping (model.py)."""

from .agents import Actor
from ..core.events import LoggedEvent
from .model import AlignmentModel

__all__ = ["Actor", "AlignmentModel", "LoggedEvent"]
