"""Write a Result to its output folder (CSV, JSON, plots, manifest) and read it back.

Data files are byte-identical for the same scenario and seed: fixed column order, six decimals, no
timestamps. Writing goes through sim.results.folder, so a run that fails half-way leaves no result that looks
complete and never damages an earlier one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from ..results.result import EVENT_COLUMNS, Result
from ..results.summary import Summary

SCORE_COLUMNS = ["run", "month", "source", "target", "score"]
FLOAT_FORMAT = "%.6f"


TEXT_COLUMNS = ("source", "target", "actor", "type", "origin", "reason")


def _csv(table: pd.DataFrame) -> str:
    from ..inputs.text import to_cell

    table = table.copy()
    for column in table.columns:
        if table[column].dtype.kind == "f":
            table[column] = table[column].round(6) + 0.0  # no "-0.000000"
        elif table[column].dtype.kind == "O":
            table[column] = table[column].map(to_cell)  # no cell a spreadsheet runs as a formula
    return table.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n")


def data_files(result: Result, *, full: bool = False, stream: bool = False) -> dict[str, str | bytes]:
    """The content of each data file, in the contract's column order.

    One run: alignment.csv, baseline.csv, blocs.csv (one row per run, month and pair or actor),
    events.csv, summary.json and changes.csv (its headline table, sim.results.frames.changes). Several
    runs: the per-run scores and blocs go to runs.nc (CF-packed netCDF,
    sim.present.runs_netcdf: six decimals as in the CSV files, a fraction of their size), bands.csv holds
    the median and the 50% and 90% bands per month and pair, and probabilities.json how often each
    outcome happened; `full` also writes the three per-run CSV files.
    """
    files: dict[str, str | bytes] = {}
    if result.runs == 1 or full:
        files["alignment.csv"] = _csv(result.alignment[SCORE_COLUMNS])
        files["baseline.csv"] = _csv(result.baseline[SCORE_COLUMNS])  # the same world without the events
        files["blocs.csv"] = _csv(result.blocs[["run", "month", "actor", "bloc"]])
    if result.runs > 1:
        from .runs_netcdf import NETCDF_NAME, runs_netcdf

        if not stream:  # stream: the caller writes runs.nc straight into its file (write_runs_netcdf)
            files[NETCDF_NAME] = runs_netcdf(result)
        from ..results.uncertainty import bands, probabilities

        files["bands.csv"] = _csv(bands(result))
        files["probabilities.json"] = probabilities(result).to_json()
    files["events.csv"] = _csv(result.events[list(EVENT_COLUMNS)])
    summary = _summary(result)
    files["summary.json"] = summary.to_json()
    from ..results.frames import changes

    files["changes.csv"] = _csv(changes(result.with_summary(summary)))  # the headline table of summary.json
    return files


# runs.npz, as folders written before runs.nc keep it (read back, no longer written): scores and baseline
# as int32 millionths (stored), blocs as int8 labels (0 = the largest bloc, deflated); shapes
# (runs, months + 1, n, n) and (runs, months + 1, n), actors in summary order.
_SCALE = 1_000_000


def _read_run_arrays(folder, summary: Summary) -> dict:
    """runs.nc (sim.present.runs_netcdf) or, in a folder written before it, runs.npz from a checked folder,
    each array's type and shape checked against the summary before it is used (sim.results.folder_reader)."""
    import numpy as np

    from ..results.folder_reader import damaged, read_npz

    from .runs_netcdf import NETCDF_NAME, largest_size, read_runs_netcdf

    runs, months, n = summary.runs, summary.months, len(summary.actors)
    if folder.has(NETCDF_NAME):
        limit = largest_size(runs, months, summary.actors)
        return read_runs_netcdf(folder.read(NETCDF_NAME, max_bytes=limit), folder.path / NETCDF_NAME, summary)
    path = folder.path / "runs.npz"
    data = read_npz(folder.read("runs.npz"), path, {
        "scores": ("<i4", (runs, months + 1, n, n)), "baseline": ("<i4", (runs, months + 1, n, n)),
        "blocs": ("|i1", (runs, months + 1, n))}, stored=("scores", "baseline"))
    # The scores are stored, not deflated, so their shape is bytes really in the file; the
    # bloc labels (deflated) have the same runs and months, a quarter of a score's bytes per actor.
    for name in ("scores", "baseline"):
        if data[name].size and np.abs(data[name]).max() > _SCALE:
            raise damaged(path, "a score lies outside -1 to 1", field=name)
    if data["blocs"].size and (data["blocs"].min() < 0 or data["blocs"].max() >= n):
        raise damaged(path, f"a bloc label lies outside 0 to {n - 1}", field="blocs")
    return {"scores": data["scores"] / _SCALE, "baseline_scores": data["baseline"] / _SCALE,
            "labels": data["blocs"].astype(np.intp)}


