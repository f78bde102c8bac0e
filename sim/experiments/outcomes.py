"""Typed outcomes of the experiments pipeline: every point of every design reduced the same way, from the
Result's arrays (no summary, no attribution). What an outcome means is carried by `Measure`; the sweep table's
header is only their file format, written (`chunk_text`) and read (`read_table`) here and nowhere else.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from typing import Sequence

import numpy as np

from ..results.result import Result

EFFECT, FIRST_BLOC, SAME_BLOC = "effect", "first bloc", "same bloc"


@dataclass(frozen=True)
class Measure:
    """One outcome. EFFECT, actors (source, target): the events' effect on how source regards target;
    FIRST_BLOC, (actor,): the share of runs in which the actor ends in the largest bloc; SAME_BLOC,
    (first, second): the share of runs in which the two end in one bloc."""

    kind: str
    actors: tuple[str, ...]

    @property
    def label(self) -> str:
        """How a reader sees it."""
        if self.kind == EFFECT:
            return f"{self.actors[0]} → {self.actors[1]}"
        if self.kind == SAME_BLOC:
            return f"{self.actors[0]} and {self.actors[1]} in one bloc"
        return f"chance of ending in the first bloc: {self.actors[0]}"

    @property
    def is_share(self) -> bool:
        """A share of runs (0..1), not a change of score."""
        return self.kind != EFFECT


@dataclass(frozen=True)
class Follow:
    """What every point of a design measures: the effects on `pairs`, the same-bloc shares of `bloc_pairs`,
    and (end_blocs) the most common end configuration. First-bloc shares are measured for every actor."""

    pairs: tuple[tuple[str, str], ...] = ()
    bloc_pairs: tuple[tuple[str, str], ...] = ()
    end_blocs: bool = False
    expectations: bool = False  # also the scenario's `expect:` checks (a calibration's episodes)

    @property
    def measures(self) -> tuple[Measure, ...]:
        """The followed outcomes, in the order of PointOutcome.followed()."""
        return (tuple(Measure(EFFECT, pair) for pair in self.pairs)
                + tuple(Measure(SAME_BLOC, pair) for pair in self.bloc_pairs))


@dataclass(frozen=True, eq=False)
class PointOutcome:
    """One point's outcomes. effects: by Follow.pairs; first_bloc: by actor; same_bloc: by Follow.bloc_pairs;
    end_blocs (largest bloc first) and end_share: the most common end configuration and its share of runs
    (None unless Follow.end_blocs)."""

    number: int
    effects: np.ndarray
    first_bloc: np.ndarray
    same_bloc: np.ndarray
    end_blocs: tuple[tuple[str, ...], ...] | None = None
    end_share: float | None = None
    # With Follow.expectations, by the scenario's expectations: each value's distance to its band (0 inside
    # it; NaN for a bloc check, which has no value) and whether it held.
    distances: np.ndarray = field(default_factory=lambda: np.zeros(0))
    held: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))

    def followed(self) -> np.ndarray:
        """The followed outcomes' values, in the order of Follow.measures."""
        return np.concatenate([self.effects, self.same_bloc])

    def __eq__(self, other) -> bool:
        return isinstance(other, PointOutcome) and all(
            np.array_equal(getattr(self, k), getattr(other, k), equal_nan=k == "distances")
            if k in ("effects", "first_bloc", "same_bloc", "distances", "held")
            else getattr(self, k) == getattr(other, k) for k in self.__dataclass_fields__)


