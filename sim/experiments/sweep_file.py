"""Sweep files: read, check and turn into a typed SweepPlan, with the same care as scenario files.

The same three passes as a scenario file (sim/inputs/scenario_file.py): the safe YAML reader, a JSON Schema
built from the parameters' declarations (names, types, documented ranges), and the checks that need the
scenario (event indices, actor names). Every mistake is one paragraph naming the file, line, field and fix.

    name: How often does India leave the US bloc?
    seed: 1
    runs: 2
    grid:
      memory: [0.05, 0.1, 0.2]
      balance: {from: 0.0, to: 0.1, steps: 3}
    sample: {method: lhs, n: 64, ranges: {noise: [0.0, 0.1]}}
    variants:
      - name: as written
      - {name: no sale, events_off: [0]}           # or the event's id: in the scenario, events_off: [sale]
      - {name: half sale, intensity: [{event: 0, intensity: 0.5}]}
      - {name: cold start, relations: [{between: [India, Russia], score: 0.2}]}
"""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import EntenteError, did_you_mean
from ..inputs.scenario_file import _Checker
from ..inputs.schema import ACTOR_NAME, MAX_INTENSITY, MAX_RUNS, MAX_SEED, SCORE
from ..inputs.tables import canonical_actors
from ..model.actors import ActorNames
from ..model.parameters import specs
from ..model.scenario import RelationOverride, Scenario
from .plan import AS_WRITTEN, SAMPLE_METHODS, Sample, SweepPlan, Variant

MAX_POINTS = 100_000  # points in one sweep (grid x sample x variants): beyond, split the question
MAX_VALUES = 1_000  # values on one grid axis
MAX_VARIANTS = 100
MAX_HEADLINE_PAIRS = 20


def _value_schema(spec) -> dict:
    if spec.choices:
        return {"type": "string", "enum": list(spec.choices)}
    if isinstance(spec.default, bool):
        return {"type": "boolean"}
    kind = "integer" if isinstance(spec.default, int) else "number"
    return {"type": kind, "minimum": spec.low, "maximum": spec.high}


def _numeric(spec) -> bool:
    return not spec.choices and not isinstance(spec.default, bool)


def sweep_schema() -> dict:
    """The JSON Schema of sweep files; parameters, their types and documented ranges come from specs()."""
    grid, ranges = {}, {}
    for spec in specs():
        value = _value_schema(spec)
        axis: dict = {"type": ["array", "object"] if _numeric(spec) else "array", "items": value,
                      "minItems": 1, "maxItems": MAX_VALUES,
                      "description": f"Values of {spec.name} to try (a list), or an even range "
                                     f"{{from, to, steps}}. Documented range: {spec.low} to {spec.high}."}
        if _numeric(spec):
            axis.update({"properties": {"from": value, "to": value,
                                        "steps": {"type": "integer", "minimum": 2, "maximum": MAX_VALUES}},
                         "required": ["from", "to", "steps"], "additionalProperties": False})
            ranges[spec.name] = {"type": "array", "items": value, "minItems": 2, "maxItems": 2,
                                 "description": f"[low, high] for {spec.name}, within {spec.low} to {spec.high}."}
        grid[spec.name] = axis
    index = {"type": ["integer", "string"], "minimum": 0, "minLength": 1, "maxLength": 40,
             "description": "An event's id: in the scenario, or its index in the scenario's events: list."}
    variant = {
        "type": "object", "required": ["name"], "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "events_off": {"type": "array", "items": index, "description": "Events switched off."},
            "events_only": {"type": "array", "items": index, "description": "The only events kept."},
            "intensity": {"type": "array", "items": {
                "type": "object", "required": ["event", "intensity"], "additionalProperties": False,
                "properties": {"event": index, "intensity": {"type": "number", "exclusiveMinimum": 0,
                                                             "maximum": MAX_INTENSITY}}}},
            "relations": {"type": "array", "items": {
                "type": "object", "required": ["between", "score"], "additionalProperties": False,
                "properties": {"between": {"type": "array", "items": ACTOR_NAME, "minItems": 2, "maxItems": 2},
                               "score": SCORE, "directed": {"type": "boolean"}}}},
        },
    }
    return {
        "type": "object", "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 5000},
            "seed": {"type": "integer", "minimum": 0, "maximum": MAX_SEED},
            "runs": {"type": "integer", "minimum": 1, "maximum": MAX_RUNS},
            "headline_pairs": {"type": "integer", "minimum": 1, "maximum": MAX_HEADLINE_PAIRS},
            "grid": {"type": "object", "properties": grid, "additionalProperties": False},
            "sample": {"type": "object", "required": ["method", "n", "ranges"], "additionalProperties": False,
                       "properties": {"method": {"type": "string", "enum": list(SAMPLE_METHODS)},
                                      "n": {"type": "integer", "minimum": 1, "maximum": MAX_POINTS},
                                      "ranges": {"type": "object", "properties": ranges, "minProperties": 1,
                                                 "additionalProperties": False}}},
            "variants": {"type": "array", "items": variant, "minItems": 1, "maxItems": MAX_VARIANTS},
        },
    }


