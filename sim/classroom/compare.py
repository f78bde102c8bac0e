"""Two results side by side: which pairs, blocs and events differ at the end, as plain data.

Each side is a Result (a result folder read back, or a scenario run now). Scores are compared at each
side's last month, averaged over its runs; an effect is that side's scenario minus its own baseline, so
two scenarios on the same world differ in effect exactly where their events differ. The text and files
are in sim/classroom/compare_report.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import EntenteError
from ..results.result import Result

DIFFERENT = 0.005  # a difference below this rounds to 0.00 and does not count as a difference
EVENT_KEY = ("type", "source", "target", "month")


@dataclass(frozen=True)
class PairDifference:
    """One directed pair at the end of A and of B."""

    source: str
    target: str
    a_final: float
    b_final: float
    a_effect: float
    b_effect: float

    @property
    def effect_difference(self) -> float:
        """A's effect minus B's: what A's events did that B's did not."""
        return self.a_effect - self.b_effect

    @property
    def final_difference(self) -> float:
        return self.a_final - self.b_final

    @property
    def differs(self) -> bool:
        return abs(self.effect_difference) >= DIFFERENT or abs(self.final_difference) >= DIFFERENT


@dataclass(frozen=True)
class EventDifference:
    """An event (type, source, target, month) that one side logged and the other did not."""

    side: str  # "A" or "B"
    type: str
    source: str
    target: str
    month: int
    origin: str  # 'scenario' or 'reaction'
    runs: int  # in how many of that side's runs it happened


@dataclass(frozen=True)
class Comparison:
    a_label: str
    b_label: str
    a_name: str
    b_name: str
    actors: tuple[str, ...]
    a_months: int
    b_months: int
    pairs: tuple[PairDifference, ...]  # every directed pair, largest |effect difference| first
    a_blocs: tuple[tuple[str, ...], ...]
    b_blocs: tuple[tuple[str, ...], ...]
    moved_actors: tuple[str, ...]  # actors whose final bloc-mates differ between A and B
    events: tuple[EventDifference, ...]  # in A only, then in B only, by month
    a_runs: int = 1  # scores and effects are each side's mean over its runs
    b_runs: int = 1

    @property
    def differing_pairs(self) -> tuple[PairDifference, ...]:
        return tuple(pair for pair in self.pairs if pair.differs)

    @property
    def same(self) -> bool:
        return not self.differing_pairs and not self.moved_actors and not self.events


def check_same_actors(a: Result, b: Result, a_label: str, b_label: str) -> None:
    """Two results compare only over one actor set."""
    if set(a.actors) == set(b.actors):
        return
    only_a = sorted(set(a.actors) - set(b.actors))
    only_b = sorted(set(b.actors) - set(a.actors))
    parts = ([f"only A has {', '.join(only_a)}"] if only_a else []) + \
        ([f"only B has {', '.join(only_b)}"] if only_b else [])
    raise EntenteError(f"A ({a_label}) and B ({b_label}) do not have the same actors ({'; '.join(parts)}), "
                       "so their pairs cannot be set side by side",
                       hint="Compare two results of scenarios with the same actors: give both scenarios the "
                            "same `actors:` list (or none, for the default set) and run them again.")


def _event_counts(result: Result) -> dict[tuple, tuple[str, int]]:
    """Each distinct logged event: its origin and in how many runs it happened."""
    table = result.events
    if table is None or not len(table):
        return {}
    out: dict[tuple, tuple[str, int]] = {}
    grouped = table.groupby(list(EVENT_KEY), sort=True)
    for key, rows in grouped:
        kind, source, target, month = key
        out[(str(kind), str(source), str(target), int(month))] = (str(rows["origin"].iloc[0]),
                                                                  int(rows["run"].nunique()))
    return out


def _bloc_mates(blocs) -> dict[str, frozenset[str]]:
    return {member: frozenset(bloc) - {member} for bloc in blocs for member in bloc}


def compare(a: Result, b: Result, *, a_label: str = "A", b_label: str = "B") -> Comparison:
    """Set two results side by side (same actors; raises EntenteError otherwise)."""

    from ..results.summary import summary_of

    check_same_actors(a, b, a_label, b_label)
    a, b = (r.with_summary(summary_of(r)) for r in (a, b))
    actors = a.actors
    index_b = {name: i for i, name in enumerate(b.actors)}
    a_final, b_final = a.matrix(a.months), b.matrix(b.months)
    a_effect, b_effect = a.effect(), b.effect()
    pairs = []
    for i, source in enumerate(actors):
        for j, target in enumerate(actors):
            if i == j:
                continue
            k, m = index_b[source], index_b[target]
            pairs.append(PairDifference(source, target, float(a_final[i, j]), float(b_final[k, m]),
                                        float(a_effect[i, j]), float(b_effect[k, m])))
    pairs.sort(key=lambda p: (-round(abs(p.effect_difference), 9), -round(abs(p.final_difference), 9),
                              p.source, p.target))
    a_blocs, b_blocs = a.summary.blocs.final, b.summary.blocs.final
    mates_a, mates_b = _bloc_mates(a_blocs), _bloc_mates(b_blocs)
    moved = tuple(actor for actor in actors if mates_a.get(actor, frozenset()) != mates_b.get(actor, frozenset()))
    events_a, events_b = _event_counts(a), _event_counts(b)
    events = [EventDifference(side, *key, *events[key]) for side, events, other in
              (("A", events_a, events_b), ("B", events_b, events_a)) for key in events if key not in other]
    events.sort(key=lambda ev: (ev.side, ev.month, ev.type, ev.source, ev.target))
    return Comparison(a_label, b_label, a.summary.scenario, b.summary.scenario, tuple(actors), a.months,
                      b.months, tuple(pairs), tuple(a_blocs), tuple(b_blocs), moved, tuple(events), a.runs, b.runs)
