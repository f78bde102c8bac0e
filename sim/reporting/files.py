"""Write a Result to its output folder (CSV, JSON, plots, manifest) and read it back.

Data files are byte-identical for the same scenario and seed: fixed column order, six decimals, no
timestamps. Writing goes through sim.output, so a run that fails half-way leaves no result that looks
complete and never damages an earlier one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..experiment.result import EVENT_COLUMNS, Result

SCORE_COLUMNS = ["run", "month", "source", "target", "score"]
FLOAT_FORMAT = "%.6f"


def _csv(table: pd.DataFrame) -> str:
    table = table.copy()
    for column in table.columns:
        if table[column].dtype.kind == "f":
            table[column] = table[column].round(6) + 0.0  # no "-0.000000"
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def data_files(result: Result) -> dict[str, str]:
    """The text of each data file, in the contract's column order."""
    return {
        "alignment.csv": _csv(result.alignment[SCORE_COLUMNS]),
        "baseline.csv": _csv(result.baseline[SCORE_COLUMNS]),  # the same world without the events
        "blocs.csv": _csv(result.blocs[["run", "month", "actor", "bloc"]]),
        "events.csv": _csv(result.events[list(EVENT_COLUMNS)]),
        "summary.json": json.dumps(result.summary, indent=2, ensure_ascii=False) + "\n",
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
        written = sorted(p.name for p in Path(folder.directory).iterdir())
    return written + ["manifest.json"]


def read_result(out_dir: str | Path) -> Result:
    """Load a result folder written earlier, for a notebook."""
    out_dir = Path(out_dir)
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    alignment = pd.read_csv(out_dir / "alignment.csv")
    events = pd.read_csv(out_dir / "events.csv", keep_default_na=False)
    return Result(
        name=summary["scenario"],
        actors=summary["actors"],
        capabilities=[summary["capabilities"][a] for a in summary["actors"]],
        months=summary["months"],
        runs=summary["runs"],
        seed=summary["seed"],
        alignment=alignment,
        baseline=pd.read_csv(out_dir / "baseline.csv"),
        blocs=pd.read_csv(out_dir / "blocs.csv"),
        events=events,
        summary=summary,
        scenario_file=summary.get("scenario_file"),
    )