def load_sweep(path: str | Path, scenario: Scenario) -> SweepPlan:
    """Read and check a sweep file against the scenario it sweeps; raises EntenteError on any mistake."""
    from ..inputs.paths import check_input_file
    from ..inputs.safe_yaml import load_yaml

    check_input_file(path, "sweep file")
    document = load_yaml(path, what="sweep file")
    return sweep_from_data(document.data, scenario, file=str(path), position=document.position)


def sweep_from_data(data, scenario: Scenario, *, file: str | None = None, position=None) -> SweepPlan:
    """Check plain data (as parsed from YAML, or built in a notebook) and make a SweepPlan."""
    return _SweepChecker(file=file, position=position or (lambda path: None)).plan(data, scenario)


class _SweepChecker(_Checker):
    """The scenario checker's messages (types, ranges, unknown keys with did-you-mean) for sweep files."""

    def check_schema(self, data) -> None:
        from jsonschema import Draft202012Validator

        if not isinstance(data, dict):
            raise self.error((), "a sweep file must be a mapping of keys such as runs, grid and variants",
                             "Start the file with a line such as 'runs: 2', then 'grid:' or 'sample:'.")
        validator = Draft202012Validator(sweep_schema())
        errors = sorted(validator.iter_errors(data), key=self._sort_key)
        if errors:
            raise self.translate(errors[0], validator.schema)

    def translate(self, error, schema) -> EntenteError:
        translated = super().translate(error, schema)
        path = list(error.absolute_path)
        spec = {s.name: s for s in specs()}.get(path[1]) if len(path) > 1 and path[0] in ("grid",) else None
        if len(path) > 2 and path[:2] == ["sample", "ranges"]:
            spec = {s.name: s for s in specs()}.get(path[2])
        if spec is not None and error.validator in ("minimum", "maximum"):
            translated.hint = (f"The documented range of {spec.name} is {spec.low} to {spec.high} "
                               f"({spec.unit}); python -m sim list parameters explains each.")
        elif spec is not None and error.validator == "type" and len(path) == 2:
            translated.hint = ("Write a list of values, for instance [0.05, 0.1, 0.2], or an even range, "
                               "for instance {from: 0.05, to: 0.2, steps: 4}.")
        if len(path) == 1 and path[0] == "variants" or error.validator == "required" and path[:1] == ["variants"]:
            translated.hint = translated.hint or "Give each variant a name, e.g. '- {name: no sale, events_off: [0]}'."
        return translated

    def plan(self, data, scenario: Scenario) -> SweepPlan:
        self.reject_non_finite(data)
        self.reject_broken_text(data)
        self.check_schema(data)
        grid = tuple((name, self.axis(name, values)) for name, values in data.get("grid", {}).items())
        sample = None
        if "sample" in data:
            entry = data["sample"]
            for name, (low, high) in entry["ranges"].items():
                if not low < high:
                    raise self.error(("sample", "ranges", name), f"the range of {name} must go from a lower to a "
                                     f"higher value, but is [{low}, {high}]", "Write [low, high], e.g. [0.0, 0.1].")
                if name in dict(grid):
                    raise self.error(("sample", "ranges", name), f"{name} is both on the grid and in the sample",
                                     "Vary each parameter in one place: remove it from grid: or from sample:.")
            if entry["method"] == "sobol" and entry["n"] & (entry["n"] - 1):
                lower = 1 << (entry["n"].bit_length() - 1)
                raise self.error(("sample", "n"), f"a Sobol sample needs a power of two points, but n is {entry['n']}",
                                 f"Use n: {lower} or n: {lower * 2} (Sobol points balance only in powers of "
                                 f"two), or method: lhs.")
            sample = Sample(entry["method"], int(entry["n"]),
                            tuple((name, float(low), float(high)) for name, (low, high) in entry["ranges"].items()))
        variants = tuple(self.variant(entry, index, scenario) for index, entry in enumerate(data.get("variants", [])))
        names = [v.name for v in variants]
        for index, name in enumerate(names):
            if name in names[:index]:
                raise self.error(("variants", index, "name"), f"two variants are named {name!r}",
                                 "Give each variant a name of its own: the results table tells them apart by it.")
        count = math.prod(len(values) for _, values in grid) * (sample.n if sample else 1) * max(len(variants), 1)
        if count > MAX_POINTS:
            raise self.error((), f"the sweep has {count:,} points (grid x sample x variants), more than the limit "
                                 f"of {MAX_POINTS:,}", "Use fewer grid values or a smaller sample, or split it "
                                                       "into several sweeps.")
        return SweepPlan(
            name=str(data.get("name", "sweep")).strip(),
            seed=int(data.get("seed", 0)),
            runs=int(data.get("runs", scenario.runs)),
            grid=grid,
            sample=sample,
            variants=variants or (AS_WRITTEN,),
            headline_pairs=int(data.get("headline_pairs", 5)),
            file=self.file,
        )

    def axis(self, name: str, values) -> tuple:
        spec = {s.name: s for s in specs()}[name]
        if isinstance(values, dict):
            low, high, steps = values["from"], values["to"], int(values["steps"])
            if isinstance(spec.default, int):
                if (high - low) % (steps - 1):
                    raise self.error(("grid", name), f"{name} takes whole numbers, and {steps} even steps from "
                                     f"{low} to {high} are not whole", "Write the values as a list instead.")
                return tuple(int(low + (high - low) // (steps - 1) * k) for k in range(steps))
            return tuple(float(low + (high - low) * k / (steps - 1)) for k in range(steps))
        out = []
        for index, value in enumerate(values):
            typed = value if not _numeric(spec) else (int(value) if isinstance(spec.default, int) else float(value))
            if typed in out:
                raise self.error(("grid", name, index), f"{value!r} is listed twice for {name}",
                                 "List each value once.")
            out.append(typed)
        return tuple(out)

    def variant(self, entry: dict, index: int, scenario: Scenario) -> Variant:
        count = _event_count(scenario)
        ids = scenario.event_ids()

        def event(value, path):
            if isinstance(value, str):
                if value not in ids:
                    known = ", ".join(sorted(ids)) if ids else "none (no event of the scenario has an id:)"
                    hint = did_you_mean(value, list(ids)) or f"The scenario's event ids: {known}."
                    raise self.error(path, f"the scenario has no event with the id {value!r}",
                                     hint + " An index into its events: list (from 0) works too.")
                return ids[value]
            if value >= count:
                places = f"events[0] to events[{count - 1}]" if count else "none"
                raise self.error(path, f"the scenario has no event {value} (its events are {places})",
                                 "Name events by their place in the scenario's events: list, counting from 0.")
            return int(value)

        path = ("variants", index)
        off = tuple(event(v, (*path, "events_off", i)) for i, v in enumerate(entry.get("events_off", [])))
        only = entry.get("events_only")
        if only is not None:
            only = tuple(event(v, (*path, "events_only", i)) for i, v in enumerate(only))
        intensities = tuple((event(e["event"], (*path, "intensity", i, "event")), float(e["intensity"]))
                            for i, e in enumerate(entry.get("intensity", [])))
        names = ActorNames(canonical_actors())
        for added in scenario.added_actors:
            names.add(added.name)
        relations = []
        for i, relation in enumerate(entry.get("relations", [])):
            first, second = (self.actor(names, text, (*path, "relations", i, "between", k))
                             for k, text in enumerate(relation["between"]))
            if first == second:
                raise self.error((*path, "relations", i, "between"),
                                 f"a relation needs two different actors, but both are {first}")
            relations.append(RelationOverride(first, second, float(relation["score"]),
                                              bool(relation.get("directed", False))))
        return Variant(entry["name"].strip(), off, only, intensities, tuple(relations))


def _event_count(scenario: Scenario) -> int:
    """How many entries the scenario file's events: list has (split events share their place)."""
    places = [int(e.place[len("events["):-1]) for e in scenario.events if e.place.startswith("events[")]
    return max(places) + 1 if places else 0
