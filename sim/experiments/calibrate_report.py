"""What a calibration shows and writes: the posterior table, the test episodes' scores, the files and figures.

posterior.png is a corner plot of the accepted draws (each parameter's histogram over its prior range on the
diagonal, each pair's scatter below it), the usual picture of an ABC posterior: a narrow histogram is a
parameter the record pins down, a flat one a parameter the episodes cannot tell. bands.png sets what the
model gives against what the record allows, one panel per split: each sized expectation is its band drawn
as a horizontal bar at the height of the posterior median's value, so a bar that crosses the diagonal is a
band the model lands in; the defaults' values are crosses at the band's middle.
"""

from __future__ import annotations

import json

import numpy as np

from ..present import style
from .calibrate import Calibration

SAMPLES, POSTERIOR, SUMMARY, FIGURE = "samples.csv", "posterior.csv", "calibration.json", "posterior.png"
BANDS_FIGURE = "bands.png"


def samples_csv(calibration: Calibration) -> str:
    names = [f.name for f in calibration.factors]
    accepted = set(calibration.accepted.tolist())
    lines = [",".join(["draw", *names, "distance", "band_hit_rate", "accepted"])]
    for k, row in enumerate(calibration.values):
        lines.append(",".join([str(k), *(f"{f.at(x):.6g}" for f, x in zip(calibration.factors, row)),
                               f"{calibration.distance[k]:.6f}", f"{calibration.hit_rate[k]:.4f}",
                               "1" if k in accepted else "0"]))
    return "\n".join(lines) + "\n"


def posterior_csv(calibration: Calibration) -> str:
    columns = ("parameter", "prior_low", "prior_high", "default", "q05", "median", "q95")
    rows = [",".join(columns)]
    for row in calibration.posterior():
        rows.append(",".join([row["parameter"], *(f"{row[c]:.6g}" for c in columns[1:])]))
    return "\n".join(rows) + "\n"


def summary_json(calibration: Calibration, scores: dict) -> str:
    method = "rejection ABC: Latin hypercube prior draws, the closest share by mean distance to the bands"
    rate = len(calibration.accepted) / len(calibration.values)
    extra: dict = {}
    if calibration.generations:
        method = ("ABC-SMC (population Monte Carlo) after rejection ABC: each generation's tolerance the median "
                  "distance of the population before it; the last population resampled by its weights")
        rate = calibration.generations[-1]["acceptance_rate"]
        extra = {"generations": list(calibration.generations)}
    return json.dumps({
        "method": method,
        "seed": calibration.seed, "draws": len(calibration.values), "runs_per_episode": calibration.runs,
        "accepted": len(calibration.accepted), "acceptance_rate": rate,
        "tolerance": round(calibration.threshold, 6), "training_episodes": list(calibration.episodes),
        **extra,
        "posterior_median": calibration.median_setting(), "posterior": calibration.posterior(),
        "scores": scores}, indent=1, ensure_ascii=False) + "\n"


def calibration_text(calibration: Calibration, scores: dict) -> str:
    kept, drawn = len(calibration.accepted), len(calibration.values)
    if calibration.generations:
        steps = "; ".join(f"generation {g['generation']}: tolerance {g['tolerance']:.4f}, {g['within_tolerance']} "
                          f"of {g['proposals']} within it" for g in calibration.generations)
        head = [f"Calibration (rejection ABC, then ABC-SMC) on {len(calibration.episodes)} training episodes: "
                f"{steps}; the last population resampled to {kept} draws (mean distance to the bands "
                f"{calibration.distance.min():.4f} to {calibration.threshold:.4f})"]
    else:
        head = [f"Calibration (rejection ABC) on {len(calibration.episodes)} training episodes: {drawn} draws, "
                f"{kept} accepted ({kept / drawn:.0%}), tolerance {calibration.threshold:.4f} (mean distance to "
                f"the bands; the best draw {calibration.distance.min():.4f})"]
    lines = head + ["",
             f"  {'parameter':<22}{'prior':>16}{'default':>10}{'5%':>9}{'median':>9}{'95%':>9}"]
    for row in calibration.posterior():
        prior = f"{row['prior_low']:g}-{row['prior_high']:g}"
        lines.append(f"  {row['parameter']:<22}{prior:>16}{row['default']:>10.3g}{row['q05']:>9.3g}"
                     f"{row['median']:>9.3g}{row['q95']:>9.3g}")
    lines += ["", "  scores (sign accuracy / in band / MAE):"]
    for setting, by_split in scores.items():
        for split, m in by_split.items():
            lines.append(f"  {setting:<18} {split:<6} {m['sign_accuracy']:.2f} / {m['band_hit_rate']:.2f} / "
                         f"{m['mae']:.3f}")
    lines.append("A calibration sizes the model's assumptions to the episodes; it does not make them forecasts.")
    return "\n".join(lines) + "\n"


