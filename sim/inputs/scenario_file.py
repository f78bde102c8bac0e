"""Scenario files: read, check and turn into a typed Scenario.

Checking happens in three passes, each with messages a student can act on: the safe YAML reader
(syntax, duplicate keys, unsafe tags), the JSON Schema (shapes, types, ranges, unknown keys), and the
checks that need the world (actor names, months within the horizon, an actor acting on itself).
"""

from __future__ import annotations

import math
from pathlib import Path

from ..errors import EntenteError, describe_value, did_you_mean, field_path
from ..model.actors import ActorNames
from ..model.events import HOSTILE, ScheduledEvent
from ..model.parameters import Parameters
from ..model.scenario import (
    DEFAULT_MONTHS,
    MEASURES,
    ActorChange,
    AddedActor,
    Expectation,
    Observed,
    RelationOverride,
    Scenario,
)
from .paths import check_input_file
from .tables import canonical_actors, load_codebook
from .text import name_problem


def find_scenario(text: str | Path) -> Path:
    """A scenario file's path: the file named, or else the bundled scenario of that name (`s400_india`)."""
    from .resources import bundled_scenario

    path = Path(text)
    if not path.exists():
        bundled = bundled_scenario(str(text))
        if bundled is not None:
            return bundled
    return path


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file (or a bundled scenario by name); raises EntenteError on any mistake."""
    from .safe_yaml import load_yaml

    found = find_scenario(path)
    if not found.exists():
        from .resources import bundled_scenarios

        names = [bundled.stem for bundled in bundled_scenarios()]
        raise EntenteError(f"there is no scenario file {str(path)!r}, nor a bundled scenario of that name",
                           hint=(did_you_mean(found.stem, names) + " ").lstrip()
                           + f"Check the path; the bundled scenarios are: {', '.join(names)}.")
    # A bundled scenario is named as the user asked for it, not by its place inside site-packages.
    label = str(found) if found == Path(path) else f"{found.stem} (bundled)"
    document = load_yaml(found, what="scenario file")
    return scenario_from_data(document.data, file=label, position=document.position,
                              base_dir=found.resolve().parent)


def scenario_from_data(data, *, file: str | None = None, position=None, base_dir: Path | None = None) -> Scenario:
    """Check plain data (as parsed from YAML, or built in a notebook) and make a Scenario."""
    checker = _Checker(file=file, position=position or (lambda path: None))
    return checker.build(data, base_dir=base_dir)


_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "a text",
    "boolean": "true or false",
    "array": "a list (lines starting with '- ', or [a, b])",
    "object": "a mapping (key: value lines)",
}


class _Checker:
    def __init__(self, *, file, position) -> None:
        self.file = file
        self.position = position

    def error(self, path, problem: str, hint: str | None = None) -> EntenteError:
        place = self.position(tuple(path)) if path is not None else None
        line, column = place if place else (None, None)
        return EntenteError(problem, file=self.file, line=line, column=column,
                            field=field_path(path) if path else None, hint=hint)

    # -- pass 0: numbers YAML can produce but JSON cannot ---------------------------------------
    def reject_non_finite(self, value, path=()) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            raise self.error(path, f"{value} is not a usable number here",
                             "Write an ordinary finite number (for instance 0.5).")
        if isinstance(value, dict):
            for key, item in value.items():
                self.reject_non_finite(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.reject_non_finite(item, (*path, index))

    # -- pass 0: text that no file or terminal can hold ------------------------------------------
    def reject_broken_text(self, value, path=()) -> None:
        """A lone surrogate (half of a character, e.g. from "\\ud800") would crash every writer later."""
        if isinstance(value, str) and any("\ud800" <= char <= "\udfff" for char in value):
            raise self.error(path, "the text holds a lone surrogate (an escape such as \\ud800, half of a "
                                   "character), which cannot be written to a file or shown on a screen",
                             "Remove the escape, or write the character itself.")
        if isinstance(value, dict):
            for key, item in value.items():
                self.reject_broken_text(key, path)
                self.reject_broken_text(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                self.reject_broken_text(item, (*path, index))

    # -- pass 1: the JSON Schema -----------------------------------------------------------------
    def check_schema(self, data) -> None:
        from jsonschema import Draft202012Validator

        from .schema import scenario_schema

        if not isinstance(data, dict):
            raise self.error((), f"a scenario must be a mapping of keys such as name, months and events, "
                                 f"but this file holds {describe_value(data)}",
                             "Start the file with a line such as 'name: My scenario'.")
        other_kinds = {
            "propensities": ("an alignment data file", "python -m sim blocs FILE"),
            "relations": ("a relations file", "python -m sim run SCENARIO --relations FILE"),
            "overrides": ("a file of overrides", "python -m sim seed ARTICLE.txt --overrides FILE"),
        }
        for key, (kind, command) in other_kinds.items():
            if key in data and "name" not in data and "events" not in data:
                raise self.error((), f"this looks like {kind}, not a scenario", f"Use it with: {command}.")
        validator = Draft202012Validator(scenario_schema())
        errors = sorted(validator.iter_errors(data), key=lambda e: self._sort_key(e))
        if errors:
            first = self.translate(errors[0], validator.schema)
            if len(errors) > 1:
                first.problem += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''} in this " \
                                 f"file: fix this one, then validate again to see the next)"
            raise first

    def _sort_key(self, error):
        place = self.position(tuple(error.absolute_path)) or (10**9, 0)
        return (place, len(error.absolute_path))

    def translate(self, error, schema) -> EntenteError:
        path = list(error.absolute_path)
        value = error.instance
        kind = error.validator
        what = field_path(path) or "the file"
        if kind == "additionalProperties":
            allowed = list(error.schema.get("properties", {}))
            extra = [key for key in value if key not in allowed]
            key = extra[0]
            hint = did_you_mean(key, allowed) or f"Allowed keys here: {', '.join(allowed)}."
            return self.error([*path, key], f"unknown key {key!r}", hint)
        if kind == "required":
            missing = error.message.split("'")[1]
            return self.error(path, f"{what} is missing the required key {missing!r}",
                              _REQUIRED_HINTS.get(missing))
        if kind == "type":
            expected = error.validator_value
            expected = expected if isinstance(expected, str) else expected[0]
            advice = ("Write the id in quotes (id: '7') or as a short name (id: su35-sale)."
                      if path and path[-1] == "id" and expected == "string" else _type_hint(expected, value))
            return self.error(path, f"expected {_TYPE_WORDS.get(expected, expected)}, found {describe_value(value)}",
                              advice)
        if kind == "enum":
            choices = [str(c) for c in error.validator_value]
            hint = did_you_mean(value, choices) or f"Choose one of: {', '.join(choices)}."
            label = "event type" if path and path[-1] == "type" else "value"
            return self.error(path, f"unknown {label} {value!r}", hint)
        if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = error.validator_value
            words = {"minimum": "at least", "maximum": "at most",
                     "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}[kind]
            return self.error(path, f"{what} must be {words} {bound}, but is {value}",
                              _RANGE_HINTS.get(path[-1] if path else "", None))
        if kind in ("minItems", "maxItems"):
            count = error.validator_value
            words = "at least" if kind == "minItems" else "at most"
            return self.error(path, f"{what} must list {words} {count} item{'s' if count != 1 else ''}, "
                                    f"but has {len(value)}")
        if kind == "pattern" and path and path[-1] == "id":
            return self.error(path, f"the event id {value!r} is not a short name of lower-case letters, digits, "
                                    f"'-' and '_'", "Write for instance 'id: su35-sale' (at most 40 characters, "
                                                    "starting with a letter or a digit).")
        if kind == "pattern" and path == ["observed", "start"]:
            return self.error(path, f"the start month {value!r} is not a month written YYYY-MM",
                              "Write the calendar month of month 1, for instance 'start: 2018-05' for May 2018.")
        if kind == "minLength":
            return self.error(path, f"{what} is empty", "Write a value after the colon.")
        if kind == "maxLength":
            return self.error(path, f"{what} is too long ({len(value):,} characters; the limit is "
                                    f"{error.validator_value:,})", "Shorten it to a sentence or two; longer text "
                                                                   "belongs in a document beside the scenario.")
        if kind == "oneOf" and len(path) == 2 and path[0] == "expect":
            return self.error(path, "an expectation needs 'pair' and one of 'change', 'effect', 'peak' or "
                                    "'share_left', or else 'bloc_together'",
                              "Write for instance '{pair: [Russia, India], effect: [0.05, 0.2]}', "
                              "'{pair: [Russia, India], change: up}' or '{bloc_together: [India, US], at: end}'.")
        if kind == "oneOf" and path and path[-1] == "to":
            return self.error(path, f"expected an actor name or a list of actor names, found {describe_value(value)}",
                              "Write for instance 'to: Pakistan' or 'to: [Pakistan, India]'.")
        return self.error(path, error.message)

    # -- pass 2: what depends on the world ------------------------------------------------------
    def build(self, data, *, base_dir: Path | None) -> Scenario:
        self.reject_non_finite(data)
        self.reject_broken_text(data)
        self.check_schema(data)
        months = int(data.get("months", DEFAULT_MONTHS))
        names = ActorNames(canonical_actors())

        added = []
        canonical = set(names.names)
        for index, entry in enumerate(data.get("actors", [])):
            name = entry["name"].strip()
            problem = name_problem(name)
            if problem:
                raise self.error(("actors", index, "name"), f"the actor name {name!r} cannot be used: {problem}",
                                 "Choose a plain name made of letters and digits, such as 'Turkey'.")
            taken = names.resolve(name)
            if taken in canonical:
                raise self.error(("actors", index, "name"),
                                 f"the actor {name!r} already exists (as {taken!r})",
                                 "To change its starting scores use 'relations:'; to add a new actor "
                                 "pick a name that is not taken.")
            if taken:
                raise self.error(("actors", index, "name"),
                                 f"the actor {name!r} has the same name as the added actor {taken!r} (names are "
                                 f"compared ignoring case, spaces and punctuation)",
                                 "Give each added actor a name of its own.")
            names.add(name)
            added.append((index, name, float(entry["capability"]), entry.get("relations", {}),
                          entry.get("kind", "state"), float(entry.get("anchoring", 1.0)),
                          float(entry.get("attention", 1.0))))
        added_actors = []
        for index, name, capability, relations, kind, anchoring, attention in added:
            resolved = {}
            for other, score in relations.items():
                target = self.actor(names, other, ("actors", index, "relations", other))
                if target == name:
                    raise self.error(("actors", index, "relations", other),
                                     f"{name} cannot have a relation with itself")
                resolved[target] = float(score)
            added_actors.append(AddedActor(name, capability, resolved, kind, anchoring, attention))

        actor_parameters = {}
        for text, values in data.get("actor_parameters", {}).items():
            name = self.actor(names, text, ("actor_parameters", text))
            actor_parameters[name] = {key: float(value) for key, value in values.items()}

        overrides = []
        for index, entry in enumerate(data.get("relations", [])):
            path = ("relations", index, "between")
            first = self.actor(names, entry["between"][0], (*path, 0))
            second = self.actor(names, entry["between"][1], (*path, 1))
            if first == second:
                raise self.error(path, f"a relation needs two different actors, but both are {first}")
            overrides.append(RelationOverride(first, second, float(entry["score"]),
                                              bool(entry.get("directed", False))))

        events = []
        codebook = load_codebook()
        ids: dict[str, int] = {}
        for index, entry in enumerate(data.get("events", [])):
            if "id" in entry:
                if entry["id"] in ids:
                    raise self.error(("events", index, "id"), f"the event id {entry['id']!r} is already the id of "
                                     f"events[{ids[entry['id']]}]", "Give each event an id of its own.")
                ids[entry["id"]] = index
            events.extend(self.event(entry, index, months, names, codebook))
        events.sort(key=lambda e: e.month)  # stable: same-month events keep file order

        parameters = Parameters().with_overrides(data.get("parameters", {}))
        changes = tuple(self.change(entry, index, months, names) for index, entry in enumerate(data.get("changes", [])))
        expectations = tuple(self.expectation(entry, index, months, names)
                             for index, entry in enumerate(data.get("expect", [])))

        observed = self.observed(data["observed"], str(data.get("description", "")), names, base_dir) \
            if "observed" in data else None

        relations_file = data.get("relations_file")
        if relations_file is not None:
            resolved_file = (base_dir or Path.cwd()) / relations_file
            if not resolved_file.exists():
                raise self.error(("relations_file",), f"the relations file {relations_file!r} does not exist "
                                 f"(looked for {resolved_file})",
                                 "Give a path relative to the scenario file, made by python -m sim seed.")
            try:
                check_input_file(resolved_file, "relations file")
            except EntenteError as error:
                raise self.error(("relations_file",), error.problem, error.hint) from None
            relations_file = str(resolved_file)

        return Scenario(
            name=data["name"].strip(),
            description=str(data.get("description", "")).strip(),
            months=months,
            seed=int(data.get("seed", 0)),
            runs=int(data.get("runs", 1)),
            parameters=parameters,
            added_actors=tuple(added_actors),
            relations=tuple(overrides),
            events=tuple(events),
            actor_parameters=actor_parameters,
            changes=changes,
            expectations=expectations,
            split=data.get("split"),
            observed=observed,
            file=self.file,
            relations_file=relations_file,
        )

    def actor(self, names: ActorNames, text: str, path) -> str:
        resolved = names.resolve(text)
        if resolved is None:
            hint = did_you_mean(text, names.spellings())
            if hint:
                hint += " "
            hint += f"Known actors: {', '.join(names.names)} (python -m sim list shows aliases)."
            raise self.error(path, f"unknown actor {text!r}", hint)
        return resolved

    def month_within(self, path, month: int, months: int, what: str) -> None:
        if month > months:
            raise self.error(path, f"month {month} is outside the horizon of this scenario (months 1 to {months})",
                             f"Move the {what} to a month up to {months}, or raise 'months:'.")

    def change(self, entry: dict, index: int, months: int, names: ActorNames) -> ActorChange:
        month = int(entry["at"])
        self.month_within(("changes", index, "at"), month, months, "change")
        if "kind" not in entry and "capability" not in entry:
            raise self.error(("changes", index), "the change changes nothing",
                             "Add 'kind: state' or 'kind: armed_group', or 'capability: NUMBER'.")
        actor = self.actor(names, entry["actor"], ("changes", index, "actor"))
        capability = entry.get("capability")
        return ActorChange(month, actor, entry.get("kind"), None if capability is None else float(capability),
                           str(entry.get("note", "")))

    def expectation(self, entry: dict, index: int, months: int, names: ActorNames) -> Expectation:
        path = ("expect", index)
        if "bloc_together" in entry:
            first, second = (self.actor(names, text, (*path, "bloc_together", i))
                             for i, text in enumerate(entry["bloc_together"]))
            at = entry.get("at", "end")
            at = months if at == "end" else int(at)
            self.month_within((*path, "at"), at, months, "check")
            return Expectation(bloc_together=(first, second), at=at, note=str(entry.get("note", "")))
        first, second = (self.actor(names, text, (*path, "pair", i)) for i, text in enumerate(entry["pair"]))
        if first == second:
            raise self.error((*path, "pair"), f"a pair needs two different actors, but both are {first}")
        by_month = int(entry.get("by_month", months))
        from_month = int(entry.get("from_month", 0))
        self.month_within((*path, "by_month"), by_month, months, "check")
        if from_month >= by_month:
            raise self.error((*path, "from_month"), f"from_month ({from_month}) must come before by_month "
                             f"({by_month})", "Measure a change over at least one month.")
        note = str(entry.get("note", ""))
        measure = next((m for m in MEASURES if m in entry), None)
        if measure is not None:
            if "tolerance" in entry:
                raise self.error((*path, "tolerance"), "a tolerance applies to a direction ('change:'), not to "
                                 f"a band ('{measure}:')", "Widen the band instead: its ends are its tolerance.")
            low, high = (float(x) for x in entry[measure])
            if low > high:
                raise self.error((*path, measure), f"the band [{low:g}, {high:g}] has its low end above its high "
                                 "end", f"Write the smaller number first: [{high:g}, {low:g}].")
            return Expectation(pair=(first, second), from_month=from_month, by_month=by_month, note=note,
                               measure=measure, low=low, high=high)
        return Expectation(pair=(first, second), change=entry["change"], from_month=from_month,
                           by_month=by_month, tolerance=float(entry.get("tolerance", 0.01)), note=note)

    def observed(self, entry: dict, description: str, names: ActorNames, base_dir: Path | None) -> Observed:
        """`observed:` checked: its pairs are actors, its file exists (relative to the episode), and its start
        agrees with the description's "Month 1 is May 2018" where there is one (one date, said once)."""
        import re

        pairs = []
        for index, pair in enumerate(entry["pairs"]):
            first, second = (self.actor(names, text, ("observed", "pairs", index, i)) for i, text in enumerate(pair))
            if first == second:
                raise self.error(("observed", "pairs", index), f"a pair needs two different actors, but both are "
                                 f"{first}", "Write [A, B]: the events A did to B, against how A regards B.")
            if (first, second) in pairs:
                raise self.error(("observed", "pairs", index), f"the pair [{first}, {second}] is listed twice",
                                 "List each directed pair once.")
            pairs.append((first, second))
        said = re.search(r"Month 1 is (January|February|March|April|May|June|July|August|September|October|"
                         r"November|December) (\d{4})", description)
        if said:
            month = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"].index(said.group(1)) + 1
            if entry["start"] != f"{said.group(2)}-{month:02d}":
                raise self.error(("observed", "start"), f"start is {entry['start']} but the description says "
                                 f"\"Month 1 is {said.group(1)} {said.group(2)}\"",
                                 f"Write 'start: {said.group(2)}-{month:02d}', or correct the description.")
        resolved = (base_dir or Path.cwd()) / entry["file"]
        try:
            check_input_file(resolved, "event series")
        except EntenteError as error:
            raise self.error(("observed", "file"), error.problem,
                             (f"{error.hint} " if error.hint else "") + "Give the CSV that `python -m sim data "
                             "events` wrote, as a path relative to this file.") from None
        return Observed(file=str(resolved), start=entry["start"], pairs=tuple(pairs),
                        measure=entry.get("measure", "net_cooperation"), before=int(entry.get("before", 12)),
                        min_events=int(entry.get("min_events", 1)))

    def event(self, entry: dict, index: int, months: int, names: ActorNames, codebook) -> list[ScheduledEvent]:
        place = f"events[{index}]"
        event_id = str(entry.get("id", ""))
        month = int(entry["at"])
        self.month_within(("events", index, "at"), month, months, "event")
        kind = entry["type"]
        intensity = float(entry.get("intensity", 1.0))
        note = str(entry.get("note", ""))
        has_pair = "from" in entry or "to" in entry
        if has_pair and "between" in entry:
            raise self.error(("events", index), "an event takes either 'from' and 'to' or 'between', not both",
                             "Use from/to for one actor acting on others, between for a meeting of several.")
        if "between" in entry:
            members = [self.actor(names, text, ("events", index, "between", i))
                       for i, text in enumerate(entry["between"])]
            if len(set(members)) != len(members):
                duplicate = next(m for m in members if members.count(m) > 1)
                raise self.error(("events", index, "between"), f"{duplicate} is listed twice",
                                 "List each actor once.")
            share = 1.0 / (len(members) - 1)
            if kind in codebook and codebook[kind].audience == HOSTILE:
                # A hostile act `between` two sides is mutual (an exchange of fire): each side acts on the
                # other at half the intensity, neither is the sole aggressor, and nobody ripostes.
                return [ScheduledEvent(month, kind, x, y, intensity / 2, note, share, place, event_id,
                                       mutual=True)
                        for i, a in enumerate(members) for b in members[i + 1:] for x, y in ((a, b), (b, a))]
            return [ScheduledEvent(month, kind, a, b, intensity, note, share, place, event_id)
                    for i, a in enumerate(members) for b in members[i + 1:]]
        if "from" not in entry or "to" not in entry:
            missing = "from" if "from" not in entry else "to"
            raise self.error(("events", index), f"the event is missing {missing!r}",
                             "Write 'from: ACTOR' and 'to: ACTOR' (or 'between: [A, B, ...]' for a meeting).")
        source = self.actor(names, entry["from"], ("events", index, "from"))
        targets = entry["to"] if isinstance(entry["to"], list) else [entry["to"]]
        out = []
        for i, text in enumerate(targets):
            path = ("events", index, "to", i) if isinstance(entry["to"], list) else ("events", index, "to")
            target = self.actor(names, text, path)
            if target == source:
                raise self.error(path, f"{source} cannot be both the source and the target of an event",
                                 "An event is between two different actors.")
            out.append(ScheduledEvent(month, kind, source, target, intensity, note, 1.0, place, event_id))
        return out