REPORT_NAME = "report.html"


def manifest_extra(summary: Summary | None, name: str) -> dict:
    """What the manifest says besides the files: the scenario, and the starting world it used."""
    extra: dict = {"scenario": name}
    if summary is not None and summary.relations_file:
        extra["relations"] = {"file": summary.relations_file, "sha256": summary.relations_sha256}
    return extra


def write_result(result: Result, out_dir: str | Path, *, plots: bool = True, formats=("png",),
                 force: bool = False, extra: dict[str, str] | None = None, report: bool = True,
                 effect_scale: float | None = None, full: bool = False,
                 figures: Callable[[], dict[str, bytes]] | None = None) -> list[str]:
    """Write everything to out_dir atomically (report.html too unless report=False); returns the file names
    written (see data_files; with several runs the per-run scores go to runs.nc unless full=True).

    figures: where the figures come from when they are drawn elsewhere (sim.present.painter), asked for
    once the data files are ready; by default they are drawn here. A Result without its summary is
    summarised first (summary.json and the report need it)."""

    from ..results.folder import result_folder

    if result.summary is None:
        result = result.with_summary(_summary(result))

    data = {**data_files(result, full=full, stream=True), **(extra or {})}
    drawn: dict[str, bytes] = {}
    if plots:
        if figures is None:
            from .figures import render_plots

            drawn = render_plots(result, tuple(formats), effect_scale=effect_scale)
        else:
            drawn = figures()
    page = None
    if report:
        from .html import build_report

        page = build_report(result, figures=drawn, effect_scale=effect_scale)
    with result_folder(out_dir, force=force, manifest_extra=manifest_extra(result.summary, result.name)) as folder:
        if result.runs > 1:
            from .runs_netcdf import NETCDF_NAME, write_runs_netcdf

            folder.write_with(NETCDF_NAME, lambda handle: write_runs_netcdf(result, handle))
        for name, content in data.items():
            if isinstance(content, bytes):
                folder.write_bytes(name, content)
            else:
                folder.write_text(name, content)
        for name, image in drawn.items():
            folder.write_bytes(name, image)
        if plots and result.runs > 1:
            import warnings

            from .bands import save_bands

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # as render_plots: no matplotlib paths in the report
                save_bands(result, folder.directory, formats=tuple(formats))
        if page is not None:
            folder.write_text(REPORT_NAME, page)
        written = folder.file_names()
    return written + ["manifest.json"]


def rebuild_report(out_dir: str | Path, *, force: bool = False, plots: bool = True,
                   effect_scale: float | None = None) -> Path:
    """Rebuild report.html in a result folder from its files, through the atomic writer: the folder is
    rewritten as a whole (its files unchanged, the report new), so it is never left half-updated."""
    from ..results.folder import RESERVED_KEYS, check_out_dir, result_folder

    from ..results.folder_reader import CheckedFolder

    out_dir = Path(out_dir)
    check_out_dir(out_dir, force=force)  # a folder with files Entente did not write needs --force
    result = read_result(out_dir)
    folder = CheckedFolder(out_dir)
    figures: dict[str, bytes] = {}
    if plots:
        from .figures import render_plots

        figures = render_plots(result, ("png",), effect_scale=effect_scale)
    from .html import build_report

    page = build_report(result, figures=figures, effect_scale=effect_scale)
    kept = [name for name in folder.files if name != REPORT_NAME]
    extra = {k: v for k, v in folder.manifest.items() if k not in RESERVED_KEYS}
    contents = {name: folder.read(name) for name in kept}  # each checked: no link, size and sha256 as listed
    with result_folder(out_dir, force=force, manifest_extra=extra) as folder:
        for name, data in contents.items():
            folder.write_bytes(name, data)
        if plots:  # the figures redrawn at this scale, so the files and the report agree
            for name, data in figures.items():
                folder.write_bytes(name, data)
        folder.write_text(REPORT_NAME, page)
    return out_dir / REPORT_NAME


