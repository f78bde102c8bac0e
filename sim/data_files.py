"""Where the bundled data tables live, and a plain YAML reader for them (trusted files, not user input)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
SCENARIOS_DIR = PROJECT_DIR / "scenarios"


@cache
def read_table(name: str):
    """Read one of the package's own YAML tables (codebook, actors...)."""
    import yaml

    with open(DATA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)
