"""The files that ship with Entente, found through importlib.resources so they work from an installed wheel.

Three folders: the package's data tables (sim/data), the seeds (the article, its coded relations, the
teacher's overrides) and the bundled scenarios. In the repository the seeds and scenarios live at the top
level (`seeds/`, `scenarios/`), the one copy people edit; the build maps them into the package as
`sim.seeds` and `sim.scenarios` (pyproject.toml), so a wheel carries them without a second
copy in git.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from ..errors import EntenteError

_CHECKOUT = Path(__file__).resolve().parents[2]
# The distribution's name in pyproject.toml ("entente" on the package index is another project); the import
# package is `sim`.
DISTRIBUTION = "entente-sim"


def _folder(name: str, checkout_name: str | None = None) -> Path:
    installed = resources.files("sim") / name
    if isinstance(installed, Path) and installed.is_dir():
        return installed
    # A source checkout, installed in editable mode or not at all: the top-level folder is the one copy.
    if checkout_name is not None and (_CHECKOUT / checkout_name).is_dir():
        return _CHECKOUT / checkout_name
    raise FileNotFoundError(f"Entente's bundled folder sim/{name} is missing; reinstall the package")


DATA_DIR_VARIABLE = "ENTENTE_DATA_DIR"
"""Names a folder holding a full, edited copy of sim/data to use instead of the bundled one (CONTRIBUTING.md:
try a new event type or actor without touching the installed package). Read once, when a table is first used."""


@cache
def data_dir() -> Path:
    """sim/data (or the folder ENTENTE_DATA_DIR names): the codebook, actors, priors and the coder's dictionaries."""
    override = os.environ.get(DATA_DIR_VARIABLE)
    if override:
        folder = Path(override)
        if not (folder / "codebook.yaml").is_file():
            raise EntenteError(f"{DATA_DIR_VARIABLE} names {override!r}, which is not a folder holding Entente's "
                               "data tables (no codebook.yaml in it)",
                               hint=f"Copy the whole of sim/data to that folder and edit the copy, or unset "
                                    f"{DATA_DIR_VARIABLE} to use the bundled tables.")
        return folder
    return _folder("data")


@cache
def seeds_dir() -> Path:
    """The bundled article, its coded relations and the overrides file."""
    return _folder("seeds", "seeds")


@cache
def scenarios_dir() -> Path:
    """The bundled scenarios, runnable by name (`sim run s400_india`)."""
    return _folder("scenarios", "scenarios")


@cache
def hindcasts_dir() -> Path:
    """The bundled hindcasts: historical sequences with the directions a credible model must show."""
    return _folder("hindcasts", "hindcasts")


def bundled_hindcasts() -> list[Path]:
    return sorted(hindcasts_dir().glob("*.yaml"))


def data_file(name: str) -> Path:
    return data_dir() / name


def default_relations() -> Path:
    return seeds_dir() / "relations.yaml"


def default_article() -> Path:
    return seeds_dir() / "pakistan_russia_relations_article.txt"


def bundled_scenarios() -> list[Path]:
    return sorted(scenarios_dir().glob("*.yaml"))


def bundled_scenario(name: str) -> Path | None:
    """The bundled scenario called name (with or without .yaml), or None."""
    stem = name[:-5] if name.endswith(".yaml") else name
    if not stem or "/" in stem or "\\" in stem:
        return None
    path = scenarios_dir() / f"{stem}.yaml"
    return path if path.is_file() else None


@cache
def table_document(name: str):
    """A bundled table, read through the same safe loader as every user file (positions kept for errors)."""
    from .safe_yaml import load_yaml

    return load_yaml(data_file(name), what="bundled table")


def read_table(name: str):
    """The plain data of one of the package's own YAML tables."""
    return table_document(name).data


@cache
def version() -> str:
    """Entente's version. The one source is `version` in pyproject.toml: an installed copy reads it from the
    package metadata the build wrote; a source checkout that was never installed reads pyproject.toml."""
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        pass
    import tomllib

    try:
        with open(_CHECKOUT / "pyproject.toml", "rb") as file:
            return str(tomllib.load(file)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"