def _summary(result: Result) -> Summary:
    from ..results.summary import summary_of

    return summary_of(result)


def _scores_in_run_arrays(folder) -> bool:
    """Whether a result folder keeps its scores in runs.nc (runs.npz before it): several runs written without
    --full (data_files); otherwise alignment.csv, baseline.csv and blocs.csv hold them."""
    return (folder.has("runs.nc") or folder.has("runs.npz")) and not folder.has("alignment.csv")


def _checked(out_dir):
    """The folder, its manifest checked (sim.results.folder_reader), holding the files a result needs."""
    from ..errors import EntenteError
    from ..results.folder_reader import CheckedFolder

    folder = CheckedFolder(out_dir)
    arrays = "runs.nc" if folder.has("runs.nc") else "runs.npz"
    scores = (arrays,) if _scores_in_run_arrays(folder) else ("alignment.csv", "baseline.csv", "blocs.csv")
    missing = [name for name in ("summary.json", *scores, "events.csv") if not folder.has(name)]
    if missing:
        what = "runs.nc nor alignment.csv (the scores)" if missing[0] == "alignment.csv" else missing[0]
        raise EntenteError(f"{str(out_dir)!r} is not a complete result folder: its manifest lists no {what}",
                           hint="Run the scenario again with `python -m sim run SCENARIO --out FOLDER`.")
    return folder


def check_result_dir(out_dir: str | Path) -> Path:
    """A folder `python -m sim run` wrote, or a clear error saying what is missing or damaged."""
    _checked(out_dir)
    return Path(out_dir)


def read_summary(folder) -> Summary:
    """summary.json of a checked folder: bounded JSON, its fields' types and sizes checked, then the Summary."""
    from ..results.summary_fields import summary_from_data

    return summary_from_data(folder.json("summary.json"), str(folder.path / "summary.json"))


EVENT_ROW_BYTES = 8192  # the most an events.csv row may take when read back (a reaction's reason, quoted)


def read_result(out_dir: str | Path) -> Result:
    """Load a result folder written earlier (for a notebook, compare, explain, report, play --from).

    The folder is read back as untrusted input (sim.results.folder_reader): manifest checked, links refused, sizes
    and shapes checked against the summary before anything is allocated; any fault is one EntenteError."""
    from ..results.folder_reader import read_table

    folder = _checked(out_dir)
    summary = read_summary(folder)
    actors = set(summary.actors)
    runs, months, n = summary.runs, summary.months, len(summary.actors)
    where = {"run": (1, runs), "month": (0, months)}

    # Bounded before a byte is read: a row of a score or bloc table holds two numbers, at most two quoted
    # names and a score; an events row a reason of a few hundred characters.
    name_bytes = max(len(actor.encode("utf-8")) for actor in summary.actors)
    row_bytes = 2 * len(str(max(runs, months))) + 4 * name_bytes + 32

    def table(name, columns, *, rows=None, max_bytes=None, ranges=None, names=None):
        limit = max_bytes if max_bytes is not None else 1024 + rows * row_bytes
        return read_table(folder.read(name, max_bytes=limit), folder.path / name, columns,
                          text_columns=TEXT_COLUMNS, rows=rows, ranges={**where, **(ranges or {})}, names=names)

    events = table("events.csv", list(EVENT_COLUMNS), max_bytes=(summary.event_count + 1) * EVENT_ROW_BYTES)
    common = dict(name=summary.scenario, actors=summary.actors,
                  capabilities=tuple(summary.capabilities[a] for a in summary.actors), months=summary.months,
                  runs=summary.runs, seed=summary.seed, events=events, n_blocs=summary.n_blocs,
                  scenario_file=summary.scenario_file, summary=summary)
    if _scores_in_run_arrays(folder):
        return Result(**common, **_read_run_arrays(folder, summary))
    pairs = {"source": actors, "target": actors}
    score_rows = runs * (months + 1) * n * (n - 1)
    return Result(
        **common,
        alignment=table("alignment.csv", SCORE_COLUMNS, rows=score_rows, ranges={"score": (-1, 1)}, names=pairs),
        baseline=table("baseline.csv", SCORE_COLUMNS, rows=score_rows, ranges={"score": (-1, 1)}, names=pairs),
        blocs=table("blocs.csv", ["run", "month", "actor", "bloc"], rows=runs * (months + 1) * n,
                    ranges={"bloc": (1, n)}, names={"actor": actors}))
