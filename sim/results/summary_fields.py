"""summary.json read back from a folder: its fields' types and sizes checked before anything uses them.

A tampered summary.json (text where a number goes, a missing key, months of 10^12) would otherwise fail
deep inside a report with a traceback, or make a reader allocate what the numbers ask for. The types are
the Summary dataclasses' own, checked by its strict cattrs converter (sim/results/summary.py); the first
field it refuses becomes one paragraph naming that field. The sizes and names are checked here after.
"""

from __future__ import annotations

from dataclasses import is_dataclass
from types import UnionType
from typing import Union, get_args, get_origin, is_typeddict

from cattrs import BaseValidationError
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote

from ..errors import EntenteError, describe_value, field_path
from ..model.parameters import outside_range, specs
from .summary import KEYS, Shift, Summary, WrongType

MAX_ACTORS = 2_000
MAX_MONTHS = 100_000
MAX_RUNS = 1_000_000


def _first_failure(error: BaseException) -> tuple[BaseException, list]:
    """The first failure in cattrs' tree of errors, and its place: (key or index, expected type) per step."""
    path: list[tuple[int | str, object]] = []
    while True:
        note = next((note for note in reversed(getattr(error, "__notes__", ()))
                     if isinstance(note, (AttributeValidationNote, IterableValidationNote))), None)
        if isinstance(note, AttributeValidationNote):
            path.append((KEYS.get(note.name, note.name), note.type))
        elif isinstance(note, IterableValidationNote):
            path.append((note.index, note.type))
        if not isinstance(error, BaseExceptionGroup):
            return error, path
        error = error.exceptions[0]


def _container(kind) -> tuple[type, str] | None:
    """The JSON container a type is read from, if any: (list, 'a list') or (dict, 'a mapping')."""
    if kind is Shift:
        return dict, "a mapping"
    args = [arg for arg in get_args(kind) if arg is not type(None)]
    if get_origin(kind) in (Union, UnionType) and len(args) == 1:  # X | None: None is read as it is
        kind = args[0]
    origin = get_origin(kind) or kind
    if origin in (tuple, list):
        return list, "a list"
    if origin is dict or is_dataclass(origin) or is_typeddict(origin):
        return dict, "a mapping"
    return None


def _problem(error: BaseException, data) -> tuple[tuple, str]:
    """(place, what is wrong there) for the first field the converter refused: the data is walked along the
    failure's path, and the first value that is not what its place holds is named."""
    leaf, path = _first_failure(error)
    place: tuple = ()
    value, kind = data, Summary
    for key, key_kind in path:
        holder, words = (dict, "a mapping") if isinstance(key, str) else (list, "a list")
        if not isinstance(value, holder):
            return place, f"is {describe_value(value)}, not {words}"
        if key not in value if isinstance(value, dict) else not 0 <= key < len(value):
            return (*place, key), "is missing"
        place, value, kind = (*place, key), value[key], key_kind
    container = _container(kind)
    if container is not None and not isinstance(value, container[0]):
        return place, f"is {describe_value(value)}, not {container[1]}"
    if isinstance(leaf, WrongType):
        return place, f"is {describe_value(value)}, {leaf}"
    if isinstance(leaf, EntenteError):
        return place, leaf.problem
    if isinstance(leaf, ForbiddenExtraKeysError):
        return place, f"names {', '.join(sorted(leaf.extra_fields))}, not a parameter of this version of Entente"
    return place, f"cannot be read ({type(leaf).__name__}: {str(leaf)[:100]})"


def summary_from_data(data, file: str) -> Summary:
    """The Summary of summary.json's content, its types as Entente writes them and sizes in bounds; else one
    paragraph naming the first field at fault."""
    hint = "Run the scenario again to make the folder afresh (python -m sim run SCENARIO --out FOLDER)."

    def fail(place, problem):
        field = field_path(place) if place else None
        return EntenteError(f"summary.json is damaged: {'this field' if place else 'it'} {problem}", file=file,
                            field=field, hint=hint)

    if not isinstance(data, dict):
        raise fail((), f"is {describe_value(data)}, not a mapping")
    try:
        summary = Summary.from_dict(data)
    except BaseValidationError as error:
        raise fail(*_problem(error, data)) from None
    actors = data["actors"]
    if not 1 <= len(actors) <= MAX_ACTORS or len(set(actors)) != len(actors):
        raise fail(("actors",), f"must name 1 to {MAX_ACTORS:,} different actors")
    if set(data["capabilities"]) != set(actors):
        raise fail(("capabilities",), "must give a capability for each actor, and for no other")
    for key, low, high in (("months", 1, MAX_MONTHS), ("runs", 1, MAX_RUNS), ("n_blocs", 1, len(actors))):
        if not low <= data[key] <= high:
            raise fail((key,), f"is {data[key]}, outside {low} to {high:,}")
    for spec in specs():  # the types are checked; a value outside the model's range would fail deep inside it
        value = getattr(summary.parameters, spec.name)
        allowed = outside_range(spec, value)
        if allowed:
            raise fail(("parameters", spec.name), f"is {describe_value(value)}, outside its range: {allowed}")
    _check_names(data, set(actors), data["months"], fail)
    return summary


def _check_names(data: dict, actors: set, months: int, fail) -> None:
    """Every actor a field names is one of the summary's actors; every month is within the run."""
    for key in ("initial", "final", "baseline_final"):
        if set(data[key]) != actors:
            raise fail((key,), "must hold a row for each actor, and for no other")
        for actor, row in data[key].items():
            if set(row) != actors - {actor}:
                raise fail((key, actor), "must hold a score towards each other actor, and no other")

    def named(place, names):
        stranger = next((name for name in names if name not in actors), None)
        if stranger is not None:
            raise fail(place, f"names {stranger!r}, which is not an actor of this result")

    def in_run(place, month):
        if not 0 <= month <= months:
            raise fail(place, f"is month {month}, outside 0 to {months}")

    for listing in ("changes", "why"):
        for index, entry in enumerate(data.get(listing, ())):
            named((listing, index), (entry["source"], entry["target"]))
            if "peak_month" in entry:
                in_run((listing, index, "peak_month"), entry["peak_month"])
    blocs = data["blocs"]
    if not blocs["timeline"]:
        raise fail(("blocs", "timeline"), "is empty; it starts with the blocs of month 0")
    for index, entry in enumerate(blocs["timeline"]):
        named(("blocs", "timeline", index, "blocs"), [name for bloc in entry["blocs"] for name in bloc])
        in_run(("blocs", "timeline", index, "month"), entry["month"])
    for index, entry in enumerate(blocs["final_local_minima"]):
        named(("blocs", "final_local_minima", index, "blocs"), [name for bloc in entry["blocs"] for name in bloc])
    for key in ("initial", "final"):
        if key in blocs:
            named(("blocs", key), [name for bloc in blocs[key] for name in bloc])
    if "agreement" in data:
        agreement = data["agreement"]
        largest = agreement["largest_effect"]
        named(("agreement", "largest_effect"), (largest["source"], largest["target"]))
        for index, entry in enumerate(agreement["actors"]):
            named(("agreement", "actors", index), [entry["actor"], *entry["with"]])
    for index, shift in enumerate(data["shifts"]):
        named(("shifts", index, "actor"), [shift["actor"]])
        in_run(("shifts", index, "month"), shift["month"])
