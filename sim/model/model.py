"""The Mesa model: actors as agents, one step per month.

The numbers move in sim/core/dynamics.py (pure numpy); this module owns the bookkeeping around them: which
events happen when, how third parties and rivals respond, and what is recorded each month.
"""

from __future__ import annotations

import numpy as np

from ..core import dynamics, landscape
from ..core.draws import Draws
from ..core.events import CAPABILITY, EventType, LoggedEvent, ScheduledEvent
from ..core.parameters import Parameters
from ..core.scenario import ActorChange
from ..core.world import World
from .agents import Actor
from .ledger import COMPETITION, EVENT, PartsLedger
from .mesa_import import mesa

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
        track_blocs: bool = True,
        rng: int | None = None,
        codebook: dict[str, EventType],
        changes: tuple[ActorChange, ...] = (),
        record_parts: bool = False,
    ) -> None:
        """track_blocs: compute the landscape's blocs every month (the event-free baseline run skips them).
        record_parts: split each month's change by cause into `self.ledger` (exact attribution; same scores)."""
        super().__init__(rng=rng)
        self.parameters = parameters or Parameters()
        self.codebook = codebook  # passed in (sim.io.tables.load_codebook): the model reads no files
        self.months = months
        self.n_blocs = n_blocs
        self.capabilities = np.asarray(world.capabilities, dtype=float)
        n = len(world.names)
        # share of world arms exports per actor: which way a counter-move runs (agents.patron_supplies)
        self.arms_exports = world.export_shares()
        anchoring = world.anchoring if world.anchoring is not None else np.ones(n)
        attention = world.attention if world.attention is not None else np.ones(n)
        self.rates = self.parameters.rates(anchoring)  # memory per actor: rows are its own views
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
                            event.place or event.note, event.audience_share))  # its note: Summary.notes
        self._active: list[tuple[LoggedEvent, int]] = []  # (event, months of impulse left)
        self._changes: dict[int, list[ActorChange]] = {}
        for change in changes:
            self._changes.setdefault(change.month, []).append(change)
        self.events_this_month: list[LoggedEvent] = []
        self.log: list[LoggedEvent] = []
        self.ledger = PartsLedger(n) if record_parts else None
        self._log_position: dict[int, int] = {}  # id(event) -> its place in self.log: the ledger's key
        self._month_sources: list = []
        self.track_blocs = track_blocs
        self.partners = np.zeros((n, n), dtype=bool)  # military ties so far (supplied, trained, allied), both ways
        self.reaction_draws = np.ones(n)  # one uniform per actor per month, drawn in step()
        self.blocs: tuple[int, ...] | None = None  # none yet: the first search starts cold
        # The run's two streams (noise, chances), spawned from the model's generator, a block of months at
        # a time; the batched engine draws run k's numbers the same way from the same seed.
        self.draws = Draws([self.rng], n, noise=self.parameters.noise != 0,
                           chances=self.parameters.reactions and self.parameters.reaction_intensity > 0,
                           months=months)
        self._no_noise = np.zeros((n, n))
        self.blocs = self._blocs()
        reporters = {"scores": lambda m: m.scores.copy(), "baseline": lambda m: m.baseline.copy()}
        if track_blocs:
            reporters["blocs"] = lambda m: m.blocs
        self.datacollector = mesa.DataCollector(model_reporters=reporters)
        self.datacollector.collect(self)

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.actors]

    def actor(self, name: str) -> Actor:
        return self._by_name[name]

    def schedule_reaction(self, event: LoggedEvent) -> None:
        self._scheduled.setdefault(event.month, []).append(event)

    def reaction_scheduled(self, month: int, kind: str, source: str, target: str) -> bool:
        """Whether an actor already chose this move this month: two actors choosing the same deal make one."""
        return any(event.origin == "reaction" and (event.type, event.source, event.target) == (kind, source, target)
                   for event in self._scheduled.get(month, ()))

    def step(self) -> None:
        month = self.steps
        params = self.parameters
        # From the run's noise stream (none drawn when noise is 0), so a scenario and its
        # event-free baseline share the same shocks (common random numbers make their difference the
        # events' effect). The chances that decide reactions come from a stream of their own (one per
        # actor per month, used or not), so reactions never shift the shocks, nor noise the chances.
        shocks, chances = self.draws.month()
        if chances is not None:
            self.reaction_draws = chances[0]
        noise = self._no_noise if shocks is None else dynamics.zero_diagonal(shocks[0] * params.noise)
        for change in self._changes.pop(month, []):
            self._apply(change)

        self.events_this_month = self._scheduled.pop(month, [])
        for event in self.events_this_month:
            self._log_position[id(event)] = len(self.log)
            self.log.append(event)
            kind = self.codebook[event.type]
            self._active.append((event, kind.duration))
            if kind.military_tie and kind.weight > 0:
                source, target = self.actor(event.source).index, self.actor(event.target).index
                self.partners[source, target] = self.partners[target, source] = True
        impulse, durable = self._impulses()
        self.scores_before = self.scores

        if self.ledger is None:
            self.scores, self.baseline = dynamics.step(self.scores, self.baseline, impulse, durable, noise, self.rates)
        else:
            self.scores, self.baseline = self.ledger.step(self.scores, self.baseline, impulse, durable, noise,
                                                          self.rates, self._month_sources)
        self.agents.shuffle_do("react")
        self.blocs = self._blocs()
        self.datacollector.collect(self)

    def _impulses(self) -> tuple[np.ndarray, np.ndarray]:
        impulse = np.zeros_like(self.scores)
        durable = np.zeros_like(self.scores)
        still_active = []
        self._month_sources = []
        for event, left in self._active:
            kind = self.codebook[event.type]
            source, target = self.actor(event.source).index, self.actor(event.target).index
            weight = kind.weight * event.intensity / kind.duration
            delta = dynamics.event_impulse(
                self.scores, source, target, weight,
                event_scale=self.parameters.event_scale, audience_scale=self.audience,
                audience_share=event.audience_share, rule=kind.audience, one_way=kind.one_way,
            )
            impulse += delta
            durable += kind.durable * delta
            position = self._log_position.get(id(event))
            if self.ledger is not None:
                self._month_sources.append(((position, EVENT), delta, kind.durable * delta))
            if kind.audience == CAPABILITY and kind.one_way:
                # A patron's displeasure at a client buying from its rival is brief: not in the baseline.
                competition = dynamics.client_competition(
                    self.scores, source, target, weight,
                    competition_scale=self.parameters.competition_scale, audience_share=event.audience_share)
                impulse += competition
                if self.ledger is not None:
                    self._month_sources.append(((position, COMPETITION), competition, np.zeros_like(competition)))
            if left > 1:
                still_active.append((event, left - 1))
        self._active = still_active
        return impulse, durable

    def _apply(self, change: ActorChange) -> None:
        """An actor changes what it is (e.g. an armed group becomes a governing state): from now on its
        kind decides how it reacts, and its capability weighs in the blocs."""
        actor = self.actor(change.actor)
        if change.kind is not None:
            actor.kind = change.kind
        if change.capability is not None:
            actor.capability = change.capability
            self.capabilities = self.capabilities.copy()
            self.capabilities[actor.index] = change.capability

    def _blocs(self) -> tuple[int, ...] | None:
        """The lowest-energy partition of this month's scores (canonical labels), or None when not tracked."""
        if not self.track_blocs:
            return None
        propensity = (self.scores + self.scores.T) / 2
        # Last month's blocs warm-start the search where it is heuristic (over 22 actors for two blocs).
        labels, _ = landscape.best_partition(propensity, self.capabilities, self.n_blocs,
                                             self.blocs)
        return tuple(int(label) for label in labels)

    def run(self) -> "AlignmentModel":
        for _ in range(self.months):
            self.step()
        return self
