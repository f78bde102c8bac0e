"""Exact attribution: why a pair moved over one run, split into memory, balance, reciprocity, noise and
every event, reaction and client competition, so that the parts add up to the change.

One run is replayed through the engine with `record_parts=True` (sim/model/ledger.py), which
splits every month's change by dynamics.step_parts; the rules for the non-linear parts are in
docs/model.md, "Attribution". `attribute(scenario)` works from a scenario; `attribution_of(result)`
replays a run of a Result (or of a result folder read back) and checks that the replay gives its scores.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..model.events import LoggedEvent
from ..model.scenario import Scenario
from ..model.world import World
from ..errors import EntenteError
from ..model.ledger import COMPETITION, MECHANISMS
from .result import Result

# How a mechanism is named in a ranked list, in plain words.
MECHANISM_LABELS = {
    "memory": "memory (the pull back towards the starting relationship)",
    "balance": "balance (friend of a friend, enemy of an enemy)",
    "reciprocity": "reciprocity (towards how the other side regards it)",
    "noise": "noise (chance)",
}
REPLAY_TOLERANCE = 2e-6  # the data files keep six decimals
SMALLEST = 5e-7  # a part below this rounds to 0.000000 in the files: not worth naming


VISIBLE = 5e-4
"""A part smaller than this reads +0.000 at three decimals: ranked lists count it with the rest, not by name."""


def leading(parts, most: int) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
    """The parts a ranked list names (the `most` largest that read as more than +0.000) and the rest, less
    the parts that are exactly zero (noise in a run without noise): they add nothing to count. Parts come
    largest first, so the rest is what follows the named ones."""
    named = tuple(part for part in parts if abs(part.value) >= VISIBLE)[:most]
    return named, tuple(part for part in parts[len(named):] if part.value != 0.0)


def event_label(event) -> str:
    """An event as the summary and the reports name it: 'month 3: arms_sale Russia → Pakistan (reaction)'."""
    return (f"month {event['month']}: {event['type']} {event['source']} → {event['target']}"
            + (" (reaction)" if event["origin"] == "reaction" else ""))


def _label(event: LoggedEvent) -> str:
    return event_label({"month": event.month, "type": event.type, "source": event.source,
                        "target": event.target, "origin": event.origin})


@dataclass(frozen=True)
class Part:
    """One cause of a pair's change over a run.

    kind: a mechanism (memory, balance, reciprocity, noise), 'event', 'reaction' or 'competition' (the
    client competition an event caused). value: its part of the change; share: value / the change (None
    when the change is below 1e-9). through_memory: the piece of value that is memory's pull on the event's
    footprint: negative for a warming event as its transient part fades, its durable part held (0 for
    mechanisms). event: the event's label, for the event kinds.
    """

    label: str
    kind: str
    value: float
    share: float | None
    month: int | None = None
    through_memory: float = 0.0
    event: str | None = None


@dataclass(frozen=True, eq=False)
class Attribution:
    """The parts of every directed pair's change over one run (final minus month 0), as (n, n) arrays."""

    scenario: str
    run: int
    seed: int
    months: int
    names: tuple[str, ...]
    initial: np.ndarray
    final: np.ndarray
    events: tuple[LoggedEvent, ...]  # the run's log: scenario events and reactions, in order
    mechanisms: dict[str, np.ndarray]
    sources: dict[tuple[int, str], np.ndarray]  # (place in events, 'event' or 'competition') -> part
    through_memory: dict[tuple[int, str], np.ndarray]

    def _at(self, source: str, target: str) -> tuple[int, int]:
        for name in (source, target):
            if name not in self.names:
                raise EntenteError(f"there is no actor {name!r} in this run",
                                   hint=f"The actors are: {', '.join(self.names)}.")
        if source == target:
            raise EntenteError(f"a pair needs two different actors, got {source!r} twice")
        return self.names.index(source), self.names.index(target)

    def change(self, source: str, target: str) -> float:
        """How source's regard for target moved over the run: score at the last month minus at month 0."""
        i, j = self._at(source, target)
        return float(self.final[i, j] - self.initial[i, j])

    def parts(self, source: str, target: str) -> tuple[Part, ...]:
        """Every cause of the pair's change, largest |value| first (ties: mechanisms, then event order)."""
        i, j = self._at(source, target)
        total = self.change(source, target)
        share = (lambda value: value / total) if abs(total) >= 1e-9 else (lambda value: None)
        parts = [Part(MECHANISM_LABELS[name], name, float(self.mechanisms[name][i, j]),
                      share(float(self.mechanisms[name][i, j]))) for name in MECHANISMS]
        for (place, channel), matrix in self.sources.items():
            event = self.events[place]
            value = float(matrix[i, j])
            if value == 0.0:
                continue  # an event that never reached this pair: it adds nothing, so the sum stays exact
            kind = COMPETITION if channel == COMPETITION else event.origin.replace("scenario", "event")
            label = _label(event) if channel != COMPETITION else f"client competition after {_label(event)}"
            parts.append(Part(label, kind, value, share(value), event.month,
                              float(self.through_memory[(place, channel)][i, j]), _label(event)))
        order = sorted(range(len(parts)), key=lambda k: (-abs(parts[k].value), k))
        return tuple(parts[k] for k in order)

    def by_event(self, source: str, target: str) -> tuple[Part, ...]:
        """One part per logged event (its impulse, lasting part and client competition together), for the
        events that moved the pair by at least 5e-7, largest |value| first."""
        totals: dict[str, list] = {}
        for part in self.parts(source, target):
            if part.event is None:
                continue
            entry = totals.setdefault(part.event, [0.0, 0.0, part])
            entry[0] += part.value
            entry[1] += part.through_memory
        total = self.change(source, target)
        merged = [Part(label, "reaction" if first.kind == "reaction" else "event", value,
                       value / total if abs(total) >= 1e-9 else None, first.month, through, label)
                  for label, (value, through, first) in totals.items() if abs(value) >= SMALLEST]
        return tuple(sorted(merged, key=lambda part: -abs(part.value)))

    def table(self, source: str, target: str) -> pd.DataFrame:
        """The ranked parts as a table: part, kind, month, value, share, through_memory."""
        return pd.DataFrame(
            [(p.label, p.kind, p.month, p.value, p.share, p.through_memory) for p in self.parts(source, target)],
            columns=["part", "kind", "month", "value", "share", "through_memory"])

    def gap(self) -> float:
        """The largest difference, over all pairs, between the sum of the parts and the change: the
        attribution's error (rounding; the tests hold it below 1e-9)."""
        total = sum(self.mechanisms.values()) + sum(self.sources.values(), np.zeros_like(self.initial))
        change = self.final - self.initial
        off_diagonal = ~np.eye(len(self.names), dtype=bool)
        return float(np.max(np.abs(total - change)[off_diagonal], initial=0.0))


