"""The batched engine: every Monte Carlo run of a scenario, and its baseline, advancing together.

Scores are held as (runs, n, n) arrays and moved by the same kernel as the per-run model
(sim/core/dynamics.py is batched over leading axes). The actors stay Mesa agents, one per actor, and each
decides its reactions for all runs at once as array operations, with the per-run model's rules
(sim/model/agents.py). Every run draws from its own generator, seeded as the per-run model is seeded and
split into the same two streams (noise, chances; sim/core/draws.py), and reactions are scheduled in
actor order as in the per-run model, so run k of a batch is identical to run k computed alone by
AlignmentModel, the reference implementation (tests/test_batch.py holds that).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import numpy as np

from ..core import dynamics, landscape
from ..core.draws import Draws
from ..core.events import CAPABILITY, HOSTILE, EventType, ScheduledEvent
from ..core.parameters import Parameters
from ..core.scenario import ActorChange
from ..core.world import World
from .agents import (ARMED_GROUP, counter_patron_choice, counter_patron_reason, patron_supplies,
                     reaction_probability, riposte_reason)
from .mesa_import import mesa

NEVER = np.iinfo(np.int64).min // 2  # last_reaction of an actor that has not reacted yet


@dataclass
class _Slot:
    """One event in force for some runs: a scenario event (every run) or a group of identical reactions."""

    month: int
    type: str
    source: int
    target: int
    intensity: float
    audience_share: float
    runs: np.ndarray | None  # indices of the runs it happens in; None = every run
    left: int = 0


@dataclass
class BatchTrajectories:
    """What a batch produced, as arrays: run k is row k.

    scores, baseline: (runs, months + 1, n, n), the scenario and its event-free baseline, month 0 included.
    blocs: (runs, months + 1, n) canonical labels (0 = the bloc with the largest capability).
    events: one tuple per logged event, in the per-run model's log order within a run:
    (run index, month, type, source, target, intensity, origin, actor, probability, reason).
    """

    scores: np.ndarray
    baseline: np.ndarray
    blocs: np.ndarray | None
    events: list[tuple]


class BatchActor(mesa.Agent):
    """One actor, deciding its reactions in every run at once."""

    def __init__(self, model: "BatchModel", name: str, index: int, kind: str) -> None:
        super().__init__(model)
        self.name = name
        self.index = index
        self.kind = kind

    def react(self) -> None:
        """Agents.Actor.react for all runs: the most likely reason wins (the first on ties), and the run's
        draw decides; options are examined in the per-run order (counter-patrons by event, then ripostes)."""
        model = self.model
        params = model.parameters
        month = model.steps
        if not params.reactions or params.reaction_intensity <= 0 or month >= model.months:
            return
        i = self.index
        ready = month - model.last_reaction[:, i] >= params.reaction_cooldown
        if not ready.any():
            return
        best_p = np.full(model.runs, -np.inf)
        best_option = np.full(model.runs, -1)
        best_patron = np.full(model.runs, -1)
        options: list[tuple] = []
        for slot in model.events_this_month:
            for option in self._counter_patron_options(slot):
                options.append(option[:-2])
                valid, probability, patron = option[-2], option[-1], option[2]
                better = valid & (probability > best_p)
                best_p = np.where(better, probability, best_p)
                best_option = np.where(better, len(options) - 1, best_option)
                best_patron = np.where(better, patron, best_patron)
        for slot in model.events_this_month:
            for option in self._riposte_options(slot):
                options.append(option[:-2])
                valid, probability = option[-2], option[-1]
                better = valid & (probability > best_p)
                best_p = np.where(better, probability, best_p)
                best_option = np.where(better, len(options) - 1, best_option)
        acting = ready & (best_option >= 0) & (model.draws[:, i] < best_p)
        for run in np.flatnonzero(acting):
            model.decide(run, self, options[best_option[run]], int(best_patron[run]), float(best_p[run]))
        model.last_reaction[acting, i] = month

    def _probability(self, concern: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """reaction_probability elementwise (the very function the per-run model calls), 0 where invalid."""
        params = self.model.parameters
        out = np.zeros(concern.shape)
        for run in np.flatnonzero(valid & (concern > 0)):
            out[run] = reaction_probability(float(concern[run]), params.reaction_midpoint, params.reaction_spread)
        return out

    def _in_slot(self, slot: _Slot) -> np.ndarray:
        mask = np.zeros(self.model.runs, dtype=bool)
        mask[slice(None) if slot.runs is None else slot.runs] = True
        return mask

    def _counter_patron_options(self, slot: _Slot):
        """Yields (kind, event slot, patron per run, rival, partner, own partner per run, valid, probability)."""
        model = self.model
        kind = model.codebook[slot.type]
        if not kind.military_tie or kind.weight <= 0 or kind.counter_move is None:
            return
        i, supplier, client = self.index, slot.source, slot.target
        if i in (supplier, client):
            return
        valid = self._in_slot(slot)
        if self.kind == ARMED_GROUP:
            valid &= model.partners[:, i, supplier] | model.partners[:, i, client]
        if not valid.any():
            return
        before = model.scores_before
        pairs = [(client, supplier)] if kind.one_way else [(client, supplier), (supplier, client)]
        for rival, partner in pairs:
            hostility = np.maximum(0.0, -before[:, i, rival])
            own_partner = model.partners[:, i, partner] | (before[:, i, partner] >= 0.5)
            concern = hostility * (1.0 + model.parameters.concern_bonus * own_partner.astype(float))
            probability = self._probability(concern, valid)
            patron = self._counter_patron(rival, partner)
            ok = valid & (probability > 0) & (patron >= 0)
            move = "covert_support" if self.kind == ARMED_GROUP else kind.counter_move
            yield ("patron", move, patron, slot, rival, partner, own_partner, ok, probability)

    def _riposte_options(self, slot: _Slot):
        model = self.model
        kind = model.codebook[slot.type]
        if kind.audience != HOSTILE or slot.target != self.index or kind.counter_move is None:
            return
        valid = self._in_slot(slot)
        hostility = np.maximum(0.0, -model.scores_before[:, self.index, slot.source])
        severity = abs(kind.weight) * slot.intensity
        concern = severity * (1.0 + hostility)
        probability = self._probability(concern, valid)
        yield ("riposte", kind.counter_move, None, slot, None, None, None, valid & (probability > 0), probability)

    def _counter_patron(self, rival: int, partner: int) -> np.ndarray:
        """The patron's index per run (counter_patron_choice, as the per-run model), or -1 when there is none."""
        model = self.model
        armed = np.array([other.kind == ARMED_GROUP for other in model.actor_list])
        return counter_patron_choice(model.scores_before, model.partners, self.index, rival, partner, armed)


