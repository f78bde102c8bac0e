"""Read an alignment data file for `python -m sim blocs`: actors with sizes, and symmetric propensities.

    actors:
      - {name: Britain, size: 2.5}
      - {name: France, size: 2.0}
    propensities:          # symmetric; unlisted pairs are 0; any finite number
      - [Britain, France, 0.8]

Optional `name`, `description` and `source` keys document where the numbers come from. Every mistake
raises EntenteError naming the file, the line and the field (for instance `propensities[2]`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import EntenteError, describe_value, did_you_mean, field_path
from ..links import page

MAX_ACTORS = 500  # the solver stores n x n matrices; beyond this a classroom file is surely a mistake
_TOP_KEYS = ("actors", "propensities", "name", "description", "source")
_ACTOR_KEYS = ("name", "size")
_EXAMPLE = ("For example, `actors: [{name: Britain, size: 2.5}, {name: France, size: 2.0}]` and "
            f"`propensities: [[Britain, France, 0.8]]`, each on its own line ({page('landscape')}).")


@dataclass(frozen=True)
class AlignmentData:
    """Names in file order, their sizes, and the symmetric propensity matrix (zero diagonal)."""

    names: tuple[str, ...]
    sizes: np.ndarray
    propensity: np.ndarray
    file: str | None = None
    description: str | None = None


def load_alignments(path: str | Path) -> AlignmentData:
    """Read and check an alignment data file (YAML)."""
    from .safe_yaml import load_yaml

    document = load_yaml(path, what="alignment data file")
    return alignments_from_data(document.data, file=str(path), position=document.position)


def alignments_from_data(data, *, file: str | None = None, position=None) -> AlignmentData:
    """Check plain data (as parsed from YAML, or built in a notebook) and build the matrices."""
    return _Reader(file, position or (lambda path: None)).read(data)


def _finite(value) -> float | None:
    """The value as a float if it is a finite number (not a boolean), else None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return number if math.isfinite(number) else None


