"""The Mesa model: actors as agents, one step per month.

The numbers move in sim/dynamics.py (pure numpy); this module owns the bookkeeping around them: which
events happen when, how third parties and rivals respond, and what is recorded each month.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from . import dynamics, landscape
from .codebook import EventType, load_codebook
from .parameters import Parameters
from .scenario import ScheduledEvent
from .world import World

# Event types through which an actor gains a military patron, and the counter-move each calls for.
# For the one-way types the target is the client; for the others either side gains a partner.
ONE_WAY_TIES = {"arms_sale", "covert_support"}
MILITARY_TIES = {
    "arms_sale": "arms_sale",
    "defence_pact": "defence_pact",
    "military_exercise": "military_exercise",
    "covert_support": "arms_sale",
    "nuclear_cooperation": "nuclear_cooperation",
}


@dataclass(frozen=True)
class LoggedEvent:
    """An event as it happened, with where it came from and why."""

    month: int
    type: str
    source: str
    target: str
    intensity: float
    origin: str  # "scenario" or "reaction"
    reason: str
    audience_share: float = 1.0


class Actor(mesa.Agent):
    """A state or an armed group. Holds its own row of the alignment matrix and decides its reactions."""

    def __init__(self, model: "AlignmentModel", name: str, index: int, capability: float,
                 kind: str = "state") -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.capability = capability
        self.kind = kind
        self.last_reaction: int | None = None

    @property
    def scores(self) -> dict[str, float]:
        """How this actor regards every other actor now."""
        row = self.model.scores[self.index]
        return {a.name: float(row[a.index]) for a in self.model.actors if a is not self}

    def regard_before(self, other: "Actor") -> float:
        """Regard at the start of this month, before its events: reactions answer news, judged by old ties."""
        return float(self.model.scores_before[self.index, other.index])

    def react(self) -> None:
        """Seek a counter-patron when a rival has just gained a military patron.

        A rival is an actor this one regards below -rival_threshold. The counter-patron is an actor at
        least as capable as this one (a patron, not a client), neither the rival nor its new patron, that
        best combines mutual regard with this actor and distance from the rival; none is sought if no
        candidate is on good terms with this actor and cool towards the rival.
        """
        model = self.model
        params = model.parameters
        month = model.steps
        if not params.reactions or params.reaction_intensity <= 0:
            return
        if self.last_reaction is not None and month - self.last_reaction < params.reaction_cooldown:
            return
        if month >= model.months:
            return  # a counter-move next month would fall outside the horizon
        trigger = self._strongest_trigger()
        if trigger is None:
            return
        event, rival, patron = trigger
        partner = self._counter_patron(rival, patron)
        if partner is None:
            return
        # An armed group does not buy arms on the open market: its counter-move is covert support.
        kind = "covert_support" if self.kind == "armed_group" else MILITARY_TIES[event.type]
        reason = (
            f"{self.name} regards {rival.name} as a rival ({self.regard_before(rival):+.2f}) and {rival.name} "
            f"gained {patron.name} as a military partner ({event.type}, month {event.month}); "
            f"{self.name} turns to {partner.name} (mutual regard "
            f"{(self.regard_before(partner) + partner.regard_before(self)) / 2:+.2f}, {partner.name} towards "
            f"{rival.name} {partner.regard_before(rival):+.2f})"
        )
        model.schedule_reaction(
            LoggedEvent(month + 1, kind, partner.name, self.name, params.reaction_intensity, "reaction", reason)
        )
        self.last_reaction = month

    def _strongest_trigger(self):
        best = None
        threshold = -self.model.parameters.rival_threshold
        for event in self.model.events_this_month:
            if event.type not in MILITARY_TIES or self.model.codebook[event.type].weight <= 0:
                continue
            patron, client = self.model.actor(event.source), self.model.actor(event.target)
            if self in (patron, client):
                continue
            pairs = [(client, patron)] if event.type in ONE_WAY_TIES else [(client, patron), (patron, client)]
            for rival, patron in pairs:
                hostility = self.regard_before(rival)
                if hostility < threshold and (best is None or hostility < best[0]):
                    best = (hostility, event, rival, patron)
        return None if best is None else best[1:]

    def _counter_patron(self, rival: "Actor", patron: "Actor"):
        best = None
        for other in self.model.actors:
            if other in (self, rival, patron) or other.capability < self.capability:
                continue
            mutual = (self.regard_before(other) + other.regard_before(self)) / 2
            appeal = mutual - other.regard_before(rival)
            if mutual > 0 and other.regard_before(rival) < 0.5 and (best is None or appeal > best[1]):
                best = (other, appeal)
        return None if best is None else best[0]


class AlignmentModel(mesa.Model):
    """Alignment scores among actors, moved each month by memory, balance, reciprocity and events."""

    def __init__(
        self,
        world: World,
        events: tuple[ScheduledEvent, ...] = (),
        parameters: Parameters | None = None,
        *,
        months: int = 36,
        n_blocs: int = 2,
        rng: int | None = None,
        codebook: dict[str, EventType] | None = None,
    ) -> None:
        super().__init__(rng=rng)
        self.parameters = parameters or Parameters()
        self.codebook = codebook or load_codebook()
        self.months = months
        self.n_blocs = n_blocs
        self.capabilities = np.asarray(world.capabilities, dtype=float)
        n = len(world.names)
        anchoring = world.anchoring if world.anchoring is not None else np.ones(n)
        attention = world.attention if world.attention is not None else np.ones(n)
        self.memory = self.parameters.memory * anchoring[:, None]  # per actor: rows are its own views
        self.audience = self.parameters.audience_scale * attention
        self.scores = dynamics.zero_diagonal(world.scores)
        self.scores_before = self.scores
        self.baseline = self.scores.copy()
        self._by_name: dict[str, Actor] = {}
        for index, name in enumerate(world.names):
            kind = world.kinds[index] if world.kinds else "state"
            self._by_name[name] = Actor(self, name, index, float(world.capabilities[index]), kind)
        self.actors = [self._by_name[name] for name in world.names]  # fixed order = matrix order
        self._scheduled: dict[int, list[LoggedEvent]] = {}
        for event in events:
            self._scheduled.setdefault(event.month, []).append(
                LoggedEvent(event.month, event.type, event.source, event.target, event.intensity, "scenario",
                            event.note, event.audience_share))
        self._active: list[tuple[LoggedEvent, int]] = []  # (event, months of impulse left)
        self.events_this_month: list[LoggedEvent] = []
        self.log: list[LoggedEvent] = []
        self.blocs = self._blocs()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "scores": lambda m: m.scores.copy(),
                "baseline": lambda m: m.baseline.copy(),
                "blocs": lambda m: m.blocs,
            }
        )
        self.datacollector.collect(self)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actors]

    def actor(self, name: str) -> Actor:
        return self._by_name[name]

    def schedule_reaction(self, event: LoggedEvent) -> None:
        self._scheduled.setdefault(event.month, []).append(event)

    def step(self) -> None:
        month = self.steps
        params = self.parameters
        n = len(self.actors)
        # Drawn every month whether or not it is used, so a scenario and its event-free baseline share
        # the same random numbers (common random numbers make their difference the events' effect).
        shocks = self.rng.standard_normal((n, n))
        noise = dynamics.zero_diagonal(shocks * params.noise)

        self.events_this_month = self._scheduled.pop(month, [])
        self.log.extend(self.events_this_month)
        for event in self.events_this_month:
            self._active.append((event, self.codebook[event.type].duration))
        impulse, durable = self._impulses()
        self.scores_before = self.scores

        self.scores, self.baseline = dynamics.step(
            self.scores, self.baseline, impulse, durable, noise,
            memory=self.memory, balance=params.balance, reciprocity=params.reciprocity,
            balance_mode=params.balance_mode,
        )
        self.agents.shuffle_do("react")
        self.blocs = self._blocs()
        self.datacollector.collect(self)

    def _impulses(self) -> tuple[np.ndarray, np.ndarray]:
        impulse = np.zeros_like(self.scores)
        durable = np.zeros_like(self.scores)
        still_active = []
        for event, left in self._active:
            kind = self.codebook[event.type]
            delta = dynamics.event_impulse(
                self.scores, self.actor(event.source).index, self.actor(event.target).index,
                kind.weight * event.intensity / kind.duration,
                event_scale=self.parameters.event_scale, audience_scale=self.audience,
                audience_share=event.audience_share,
            )
            impulse += delta
            durable += kind.durable * delta
            if left > 1:
                still_active.append((event, left - 1))
        self._active = still_active
        return impulse, durable

    def _blocs(self) -> tuple[int, ...]:
        propensity = (self.scores + self.scores.T) / 2
        labels, _ = landscape.best_partition(propensity, self.capabilities, self.n_blocs)
        return tuple(int(label) for label in labels)

    def run(self) -> "AlignmentModel":
        for _ in range(self.months):
            self.step()
        return self
