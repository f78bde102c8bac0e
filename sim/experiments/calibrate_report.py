"""What a calibration shows and writes: the posterior table, the test episodes' scores, the files and a figure.

The figure is a corner plot of the accepted draws (each parameter's histogram over its prior range on the
diagonal, each pair's scatter below it), the usual picture of an ABC posterior: a narrow histogram is a
parameter the record pins down, a flat one a parameter the episodes cannot tell.
"""

from __future__ import annotations

import json

import numpy as np

from ..present import style
from .calibrate import Calibration

SAMPLES, POSTERIOR, SUMMARY, FIGURE = "samples.csv", "posterior.csv", "calibration.json", "posterior.png"


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


def calibration_files(calibration: Calibration, scores: dict) -> dict[str, bytes]:
    return {SAMPLES: samples_csv(calibration).encode(), POSTERIOR: posterior_csv(calibration).encode(),
            SUMMARY: summary_json(calibration, scores).encode(),
            FIGURE: style.figure_bytes(plot_posterior(calibration), "png")}