class _Reader:
    def __init__(self, file, position) -> None:
        self.file = file
        self.position = position

    def error(self, path: tuple, problem: str, hint: str | None = None) -> EntenteError:
        place = None
        for depth in range(len(path), 0, -1):  # the innermost part of the path the parser can place
            place = self.position(tuple(path[:depth]))
            if place:
                break
        line, column = place if place else (None, None)
        return EntenteError(problem, file=self.file, line=line, column=column,
                            field=field_path(path) or None, hint=hint)

    def read(self, data) -> AlignmentData:
        if not isinstance(data, dict):
            raise self.error((), f"an alignment data file must be a mapping with `actors` and "
                                 f"`propensities`, not {describe_value(data)}", _EXAMPLE)
        for key in data:
            if key not in _TOP_KEYS:
                hint = did_you_mean(str(key), _TOP_KEYS) or f"Allowed keys: {', '.join(_TOP_KEYS)}."
                raise self.error((key,), f"unknown key {key!r}", hint)
        for key in ("name", "description", "source"):
            if key in data and data[key] is not None and not isinstance(data[key], str):
                raise self.error((key,), f"`{key}` must be text, not {describe_value(data[key])}")
        if "actors" not in data:
            raise self.error((), "the file has no `actors` list", _EXAMPLE)
        names, sizes = self.read_actors(data["actors"])
        propensity = self.read_propensities(data.get("propensities"), names)
        # In logarithms: the product itself (or the square of a size near 1e300) would overflow a float.
        strongest = float(np.max(np.abs(propensity), initial=0.0))
        scale = 2 * math.log10(float(np.max(sizes))) + 2 * math.log10(len(names))
        if scale > 300 or (strongest > 0 and scale + max(math.log10(strongest), 0.0) > 300):
            raise self.error(("actors",), "sizes and propensities are too large to multiply together",
                             "Rescale them (only their ratios matter for the blocs).")
        description = data.get("description") or data.get("name")
        return AlignmentData(tuple(names), sizes, propensity, self.file, description)

    def read_actors(self, actors) -> tuple[list[str], np.ndarray]:
        path = ("actors",)
        if not isinstance(actors, list):
            raise self.error(path, f"`actors` must be a list of {{name, size}} entries, not {describe_value(actors)}",
                             _EXAMPLE)
        if len(actors) < 2:
            raise self.error(path, f"`actors` lists {len(actors)} actor(s); blocs need at least two")
        if len(actors) > MAX_ACTORS:
            raise self.error(path, f"`actors` lists {len(actors)} actors; at most {MAX_ACTORS} are supported")
        names: list[str] = []
        sizes: list[float] = []
        seen: dict[str, int] = {}
        for index, entry in enumerate(actors):
            here = ("actors", index)
            if not isinstance(entry, dict):
                raise self.error(here, f"each actor must be a mapping like {{name: Britain, size: 2.5}}, "
                                       f"not {describe_value(entry)}")
            for key in entry:
                if key not in _ACTOR_KEYS:
                    hint = did_you_mean(str(key), _ACTOR_KEYS) or "An actor has only `name` and `size`."
                    raise self.error((*here, key), f"unknown key {key!r}", hint)
            for key in _ACTOR_KEYS:
                if key not in entry:
                    raise self.error(here, f"this actor has no `{key}`", "Write it as {name: Britain, size: 2.5}.")
            name = entry["name"]
            if not isinstance(name, str) or not name.strip():
                raise self.error((*here, "name"), f"an actor's name must be text, not {describe_value(name)}",
                                 "Put the name in quotes, for instance name: \"Norway\".")
            name = name.strip()
            if name.casefold() in seen:
                raise self.error((*here, "name"), f"actor {name!r} is listed twice "
                                 f"(first as actors[{seen[name.casefold()]}])", "Give each actor one entry.")
            seen[name.casefold()] = index
            size = _finite(entry["size"])
            if size is None or size <= 0:
                raise self.error((*here, "size"), f"the size of {name!r} must be a positive finite number, "
                                                  f"not {describe_value(entry['size'])}",
                                 "Sizes weigh actors in the energy (for instance 2.5).")
            names.append(name)
            sizes.append(size)
        return names, np.array(sizes)

    def read_propensities(self, entries, names: list[str]) -> np.ndarray:
        n = len(names)
        propensity = np.zeros((n, n))
        if entries is None:
            return propensity
        if not isinstance(entries, list):
            raise self.error(("propensities",), f"`propensities` must be a list of [actor, actor, value] "
                                                f"entries, not {describe_value(entries)}", _EXAMPLE)
        index_of = {name.casefold(): i for i, name in enumerate(names)}
        first_listed: dict[tuple[int, int], int] = {}
        for k, entry in enumerate(entries):
            here = ("propensities", k)
            if not isinstance(entry, list) or len(entry) != 3:
                raise self.error(here, f"each propensity must be [actor, actor, value], not {describe_value(entry)}"
                                 + (f" of {len(entry)} items" if isinstance(entry, list) else ""),
                                 "For example [Britain, France, 0.8].")
            ends = []
            for side in (0, 1):
                name = entry[side]
                if not isinstance(name, str):
                    raise self.error((*here, side), f"expected an actor's name, not {describe_value(name)}",
                                     "Put the name in quotes if YAML reads it as something else.")
                if name.strip().casefold() not in index_of:
                    hint = did_you_mean(name.strip(), names) or f"The actors are: {', '.join(names)}."
                    raise self.error((*here, side), f"unknown actor {name!r}: it is not in `actors`", hint)
                ends.append(index_of[name.strip().casefold()])
            value = _finite(entry[2])
            if value is None:
                raise self.error((*here, 2), f"the propensity must be a finite number, not {describe_value(entry[2])}",
                                 "Positive means inclined to work together, negative the opposite.")
            i, j = ends
            if i == j:
                raise self.error(here, f"{names[i]!r} is paired with itself",
                                 "A propensity is between two different actors.")
            pair = (min(i, j), max(i, j))
            if pair in first_listed and propensity[i, j] != value:
                raise self.error(here, f"the pair {names[pair[0]]!r}–{names[pair[1]]!r} is already listed as "
                                       f"propensities[{first_listed[pair]}] with a different value "
                                       f"({propensity[i, j]:g}, here {value:g})",
                                 "Propensities are symmetric: list each pair once.")
            first_listed.setdefault(pair, k)
            propensity[i, j] = propensity[j, i] = value
        return propensity