def plot_posterior(calibration: Calibration):
    """The corner plot of the accepted draws (module docstring)."""
    import matplotlib

    from ..present.figure_type import Figure

    factors, kept = calibration.factors, calibration.values[calibration.accepted]
    n = len(factors)
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(1.7 * n + 0.8, 1.7 * n + 0.6), dpi=style.DPI, layout="constrained",
                        facecolor="white")
        axes = np.atleast_2d(figure.subplots(n, n, squeeze=False))
        for i, row in enumerate(factors):
            for j, column in enumerate(factors):
                ax = axes[i, j]
                if j > i:
                    ax.set_axis_off()
                    continue
                if i == j:
                    ax.hist(kept[:, i], bins=12, range=(row.low, row.high), color=style.COOPERATIVE)
                    ax.axvline(row.value, color="black", linestyle="--", linewidth=1)
                    ax.set_yticks([])
                else:
                    ax.scatter(kept[:, j], kept[:, i], s=6, color=style.COOPERATIVE)
                    ax.set_xlim(column.low, column.high)
                    ax.set_ylim(row.low, row.high)
                ax.tick_params(labelsize=6)
                if i == n - 1:
                    ax.set_xlabel(column.name, fontsize=7)
                if j == 0 and i != j:
                    ax.set_ylabel(row.name, fontsize=7)
        figure.suptitle(f"Accepted draws ({len(kept)} of {len(calibration.values)}); dashed: the default",
                        fontsize=9)
    return figure


def band_segments(by_split: dict[str, list]) -> dict[str, np.ndarray]:
    """Per split, one row (low, high, value, held) for every sized expectation with a value; held is the
    check's own verdict (1 or 0), not decided again here."""
    rows: dict[str, np.ndarray] = {}
    for split, groups in by_split.items():
        found = [(c.expectation.low, c.expectation.high, c.value, c.held) for checks in groups for c in checks
                 if c.value is not None and c.expectation.measure is not None]
        rows[split] = np.array(found, dtype=float).reshape(-1, 4)
    return rows


def plot_bands(checks: dict[str, dict[str, list]]):
    """Predicted against the record's bands (module docstring); checks: {setting: {split: [[Check]]}}."""
    import matplotlib
    from matplotlib.collections import LineCollection

    from ..present.figure_type import Figure

    median, defaults = band_segments(checks["posterior median"]), band_segments(checks["defaults"])
    splits = [split for split in ("train", "test", "unsplit") if split in median]
    with matplotlib.rc_context(style.rc()):
        figure = Figure(figsize=(4.2 * len(splits) + 0.4, 4.6), dpi=style.DPI, layout="constrained",
                        facecolor="white")
        axes = np.atleast_1d(figure.subplots(1, len(splits), squeeze=False)[0])
        for ax, split in zip(axes, splits):
            rows = median[split]
            inside = rows[:, 3] == 1.0
            limits = (min(-0.6, float(np.min(rows[:, :3])) - 0.05), max(1.0, float(np.max(rows[:, :3])) + 0.05))
            ax.plot(limits, limits, color=style.DIAGONAL, linewidth=1, zorder=0)
            for hit, colour in ((True, style.COOPERATIVE), (False, style.HOSTILE)):
                chosen = rows[inside == hit]
                ax.add_collection(LineCollection(
                    [((low, value), (high, value)) for low, high, value, _ in chosen], colors=colour, linewidths=1.6,
                    label=f"posterior median: {'in' if hit else 'outside'} the band ({len(chosen)})"))
            old = defaults.get(split, np.empty((0, 4)))
            ax.scatter((old[:, 0] + old[:, 1]) / 2, old[:, 2], s=12, marker="x", color="#555555", linewidths=0.7,
                       label="the defaults (at the band's middle)")
            ax.set_xlim(limits)
            ax.set_ylim(limits)
            ax.set_title(f"{split}: {int(inside.sum())} of {len(rows)} in their band", fontsize=9)
            ax.set_xlabel("the band the record allows", fontsize=8)
            ax.set_ylabel("the model's value (effect, peak or share left)", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.legend(fontsize=6, loc="lower right")
    return figure


def calibration_files(calibration: Calibration, scores: dict, checks: dict | None = None) -> dict[str, bytes]:
    """The folder's files; bands.png only where the episodes' checks are given (the command gives them)."""
    files = {SAMPLES: samples_csv(calibration).encode(), POSTERIOR: posterior_csv(calibration).encode(),
             SUMMARY: summary_json(calibration, scores).encode(),
             FIGURE: style.figure_bytes(plot_posterior(calibration), "png")}
    if checks:
        files[BANDS_FIGURE] = style.figure_bytes(plot_bands(checks), "png")
    return files
