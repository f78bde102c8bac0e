"""What a finished sweep found: how each outcome depends on each swept dimension, and how often each bloc
outcome happens across the space.

A dimension is a swept parameter, or the variant when there are several. A dimension with at most
MAX_LEVELS distinct values is shown by value; one with more (a sample) in BINS bins of equal count
(quintiles), each shown at its mean. Outcomes are the headline effects and, for each actor whose chance of
ending in the first bloc varies across the sweep, that chance: typed Measures, read from the table's header by
sim/experiments/outcomes.py (the one place that knows the file format).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import EntenteError
from .sweep_folder import MANIFEST, TABLE, read_manifest
from .outcomes import END_BLOCS, FIRST_BLOC, VARIANT, Measure, column, read_table

MAX_LEVELS = 8
BINS = 5


@dataclass(frozen=True)
class Dependence:
    """One outcome against one dimension: the levels (values or bin means), the outcome's mean at each."""

    outcome: Measure
    dimension: str
    levels: tuple[object, ...]
    means: tuple[float, ...]

    @property
    def spread(self) -> float:
        return max(self.means) - min(self.means) if self.means else 0.0


@dataclass(frozen=True)
class SweepSummary:
    name: str
    folder: str
    points: int
    runs_per_point: int
    table: pd.DataFrame
    dimensions: tuple[str, ...]
    outcomes: tuple[Measure, ...]
    bloc_shares: tuple[tuple[str, float], ...]  # modal end configuration, share of points; most common first
    dependence: tuple[Dependence, ...]

    def for_outcome(self, outcome: Measure) -> list[Dependence]:
        return [d for d in self.dependence if d.outcome == outcome]

    def values(self, outcome: Measure) -> pd.Series:
        """An outcome's value at every point."""
        return self.table[column(outcome)]


def read_sweep(folder) -> tuple[dict, pd.DataFrame, tuple[str, ...], tuple[Measure, ...]]:
    """The manifest, table, swept parameters and measures of a finished sweep folder; EntenteError when it is
    not one or not finished."""
    path = Path(folder)
    manifest = read_manifest(path)
    if manifest is None:
        raise EntenteError(f"{str(folder)!r} is not a sweep folder (it has no Entente {MANIFEST})",
                           hint="Give the --out folder of a `python -m sim sweep` run.")
    if not manifest.get("complete"):
        raise EntenteError(f"the sweep in {str(folder)!r} is not finished ({len(manifest['done'])} of "
                           f"{len(manifest['chunks'])} chunks)", hint="Complete it with --resume first.")
    from .sweep_folder import read_checked

    data = read_checked(path, manifest["table"], "sweep table")
    if data is None:
        raise EntenteError(f"{TABLE} is missing, not an ordinary file, or was changed after the sweep wrote it",
                           file=str(path / TABLE), hint="Rebuild it with --resume, or run the sweep again.")
    import io

    try:
        table = pd.read_csv(io.BytesIO(data), keep_default_na=False)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise EntenteError(f"{TABLE} is not a table as the sweep writes it ({str(error)[:200]})",
                           file=str(path / TABLE), hint="Run the sweep again.") from None
    columns = list(table.columns)
    if columns != [str(c) for c in manifest["columns"]] or not {"variant", "seed", "end blocs"} <= set(columns) \
            or columns.index("variant") > columns.index("seed"):
        raise EntenteError(f"the columns of {TABLE} are not the ones its sweep manifest records",
                           file=str(path / TABLE), hint="Run the sweep again.")
    if len(table) != manifest["points"]:
        raise EntenteError(f"{TABLE} has {len(table)} rows, not the {manifest['points']} points of the sweep",
                           file=str(path / TABLE), hint="Run the sweep again.")
    table, parameters, measures = read_table(table)
    if any(table[column(m)].dtype.kind not in "iuf" for m in measures):
        raise EntenteError(f"{TABLE} holds text where the sweep writes numbers", file=str(path / TABLE),
                           hint="Run the sweep again.")
    return manifest, table, parameters, measures


def summarise_sweep(folder) -> SweepSummary:
    manifest, table, parameters, measures = read_sweep(folder)
    dimensions = list(parameters) + ([VARIANT] if table[VARIANT].nunique() > 1 else [])
    outcomes = [m for m in measures if m.kind != FIRST_BLOC or table[column(m)].nunique() > 1]
    dependence = []
    for dimension in dimensions:
        levels = _levels(table, dimension)
        grouped = table.groupby(levels, sort=True, observed=True)
        for outcome in outcomes:
            means = grouped[column(outcome)].mean()
            if isinstance(levels, pd.Series) and levels.name == "_bin":
                labels = tuple(float(v) for v in table.groupby(levels, observed=True)[dimension].mean())
            else:
                labels = tuple(means.index)
            dependence.append(Dependence(outcome, dimension, labels, tuple(float(v) for v in means)))
    shares = table[END_BLOCS].value_counts(normalize=True, sort=False)
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    return SweepSummary(manifest.get("sweep_name") or manifest["scenario"], str(folder), len(table),
                        int(manifest["runs_per_point"]), table, tuple(dimensions), tuple(outcomes),
                        tuple((k, float(v)) for k, v in ordered), tuple(dependence))


def _levels(table: pd.DataFrame, dimension: str):
    """What to group a dimension by: its values, or (more than MAX_LEVELS of them) equal-count bins."""
    values = table[dimension]
    if dimension == "variant" or values.nunique() <= MAX_LEVELS or values.dtype == object:
        return dimension
    return pd.qcut(values.rank(method="first"), BINS, labels=False).rename("_bin")
