"""A sensitivity analysis for a reader: the terminal text, and its folder (table, design, figure, manifest).

The folder is written through the atomic result writer, so it is complete or absent; the CSV files are
byte-identical for the same call (six decimals, fixed column order, no timestamps).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import printable
from .sensitivity import SensitivityResult
from ..present.files import _csv as csv_text
from ..links import page

TABLE_FILE = "sensitivity.csv"
SAMPLES_FILE = "samples.csv"
FIGURE_FILE = "sensitivity.png"
WIDTH = 78
SHOWN_PARAMETERS = 5  # per outcome in the terminal; the CSV has them all


def _shown(text, limit: int = 200) -> str:
    return printable(text, limit=limit)


def _number(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−") if abs(value) >= 0.005 else "0"


def sensitivity_text(result: SensitivityResult, *, out_dir: str | Path | None = None, files=()) -> str:
    """What `sim sensitivity` prints: per outcome, the parameters that matter most."""
    morris = result.method == "morris"
    lines = [f"Entente · sensitivity · {_shown(result.scenario)}"]
    if morris:
        design = (f"Morris screening: {result.design['trajectories']} trajectories on {result.design['levels']} "
                  f"levels")
    else:
        design = f"Sobol indices: {result.design['samples']} base samples"
    runs = f" · {result.runs} runs per point (means)" if result.runs > 1 else ""
    lines.append(f"{_shown(result.scenario_file or 'scenario')} · {design} · {result.evaluations} runs of "
                 f"{result.months} months{runs} · design seed {result.seed}")
    lines.append("A lens for discussion, not a forecast: this shows which assumptions the results rest on "
                 f"({page('model')}).")
    ranges = ", ".join(f"{f.name} {f.low:g}–{f.high:g}" for f in result.factors)
    lines.append(_shown(f"Varied (others as in the scenario): {ranges}", 1000))
    if morris:
        lines.append("μ*: how far the outcome moves, on average, when the parameter crosses its range (the "
                     "larger, the more it matters); σ: how much that depends on the other parameters.")
    else:
        lines.append("S1: the share of the outcome's variance due to the parameter alone; ST: with its "
                     "interactions (ST much above S1: it matters together with others).")
    key = "mu_star" if morris else "ST"
    for outcome, reference in zip(result.outcomes, result.references):
        title = _shown(f"{outcome.label}  (as written: {_number(reference)})", WIDTH)
        lines += ["", title, "─" * min(len(title), WIDTH)]
        rows = result.table[result.table["outcome"] == outcome.label]
        rows = rows.sort_values([key, "parameter"], ascending=[False, True])
        if morris:
            lines.append(f"  {'parameter':<20} {'μ*':>7} {'±95%':>7} {'σ':>7} {'μ':>7}")
            for row in rows.head(SHOWN_PARAMETERS).itertuples():
                lines.append(f"  {row.parameter:<20} {row.mu_star:7.3f} {row.mu_star_conf:7.3f} {row.sigma:7.3f} "
                             f"{row.mu:+7.3f}")
        else:
            lines.append(f"  {'parameter':<20} {'S1':>7} {'±95%':>7} {'ST':>7} {'±95%':>7}")
            for row in rows.head(SHOWN_PARAMETERS).itertuples():
                lines.append(f"  {row.parameter:<20} {row.S1:7.3f} {row.S1_conf:7.3f} {row.ST:7.3f} "
                             f"{row.ST_conf:7.3f}")
        if rows[key].max() == 0:
            lines.append("  (no parameter moved it within these ranges)")
    if out_dir is not None:
        lines += ["", f"Files in {_shown(out_dir)}: {', '.join(files)}"]
    return "\n".join(lines) + "\n"


def write_sensitivity(result: SensitivityResult, out_dir: str | Path, *, plots: bool = True,
                      force: bool = False) -> list[str]:
    """Write the table, the design with the model's answers, and the figure; returns the file names."""
    from ..results.folder import result_folder

    extra = {"scenario": result.scenario, "analysis": f"sensitivity ({result.method})", "design_seed": result.seed}
    with result_folder(out_dir, force=force, manifest_extra=extra) as folder:
        folder.write_text(TABLE_FILE, csv_text(result.table))
        folder.write_text(SAMPLES_FILE, csv_text(result.samples_table()))
        if plots:
            from .sensitivity_figures import plot_sensitivity
            from ..present.style import save_figure

            save_figure(plot_sensitivity(result), folder.path(FIGURE_FILE), "png")
        written = folder.file_names()
    return written + ["manifest.json"]
