"""The engine: every Monte Carlo run of a scenario and its event-free baseline, advancing together as one
Mesa model whose agents are the actors. One run is runs=1.

Scores are (runs, n, n) arrays moved by the kernel in sim/model/dynamics.py (batched over leading axes);
the actors (sim/model/agents.py) decide their reactions for all runs at once. Each run draws from its own
generator, split into two streams (noise, chances: sim/model/draws.py), and schedules its reactions of a
month in its own actor order: a shuffle by the stdlib generator seeded with the run's seed, as Mesa's
`shuffle_do` orders the agents of a model seeded so. Nothing else depends on other runs, so run k of a
batch is run k computed alone (tests/test_properties.py holds that over random worlds).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import dynamics, landscape
from .draws import Draws
from .events import CAPABILITY, HOSTILE, EventType, LoggedEvent, ScheduledEvent
from .parameters import Parameters, specs
from .scenario import ActorChange
from .world import World
from .agents import Actor
from .ledger import COMPETITION, EVENT, PartsLedger
from .mesa_import import mesa
from .reactions import counter_patron_reason, patron_supplies, riposte_reason

NEVER = np.iinfo(np.int64).min // 2  # last_reaction of an actor that has not reacted yet


@dataclass
class Slot:
    """One event in force for some runs: a scenario event (every run) or a group of identical reactions.

    position: with one run, its place in the run's log (the attribution ledger's key)."""

    month: int
    type: str
    source: int
    target: int
    intensity: float
    audience_share: float
    runs: np.ndarray | None  # indices of the runs it happens in; None = every run
    note: str = ""
    left: int = 0
    position: int = -1
    mutual: bool = False  # half of a mutual hostile act: nobody's riposte
    reaction: bool = False  # an actor's counter-move: no reaction answers it (chains stop at depth 2)


@dataclass
class Trajectories:
    """What the engine produced, as arrays: run k is row k.

    scores, baseline: (runs, months + 1, n, n), the scenario and its event-free baseline, month 0 included.
    blocs: (runs, months + 1, n) canonical labels (0 = the bloc with the largest capability), or None.
    events: one tuple per logged event, by run, then month, scenario events before reactions:
    (run index, month, type, source, target, intensity, origin, actor, probability, reason).
    """

    scores: np.ndarray
    baseline: np.ndarray
    blocs: np.ndarray | None
    events: list[tuple]


class AlignmentModel(mesa.Model):
    """Alignment scores among actors in every run, moved each month by memory, balance, reciprocity and
    events; the actors' reactions add events. See the module docstring."""

    def __init__(
        self,
        world: World,
        events: tuple[ScheduledEvent, ...],
        parameters: Parameters | Sequence[Parameters],
        *,
        seeds: list[int],
        months: int,
        codebook: dict[str, EventType],
        n_blocs: int = 2,
        changes: tuple[ActorChange, ...] = (),
        record_parts: bool = False,
    ) -> None:
        """seeds: one per run (sim.model.draws.run_seed). parameters: one set for every run, or one per run (a
        design's points stepped as one batch; balance_mode must agree). record_parts: split each month's
        change by cause into `self.ledger` (exact attribution, one run only; the same scores)."""
        super().__init__(rng=seeds[0] if seeds else 0)
        if record_parts and len(seeds) != 1:
            raise ValueError("record_parts needs exactly one run")
        sets = [parameters] * len(seeds) if isinstance(parameters, Parameters) else list(parameters)
        if len(sets) != len(seeds):
            raise ValueError(f"one set of parameters per run: {len(sets)} sets for {len(seeds)} runs")
        if len({p.balance_mode for p in sets}) > 1:
            raise ValueError("the runs of one batch must share balance_mode")
        self.parameters = sets[0]  # run 1's set, for readers; the engine reads each run's values through `each`
        self.each = PerRun(sets)
        self.codebook = codebook  # passed in (sim.inputs.tables.load_codebook): the model reads no files
        self.months = months
        self.n_blocs = n_blocs
        self.runs = len(seeds)
        self.seeds = list(seeds)
        self.names = list(world.names)
        n = len(self.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        anchoring = world.anchoring if world.anchoring is not None else np.ones(n)
        attention = world.attention if world.attention is not None else np.ones(n)
        self.rates = self.each.rates(anchoring)  # memory per actor: rows are its own views
        self.audience = self.each.outer("audience_scale", attention)
        start = dynamics.zero_diagonal(world.scores)
        self.scores = np.broadcast_to(start, (self.runs, n, n)).copy()
        self.structural = self.scores.copy()  # the baseline memory pulls towards; events' lasting parts move it
        self.prior = self.scores.copy()  # the long-run baseline a de-escalation restores and friendship buffers
        self.reference = self.scores.copy()  # the event-free runs: same draws, no events
        self.reference_structural = self.scores.copy()
        self.scores_before = self.scores
        self.capabilities = np.asarray(world.capabilities, dtype=float)
        self.arms_exports = world.export_shares()
        self.actor_list = [Actor(self, name, i, world.kinds[i] if world.kinds else "state")
                           for i, name in enumerate(self.names)]
        _forget_agent_ids(self)
        self._scheduled: dict[int, list[Slot]] = {}
        for event in events:
            self._scheduled.setdefault(event.month, []).append(Slot(
                event.month, event.type, self.index[event.source], self.index[event.target], event.intensity,
                event.audience_share, None, event.place or event.note, mutual=event.mutual))
        self._changes: dict[int, list[ActorChange]] = {}
        for change in changes:
            self._changes.setdefault(change.month, []).append(change)
        self._active: list[Slot] = []
        self.events_this_month: list[Slot] = []
        self._news: dict[int, list[Slot]] = {}  # month -> the events that began then (reactions read them late)
        self._reaction_news: list | None = None  # this month's reaction_news, listed once for every actor
        self._cooperation: list[Slot] = []  # every cooperative event so far: a riposte waits for none between
        self.partners = np.zeros((self.runs, n, n), dtype=bool)  # military ties so far, both ways
        self.last_reaction = np.full((self.runs, n), NEVER, dtype=np.int64)
        self.chances = np.ones((self.runs, n))  # this month's reaction chances, row k from run k's stream
        self.reacting = self.each.reacting()  # per run: do its actors react at all
        self._draws = Draws([np.random.default_rng(seed) for seed in seeds], n,
                            noise=bool(np.any(self.each("noise") != 0)), chances=bool(np.any(self.reacting)),
                            months=months)
        self._no_noise = np.zeros((self.runs, n, n))
        self._decided: list[tuple] = []
        self._orders: dict[int, tuple] = {}  # run -> (its stdlib generator, its actor orders so far)
        self.log: list[tuple] = []
        self.ledger = PartsLedger(n) if record_parts else None
        self._logged = 0  # slots activated so far (one run: their log positions)
        self.history = np.empty((self.runs, months + 1, n, n))  # filled month by month: no copies to stack
        self.reference_history = np.empty_like(self.history)
        self.history[:, 0] = self.scores
        self.reference_history[:, 0] = self.reference
        self.capability_history = [self.capabilities.copy()]

    # -- what the agents read and call --------------------------------------------------------------------
    def in_slot(self, slot: Slot) -> np.ndarray:
        """Which runs an event happens in, as a mask."""
        mask = np.zeros(self.runs, dtype=bool)
        mask[slice(None) if slot.runs is None else slot.runs] = True
        return mask

    def news(self):
        """The news the actors weigh this month, as (slot, runs mask): the events that began reaction_lag - 1
        months ago (a counter-move comes reaction_lag months after its news), in each run by its own lag."""
        lag = self.each("reaction_lag")
        lags = np.broadcast_to(np.asarray(lag, dtype=float), (self.runs,))
        for value in sorted(set(lags.tolist())):
            for slot in self._news.get(self.steps - int(value) + 1, []):
                yield slot, self.in_slot(slot) & (lags == value)

    def reaction_news(self) -> list:
        """news() less reactions (a counter-move is never news to react to) and slots in no run: the same
        for every actor in a month, so listed once a month (200 actors listed it 200 times, issue 25)."""
        if self._reaction_news is None:
            self._reaction_news = [(slot, runs) for slot, runs in self.news() if not slot.reaction and runs.any()]
        return self._reaction_news

    def cooperated(self, a: int, b: int, since: int) -> np.ndarray:
        """Per run, whether a and b had a cooperative event (either way) from month `since` to now."""
        mask = np.zeros(self.runs, dtype=bool)
        for slot in self._cooperation:
            if slot.month >= since and {slot.source, slot.target} == {a, b}:
                mask |= self.in_slot(slot)
        return mask

    def decide(self, run: int, actor: Actor, option: tuple, patron: int, probability: float) -> None:
        """Record one run's reaction with its reason, to be scheduled in the run's actor order."""
        what, move, _, slot, rival, partner, own_partner = option
        name = actor.name
        before = self.scores_before[run]
        i = actor.index
        if what == "patron":
            supplied = patron_supplies(float(self.arms_exports[i]), float(self.arms_exports[patron]), actor.kind)
            source, target = (patron, i) if supplied else (i, patron)
            reason = counter_patron_reason(
                name, self.names[rival], float(before[i, rival]), self.names[partner], slot.type, slot.month,
                bool(own_partner[run]), self.names[patron], bool(self.partners[run, i, patron]),
                float((before[i, patron] + before[patron, i]) / 2), float(before[patron, rival]), not supplied)
        else:
            kind = self.codebook[slot.type]
            source, target = i, slot.source
            reason = riposte_reason(name, slot.type, self.names[slot.source], slot.month, kind.weight,
                                    slot.intensity, float(before[i, slot.source]), kind.counter_move)
        self._decided.append((i, run, move, source, target, f"{reason}; chance {probability:.2f}",
                              round(probability, 4)))

    # -- one month ----------------------------------------------------------------------------------------
    def step(self) -> None:
        month = self.steps
        if month > self.months:
            raise RuntimeError(f"the model runs {self.months} months; it cannot step to month {month}")
        shocks, chances = self._draws.month()  # the run's noise shocks (None at noise 0) and chances
        if chances is not None:
            self.chances = chances
        noise = self._no_noise if shocks is None else dynamics.zero_diagonal(self.each.noise(shocks))
        for change in self._changes.pop(month, []):
            self._apply(change)

        self.events_this_month = self._scheduled.pop(month, [])
        self._news[month] = self.events_this_month
        self._reaction_news = None
        for slot in self.events_this_month:
            kind = self.codebook[slot.type]
            if kind.weight > 0:
                self._cooperation.append(slot)
            slot.left = kind.duration
            slot.position = self._logged
            self._logged += 1
            if slot.runs is None:
                self.log.append((None, month, slot.type, self.names[slot.source], self.names[slot.target],
                                 slot.intensity, "scenario", self.names[slot.source], 1.0, slot.note))
            self._active.append(slot)
            if kind.military_tie and kind.weight > 0:
                runs = slice(None) if slot.runs is None else slot.runs
                self.partners[runs, slot.source, slot.target] = True
                self.partners[runs, slot.target, slot.source] = True
        impulse, durable, sources = self._impulses()
        self.scores_before = self.scores
        if self.ledger is None:
            self.scores, self.structural = dynamics.step(self.scores, self.structural, impulse, durable, noise,
                                                         self.rates)
        else:
            scores, structural = self.ledger.step(self.scores[0], self.structural[0], impulse[0], durable[0],
                                                  noise[0], self.rates, sources)
            self.scores, self.structural = scores[None], structural[None]
        zero = np.zeros_like(self.reference)
        self.reference, self.reference_structural = dynamics.step(
            self.reference, self.reference_structural, zero, zero, noise, self.rates)
        self._decided = []
        if self.reacting.any() and month < self.months and self.reaction_news():  # else no actor has news
            self.agents.do("react")  # simultaneous: each decides from scores_before, for every run
        self._schedule_decided(month)
        self.history[:, month] = self.scores
        self.reference_history[:, month] = self.reference
        self.capability_history.append(self.capabilities.copy())
        self.running = month < self.months

    def _impulses(self) -> tuple[np.ndarray, np.ndarray, list]:
        """This month's impulse and its lasting part from every event in force, and (with the ledger) each
        event's own share, in the order they are summed."""
        impulse = np.zeros_like(self.scores)
        durable = np.zeros_like(self.scores)
        sources: list = []
        still_active = []
        for slot in self._active:
            kind = self.codebook[slot.type]
            runs = slice(None) if slot.runs is None else slot.runs
            scores = self.scores[runs]
            weight = kind.weight * slot.intensity / kind.duration
            delta = dynamics.event_impulse(
                scores, slot.source, slot.target, weight,
                event_scale=self.each.at("event_scale", runs), audience_scale=self.each.rows(self.audience, runs),
                audience_share=slot.audience_share, rule=kind.audience, one_way=kind.one_way,
                rival_sympathy=self.each.at("rival_sympathy", runs),
            )
            share = np.minimum(kind.durable * self.each.at("lasting_scale", runs), 1.0)
            if kind.restorative:  # its lasting part undoes the damage to the pair's baseline, no more
                lasting = dynamics.restoration(self.structural[runs], self.prior[runs], slot.source, slot.target,
                                               share * slot.intensity / kind.duration)
            else:
                lasting = dynamics.lasting_part(delta, share, self.prior[runs], hostile=kind.audience == HOSTILE,
                                                buffer=self.each.at("friendship_buffer", runs))
            impulse[runs] += delta
            durable[runs] += lasting
            if self.ledger is not None:
                sources.append(((slot.position, EVENT), delta[0], lasting[0]))
            if kind.audience == CAPABILITY and kind.one_way:
                # A patron's displeasure at a client buying from its rival is brief: not in the baseline.
                scale = (self.each.at("competition_scale", runs) * self.each.at("audience_scale", runs)
                         * self.each.at("event_scale", runs))
                competition = dynamics.client_competition(
                    scores, slot.source, slot.target, weight,
                    competition_scale=scale, audience_share=slot.audience_share)
                impulse[runs] += competition
                if self.ledger is not None:
                    sources.append(((slot.position, COMPETITION), competition[0], np.zeros_like(competition[0])))
            if slot.left > 1:
                slot.left -= 1
                still_active.append(slot)
        self._active = still_active
        return impulse, durable, sources

    def _schedule_decided(self, month: int) -> None:
        """This month's reactions as slots for next month, in each run's own actor order.

        Two actors choosing the same move in a run make one deal (the first in the run's order). Slots
        group the runs that make the same move at the same rank in their run's order, so every run sees its
        reactions in its order.
        """
        by_run: dict[int, list[tuple]] = {}
        for decision in self._decided:
            by_run.setdefault(decision[1], []).append(decision)
        ranked = []
        for run, decisions in by_run.items():
            if len(decisions) > 1:
                order = self._actor_order(run, month)
                decisions.sort(key=lambda d: order.index(d[0]))
                decisions = _first_of_each_move(decisions)
            ranked.extend((rank, run, d) for rank, d in enumerate(decisions))
        ranked.sort(key=lambda item: item[:2])
        groups: dict[tuple, list[int]] = {}
        intensity = self.each("reaction_intensity")
        at = (lambda run: intensity) if np.ndim(intensity) == 0 else (lambda run: float(intensity[run]))
        for rank, run, (_, _, move, source, target, _, _) in ranked:
            groups.setdefault((rank, move, source, target, at(run)), []).append(run)
        for (_, move, source, target, strength), runs in groups.items():
            slot = Slot(month + 1, move, source, target, strength, 1.0, np.array(runs, dtype=np.intp), reaction=True)
            self._scheduled.setdefault(month + 1, []).append(slot)
        for _, run, (actor, _, move, source, target, reason, probability) in ranked:
            self.log.append((run, month + 1, move, self.names[source], self.names[target], at(run), "reaction",
                             self.names[actor], probability, reason))

    def _actor_order(self, run: int, month: int) -> list[int]:
        """Run `run`'s actor order at `month`: the month-th shuffle of the actors by the stdlib generator
        seeded with the run's seed (Mesa's shuffle_do order for a model so seeded). Drawn only for runs
        with two or more reactions in a month, and then for every month up to it, in sequence."""
        if run not in self._orders:
            self._orders[run] = (random.Random(self.seeds[run]), [])
        shuffler, orders = self._orders[run]
        while len(orders) < month:
            order = list(range(len(self.names)))
            shuffler.shuffle(order)
            orders.append(order)
        return orders[month - 1]

    def _apply(self, change: ActorChange) -> None:
        """An actor changes what it is (e.g. an armed group becomes a governing state): from now on its
        kind decides how it reacts, and its capability weighs in the blocs."""
        actor = self.actor_list[self.index[change.actor]]
        if change.kind is not None:
            actor.kind = change.kind
        if change.capability is not None:
            self.capabilities = self.capabilities.copy()
            self.capabilities[actor.index] = change.capability

    # -- a whole run --------------------------------------------------------------------------------------
    def run(self, *, track_blocs: bool = True) -> Trajectories:
        """Step to the horizon and hand over the arrays (blocs searched month by month, each run's search
        warm-started from its previous month)."""
        while self.steps < self.months:
            self.step()
        return Trajectories(self.history, self.reference_history, self.blocs() if track_blocs else None,
                            self.event_rows())

    def blocs(self, months: int | None = None) -> np.ndarray:
        """The lowest-energy partition of each run's scores at months 0..months (default: those stepped)."""
        months = self.steps if months is None else months
        scores = self.history
        runs, n = scores.shape[0], scores.shape[2]
        labels = np.empty((runs, months + 1, n), dtype=np.intp)
        if runs == 1:  # one run: its months searched together where they can be (the same labels)
            propensities = scores[0, :months + 1] + np.swapaxes(scores[0, :months + 1], -1, -2)
            propensities /= 2  # as (x + x') / 2 below, without a second copy of every month
            labels[0] = landscape.partitions_over_time(propensities, np.array(self.capability_history[:months + 1]),
                                                       self.n_blocs)
            return labels
        for month in range(months + 1):
            propensity = (scores[:, month] + np.swapaxes(scores[:, month], -1, -2)) / 2
            labels[:, month] = landscape.best_partitions(propensity, self.capability_history[month], self.n_blocs,
                                                         labels[:, month - 1] if month else None)
        return labels

    def event_rows(self) -> list[tuple]:
        """The log by run, then month, scenario events (in scenario order) before reactions (in each run's
        actor order)."""
        keyed = []
        for position, row in enumerate(self.log):
            runs = range(self.runs) if row[0] is None else (row[0],)
            for run in runs:
                keyed.append(((run, row[1], row[6] != "scenario", position), (run, *row[1:])))
        keyed.sort(key=lambda item: item[0])
        return [row for _, row in keyed]

    def logged_events(self, run: int = 0) -> tuple[LoggedEvent, ...]:
        """One run's log as LoggedEvents, in order (the attribution ledger's positions)."""
        return tuple(LoggedEvent(month, kind, source, target, intensity, origin, reason, actor=actor,
                                 probability=probability)
                     for r, month, kind, source, target, intensity, origin, actor, probability, reason
                     in self.event_rows() if r == run)


def _first_of_each_move(decisions: list[tuple]) -> list[tuple]:
    """One run's decisions of a month, in actor order, without the later ones that repeat a move (the same
    type, source and target): two actors choosing the same deal make one."""
    seen, kept = set(), []
    for decision in decisions:
        move = decision[2:5]
        if move not in seen:
            seen.add(move)
            kept.append(decision)
    return kept


def _forget_agent_ids(model: mesa.Model) -> None:
    """Drop Mesa's per-model id counter once the agents exist (the model adds none later): Mesa before
    3.4.2 keeps every model it has seen as a key of `Agent._ids`, so a process building many models would
    never free one (about 35 MB per 1000 runs)."""
    ids = getattr(mesa.Agent, "_ids", None)
    if ids is not None and hasattr(ids, "pop"):
        ids.pop(model, None)


class PerRun:
    """The runs' parameters, each as one value when every run has the same (then the arithmetic is exactly
    that of a single set) or as an array over runs where they differ."""

    def __init__(self, sets: list[Parameters]) -> None:
        self.runs = len(sets)
        self._values: dict[str, float | np.ndarray] = {}
        for spec in specs():
            values = [getattr(p, spec.name) for p in sets]
            same = all(v == values[0] for v in values)
            self._values[spec.name] = values[0] if same or spec.choices else np.array(values, dtype=float)
        self._sets = sets

    def __call__(self, name: str) -> float | np.ndarray:
        return self._values[name]

    def at(self, name: str, runs) -> float | np.ndarray:
        """The value for the runs `runs` (an index array or a slice): a scalar stays a scalar."""
        value = self._values[name]
        return value if np.ndim(value) == 0 else value[runs]

    @staticmethod
    def rows(array: np.ndarray, runs) -> np.ndarray:
        """Rows of a per-run array (runs, ...) for `runs`; an array without a runs axis as it is."""
        return array if array.ndim < 2 else array[runs]

    def outer(self, name: str, per_actor: np.ndarray) -> np.ndarray:
        """value x per-actor multiplier: (n,) for a common value, (runs, n) where runs differ."""
        value = self._values[name]
        return value * per_actor if np.ndim(value) == 0 else value[:, None] * per_actor[None, :]

    def rates(self, anchoring) -> dynamics.Rates:
        if all(np.ndim(self._values[k]) == 0 for k in ("memory", "balance", "reciprocity")):
            return self._sets[0].rates(anchoring)
        column = np.asarray(anchoring, dtype=float)[None, :, None]

        def per_run(name: str) -> np.ndarray:
            return np.broadcast_to(np.asarray(self._values[name], dtype=float), (self.runs,))[:, None, None]

        return dynamics.Rates(memory=per_run("memory") * column, balance=per_run("balance"),
                              reciprocity=per_run("reciprocity"), balance_mode=self._sets[0].balance_mode)

    def noise(self, shocks: np.ndarray) -> np.ndarray:
        """This month's noise for every run: shocks x its noise (exactly 0 where a run has none)."""
        value = self._values["noise"]
        if np.ndim(value) == 0:
            return shocks * value
        return np.where(value[:, None, None] != 0, shocks * value[:, None, None], 0.0)

    def reacting(self) -> np.ndarray:
        """Per run, whether its actors react at all (reactions on and a counter-move of some intensity)."""
        return np.array([bool(p.reactions) and p.reaction_intensity > 0 for p in self._sets])
