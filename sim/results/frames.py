"""A Result's findings as pandas DataFrames, one labelled table each: effects, changes, switches, reactions.

Why: the same findings otherwise come as an unlabelled matrix (Result.effect()) and tuples of dataclasses
(Summary.changes, Probabilities.switches and .reactions), which a notebook has to label by hand. Each table
here has one row per thing and named columns; `changes` is what changes.csv holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .result import Result
from .summary import summary_of

CHANGE_COLUMNS = ("pair", "source", "target", "initial", "final", "baseline_final", "effect", "effect_low_90",
                  "effect_high_90", "peak_effect", "peak_month", "events")
EVENTS_SEPARATOR = "; "  # between the labels of the events behind a change, in one cell


def pair_label(source: str, target: str) -> str:
    """A directed pair as the reports write it: 'India → Russia' (India's regard for Russia)."""
    return f"{source} → {target}"


def effects(result: Result, month: int | None = None) -> pd.DataFrame:
    """Every directed pair's effect at a month (default the last): source, target, scenario, baseline and
    effect (scenario minus baseline, means over runs), then with several runs the 90% band of the effect
    over runs (effect_low_90, effect_high_90; with one run they equal the effect). Largest |effect| first."""
    month = result.months if month is None else month
    if not 0 <= month <= result.months:
        raise ValueError(f"month {month} is outside 0 to {result.months}")
    scores, baseline = result.score_array()[:, month], result.score_array(baseline=True)[:, month]
    low, high = np.quantile(scores - baseline, (0.05, 0.95), axis=0)
    n = len(result.actors)
    source, target = np.nonzero(~np.eye(n, dtype=bool))
    names = np.array(result.actors, dtype=object)
    table = pd.DataFrame({"source": names[source], "target": names[target],
                          "scenario": scores.mean(axis=0)[source, target],
                          "baseline": baseline.mean(axis=0)[source, target]})
    table["effect"] = table["scenario"] - table["baseline"]
    table["effect_low_90"], table["effect_high_90"] = low[source, target], high[source, target]
    order = np.argsort(-table["effect"].abs().to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def changes(result: Result) -> pd.DataFrame:
    """The headline table (changes.csv): one row per directed pair the summary lists, largest |effect| first,
    with CHANGE_COLUMNS: the pair, its score at month 0 and at the end, the end without the events, the
    effect and its 90% band over runs at the last month, its peak and the month of the peak, and the events
    that pushed the pair the way the effect went (run 1, by exact attribution, largest first)."""
    summary = summary_of(result)
    if not summary.changes:
        return pd.DataFrame({column: [] for column in CHANGE_COLUMNS})
    index = {name: i for i, name in enumerate(result.actors)}
    effect = result.score_array()[:, -1] - result.score_array(baseline=True)[:, -1]
    low, high = np.quantile(effect, (0.05, 0.95), axis=0)
    rows = []
    for change in summary.changes:
        i, j = index[change.source], index[change.target]
        rows.append((pair_label(change.source, change.target), change.source, change.target, change.initial,
                     change.final, change.baseline_final, change.effect, float(low[i, j]), float(high[i, j]),
                     change.peak_effect, change.peak_month, EVENTS_SEPARATOR.join(change.events)))
    return pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))


def switches(result: Result) -> pd.DataFrame:
    """Per actor, in how many runs it ends in a bloc other than its starting one: actor, runs, of, probability
    (probabilities.json's switches)."""
    from .uncertainty import probabilities

    found = probabilities(result)
    return pd.DataFrame([(o.what["actor"], o.runs, o.of, o.probability) for o in found.switches],
                        columns=["actor", "runs", "of", "probability"])


def reactions(result: Result) -> pd.DataFrame:
    """Per reaction (who decided, what, from whom to whom), in how many runs it happened: actor, type, source,
    target, runs, of, probability (probabilities.json's reactions); no rows when no actor reacted."""
    from .uncertainty import probabilities

    found = probabilities(result)
    columns = ["actor", "type", "source", "target", "runs", "of", "probability"]
    return pd.DataFrame([(o.what["actor"], o.what["type"], o.what["source"], o.what["target"], o.runs, o.of,
                          o.probability) for o in found.reactions], columns=columns)
