"""A finished sweep as terminal text: the bloc outcomes' shares, and what each outcome depends on most."""

from __future__ import annotations

from ..errors import printable
from .outcomes import EFFECT, Measure, column
from .sweep_summary import SweepSummary
from ..links import page

LENS = f"A lens for discussion, not a forecast: the numbers follow from the model's assumptions ({page('model')})."


def _level(value) -> str:
    return f"{value:.3g}" if isinstance(value, float) else printable(value, limit=30)


def _value(outcome: Measure, value: float) -> str:
    return f"{value:.0%}" if outcome.is_share else f"{value:+.2f}"


def _name(outcome: Measure) -> str:
    """An effect by its sweep.csv column (so a reader finds it there), a share in words."""
    return column(outcome) if outcome.kind == EFFECT else outcome.label


def sweep_text(summary: SweepSummary, files=()) -> str:
    lines = [f"Entente sweep · {printable(summary.name, limit=200)}",
             f"{printable(summary.folder)} · {summary.points} points · {summary.runs_per_point} "
             f"run{'s' if summary.runs_per_point != 1 else ''} per point", LENS, "",
             "End blocs across the sweep (each point's most common configuration; share of points)"]
    lines.append("─" * len(lines[-1]))
    for blocs, share in summary.bloc_shares:
        lines.append(f"  {share:5.0%}  {printable(blocs, limit=300)}")
    lines += ["", "How each outcome depends on each swept dimension, largest spread first",
              "(mean over points at each value, or at each fifth of a sampled range; spread = largest - smallest)"]
    lines.append("─" * len(lines[-2]))
    for outcome in summary.outcomes:
        overall = float(summary.values(outcome).mean())
        lines.append(f"  {printable(_name(outcome))}  (mean {_value(outcome, overall)})")
        for dependence in sorted(summary.for_outcome(outcome), key=lambda d: -d.spread):
            levels = "  ".join(f"{_level(level)}: {_value(outcome, mean)}"
                               for level, mean in zip(dependence.levels, dependence.means))
            spread = f"{dependence.spread:.0%}" if outcome.is_share else f"{dependence.spread:.2f}"
            lines.append(f"    {printable(dependence.dimension):<20} spread {spread:>5}   {levels}")
    if files:
        lines += ["", "Figures: " + ", ".join(printable(str(path)) for path in files)]
    return "\n".join(lines) + "\n"
