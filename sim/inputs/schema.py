"""The JSON Schema of scenario files: the structural contract, published by `python -m sim schema`.

The schema checks shapes, types and ranges. What depends on the world (actor names, months within the
horizon, an actor acting on itself) is checked in sim/scenario.py, which also turns schema violations
into messages a student can act on.
"""

from __future__ import annotations

from ..model.parameters import specs
from ..model.scenario import CHANGES, MEASURES, OBSERVED_MEASURES, SPLITS
from .tables import load_codebook

MAX_MONTHS = 240  # twenty years: beyond that, monthly dynamics seeded from one article say little
MAX_RUNS = 1000
MAX_EVENTS = 2000
MAX_ADDED_ACTORS = 20
MAX_INTENSITY = 5.0  # five unit events in one: larger values are almost always a typo for a percentage
MAX_CAPABILITY = 1000.0
MAX_SEED = 2**32 - 1
EVENT_ID_PATTERN = "^[a-z0-9][a-z0-9_-]{0,39}$"  # a slug: 'sale', 'su35-sale', 'summit_2024'
MAX_NOTE = 500  # characters: a sentence or two; the note is repeated in events.csv for every run
MAX_DESCRIPTION = 5000  # characters: a few paragraphs
MAX_BAND = 2.0  # an effect on a score in [-1, 1] is within [-2, 2]; so, in practice, is a share of a peak
MAX_BEFORE = 120  # months of event data before an episode that fit its observation model: ten years
MAX_BLOCS = 6  # blocs a run looks for each month (`sim run --blocs K`): more than six split seven actors apart

BEHAVIOUR = {
    "anchoring": {"type": "number", "minimum": 0, "maximum": 10, "default": 1.0,
                  "description": "Multiplies memory for this actor's own views: how firmly they return to "
                                 "their structural baseline."},
    "attention": {"type": "number", "minimum": 0, "maximum": 10, "default": 1.0,
                  "description": "Multiplies audience_scale for this actor: how strongly it reacts to deals "
                                 "between others."},
}

ACTOR_NAME = {"type": "string", "minLength": 1, "maxLength": 60,
              "description": "An actor's name or alias (case-insensitive), e.g. Russia, USA, Islamabad."}
SCORE = {"type": "number", "minimum": -1, "maximum": 1,
         "description": "Alignment score: -1 hostile, 0 neutral, +1 allied."}


MEASURE_WORDS = {
    "effect": "[low, high]: the events' effect on the pair between from_month and by_month lies in this band.",
    "peak": "[low, high]: the largest effect in size between from_month and by_month (with its sign) lies "
            "in this band.",
    "share_left": "[low, high]: the share of the peak effect still there at by_month (1 = all of it, 0 = "
                  "none) lies in this band.",
}


def _parameter_schema() -> dict:
    properties = {}
    for spec in specs():
        default = spec.default
        entry: dict[str, object]
        if spec.choices:
            entry = {"type": "string", "enum": list(spec.choices)}
        elif isinstance(default, bool):
            entry = {"type": "boolean"}
        elif isinstance(default, int):
            entry = {"type": "integer", "minimum": spec.low, "maximum": spec.high}
        else:
            entry = {"type": "number", "minimum": spec.low, "maximum": spec.high}
        entry["default"] = default
        entry["description"] = f"{spec.meaning} Unit: {spec.unit}."
        properties[spec.name] = entry
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "description": "Overrides of model parameters by name (python -m sim list shows them)."}