def measure(result: Result, follow: Follow, number: int = 0) -> PointOutcome:
    """A point's outcomes from its Result's arrays."""
    from ..results.summary import bloc_history, bloc_timeline

    actors = list(result.actors)
    index = {name: i for i, name in enumerate(actors)}
    effect = result.effect()
    final = result.partitions()[:, -1]  # (runs, actors) at the last month; 0 is the largest bloc
    same = [(final[:, index[a]] == final[:, index[b]]).mean() for a, b in follow.bloc_pairs]
    end_blocs = end_share = None
    if follow.end_blocs:
        history = bloc_history(result)
        end_blocs = bloc_timeline(history, actors, shares=False)[-1].blocs
        end_share = float(history[-1][1]) if result.runs > 1 else 1.0
    distances = held = None
    if follow.expectations:
        from ..results.expectations import check, distance

        checks = check(result, result.scenario)
        distances = np.array([np.nan if c.value is None else distance(c) for c in checks], dtype=float)
        held = np.array([c.held for c in checks], dtype=bool)
    outcome = PointOutcome(number, np.array([effect[index[a], index[b]] for a, b in follow.pairs], dtype=float),
                           (final == 0).mean(axis=0), np.array(same, dtype=float), end_blocs, end_share)
    return outcome if distances is None else replace(outcome, distances=distances, held=held)


def largest_effects(result: Result, top: int) -> tuple[tuple[str, str], ...]:
    """The `top` directed pairs by |effect| at the last month (exact values; pairs the events did not move
    left out): the outcomes a sensitivity analysis follows by default."""
    effect, actors = result.effect(), result.actors
    pairs = sorted(((abs(effect[i, j]), (actors[i], actors[j])) for i in range(len(actors))
                    for j in range(len(actors)) if i != j), key=lambda item: (-item[0], item[1]))
    return tuple(pair for size, pair in pairs[:top] if size >= 1e-6)


# -------------------------------------------------------------------------- the sweep table (file format)

POINT, VARIANT, SEED, END_BLOCS, END_SHARE = "point", "variant", "seed", "end blocs", "end blocs share"
_PREFIX = {EFFECT: "effect ", FIRST_BLOC: "first bloc "}


def column(measure: Measure) -> str:
    """A measure's header in the sweep table."""
    return _PREFIX[measure.kind] + "->".join(measure.actors)


def table_columns(parameters: Sequence[str], pairs, actors) -> list[str]:
    """The sweep table's header: the point, its variant and parameters, the headline effects, the bloc outcomes."""
    return ([POINT, VARIANT, *parameters, SEED] + [column(Measure(EFFECT, tuple(p))) for p in pairs]
            + [column(Measure(FIRST_BLOC, (name,))) for name in actors] + [END_BLOCS, END_SHARE])


def _cell(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _number(value: float) -> str:
    return f"{round(value, 6) + 0.0:.6f}"


def blocs_text(blocs) -> str:
    """A bloc configuration as one cell: members joined by '+', blocs by ' | ', largest bloc first."""
    return " | ".join("+".join(members) for members in blocs)


def chunk_text(points, outcomes: Sequence[PointOutcome], parameters: Sequence[str], variant_names, pairs,
               actors) -> str:
    """A chunk of the sweep table as CSV text, header included: one row per point, in the points' order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table_columns(parameters, pairs, actors))
    for point, outcome in zip(points, outcomes):
        values = dict(point.values)
        writer.writerow([str(point.number), variant_names[point.variant]]
                        + [_cell(values[name]) for name in parameters] + [str(point.seed)]
                        + [_number(v) for v in outcome.effects] + [_number(v) for v in outcome.first_bloc]
                        + [blocs_text(outcome.end_blocs), _number(outcome.end_share)])
    return out.getvalue()


def read_table(table):
    """A sweep table (a pandas DataFrame as read from sweep.csv), its swept parameters, and the Measures its
    columns hold."""
    names = list(table.columns)
    measures = []
    for name in names[names.index(SEED) + 1:]:
        for kind, prefix in _PREFIX.items():
            if name.startswith(prefix):
                rest = name[len(prefix):]
                measures.append(Measure(kind, tuple(rest.split("->", 1)) if kind == EFFECT else (rest,)))
    return table, tuple(names[names.index(VARIANT) + 1: names.index(SEED)]), tuple(measures)