def attribute(scenario: Scenario, world: World | None = None, run: int = 1) -> Attribution:
    """Replay one Monte Carlo run of a scenario through the engine, recording its parts (the same scores)."""
    from ..inputs.tables import load_codebook
    from ..inputs.world import build_world
    from ..model.engine import AlignmentModel
    from ..model.draws import run_seed

    if not 1 <= run <= scenario.runs:
        raise EntenteError(f"run {run} is not one of this scenario's runs (1 to {scenario.runs})",
                           hint="Choose a run from 1 to the number of runs.")
    world = world or build_world(scenario)
    model = AlignmentModel(world, scenario.events, scenario.parameters, seeds=[run_seed(scenario.seed, run)],
                           months=scenario.months, codebook=load_codebook(), changes=scenario.changes,
                           record_parts=True)
    out = model.run(track_blocs=False)
    ledger = model.ledger
    return Attribution(
        scenario=scenario.name, run=run, seed=scenario.seed, months=scenario.months, names=tuple(world.names),
        initial=out.scores[0, 0].copy(), final=out.scores[0, -1].copy(), events=model.logged_events(0),
        mechanisms=dict(ledger.mechanisms), sources=dict(ledger.sources),
        through_memory=dict(ledger.through_memory))


def scenario_of(result: Result, scenario_file: str | None = None) -> Scenario:
    """The scenario a Result was run from: its own, or its scenario file read again with the seed, runs and
    parameters the result records (a result folder keeps them in summary.json)."""
    if result.scenario is not None and scenario_file is None:
        return result.scenario
    from ..inputs.scenario_file import load_scenario

    file = scenario_file or result.scenario_file
    if not file:
        raise EntenteError("this result does not say which scenario file it was run from",
                           hint="Name the scenario file (sim explain ... --scenario FILE).")
    bundled = " (bundled)"
    scenario = load_scenario(file[: -len(bundled)] if file.endswith(bundled) else file)
    summary = result.summary
    if summary is None:
        return replace(scenario, seed=result.seed, runs=result.runs)
    return replace(scenario, seed=summary.seed, runs=summary.runs, parameters=summary.parameters)


def attribution_of(result: Result, run: int = 1, *, scenario_file: str | None = None) -> Attribution:
    """Replay a run of a Result and check that the replay gives its stored scores (to the files' six
    decimals); raises EntenteError when it does not, e.g. because the scenario file changed since."""
    scenario = scenario_of(result, scenario_file)
    where = scenario.file or "the scenario"
    if scenario.months != result.months:
        raise _changed(where, f"it now runs {scenario.months} months, the result {result.months}")
    if not 1 <= run <= result.runs:
        raise EntenteError(f"run {run} is not one of this result's runs (1 to {result.runs})",
                           hint="Choose a run from 1 to the number of runs.")
    attribution = attribute(scenario, result.world, run)
    if tuple(attribution.names) != tuple(result.actors):
        raise _changed(where, "its actors differ from the result's")
    stored = result.trajectory(run=run)
    for month, matrix in ((0, attribution.initial), (result.months, attribution.final)):
        off = float(np.max(np.abs(stored[month] - matrix)))
        if off > REPLAY_TOLERANCE:
            raise _changed(where, f"replaying run {run} gives scores at month {month} that differ from the "
                                  f"result's by up to {off:.6f}")
    return attribution


def _changed(where: str, problem: str) -> EntenteError:
    return EntenteError(
        f"the result cannot be explained from {where}: {problem}",
        hint="The scenario file, its relations file or the codebook changed since the run, or the run used "
             "--relations. Run the scenario again (python -m sim run) and explain the new result, or explain "
             "the scenario file itself (python -m sim explain SCENARIO.yaml A B).")