_REQUIRED_HINTS = {
    "name": "Add a line such as 'name: Russia sells fighters to Pakistan' at the top.",
    "at": "Add 'at: MONTH' (1 for the first month).",
    "type": "Add 'type: EVENT_TYPE'; python -m sim list shows the event types.",
    "between": "Add 'between: [ACTOR, ACTOR]'.",
    "score": "Add 'score: NUMBER' between -1 (hostile) and 1 (allied).",
    "capability": "Add 'capability: NUMBER', the actor's relative size (Pakistan is 1.3, China 22).",
}

_RANGE_HINTS = {
    "months": "A scenario runs for 1 to 240 months (one step is one month).",
    "at": "Months are counted from 1.",
    "score": "Scores go from -1 (hostile) through 0 (neutral) to 1 (allied).",
    "intensity": "Intensity multiplies the event type's weight: 1 is a typical event, 0.5 a small one.",
    "runs": "Use between 1 and 1000 runs.",
    "capability": "Capability is a positive relative size (Pakistan 1.3, Russia 4, China 22).",
}


def _type_hint(expected: str, value) -> str | None:
    if expected in ("integer", "number") and isinstance(value, str):
        return "Write the number without quotes."
    if expected == "integer" and isinstance(value, float):
        return "Use a whole number such as 3."
    if expected == "array":
        return "Write a list, for instance [Russia, China]."
    if expected == "object":
        return "Write key: value lines indented under this key."
    if expected == "string" and value is None:
        return "Write a value after the colon."
    return None
