"""What a run will cost, known before it starts, and the limits above which Entente asks for --allow-large.

A scenario that `validate` passes can still ask for hours of work or gigabytes of files: 1,000 runs of 27
actors over 240 months, or thousands of meetings among many actors. The estimate is arithmetic on
the scenario (no model is built), so it costs nothing; the limits are documented in the README.

`check_scenario` is the one check every entry point runs before the engine starts (`run`, `compare`,
`play`, `sensitivity`, `sweep`, `hindcast`, the Python API and the browser page), so that no way in runs
what `sim run` refuses. A command that runs the scenario many times (a sweep's points, a sensitivity
design) counts every run's work; the data of one run is held at a time, so its size is counted once.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..errors import EntenteError

MAX_PAIR_MONTHS = 25_000_000
"""Directed pair-months simulated (scenario and baseline, every run): rows of alignment.csv + baseline.csv.
The seven bundled actors at the schema's maximum (1,000 runs of 240 months) need 20.2 million."""

MAX_EVENT_IMPULSES = 500_000
"""Scheduled directed events applied over all runs (a meeting of m actors is m(m-1) of them)."""

MAX_OUTPUT_BYTES = 1_000_000_000
"""Estimated size of the data files written."""

_ROW_BYTES = 14  # run, month and score columns of a score row, separators and newline ("1,12,0.123456\n")
_EVENT_BYTES = 40  # run, month, type, intensity, origin of an events.csv row, without names and note


@dataclass(frozen=True)
class Cost:
    actors: int
    months: int
    runs: int
    pair_months: int
    event_impulses: int
    output_bytes: int
    repeats: int = 1  # times the whole ensemble is run (a sweep's points, a sensitivity design's points)

    def text(self) -> str:
        runs = f"{self.runs:,} run{'s' if self.runs != 1 else ''}"
        times = f"{self.repeats:,} times {runs}" if self.repeats != 1 else runs
        return (f"{times} x {self.months} months x {self.actors} actors: {self.pair_months:,} pair-months, "
                f"{self.event_impulses:,} scheduled events applied, about {_size(self.output_bytes)} of data "
                f"{'files' if self.repeats == 1 else 'held per run'}")

    def repeated(self, times: int) -> Cost:
        """The work of running this ensemble `times` times, one after another: the pair-months and events
        add up; the data is that of one ensemble (each is reduced before the next starts)."""
        times = max(int(times), 1)
        return replace(self, pair_months=self.pair_months * times, event_impulses=self.event_impulses * times,
                       repeats=self.repeats * times)


def _size(count: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count} bytes"


def estimate(scenario, names: list[str]) -> Cost:
    """The work and output of running `scenario` among `names` (every actor of its world)."""
    n = len(names)
    name_bytes = sum(len(name.encode("utf-8")) for name in names) / max(n, 1)
    pair_months = 2 * scenario.runs * (scenario.months + 1) * n * (n - 1)
    # events.csv names each scheduled event by its place ("events[3]"); its note is stored once, in summary.json
    per_run_events = sum(_EVENT_BYTES + 2 * name_bytes + len(event.place) for event in scenario.events)
    notes = {event.place: event.note for event in scenario.events}
    output = (pair_months * (_ROW_BYTES + 2 * name_bytes)
              + scenario.runs * (scenario.months + 1) * n * (8 + name_bytes)  # blocs.csv
              + scenario.runs * per_run_events
              + sum(len(note.encode("utf-8")) for note in notes.values()))
    return Cost(n, scenario.months, scenario.runs, pair_months, scenario.runs * len(scenario.events), int(output))


NEAR = 0.5
"""`validate` warns when an estimate reaches this share of a limit."""


def _measures(cost: Cost) -> list[tuple[float, str]]:
    """Each limited quantity as a share of its limit, with a phrase naming it."""
    return [
        (cost.pair_months / MAX_PAIR_MONTHS, f"{cost.pair_months:,} pair-months (limit {MAX_PAIR_MONTHS:,})"),
        (cost.event_impulses / MAX_EVENT_IMPULSES,
         f"{cost.event_impulses:,} scheduled events applied (limit {MAX_EVENT_IMPULSES:,})"),
        (cost.output_bytes / MAX_OUTPUT_BYTES,
         f"about {_size(cost.output_bytes)} of data files (limit {_size(MAX_OUTPUT_BYTES)})"),
    ]


def near_limits(cost: Cost, share: float = NEAR) -> list[str]:
    """The quantities at or above `share` of their limit (over it or not), for `validate`'s warning."""
    return [f"{phrase}: {ratio:.0%} of the limit" for ratio, phrase in _measures(cost) if ratio >= share]


def check_cost(cost: Cost, *, allow_large: bool = False, flag: str = "--allow-large", what: str = "this run",
               lift: str | None = None) -> None:
    """Refuse, with the estimate and how to lower it, a run above the documented limits.

    flag: how the caller lifts the limits (`--allow-large` on the command line, `allow_large=True` in Python).
    what: what is refused ("this run", "this sweep"). lift: the whole way to lift them, where no flag can
    (the browser page), instead of "pass FLAG".
    """
    if allow_large:
        return
    over = [phrase for ratio, phrase in _measures(cost) if ratio > 1]
    if over:
        lower = "the points of the design, " if cost.repeats != 1 else ""
        raise EntenteError(f"{what} is larger than Entente runs without asking: {cost.text()}; over the limit: "
                           f"{'; '.join(over)}",
                           hint=f"Lower {lower}runs (--runs), months, the number of added actors, or the events (a "
                                f"meeting of m actors counts m x (m - 1) times); or {lift or f'pass {flag}'} if you "
                                "mean it.")


def actor_names(scenario) -> list[str]:
    """Every actor of the scenario's world: the default set and the ones the file adds (no world is built)."""
    from .tables import canonical_actors

    return [actor.name for actor in canonical_actors()] + [actor.name for actor in scenario.added_actors]


def check_scenario(scenario, *, repeats: int = 1, allow_large: bool = False, flag: str = "--allow-large",
                   what: str = "this run", lift: str | None = None) -> Cost:
    """The one cost check before the engine starts: the scenario's estimate, times `repeats` ensembles
    (a sweep's points, a sensitivity design), refused above the limits unless allow_large. Returns the cost."""
    cost = estimate(scenario, actor_names(scenario)).repeated(repeats)
    check_cost(cost, allow_large=allow_large, flag=flag, what=what, lift=lift)
    return cost
