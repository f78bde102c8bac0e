"""Write a Result to its output folder (CSV, JSON, plots, manifest) and read it back.

Data files are byte-identical for the same scenario and seed: fixed column order, six decimals, no
timestamps. Writing goes through sim.output, so a run that fails half-way leaves no result that looks
complete and never damages an earlier one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..experiment.result import EVENT_COLUMNS, Result
from ..experiment.summary import Summary

SCORE_COLUMNS = ["run", "month", "source", "target", "score"]
FLOAT_FORMAT = "%.6f"


TEXT_COLUMNS = ("source", "target", "actor", "type", "origin", "reason")


def _csv(table: pd.DataFrame) -> str:
    from ..io.text import to_cell

    table = table.copy()
    for column in table.columns:
        if table[column].dtype.kind == "f":
            table[column] = table[column].round(6) + 0.0  # no "-0.000000"
        elif table[column].dtype.kind == "O":
            table[column] = table[column].map(to_cell)  # no cell a spreadsheet runs as a formula
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def data_files(result: Result) -> dict[str, str]:
    """The text of each data file, in the contract's column order."""
    return {
        "alignment.csv": _csv(result.alignment[SCORE_COLUMNS]),
        "baseline.csv": _csv(result.baseline[SCORE_COLUMNS]),  # the same world without the events
        "blocs.csv": _csv(result.blocs[["run", "month", "actor", "bloc"]]),
        "events.csv": _csv(result.events[list(EVENT_COLUMNS)]),
        "summary.json": _summary(result).to_json(),
    }


def write_result(result: Result, out_dir: str | Path, *, plots: bool = True, formats=("png",),
                 force: bool = False, extra: dict[str, str] | None = None) -> list[str]:
    """Write everything to out_dir atomically; returns the file names written."""
    from ..io.result_folder import result_folder

    with result_folder(out_dir, force=force, manifest_extra={"scenario": result.name}) as folder:
        for name, text in {**data_files(result), **(extra or {})}.items():
            folder.write_text(name, text)
        if plots:
            from ..viz.figures import save_plots

            save_plots(result, folder.directory, formats=tuple(formats))
        written = folder.file_names()
    return written + ["manifest.json"]


def _summary(result: Result) -> Summary:
    if result.summary is None:
        raise ValueError("this Result has no summary: build it with sim.run, or summarise it first")
    return result.summary


def _read_csv(path: Path) -> pd.DataFrame:
    """A data file as written: names stay text ('NA' and 'None' are names, not missing values)."""
    from ..io.text import from_cell

    header = pd.read_csv(path, nrows=0).columns
    text = {column: str for column in header if column in TEXT_COLUMNS}
    table = pd.read_csv(path, keep_default_na=False, dtype=text)
    for column in text:
        table[column] = table[column].map(from_cell)
    return table


def read_result(out_dir: str | Path) -> Result:
    """Load a result folder written earlier, for a notebook."""
    out_dir = Path(out_dir)
    summary = Summary.from_json((out_dir / "summary.json").read_text(encoding="utf-8"))
    return Result(
        name=summary.scenario,
        actors=summary.actors,
        capabilities=tuple(summary.capabilities[a] for a in summary.actors),
        months=summary.months,
        runs=summary.runs,
        seed=summary.seed,
        alignment=_read_csv(out_dir / "alignment.csv"),
        baseline=_read_csv(out_dir / "baseline.csv"),
        blocs=_read_csv(out_dir / "blocs.csv"),
        events=_read_csv(out_dir / "events.csv"),
        n_blocs=summary.n_blocs,
        scenario_file=summary.scenario_file,
        summary=summary,
    )
