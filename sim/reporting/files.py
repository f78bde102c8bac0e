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


def data_files(result: Result, *, full: bool = False) -> dict[str, str | bytes]:
    """The content of each data file, in the contract's column order.

    One run: alignment.csv, baseline.csv, blocs.csv (one row per run, month and pair or actor),
    events.csv, summary.json. Several runs: the per-run scores and blocs go to runs.npz (RUN_ARRAYS: six
    decimals as in the CSV files, a fraction of their size), bands.csv holds the median and the 50% and
    90% bands per month and pair, and probabilities.json how often each outcome happened; `full` also
    writes the three per-run CSV files.
    """
    files: dict[str, str | bytes] = {}
    if result.runs == 1 or full:
        files["alignment.csv"] = _csv(result.alignment[SCORE_COLUMNS])
        files["baseline.csv"] = _csv(result.baseline[SCORE_COLUMNS])  # the same world without the events
        files["blocs.csv"] = _csv(result.blocs[["run", "month", "actor", "bloc"]])
    if result.runs > 1:
        files["runs.npz"] = run_arrays(result)
        files["bands.csv"] = _csv(result.bands())
        files["probabilities.json"] = result.probabilities().to_json()
    files["events.csv"] = _csv(result.events[list(EVENT_COLUMNS)])
    files["summary.json"] = _summary(result).to_json()
    return files


# runs.npz (scores stored, blocs deflated): scores and baseline as int32 millionths (the CSV files' six
# decimals), blocs as int8 labels
# (0 = the largest bloc); shapes (runs, months + 1, n, n) and (runs, months + 1, n), actors in summary order.
RUN_ARRAYS = ("scores", "baseline", "blocs")
_SCALE = 1_000_000


def run_arrays(result: Result) -> bytes:
    """runs.npz as bytes: a zip of .npy files with fixed timestamps, so the same run gives the same bytes."""
    import io
    import zipfile

    import numpy as np

    arrays = {
        "scores": np.rint(result.score_array() * _SCALE).astype(np.int32),
        "baseline": np.rint(result.score_array(baseline=True) * _SCALE).astype(np.int32),
        "blocs": result.partitions().astype(np.int8),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in RUN_ARRAYS:
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arrays[name]), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            # Noisy scores compress poorly and slowly (the float64 scores of 1,000 runs kept 83% of their size
            # at zlib level 1, in seconds): they are stored; the bloc labels compress well.
            info.compress_type = zipfile.ZIP_DEFLATED if name == "blocs" else zipfile.ZIP_STORED
            archive.writestr(info, member.getvalue())
    return buffer.getvalue()


def _read_run_arrays(path: Path) -> dict:
    import numpy as np

    with np.load(path, allow_pickle=False) as data:
        return {"scores": data["scores"] / _SCALE, "baseline_scores": data["baseline"] / _SCALE,
                "labels": data["blocs"].astype(np.intp)}


def write_result(result: Result, out_dir: str | Path, *, plots: bool = True, formats=("png",),
                 force: bool = False, extra: dict[str, str] | None = None, full: bool = False) -> list[str]:
    """Write everything to out_dir atomically; returns the file names written (see data_files)."""
    from ..io.result_folder import result_folder

    with result_folder(out_dir, force=force, manifest_extra={"scenario": result.name}) as folder:
        for name, content in {**data_files(result, full=full), **(extra or {})}.items():
            if isinstance(content, bytes):
                folder.write_bytes(name, content)
            else:
                folder.write_text(name, content)
        if plots:
            from ..viz.figures import save_plots

            save_plots(result, folder.directory, formats=tuple(formats))
            if result.runs > 1:
                import warnings

                from ..viz.bands import save_bands

                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # as save_plots: no matplotlib paths in the report
                    save_bands(result, folder.directory, formats=tuple(formats))
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
    if (out_dir / "runs.npz").exists() and not (out_dir / "alignment.csv").exists():
        return Result(
            name=summary.scenario, actors=summary.actors,
            capabilities=tuple(summary.capabilities[a] for a in summary.actors), months=summary.months,
            runs=summary.runs, seed=summary.seed, events=_read_csv(out_dir / "events.csv"),
            n_blocs=summary.n_blocs, scenario_file=summary.scenario_file, summary=summary,
            **_read_run_arrays(out_dir / "runs.npz"))
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