def _mesa_shuffler(seed: int, n: int):
    """A function returning, call after call, the order of Mesa's shuffle_do for a model seeded `seed`
    with n agents (agent i created i-th, as AlignmentModel creates its actors)."""
    replay = mesa.Model(rng=seed)
    for _ in range(n):
        mesa.Agent(replay)

    def shuffle() -> list[int]:
        called: list[int] = []
        replay.agents.shuffle_do(lambda agent: called.append(agent.unique_id))
        first = min(called)
        return [i - first for i in called]

    return shuffle


@functools.lru_cache(maxsize=None)
def _replays_mesa(n: int) -> bool:
    """Whether random.Random(seed).shuffle gives Mesa's shuffle_do order (checked on a few seeds, months)."""
    for seed in (1, 2**40 + 7):
        mesa_order, ours = _mesa_shuffler(seed, n), random.Random(seed)
        for _ in range(4):
            order = list(range(n))
            ours.shuffle(order)
            if order != mesa_order():
                return False
    return True


class BatchModel(mesa.Model):
    """All runs of a scenario and their baselines, one step per month (see the module docstring)."""

    def __init__(
        self,
        world: World,
        events: tuple[ScheduledEvent, ...],
        parameters: Parameters,
        *,
        seeds: list[int],
        months: int,
        codebook: dict[str, EventType],
        n_blocs: int = 2,
        changes: tuple[ActorChange, ...] = (),
    ) -> None:
        super().__init__(rng=0)  # the model's own generator is unused: each run has its own
        self.parameters = parameters
        self.codebook = codebook
        self.months = months
        self.n_blocs = n_blocs
        self.runs = len(seeds)
        self.seeds = list(seeds)
        self.generators = [np.random.default_rng(seed) for seed in seeds]
        self._orders: dict[int, tuple] = {}  # run -> (Mesa replay, its shuffle orders so far)
        self.names = list(world.names)
        n = len(self.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        anchoring = world.anchoring if world.anchoring is not None else np.ones(n)
        attention = world.attention if world.attention is not None else np.ones(n)
        self.rates = parameters.rates(anchoring)
        self.audience = parameters.audience_scale * attention
        start = dynamics.zero_diagonal(world.scores)
        self.scores = np.broadcast_to(start, (self.runs, n, n)).copy()
        self.structural = self.scores.copy()
        self.reference = self.scores.copy()  # the baseline runs: same draws, no events
        self.reference_structural = self.scores.copy()
        self.scores_before = self.scores
        self.capabilities = np.asarray(world.capabilities, dtype=float)
        self.arms_exports = world.export_shares()
        self.actor_list = [BatchActor(self, name, i, world.kinds[i] if world.kinds else "state")
                           for i, name in enumerate(self.names)]
        self._scheduled: dict[int, list[_Slot]] = {}
        self._notes: dict[int, list[tuple]] = {}
        for event in events:
            self._scheduled.setdefault(event.month, []).append(_Slot(
                event.month, event.type, self.index[event.source], self.index[event.target], event.intensity,
                event.audience_share, None))
            self._notes.setdefault(event.month, []).append((event.type, event.source, event.target,
                                                             event.intensity, event.place or event.note))
        self._changes: dict[int, list[ActorChange]] = {}
        for change in changes:
            self._changes.setdefault(change.month, []).append(change)
        self._active: list[_Slot] = []
        self.events_this_month: list[_Slot] = []
        self.partners = np.zeros((self.runs, n, n), dtype=bool)
        self.last_reaction = np.full((self.runs, n), NEVER, dtype=np.int64)
        self.draws = np.ones((self.runs, n))  # this month's reaction chances, row k from run k's stream
        self._draws = Draws(self.generators, n, noise=parameters.noise != 0,
                            chances=parameters.reactions and parameters.reaction_intensity > 0, months=months)
        self._no_noise = np.zeros((self.runs, n, n))
        self._decided: list[tuple] = []
        self.log: list[tuple] = []
        self.history = np.empty((self.runs, months + 1, n, n))  # filled month by month: no copies to stack
        self.reference_history = np.empty_like(self.history)
        self.history[:, 0] = self.scores
        self.reference_history[:, 0] = self.reference
        self.capability_history = [self.capabilities.copy()]

    def decide(self, run: int, actor: BatchActor, option: tuple, patron: int, probability: float) -> None:
        """Record one run's reaction (agents.Actor.react's LoggedEvent), to be scheduled in actor order."""
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

    def step(self) -> None:
        month = self.steps
        params = self.parameters
        shocks, chances = self._draws.month()  # run k's streams, as the per-run model draws them
        if chances is not None:
            self.draws = chances
        noise = self._no_noise if shocks is None else dynamics.zero_diagonal(shocks * params.noise)
        for change in self._changes.pop(month, []):
            self._apply(change)

        self.events_this_month = self._scheduled.pop(month, [])
        for note in self._notes.pop(month, []):
            self.log.append((None, month, *note[:4], "scenario", note[1], 1.0, note[4]))
        for slot in self.events_this_month:
            kind = self.codebook[slot.type]
            slot.left = kind.duration
            self._active.append(slot)
            if kind.military_tie and kind.weight > 0:
                runs = slice(None) if slot.runs is None else slot.runs
                self.partners[runs, slot.source, slot.target] = True
                self.partners[runs, slot.target, slot.source] = True
        impulse, durable = self._impulses()
        self.scores_before = self.scores
        self.scores, self.structural = dynamics.step(self.scores, self.structural, impulse, durable, noise,
                                                     self.rates)
        zero = np.zeros_like(self.reference)
        self.reference, self.reference_structural = dynamics.step(
            self.reference, self.reference_structural, zero, zero, noise, self.rates)
        self._decided = []
        self.agents.shuffle_do("react")
        self._schedule_decided(month)
        self.history[:, month] = self.scores
        self.reference_history[:, month] = self.reference
        self.capability_history.append(self.capabilities.copy())

    def _schedule_decided(self, month: int) -> None:
        """This month's reactions as slots for next month, in each run's own order.

        The per-run model schedules reactions in the order Mesa's shuffle_do called its actors. That
        order changes nothing else (no decision reads another's within a month), so it is replayed only
        for runs with two or more reactions this month (_mesa_order). Slots group the runs that make the
        same move at the same rank in their run's order, so every run sees its reactions in its order.
        """
        by_run: dict[int, list[tuple]] = {}
        for decision in self._decided:
            by_run.setdefault(decision[1], []).append(decision)
        ranked = []
        for run, decisions in by_run.items():
            if len(decisions) > 1:
                order = self._mesa_order(run, month)
                decisions.sort(key=lambda d: order.index(d[0]))
                decisions = _first_of_each_move(decisions)
            ranked.extend((rank, run, d) for rank, d in enumerate(decisions))
        ranked.sort(key=lambda item: item[:2])
        groups: dict[tuple, list[int]] = {}
        for rank, run, (_, _, move, source, target, _, _) in ranked:
            groups.setdefault((rank, move, source, target), []).append(run)
        intensity = self.parameters.reaction_intensity
        for (_, move, source, target), runs in groups.items():
            slot = _Slot(month + 1, move, source, target, intensity, 1.0, np.array(runs, dtype=np.intp))
            self._scheduled.setdefault(month + 1, []).append(slot)
        for _, run, (actor, _, move, source, target, reason, probability) in ranked:
            self._pending_log(month + 1, run, move, source, target, intensity, actor, probability, reason)

    def _mesa_order(self, run: int, month: int) -> list[int]:
        """The order in which the per-run model's shuffle_do calls its actors at `month`, for one run.

        Mesa shuffles with the model's stdlib generator, seeded with the run's seed; that is replayed
        with random.Random when _replays_mesa confirms Mesa (this version) does exactly that, and with a
        Mesa model of as many agents, seeded as the run's AlignmentModel, otherwise.
        """
        if run not in self._orders:
            if _replays_mesa(len(self.names)):
                shuffler = random.Random(self.seeds[run])

                def shuffle(shuffler=shuffler):
                    order = list(range(len(self.names)))
                    shuffler.shuffle(order)
                    return order
            else:
                shuffle = _mesa_shuffler(self.seeds[run], len(self.names))
            self._orders[run] = (shuffle, [])
        shuffle, orders = self._orders[run]
        while len(orders) < month:
            orders.append(shuffle())
        return orders[month - 1]

    def _pending_log(self, month, run, move, source, target, intensity, actor, probability, reason) -> None:
        self.log.append((run, month, move, self.names[source], self.names[target], intensity, "reaction",
                         self.names[actor], probability, reason))

    def _impulses(self) -> tuple[np.ndarray, np.ndarray]:
        impulse = np.zeros_like(self.scores)
        durable = np.zeros_like(self.scores)
        still_active = []
        for slot in self._active:
            kind = self.codebook[slot.type]
            runs = slice(None) if slot.runs is None else slot.runs
            scores = self.scores[runs]
            weight = kind.weight * slot.intensity / kind.duration
            delta = dynamics.event_impulse(
                scores, slot.source, slot.target, weight,
                event_scale=self.parameters.event_scale, audience_scale=self.audience,
                audience_share=slot.audience_share, rule=kind.audience, one_way=kind.one_way,
            )
            impulse[runs] += delta
            durable[runs] += kind.durable * delta
            if kind.audience == CAPABILITY and kind.one_way:
                impulse[runs] += dynamics.client_competition(
                    scores, slot.source, slot.target, weight,
                    competition_scale=self.parameters.competition_scale, audience_share=slot.audience_share)
            if slot.left > 1:
                slot.left -= 1
                still_active.append(slot)
        self._active = still_active
        return impulse, durable

    def _apply(self, change: ActorChange) -> None:
        actor = self.actor_list[self.index[change.actor]]
        if change.kind is not None:
            actor.kind = change.kind
        if change.capability is not None:
            self.capabilities = self.capabilities.copy()
            self.capabilities[actor.index] = change.capability

    def run(self, *, track_blocs: bool = True) -> BatchTrajectories:
        for _ in range(self.months):
            self.step()
        scores = self.history
        blocs = None
        if track_blocs:
            runs, months, n = scores.shape[0], scores.shape[1], scores.shape[2]
            blocs = np.empty((runs, months, n), dtype=np.intp)
            for month in range(months):
                propensity = (scores[:, month] + np.swapaxes(scores[:, month], -1, -2)) / 2
                blocs[:, month] = landscape.best_partitions(propensity, self.capability_history[month],
                                                            self.n_blocs, blocs[:, month - 1] if month else None)
        return BatchTrajectories(scores, self.reference_history, blocs, self._event_rows())

    def _event_rows(self) -> list[tuple]:
        """The log as each run's AlignmentModel.log would list it: by run, then month, scenario events
        (in scenario order) before reactions (in actor order)."""
        keyed = []
        for position, row in enumerate(self.log):
            runs = range(self.runs) if row[0] is None else (row[0],)
            for run in runs:
                keyed.append(((run, row[1], row[6] != "scenario", position), (run, *row[1:])))
        keyed.sort(key=lambda item: item[0])
        return [row for _, row in keyed]


def _first_of_each_move(decisions: list[tuple]) -> list[tuple]:
    """One run's decisions of a month, in actor order, without the later ones that repeat a move (the same
    type, source and target): two actors choosing the same deal make one, as Actor.react schedules it."""
    seen, kept = set(), []
    for decision in decisions:
        move = decision[2:5]
        if move not in seen:
            seen.add(move)
            kept.append(decision)
    return kept

