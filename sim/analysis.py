"""From a run's tables to what a reader wants: blocs at the start and end, shifts, and the events' effects."""

from __future__ import annotations

import numpy as np

from . import landscape
from .result import Result

DIGITS = 6  # rounding of numbers in summary.json: far below anything the model can claim


def _r(value: float) -> float:
    return round(float(value), DIGITS) + 0.0  # + 0.0 turns -0.0 into 0.0


def _nested(matrix: np.ndarray, names: list[str]) -> dict:
    return {a: {b: _r(matrix[i, j]) for j, b in enumerate(names) if j != i} for i, a in enumerate(names)}


def bloc_partition(matrix: np.ndarray, sizes, n_blocs: int) -> tuple[int, ...]:
    propensity = (matrix + matrix.T) / 2
    labels, _ = landscape.best_partition(propensity, np.asarray(sizes, dtype=float), n_blocs)
    return tuple(int(x) for x in labels)


def _named(labels, names) -> list[list[str]]:
    return landscape.blocs_as_names(labels, names)


def match_labels(previous: tuple[int, ...], current: tuple[int, ...], sizes) -> dict[int, int]:
    """Map each current bloc to the previous bloc it overlaps most (by capability), so labels compare."""
    sizes = np.asarray(sizes, dtype=float)
    mapping = {}
    for label in sorted(set(current)):
        members = [i for i, x in enumerate(current) if x == label]
        overlap = {}
        for i in members:
            overlap[previous[i]] = overlap.get(previous[i], 0.0) + sizes[i]
        mapping[label] = max(sorted(overlap), key=lambda k: overlap[k])
    return mapping


def net_lean(matrix: np.ndarray, labels: tuple[int, ...], actor: int) -> float | None:
    """Mean score towards the first bloc minus towards the second (excluding oneself); None if undefined."""
    first = [j for j, x in enumerate(labels) if x == 0 and j != actor]
    second = [j for j, x in enumerate(labels) if x == 1 and j != actor]
    if not first or not second:
        return None
    return float(matrix[actor, first].mean() - matrix[actor, second].mean())


def find_shifts(matrices: np.ndarray, names: list[str], sizes, n_blocs: int, events) -> list[dict]:
    """Actors whose bloc changes, or whose net lean between the two starting blocs crosses zero."""
    partitions = [bloc_partition(m, sizes, n_blocs) for m in matrices]
    reference = partitions[0]
    shifts = []
    for month in range(1, len(matrices)):
        before, now = partitions[month - 1], partitions[month]
        mapping = match_labels(before, now, sizes)
        for i, name in enumerate(names):
            if mapping[now[i]] != before[i]:
                shifts.append({
                    "month": month, "actor": name, "kind": "bloc",
                    "from": [names[j] for j, x in enumerate(before) if x == before[i] and j != i],
                    "to": [names[j] for j, x in enumerate(now) if x == now[i] and j != i],
                    "events": _recent_events(events, name, month),
                })
        for i, name in enumerate(names):
            lean_before = net_lean(matrices[month - 1], reference, i)
            lean_now = net_lean(matrices[month], reference, i)
            if lean_before is None or lean_now is None:
                continue
            if (lean_before < 0) != (lean_now < 0):
                towards = _named(reference, names)[0 if lean_now >= 0 else 1]
                shifts.append({
                    "month": month, "actor": name, "kind": "lean",
                    "lean_before": _r(lean_before), "lean_after": _r(lean_now),
                    "towards": [n for n in towards if n != name],
                    "events": _recent_events(events, name, month),
                })
    return shifts


def _recent_events(events, actor: str, month: int, window: int = 6, most: int = 3) -> list[str]:
    """Short labels of the events near an actor in the months up to a shift: candidates for 'why'."""
    recent = [e for e in events
              if month - window < e["month"] <= month and actor in (e["source"], e["target"])]
    return [f"month {e['month']}: {e['type']} {e['source']} → {e['target']}" for e in recent[-most:]]


def events_behind(events, source: str, target: str, most: int = 3) -> list[str]:
    """Events in which either end of a pair took part: the direct and audience causes of its change."""
    involved = [e for e in events if {e["source"], e["target"]} & {source, target}]
    direct = [e for e in involved if {e["source"], e["target"]} == {source, target}]
    chosen = (direct + [e for e in involved if e not in direct])[:most]
    return [f"month {e['month']}: {e['type']} {e['source']} → {e['target']}"
            + (" (reaction)" if e["origin"] == "reaction" else "") for e in chosen]


def summarise(result: Result, scenario, world, *, n_blocs: int = 2) -> dict:
    names = result.actors
    months = result.months
    initial = result.matrix(0)
    final = result.matrix(months)
    baseline_final = result.matrix(months, baseline=True)
    trajectory = np.stack([result.matrix(m) for m in range(months + 1)])
    reference = np.stack([result.matrix(m, baseline=True) for m in range(months + 1)])
    effects = trajectory - reference

    first_run_events = result.events[result.events["run"] == 1].to_dict("records")
    changes = []
    for i, source in enumerate(names):
        for j, target in enumerate(names):
            if i == j:
                continue
            series = effects[:, i, j]
            peak = int(np.argmax(np.abs(series)))
            changes.append({
                "source": source, "target": target,
                "initial": _r(initial[i, j]), "final": _r(final[i, j]),
                "baseline_final": _r(baseline_final[i, j]),
                "effect": _r(final[i, j] - baseline_final[i, j]),
                "peak_effect": _r(series[peak]), "peak_month": peak,
                "events": events_behind(first_run_events, source, target),
            })
    changes.sort(key=lambda c: -abs(c["effect"]))  # stable: ties keep actor order

    sizes = result.capabilities
    final_landscape = landscape.solve((final + final.T) / 2, np.asarray(sizes), n_blocs)
    return {
        "scenario": result.name,
        "scenario_file": scenario.file,
        "description": scenario.description,
        "actors": names,
        "capabilities": {n: c for n, c in zip(names, sizes)},
        "seed": result.seed,
        "months": months,
        "runs": result.runs,
        "n_blocs": n_blocs,
        "parameters": scenario.parameters.as_dict(),
        "starting_scores": {f"{a} → {b}": world.sources[(a, b)] for a in names for b in names if a != b},
        "initial": _nested(initial, names),
        "final": _nested(final, names),
        "baseline_final": _nested(baseline_final, names),
        "blocs": {
            "initial": _named(bloc_partition(initial, sizes, n_blocs), names),
            "final": _named(bloc_partition(final, sizes, n_blocs), names),
            "final_local_minima": [
                {"blocs": _named(c.labels, names), "energy": _r(c.energy), "global": bool(c.is_global)}
                for c in final_landscape.configurations
            ],
            "method": final_landscape.method,
        },
        "shifts": find_shifts(trajectory, names, sizes, n_blocs, first_run_events),
        "events": len(result.events),
        "reactions": int((result.events["origin"] == "reaction").sum()),
        "changes": changes,
    }
