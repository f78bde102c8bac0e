"""A scenario as plain data: its settings, added actors, overrides of starting scores and events."""

from __future__ import annotations

from dataclasses import dataclass, field

from .events import ScheduledEvent
from .parameters import Parameters

DEFAULT_MONTHS = 36


@dataclass(frozen=True)
class AddedActor:
    name: str
    capability: float
    relations: dict[str, float] = field(default_factory=dict)
    kind: str = "state"
    anchoring: float = 1.0
    attention: float = 1.0


@dataclass(frozen=True)
class ActorChange:
    """An actor changing what it is during a scenario, from month `month` on (e.g. the Taliban taking Kabul)."""

    month: int
    actor: str
    kind: str | None = None
    capability: float | None = None
    note: str = ""


@dataclass(frozen=True)
class RelationOverride:
    source: str
    target: str
    score: float
    directed: bool = False


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str = ""
    months: int = DEFAULT_MONTHS
    seed: int = 0
    runs: int = 1
    parameters: Parameters = field(default_factory=Parameters)
    added_actors: tuple[AddedActor, ...] = ()
    relations: tuple[RelationOverride, ...] = ()
    events: tuple[ScheduledEvent, ...] = ()
    actor_parameters: dict[str, dict[str, float]] = field(default_factory=dict)  # {actor: {anchoring: x}}
    changes: tuple[ActorChange, ...] = ()
    expectations: tuple = ()  # hindcast expectations (sim.core.hindcast.Expectation)
    file: str | None = None
    relations_file: str | None = None
