"""From a run's tables to what a reader wants: blocs over time, shifts, and the events' effects.

`summarise` turns a Result's tables into a `Summary`: frozen dataclasses that the terminal report, the
figures and summary.json read. `Summary.to_json()` is the text of summary.json and `Summary.from_json`
reads it back to an equal Summary, both through a cattrs converter built from the dataclasses (its hooks
hold what the file does differently: a few key names, keys written only when they say something).

Blocs come from the partitions the model computed each month of each run (the Result's blocs table), so
blocs.csv and the summary never disagree: with one run they are that run's partitions; with several, the
partition most runs share each month (ties: the one an earlier run had), with that share of runs.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import ClassVar, TypedDict, Union

import numpy as np

from ..errors import EntenteError
from ..model import landscape
from ..model.parameters import Parameters
from ..inputs.relations import relations_record
from . import json_text
from .attribution import VISIBLE, Attribution, attribute, event_label, leading
from .result import Result

DIGITS = 6  # rounding of numbers in summary.json: far below anything the model can claim

Blocs = tuple[tuple[str, ...], ...]  # bloc members by name, largest bloc first


def _r(value: float) -> float:
    return round(float(value), DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _rounded(matrix) -> list[list[float]]:
    """Every entry of a matrix as _r rounds it (Python's round, correctly rounded), row by row, in numpy:
    the integer nearest to x * 10^6, divided by 10^6, is Python's answer except where x * 10^6 lies within
    rounding of a half (numpy's product is rounded, Python rounds the exact value): those few, and any
    value too large or not finite, go through Python's round. One Python round per entry cost 0.5 s for
    the 200 actors' 40,000 pairs (issue 25)."""
    values = np.asarray(matrix, dtype=float)
    scale = 10.0 ** DIGITS
    scaled = values * scale
    with np.errstate(invalid="ignore"):
        unsure = ~(np.abs(scaled) < 2.0 ** 52) | (np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    rows = (np.rint(scaled) / scale + 0.0).tolist()
    for i, j in zip(*np.nonzero(unsure)):
        rows[i][j] = round(float(values[i, j]), DIGITS) + 0.0
    return rows


def _blocs(data) -> Blocs:
    return tuple(tuple(members) for members in data)


# --------------------------------------------------------------------------------------------- types


@dataclass(frozen=True)
class EventShare:
    """One event's part of a pair's change over run 1, by exact attribution (sim/results/attribution.py).

    value: its part of the change (its impulses, less what faded, plus its client competition); share:
    value / the pair's change over run 1 (None when that change is below 1e-9).
    """

    event: str
    value: float
    share: float | None


@dataclass(frozen=True)
class PairChange:
    """How one directed pair moved, and what the events did to it (scenario minus baseline).

    events: the events whose attributed part (run 1) pushed the pair the way the effect went, largest first;
    attribution: every event with a part in the pair's change over run 1, largest |value| first.
    """

    source: str
    target: str
    initial: float
    final: float
    baseline_final: float
    effect: float
    peak_effect: float
    peak_month: int
    events: tuple[str, ...]  # labels of the events that pushed the pair the way it moved, strongest first
    attribution: tuple[EventShare, ...] = ()

    def share_of(self, event: str) -> EventShare | None:
        """The attributed part of one of the events, by its label."""
        return next((entry for entry in self.attribution if entry.event == event), None)


@dataclass(frozen=True)
class Cause:
    """One named cause in a pair's ranked "why" (a Part of sim/results/attribution.py, as summary.json
    keeps it). kind: memory, balance, reciprocity, noise, event, reaction, competition, or 'rest' for the
    smaller parts together."""

    label: str
    kind: str
    value: float


@dataclass(frozen=True)
class PairWhy:
    """Why a pair's score moved over run 1 (month 0 to the end), every cause ranked: the answer to "why did
    India cool on Russia?" for the pairs of the largest effects. The causes add up to final - initial."""

    source: str
    target: str
    initial: float
    final: float
    causes: tuple[Cause, ...]

    @property
    def change(self) -> float:
        return self.final - self.initial


@dataclass(frozen=True)
class BlocShift:
    """An actor that changed bloc between two months: the partners it left and those it joined."""

    kind: ClassVar[str] = "bloc"
    month: int
    actor: str
    left: tuple[str, ...]
    joined: tuple[str, ...]
    events: tuple[str, ...]  # events near the actor in the months up to the shift: candidates for 'why'


@dataclass(frozen=True)
class LeanShift:
    """An actor whose net lean between the two starting blocs crossed zero."""

    kind: ClassVar[str] = "lean"
    month: int
    actor: str
    lean_before: float
    lean_after: float
    towards: tuple[str, ...]
    events: tuple[str, ...]


Shift = Union[BlocShift, LeanShift]
_SHIFT_KINDS = {BlocShift.kind: BlocShift, LeanShift.kind: LeanShift}


@dataclass(frozen=True)
class BlocTimelineEntry:
    """The blocs from `month` until the next entry. share: the fraction of runs in them that month (None
    with one run, where they are the run's own partition)."""

    month: int
    blocs: Blocs
    share: float | None = None


@dataclass(frozen=True)
class LocalMinimum:
    """A stable arrangement of the final landscape: no actor lowers the energy by switching alone."""

    blocs: Blocs
    energy: float
    is_global: bool


@dataclass(frozen=True, kw_only=True)
class BlocReport:
    """Blocs over the run: the timeline of changes (month 0 first), and the final landscape's minima.

    final_share: with several runs, the fraction of runs in the final blocs at the last month (None with one).
    method: how the final landscape was searched ('exact' or 'heuristic').
    """

    final_share: float | None = None
    timeline: tuple[BlocTimelineEntry, ...]
    final_local_minima: tuple[LocalMinimum, ...]
    method: str

    @property
    def initial(self) -> Blocs:
        return self.timeline[0].blocs

    @property
    def final(self) -> Blocs:
        return self.timeline[-1].blocs

    def at(self, month: int) -> BlocTimelineEntry:
        """The timeline entry in force at a month."""
        return [entry for entry in self.timeline if entry.month <= month][-1]


@dataclass(frozen=True)
class ActorAgreement:
    """How many runs agree with what the headline says of one actor: it stays in its starting bloc or
    switches (whichever most runs show), with `partners` its bloc-mates in the final blocs reported."""

    actor: str
    stays: bool
    partners: tuple[str, ...]
    runs: int


class LargestEffect(TypedDict):
    """How many runs move the largest effect's pair the way the headline says ('warms' or 'cools')."""

    source: str
    target: str
    direction: str
    runs: int


@dataclass(frozen=True)
class Agreement:
    """With several runs: how many of them agree with the headline (the final blocs, each actor's fate,
    the direction of the largest effect)."""

    runs: int
    final_blocs: int
    actors: tuple[ActorAgreement, ...]
    largest_effect: LargestEffect


@dataclass(frozen=True, kw_only=True)
class Summary:
    """What summary.json holds, its fields in the file's key order (`to_json` and `from_json` go through
    `json_converter`). Scores are means over runs; `changes` is sorted by |effect|, largest first.

    starting_scores says where each directed pair's starting score came from (e.g. 'document', 'prior').
    event_count: events logged over all runs; scenario_event_count: events the scenario schedules per run;
    reaction_count: actors' own reactions over all runs.
    notes: each scheduled event's note, stored once, by its place in the scenario ("events[3]"): the reason
    column of events.csv holds that place for every row of the event, in every run.
    """

    scenario: str
    scenario_file: str | None
    relations_file: str | None = None  # the starting world: the relations file the run read (--relations)
    relations_sha256: str | None = None
    description: str
    actors: tuple[str, ...]
    capabilities: dict[str, float]
    seed: int
    months: int
    runs: int
    n_blocs: int
    parameters: Parameters
    starting_scores: dict[str, str]
    initial: dict[str, dict[str, float]]
    final: dict[str, dict[str, float]]
    baseline_final: dict[str, dict[str, float]]
    blocs: BlocReport
    shifts: tuple[Shift, ...]
    event_count: int
    scenario_event_count: int
    reaction_count: int
    runs_with_reactions: int
    notes: dict[str, str] = field(default_factory=dict)
    changes: tuple[PairChange, ...] = field(repr=False)
    why: tuple[PairWhy, ...] = ()  # the pairs of the WHY_PAIRS largest effects, each change by cause (run 1)
    agreement: Agreement | None = None  # with several runs only
    attributed: bool = True  # False: the world was too large to attribute every pair (ATTRIBUTION_BUDGET)

    def _repr_html_(self) -> str:
        """What a notebook shows: one line, the largest effects and the final blocs (notebook_html)."""
        from .notebook_html import summary_html

        return summary_html(self)

    def to_dict(self) -> dict:
        """The content of summary.json, in its key order."""
        return json_converter().unstructure(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Summary":
        """A Summary from summary.json's content; a field of the wrong type raises cattrs' ClassValidationError
        (sim.results.summary_fields turns it into one paragraph)."""
        return json_converter().structure(data, cls)

    def to_json(self) -> str:
        """The text of summary.json: json.dumps(indent=2, ensure_ascii=False)'s bytes, written faster (json_text)."""
        return json_text.dumps(self.to_dict()) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Summary":
        return cls.from_dict(json.loads(text))


# --------------------------------------------------------------------------------------- converter
# cattrs builds both directions from the dataclasses; the hooks below hold only what summary.json does
# differently. Reading is strict, as for any file read back: a number is a JSON number (never text that
# looks like one), a list a JSON list (never a text, which cattrs would take letter by letter).


class WrongType(TypeError):
    """A JSON value of another type than the field's (its text says which: 'not a whole number')."""


def _strict(kind, words: str, finite: bool = False):
    def structure(value, _):
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool or (
                finite and not math.isfinite(value)):
            raise WrongType(f"not {words}")
        return value
    return structure


def _tuples(converter):
    """tuple[X, ...] from a JSON list only, element by element (each failure names its index)."""
    def factory(kind):
        as_list = converter.get_structure_hook(list[kind.__args__[0]])

        def structure(value, _):
            if not isinstance(value, list):
                raise WrongType("not a list")
            return tuple(as_list(value, None))
        return structure
    return factory


def _as_lists(converter):
    """tuple[X, ...] written as a list: `list` itself for text and numbers, else one hook call per element
    (cattrs' own goes through a generator: 40 ms for the 39,800 pairs' empty lists of events at 200 actors)."""
    def factory(kind):
        element = kind.__args__[0]
        if element in (str, int, float):
            return list
        hook = converter.get_unstructure_hook(element)
        return lambda values: [hook(value) for value in values] if values else []
    return factory


def _shift(data, _) -> Shift:
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind not in _SHIFT_KINDS:
        raise EntenteError(f"has the kind {kind!r}, not {' or '.join(map(repr, _SHIFT_KINDS))}")
    return json_converter().structure(data, _SHIFT_KINDS[kind])


KEYS = {"left": "from", "joined": "to", "is_global": "global", "stays": "outcome", "partners": "with",
        "event_count": "events", "scenario_event_count": "scenario_events", "reaction_count": "reactions"}
"""Fields whose key in summary.json is another word (the dataclasses' names are unique across them)."""


def _report_dict(blocs: BlocReport, plain: dict, converter) -> dict:
    """The bloc report as written: its first and last blocs first, for a reader; final_share with several runs
    only (omit_if_default would move the key to the end)."""
    out = {"initial": converter.unstructure(blocs.initial), "final": converter.unstructure(blocs.final), **plain}
    if blocs.final_share is None:
        del out["final_share"]
    return out


def _read_report(data, plain, converter) -> BlocReport:
    """The bloc report read back; its first and last blocs, written for a reader and not read, still checked."""
    from cattrs.errors import AttributeValidationNote, ClassValidationError

    for key in ("initial", "final"):
        if key in data:
            try:
                converter.structure(data[key], Blocs)
            except Exception as error:
                error.add_note(AttributeValidationNote(f"Structuring BlocReport @ key {key}", key, Blocs))
                raise ClassValidationError("While structuring BlocReport", [error], BlocReport) from None
    return plain(data, BlocReport)


@functools.cache
def json_converter():
    """summary.json's cattrs converter, made on first use (a sweep point or `import sim` needs none); each
    dataclass's hooks are generated when first needed (writing a summary generates no reader)."""
    import cattrs
    from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

    converter = cattrs.Converter(unstruct_collection_overrides={Sequence: list})
    for kind, words, finite in ((int, "a whole number", False), (float, "a number", True), (str, "text", False),
                                (bool, "true or false", False)):
        converter.register_structure_hook(kind, _strict(int | float if kind is float else kind, words, finite))
    converter.register_structure_hook_factory(
        lambda kind: getattr(kind, "__origin__", None) is tuple and kind.__args__[-1] is Ellipsis,
        _tuples(converter))
    converter.register_structure_hook(Shift, _shift)
    extra = {
        BlocTimelineEntry: {"share": override(omit_if_default=True)},
        ActorAgreement: {"stays": override(rename=KEYS["stays"], unstruct_hook=lambda stays: "stays" if stays
                                           else "switches",
                                           struct_hook=lambda value, _: converter.structure(value, str) == "stays")},
        Summary: {key: override(omit_if_default=True) for key in ("why", "agreement", "attributed")},
    }

    def overrides(cls) -> dict:
        return {**{f.name: override(rename=KEYS[f.name]) for f in fields(cls) if f.name in KEYS}, **extra.get(cls, {})}

    def unstructure(cls):
        plain = make_dict_unstructure_fn(cls, converter, **overrides(cls))
        if cls in _SHIFT_KINDS.values():  # "kind" after "actor"
            return lambda shift: {"month": shift.month, "actor": shift.actor, "kind": shift.kind, **plain(shift)}
        return (lambda blocs: _report_dict(blocs, plain(blocs), converter)) if cls is BlocReport else plain

    def structure(cls):  # from a JSON object only (cattrs would give a list all the defaults); Parameters whole
        plain = make_dict_structure_fn(cls, converter, _cattrs_forbid_extra_keys=cls is Parameters,
                                       **overrides(cls))

        def structure_mapping(data, _):
            if not isinstance(data, dict):
                raise WrongType("not a mapping")
            return _read_report(data, plain, converter) if cls is BlocReport else plain(data, cls)
        return structure_mapping

    def ours(cls) -> bool:
        return cls is Parameters or isinstance(cls, type) and is_dataclass(cls) and cls.__module__ == __name__

    converter.register_unstructure_hook_factory(
        lambda kind: getattr(kind, "__origin__", None) is tuple and kind.__args__[-1] is Ellipsis, _as_lists(converter))
    converter.register_unstructure_hook_factory(ours, unstructure)
    converter.register_structure_hook_factory(ours, structure)
    return converter


# ------------------------------------------------------------------------------------------- blocs

def _named(labels, names) -> Blocs:
    return _blocs(landscape.blocs_as_names(labels, names))


def bloc_history(result: Result) -> list[tuple[tuple[int, ...], float]]:
    """Per month, the partition most runs had (canonical labels) and the share of runs that had it.

    Read from the Result's blocs table, the model's own monthly computation, so nothing is recomputed.
    Ties go to the partition of the earliest run.
    """
    partitions = result.partitions()  # (runs, months + 1, n)
    runs = partitions.shape[0]
    if runs == 1:  # one run: its own partitions, each the whole of the runs
        return [(tuple(int(x) for x in labels), 1.0) for labels in partitions[0]]
    history = []
    for month in range(partitions.shape[1]):
        _, first, counts = np.unique(partitions[:, month], axis=0, return_index=True, return_counts=True)
        best = np.lexsort((first, -counts))[0]  # most runs; on equal counts the earliest run's partition
        labels = tuple(int(x) for x in partitions[first[best], month])
        history.append((labels, counts[best] / runs))
    return history


def match_labels(previous: tuple[int, ...], current: tuple[int, ...], sizes) -> dict[int, int]:
    """Map each current bloc to the previous bloc it overlaps most (by capability), so labels compare."""
    sizes = np.asarray(sizes, dtype=float)
    mapping = {}
    for label in sorted(set(current)):
        members = [i for i, x in enumerate(current) if x == label]
        overlap = {}
        for i in members:
            overlap[previous[i]] = overlap.get(previous[i], 0.0) + sizes[i]
        mapping[label] = max(sorted(overlap), key=lambda k: overlap[k])
    return mapping


def switched(labels: np.ndarray, sizes) -> np.ndarray:
    """(runs, n) booleans: the actor ends in a bloc other than the one its starting bloc became, blocs matched
    by capability overlap (match_labels); labels as Result.partitions gives them, (runs, months + 1, n)."""
    n = labels.shape[2]
    # Runs mostly share a few (start, end) partitions: each distinct pair is matched once.
    pairs, which = np.unique(np.concatenate([labels[:, 0], labels[:, -1]], axis=1), axis=0, return_inverse=True)
    distinct = np.zeros((len(pairs), n), dtype=bool)
    for row, pair in enumerate(pairs):
        start, end = tuple(int(x) for x in pair[:n]), tuple(int(x) for x in pair[n:])
        mapping = match_labels(start, end, sizes)
        distinct[row] = [mapping[end[i]] != start[i] for i in range(n)]
    return distinct[np.ravel(which)]


def net_leans(matrices: np.ndarray, labels) -> np.ndarray:
    """Each actor's net lean every month, (months, n), NaN where undefined: its mean score towards the first
    bloc of `labels` minus towards the second, itself left out (so a bloc of one leaves its member
    undefined towards it). The means of a scan actor by actor and month by month, taken for all rows at
    once (numpy may add a row's terms in another order: the same to about 1e-16)."""
    labels = np.asarray(labels)
    months, n = matrices.shape[0], matrices.shape[1]
    means = []
    for members in (np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)):
        mean = np.full((months, n), np.nan)
        outside = np.setdiff1d(np.arange(n), members)
        if members.size:
            mean[:, outside] = matrices[:, outside][:, :, members].mean(axis=-1)
        if members.size > 1:  # each member towards the others: (months, k, k - 1), one row per member
            others = np.array([members[members != i] for i in members])
            mean[:, members] = matrices[:, members[:, None], others].mean(axis=-1)
        means.append(mean)
    return means[0] - means[1]


def visible_side(lean: float) -> int:
    """+1 or -1 when a lean reads as nonzero at two decimals, else 0: a crossing is reported only when it is
    visible in the printed numbers (never "net lean +0.00 → -0.00")."""
    shown = round(lean, 2)
    return 0 if shown == 0 else 1 if shown > 0 else -1


def visible_sides(leans: np.ndarray) -> np.ndarray:
    """visible_side of every lean at once (0 for NaN): numpy decides those far from the rounding boundary
    (|lean| 0.005) and Python's round the few near it."""
    size = np.abs(leans)
    with np.errstate(invalid="ignore"):
        sides = np.where(size > 0.0051, np.sign(leans), 0).astype(int)
        near = (size >= 0.0049) & (size <= 0.0051)
    for place in zip(*np.nonzero(near)):
        sides[place] = visible_side(float(leans[place]))
    return sides


def bloc_timeline(history, names, *, shares: bool) -> tuple[BlocTimelineEntry, ...]:
    """The months at which the bloc structure changed (month 0 included): which blocs formed and broke."""
    timeline: list[BlocTimelineEntry] = []
    for month, (labels, share) in enumerate(history):
        blocs = _named(labels, names)
        if not timeline or sorted(map(sorted, blocs)) != sorted(map(sorted, timeline[-1].blocs)):
            timeline.append(BlocTimelineEntry(month, blocs, _r(share) if shares else None))
    return tuple(timeline)


def find_shifts(matrices: np.ndarray, partitions, names, sizes, events) -> tuple[Shift, ...]:
    """Actors whose bloc changes, or whose net lean between the two starting blocs crosses zero visibly: from
    the last month it read as nonzero on one side (two decimals) to a month it reads nonzero on the other."""
    reference = partitions[0]
    reference_labels = np.asarray(reference)
    shifts: list[Shift] = []
    leans = net_leans(np.asarray(matrices), reference_labels)
    # Each actor's crossings: a month whose lean reads nonzero on the other side from the last month it read
    # nonzero (month 0 included), found for every actor and month at once.
    sides = visible_sides(leans)
    months = np.arange(len(sides))[:, None]
    last = np.maximum.accumulate(np.where(sides != 0, months, -1), axis=0)  # the last visible month up to now
    before = np.vstack([np.full((1, sides.shape[1]), -1), last[:-1]])  # ... before this month
    actors = np.arange(sides.shape[1])[None, :]
    crossed = (sides != 0) & (before >= 0) & (sides != sides[np.maximum(before, 0), actors])
    crossings: dict[int, list[int]] = {}
    for month, i in zip(*np.nonzero(crossed)):
        crossings.setdefault(int(month), []).append(int(i))
    for month in range(1, len(matrices)):
        before_labels, now = partitions[month - 1], partitions[month]
        if tuple(now) != tuple(before_labels):  # unchanged blocs: every actor stays
            mapping = match_labels(before_labels, now, sizes)
            for i, name in enumerate(names):
                if mapping[now[i]] != before_labels[i]:
                    shifts.append(BlocShift(
                        month, name,
                        left=tuple(names[j] for j, x in enumerate(before_labels) if x == before_labels[i] and j != i),
                        joined=tuple(names[j] for j, x in enumerate(now) if x == now[i] and j != i),
                        events=_recent_events(events, name, month),
                    ))
        for i in crossings.get(month, ()):
            lean_now = float(leans[month, i])
            towards = _named(reference, names)[0 if lean_now >= 0 else 1]
            shifts.append(LeanShift(
                month, names[i], _r(leans[before[month, i], i]), _r(lean_now),
                towards=tuple(n for n in towards if n != names[i]),
                events=_recent_events(events, names[i], month),
            ))
    return tuple(shifts)


def summarise_blocs(result: Result, final: np.ndarray | None = None) -> tuple[BlocReport, list[tuple[int, ...]]]:
    """The bloc report of a Result, and the partition it reports each month (for the shifts)."""
    history = bloc_history(result)
    names = list(result.actors)
    final = result.matrix(result.months) if final is None else final
    # Where the search is heuristic (over 20 actors), it also starts from the blocs the model ended in, so
    # the model's final blocs, or a lower minimum reached from them, are among the minima listed.
    final_landscape = landscape.solve((final + final.T) / 2, np.asarray(result.capabilities), result.n_blocs,
                                      initial=[history[-1][0]])
    several = result.runs > 1
    report = BlocReport(
        timeline=bloc_timeline(history, names, shares=several),
        final_share=_r(history[-1][1]) if several else None,
        final_local_minima=tuple(
            LocalMinimum(_named(c.labels, names), _r(c.energy), bool(c.is_global))
            for c in final_landscape.configurations
        ),
        method=final_landscape.method,
    )
    return report, [labels for labels, _ in history]


# ------------------------------------------------------------------------------------------ events

def _recent_events(events, actor: str, month: int, window: int = 6, most: int = 3) -> tuple[str, ...]:
    """Short labels of the events near an actor in the months up to a shift: candidates for 'why'."""
    recent = [e for e in events
              if month - window < e["month"] <= month and actor in (e["source"], e["target"])]
    return tuple(event_label(e) for e in recent[-most:])


ATTRIBUTION_BUDGET = 2e9
"""Most multiply-adds the summary spends on exact attribution (attribution_work). The bundled scenarios
need well under a million; the largest world a scenario file can describe (27 actors) fits over 240 months
with up to about 200 events and reactions in run 1; a larger world built through the Python API (the
200-actor bench) would need around 1e12 and gigabytes, so its summary leaves 'behind it' empty and says
so, and `result.attribution` still computes any pair on request."""


WHY_PAIRS = 3
"""How many of the largest effects the summary (and so report.html) explains cause by cause."""
WHY_CAUSES = 8
"""Causes named in each of those explanations; the smaller ones are summed into one line, as in a waterfall."""


def pair_why(attribution: Attribution, source: str, target: str) -> PairWhy:
    """A pair's change over the attributed run, ranked by cause (the named causes, then the rest together)."""
    named, rest = leading(attribution.parts(source, target), WHY_CAUSES)
    causes = [Cause(part.label, part.kind, _r(part.value)) for part in named]
    if rest:
        causes.append(Cause(f"{len(rest)} smaller part{'s' if len(rest) != 1 else ''}", "rest",
                            _r(sum(part.value for part in rest))))
    i, j = attribution.names.index(source), attribution.names.index(target)
    return PairWhy(source, target, _r(attribution.initial[i, j]), _r(attribution.final[i, j]), tuple(causes))


def attribution_work(actors: int, months: int, events: int) -> float:
    """Multiply-adds of one attribution replay: every month, every cause (four mechanisms, and an impulse and
    a client competition channel per logged event) is carried through the balance term's n x n products."""
    return float(months) * (4 + 2 * events) * float(actors) ** 3


def events_behind(attribution: Attribution, source: str, target: str, effect: float
                  ) -> tuple[tuple[str, ...], tuple[EventShare, ...]]:
    """The events behind a pair's effect, from the exact attribution of run 1.

    Returns the labels of the events whose part pushed the pair the way the effect went (largest first),
    and every event's part (largest |value| first). Parts below 5e-7 are left out: they round to zero.
    """
    shares = tuple(EventShare(part.label, _r(part.value), None if part.share is None else _r(part.share))
                   for part in attribution.by_event(source, target))
    behind = tuple(entry.event for entry in shares if entry.value * effect > 0)
    return behind, shares


# --------------------------------------------------------------------------------------- summarise

def _nested(rounded: list[list[float]], names) -> dict[str, dict[str, float]]:
    """A matrix rounded by _rounded as summary.json nests it: source, then target, the diagonal left out."""
    return {a: {b: row[j] for j, b in enumerate(names) if j != i} for i, (a, row) in enumerate(zip(names, rounded))}


def _ranked(rounded_effect: list[list[float]]) -> list[tuple[int, int]]:
    """Every directed pair (i, j), largest rounded |effect| first, ties in actor order (a stable sort)."""
    n = len(rounded_effect)
    return [(int(k) // n, int(k) % n) for k in _ranked_places(rounded_effect)]


def _ranked_places(rounded_effect: list[list[float]]) -> np.ndarray:
    """_ranked's pairs as places i * n + j in the flattened n x n matrix."""
    n = len(rounded_effect)
    size = np.abs(np.asarray(rounded_effect, dtype=float).reshape(-1))
    flat = np.flatnonzero(~np.eye(n, dtype=bool).reshape(-1))  # the off-diagonal places, row by row
    return flat[np.argsort(-size[flat], kind="stable")]


def ranked_pairs(effect: np.ndarray, names) -> list[tuple[str, str]]:
    """Every directed pair, largest |effect| first (as rounded in summary.json; ties keep actor order): the
    order of the summary's changes and of a sweep's headline pairs."""
    return [(names[i], names[j]) for i, j in _ranked(_rounded(effect))]


def _peak_months(trajectory: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(n, n): each pair's first month of the largest |effect| (trajectory minus reference), as np.argmax over
    the months finds it, a month at a time: no (months + 1, n, n) array of effects, no strided scan."""
    best = np.abs(trajectory[0] - reference[0])
    peaks = np.zeros(best.shape, dtype=np.intp)
    for month in range(1, len(trajectory)):
        size = np.abs(trajectory[month] - reference[month])
        larger = size > best  # strictly: a tie keeps the earlier month
        best = np.where(larger, size, best)
        peaks[larger] = month
    return peaks


def summary_of(result: Result) -> Summary:
    """The Result's summary: the one it carries, else made now (sim.run makes none unless asked)."""
    return result.summary if result.summary is not None else summarise(result)


def summarise(result: Result, scenario=None, world=None) -> Summary:
    """The Summary of a Result: its headline effects with the events behind them, blocs, shifts and notes.
    scenario and world (default: the Result's own) give the description, parameters and sources."""
    scenario = result.scenario if scenario is None else scenario
    world = result.world if world is None else world
    names = list(result.actors)
    months = result.months
    trajectory = result.trajectory()
    reference = result.trajectory(baseline=True)
    initial, final, baseline_final = trajectory[0], trajectory[months], reference[months]

    first_run_events = result.events[result.events["run"] == 1].to_dict("records")
    attributed = attribution_work(len(names), months, len(first_run_events)) <= ATTRIBUTION_BUDGET
    attribution = attribute(scenario, world, run=1) if attributed else None  # one replay: run 1, every pair
    # Every pair at once (numpy), rounded once (Python's rounding, as summary.json keeps it).
    peaks = _peak_months(trajectory, reference)
    peak_values = _rounded(np.take_along_axis(trajectory, peaks[None], axis=0)[0]
                           - np.take_along_axis(reference, peaks[None], axis=0)[0])
    rounded = {"initial": _rounded(initial), "final": _rounded(final), "baseline": _rounded(baseline_final),
               "effect": _rounded(final - baseline_final)}
    # The pairs' columns in ranked order, taken in numpy (a float's trip through float64 keeps it exactly).
    places = _ranked_places(rounded["effect"])
    n = len(names)
    columns = [np.asarray(matrix, dtype=float).reshape(-1)[places].tolist() for matrix in
               (rounded["initial"], rounded["final"], rounded["baseline"], rounded["effect"], peak_values)]
    sources, targets = [names[k] for k in (places // n).tolist()], [names[k] for k in (places % n).tolist()]
    if attribution:
        explained = [events_behind(attribution, source, target, effect)
                     for source, target, effect in zip(sources, targets, columns[3])]
    else:
        explained = [((), ())] * len(places)
    changes = [PairChange(*row, peak_month, behind, shares) for row, peak_month, (behind, shares) in
               zip(zip(sources, targets, *columns), peaks.reshape(-1)[places].tolist(), explained)]
    why = tuple(pair_why(attribution, c.source, c.target) for c in changes[:WHY_PAIRS]
                if abs(c.effect) >= VISIBLE) if attribution else ()

    blocs, partitions = summarise_blocs(result, final)
    reactions = result.events["origin"] == "reaction"
    relations_file, relations_sha256 = relations_record(scenario.relations_file)
    return Summary(
        scenario=result.name,
        scenario_file=scenario.file,
        description=scenario.description,
        actors=tuple(names),
        capabilities=dict(zip(names, result.capabilities)),
        seed=result.seed,
        months=months,
        runs=result.runs,
        n_blocs=result.n_blocs,
        parameters=scenario.parameters,
        starting_scores={f"{a} → {b}": world.sources[(a, b)] for a in names for b in names if a != b},
        initial=_nested(rounded["initial"], names),
        final=_nested(rounded["final"], names),
        baseline_final=_nested(rounded["baseline"], names),
        blocs=blocs,
        shifts=find_shifts(trajectory, partitions, names, result.capabilities, first_run_events),
        event_count=len(result.events),
        scenario_event_count=len(scenario.events),
        reaction_count=int(reactions.sum()),
        runs_with_reactions=int(result.events.loc[reactions, "run"].nunique()),
        changes=tuple(changes),
        relations_file=relations_file,
        relations_sha256=relations_sha256,
        notes={event.place: event.note for event in scenario.events if event.note and event.place},
        agreement=_agreement(result, partitions[-1], changes) if result.runs > 1 else None,
        attributed=attributed,
        why=why,
    )


def _agreement(result: Result, final: tuple[int, ...], changes: list[PairChange]) -> Agreement:
    """How many runs agree with the headline: the reported final blocs, each actor staying or switching,
    and the direction of the largest effect."""
    names = list(result.actors)
    labels = result.partitions()
    runs = labels.shape[0]
    final_blocs = int(sum(tuple(int(x) for x in labels[r, -1]) == tuple(final) for r in range(runs)))
    moved = switched(labels, result.capabilities)
    actors = []
    for i, name in enumerate(names):
        staying = int(runs - moved[:, i].sum())
        stays = staying * 2 >= runs
        partners = tuple(names[j] for j, x in enumerate(final) if x == final[i] and j != i)
        actors.append(ActorAgreement(name, stays, partners, staying if stays else runs - staying))
    top = changes[0]
    i, j = names.index(top.source), names.index(top.target)
    per_run = result.score_array()[:, -1, i, j] - result.score_array(baseline=True)[:, -1, i, j]
    same = int((per_run > 0).sum() if top.effect > 0 else (per_run < 0).sum())
    largest: LargestEffect = {"source": top.source, "target": top.target,
                              "direction": "warms" if top.effect > 0 else "cools", "runs": same}
    return Agreement(runs, final_blocs, tuple(actors), largest)