def scenario_schema() -> dict:
    """Build the schema; event types come from the (editable) codebook."""
    event_types = sorted(load_codebook())
    event = {
        "type": "object",
        "properties": {
            "at": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS,
                   "description": "Month in which the event happens, 1..months."},
            "type": {"type": "string", "enum": event_types,
                     "description": "Event type from the codebook (python -m sim list)."},
            "from": {**ACTOR_NAME, "description": "The actor that acts."},
            "to": {"oneOf": [ACTOR_NAME, {"type": "array", "items": ACTOR_NAME, "minItems": 1}],
                   "description": "The actor (or list of actors) acted upon."},
            "between": {"type": "array", "items": ACTOR_NAME, "minItems": 2,
                        "description": "A multilateral event: every pair of these actors, both ways."},
            "intensity": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_INTENSITY,
                          "default": 1.0,
                          "description": "Multiplies the type's weight; 1 is a typical event."},
            "id": {"type": "string", "pattern": EVENT_ID_PATTERN,
                   "description": "A short name for the event, unique in the scenario (lower-case letters, digits, "
                                  "'-' and '_', at most 40 characters), by which sweep variants switch it off "
                                  "instead of by its place in the list."},
            "note": {"type": "string", "maxLength": MAX_NOTE,
                     "description": f"What happened, for the reader of the results (at most {MAX_NOTE} "
                                    f"characters)."},
        },
        "required": ["at", "type"],
        "additionalProperties": False,
    }
    added_actor = {
        "type": "object",
        "properties": {
            "name": ACTOR_NAME,
            "capability": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_CAPABILITY,
                           "description": "Relative size, on the scale of sim/data/actors.yaml "
                                          "(CINC x 100: China 22, US 14, Pakistan 1.3)."},
            "relations": {"type": "object", "additionalProperties": SCORE,
                          "description": "Starting scores with existing actors (both directions)."},
            "kind": {"type": "string", "enum": ["state", "armed_group"], "default": "state",
                     "description": "An armed group's counter-moves are covert support, not purchases."},
            **BEHAVIOUR,
        },
        "required": ["name", "capability"],
        "additionalProperties": False,
    }
    relation = {
        "type": "object",
        "properties": {
            "between": {"type": "array", "items": ACTOR_NAME, "minItems": 2, "maxItems": 2},
            "score": SCORE,
            "directed": {"type": "boolean", "default": False,
                         "description": "If true, only how the first regards the second changes."},
        },
        "required": ["between", "score"],
        "additionalProperties": False,
    }
    change = {
        "type": "object",
        "properties": {
            "at": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS,
                   "description": "Month from which the actor is changed, 1..months."},
            "actor": ACTOR_NAME,
            "kind": {"type": "string", "enum": ["state", "armed_group"],
                     "description": "What the actor is from then on (decides how it reacts)."},
            "capability": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_CAPABILITY,
                           "description": "Its relative size from then on (weighs in the blocs)."},
            "note": {"type": "string", "description": "What happened, with its date."},
        },
        "required": ["at", "actor"],
        "additionalProperties": False,
        "description": "An actor changes what it is, e.g. an armed group becomes a governing state.",
    }
    pair = {"type": "array", "items": ACTOR_NAME, "minItems": 2, "maxItems": 2}
    band = {"type": "array", "items": {"type": "number", "minimum": -MAX_BAND, "maximum": MAX_BAND},
            "minItems": 2, "maxItems": 2}
    expectation = {
        "type": "object",
        "properties": {
            "pair": {**pair, "description": "[A, B]: how A regards B (directed)."},
            "change": {"type": "string", "enum": list(CHANGES),
                       "description": "The direction the events must move the pair, compared with the same "
                                      "run without them."},
            "from_month": {"type": "integer", "minimum": 0, "maximum": MAX_MONTHS, "default": 0,
                           "description": "Measure the change from this month (default: the start)."},
            "by_month": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS,
                         "description": "Measure the change up to this month (default: the end)."},
            "tolerance": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.01,
                          "description": "How far a change must go to count as up or down (and how far a "
                                         "not_up / not_down may go the wrong way)."},
            "bloc_together": {**pair, "description": "Two actors that must be in the same bloc."},
            "at": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_MONTHS},
                             {"type": "string", "enum": ["end"]}],
                   "description": "The month of a bloc_together check (a number or 'end')."},
            "note": {"type": "string", "description": "The fact the expectation stands for, with its source."},
            **{measure: {**band, "description": MEASURE_WORDS[measure]} for measure in MEASURES},
        },
        "oneOf": [{"required": ["pair", "change"]}, {"required": ["bloc_together"]},
                  *({"required": ["pair", measure]} for measure in MEASURES)],
        "additionalProperties": False,
    }
    observed = {
        "type": "object",
        "properties": {
            "file": {"type": "string", "minLength": 1,
                     "description": "The monthly series `python -m sim data events` wrote (a CSV), relative to "
                                    "this file."},
            "start": {"type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
                      "description": "The calendar month of month 1, as YYYY-MM (e.g. 2018-05)."},
            "pairs": {"type": "array", "items": pair, "minItems": 1,
                      "description": "Directed pairs [A, B]: the events A did to B against how A regards B."},
            "measure": {"type": "string", "enum": list(OBSERVED_MEASURES), "default": "net_cooperation",
                        "description": "The series' column the scores are compared with."},
            "before": {"type": "integer", "minimum": 1, "maximum": MAX_BEFORE, "default": 12,
                       "description": "Months before month 1 that fit the observation model."},
            "min_events": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1,
                           "description": "A month of a pair with fewer events is no observation."},
        },
        "required": ["file", "start", "pairs"],
        "additionalProperties": False,
        "description": "Hindcasts: an event-data series the model's monthly scores are scored against "
                       "(python -m sim hindcast; docs/howto/observed.md).",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Entente scenario",
        "description": "A what-if scenario for python -m sim run. A lens for discussion, not a forecast.",
        "type": "object",
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
            "months": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS, "default": 36},
            "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED, "default": 0},
            "runs": {"type": "integer", "minimum": 1, "maximum": MAX_RUNS, "default": 1},
            "relations_file": {"type": "string", "minLength": 1,
                               "description": "Starting alignments from `python -m sim seed`, relative "
                                              "to this file (default: the bundled seeds/relations.yaml)."},
            "parameters": _parameter_schema(),
            "actors": {"type": "array", "items": added_actor, "maxItems": MAX_ADDED_ACTORS},
            "actor_parameters": {
                "type": "object",
                "additionalProperties": {"type": "object", "properties": BEHAVIOUR, "additionalProperties": False},
                "description": "Per-actor behaviour, e.g. {India: {attention: 2}} (sim/data/actors.yaml).",
            },
            "relations": {"type": "array", "items": relation},
            "events": {"type": "array", "items": event, "maxItems": MAX_EVENTS},
            "changes": {"type": "array", "items": change, "maxItems": MAX_EVENTS},
            "split": {"type": "string", "enum": list(SPLITS),
                      "description": "A hindcast's split: 'train' (episodes up to 2016) or 'test' (2017 on)."},
            "expect": {"type": "array", "items": expectation,
                       "description": "Hindcasts: the bands and directions a credible model must show "
                                      "(python -m sim hindcast)."},
            "observed": observed,
        },
        "required": ["name"],
        "additionalProperties": False,
    }
