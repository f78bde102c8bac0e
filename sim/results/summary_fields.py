"""The types summary.json's fields must have, checked before a Summary is built from a folder read back.

A tampered summary.json (text where a number goes, a missing key, months of 10^12) would otherwise fail
deep inside a report with a traceback, or make a reader allocate what the numbers ask for. Each field is
checked against the shape Entente writes; fields this table does not name are left to the Summary (and a
failure there is still one paragraph: see check_summary's caller in sim/present/files.py).
"""

from __future__ import annotations

import math

from ..errors import EntenteError, field_path

MAX_ACTORS = 2_000
MAX_MONTHS = 100_000
MAX_RUNS = 1_000_000

INT, NUM, TEXT, BOOL, ANY = "a whole number", "a number", "text", "true or false", "any value"


def optional(spec):
    return ("optional", spec)


def nullable(spec):
    return ("nullable", spec)


def mapping_of(spec):
    return ("mapping", spec)


def list_of(spec):
    return [spec]


NAMES = list_of(TEXT)
PAIR_SCORES = mapping_of(mapping_of(NUM))
_BLOCS = list_of(NAMES)

SUMMARY = {
    "scenario": TEXT, "scenario_file": nullable(TEXT), "description": TEXT,
    "actors": NAMES, "capabilities": mapping_of(NUM),
    "seed": INT, "months": INT, "runs": INT, "n_blocs": INT,
    "parameters": mapping_of(ANY), "starting_scores": mapping_of(TEXT),
    "initial": PAIR_SCORES, "final": PAIR_SCORES, "baseline_final": PAIR_SCORES,
    "blocs": {"initial": optional(_BLOCS), "final": optional(_BLOCS), "final_share": optional(nullable(NUM)),
              "timeline": list_of({"month": INT, "blocs": _BLOCS, "share": optional(nullable(NUM))}),
              "final_local_minima": list_of({"blocs": _BLOCS, "energy": NUM, "global": BOOL}),
              "method": TEXT},
    "shifts": list_of({"kind": TEXT, "month": INT, "actor": TEXT, "events": NAMES,
                       "from": optional(NAMES), "to": optional(NAMES), "towards": optional(NAMES),
                       "lean_before": optional(NUM), "lean_after": optional(NUM)}),
    "events": INT, "scenario_events": INT, "reactions": INT, "runs_with_reactions": INT,
    "changes": list_of({"source": TEXT, "target": TEXT, "initial": NUM, "final": NUM, "baseline_final": NUM,
                        "effect": NUM, "peak_effect": NUM, "peak_month": INT, "events": NAMES,
                        "attribution": optional(list_of({"event": TEXT, "value": NUM, "share": nullable(NUM)}))}),
    "relations_file": optional(nullable(TEXT)), "relations_sha256": optional(nullable(TEXT)),
    "notes": optional(mapping_of(TEXT)),
    "agreement": optional({"runs": INT, "final_blocs": INT,
                           "actors": list_of({"actor": TEXT, "outcome": TEXT, "with": NAMES, "runs": INT}),
                           "largest_effect": {"source": TEXT, "target": TEXT, "direction": TEXT, "runs": INT}}),
    "attributed": optional(BOOL),
    "why": optional(list_of({"source": TEXT, "target": TEXT, "initial": NUM, "final": NUM,
                             "causes": list_of({"label": TEXT, "kind": TEXT, "value": NUM})})),
}


def _kind(value) -> str:
    from ..errors import describe_value

    return describe_value(value)


def _check(value, spec, place: tuple, fail) -> None:
    if isinstance(spec, tuple) and spec[0] == "nullable":
        if value is not None:
            _check(value, spec[1], place, fail)
        return
    if isinstance(spec, tuple) and spec[0] == "mapping":
        if not isinstance(value, dict):
            raise fail(place, f"is {_kind(value)}, not a mapping")
        for key, item in value.items():
            _check(item, spec[1], (*place, key), fail)
        return
    if isinstance(spec, list):
        if not isinstance(value, list):
            raise fail(place, f"is {_kind(value)}, not a list")
        for index, item in enumerate(value):
            _check(item, spec[0], (*place, index), fail)
        return
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            raise fail(place, f"is {_kind(value)}, not a mapping")
        for key, item_spec in spec.items():
            is_optional = isinstance(item_spec, tuple) and item_spec[0] == "optional"
            if key not in value:
                if not is_optional:
                    raise fail((*place, key), "is missing")
                continue
            _check(value[key], item_spec[1] if is_optional else item_spec, (*place, key), fail)
        return
    good = {
        INT: isinstance(value, int) and not isinstance(value, bool),
        NUM: isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value),
        TEXT: isinstance(value, str),
        BOOL: isinstance(value, bool),
        ANY: True,
    }[spec]
    if not good:
        raise fail(place, f"is {_kind(value)}, not {spec}")


def check_summary(data, file: str) -> dict:
    """summary.json's content with the types Entente writes and sizes in bounds; else one paragraph."""
    hint = "Run the scenario again to make the folder afresh (python -m sim run SCENARIO --out FOLDER)."

    def fail(place, problem):
        field = field_path(place) if place else None
        return EntenteError(f"summary.json is damaged: {'this field' if place else 'it'} {problem}", file=file,
                            field=field, hint=hint)

    _check(data, SUMMARY, (), fail)
    actors = data["actors"]
    if not 1 <= len(actors) <= MAX_ACTORS or len(set(actors)) != len(actors):
        raise fail(("actors",), f"must name 1 to {MAX_ACTORS:,} different actors")
    if set(data["capabilities"]) != set(actors):
        raise fail(("capabilities",), "must give a capability for each actor, and for no other")
    for key, low, high in (("months", 1, MAX_MONTHS), ("runs", 1, MAX_RUNS), ("n_blocs", 1, len(actors))):
        if not low <= data[key] <= high:
            raise fail((key,), f"is {data[key]}, outside {low} to {high:,}")
    _check_names(data, set(actors), data["months"], fail)
    return data


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
