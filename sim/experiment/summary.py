"""From a run's tables to what a reader wants: blocs at the start and end, shifts, and the events' effects."""

from __future__ import annotations

import numpy as np

from ..core import landscape
from ..io.tables import load_codebook
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


def bloc_timeline(partitions, names) -> list[dict]:
    """The months at which the bloc structure changed (month 0 included): which blocs formed and broke."""
    timeline = []
    for month, labels in enumerate(partitions):
        blocs = _named(labels, names)
        if not timeline or sorted(map(sorted, blocs)) != sorted(map(sorted, timeline[-1]["blocs"])):
            timeline.append({"month": month, "blocs": blocs})
    return timeline


def find_shifts(matrices: np.ndarray, partitions, names: list[str], sizes, events) -> list[dict]:
    """Actors whose bloc changes, or whose net lean between the two starting blocs crosses zero."""
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


def event_label(event) -> str:
    return (f"month {event['month']}: {event['type']} {event['source']} → {event['target']}"
            + (" (reaction)" if event["origin"] == "reaction" else ""))


def _recent_events(events, actor: str, month: int, window: int = 6, most: int = 3) -> list[str]:
    """Short labels of the events near an actor in the months up to a shift: candidates for 'why'."""
    recent = [e for e in events
              if month - window < e["month"] <= month and actor in (e["source"], e["target"])]
    return [event_label(e) for e in recent[-most:]]


def events_behind(events, source: str, target: str, effect: float, initial: np.ndarray, names: list[str],
                  weights: dict[str, float], most: int = 3) -> list[str]:
    """The events that pushed a pair in the direction it moved, strongest first.

    Each event's expected push on how source regards target follows the model's rules at the starting
    scores: a direct event pushes by its weight; an event between the target and a third party pushes by
    weight x (source's regard for that party), the audience rule; an event of the source's own is felt
    through the target's reaction and reciprocity, so it counts half.
    """
    at = {name: i for i, name in enumerate(names)}
    scored = []
    for event in events:
        ends = {event["source"], event["target"]}
        w = weights[event["type"]] * event["intensity"]
        if ends == {source, target}:
            push = w
        elif target in ends and source not in ends:
            partner = (ends - {target}).pop()
            push = w * initial[at[source], at[partner]]
        elif source in ends and target not in ends:
            partner = (ends - {source}).pop()
            push = 0.5 * w * initial[at[target], at[partner]]
        else:
            continue
        if push * effect > 0:
            scored.append((-abs(push), event["month"], event))
    scored.sort(key=lambda item: item[:2])
    return [event_label(e) for _, _, e in scored[:most]]


def summarise(result: Result, scenario, world, *, n_blocs: int = 2) -> dict:
    names = result.actors
    months = result.months
    trajectory = result.trajectory()
    reference = result.trajectory(baseline=True)
    initial, final, baseline_final = trajectory[0], trajectory[months], reference[months]
    effects = trajectory - reference

    first_run_events = result.events[result.events["run"] == 1].to_dict("records")
    weights = {name: kind.weight for name, kind in load_codebook().items()}
    changes = []
    for i, source in enumerate(names):
        for j, target in enumerate(names):
            if i == j:
                continue
            series = effects[:, i, j]
            peak = int(np.argmax(np.abs(series)))
            effect = final[i, j] - baseline_final[i, j]
            changes.append({
                "source": source, "target": target,
                "initial": _r(initial[i, j]), "final": _r(final[i, j]),
                "baseline_final": _r(baseline_final[i, j]),
                "effect": _r(effect),
                "peak_effect": _r(series[peak]), "peak_month": peak,
                "events": events_behind(first_run_events, source, target, effect, initial, names, weights),
            })
    changes.sort(key=lambda c: -abs(c["effect"]))  # stable: ties keep actor order

    sizes = result.capabilities
    partitions = [bloc_partition(m, sizes, n_blocs) for m in trajectory]
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
            "initial": _named(partitions[0], names),
            "final": _named(partitions[-1], names),
            "timeline": bloc_timeline(partitions, names),
            "final_local_minima": [
                {"blocs": _named(c.labels, names), "energy": _r(c.energy), "global": bool(c.is_global)}
                for c in final_landscape.configurations
            ],
            "method": final_landscape.method,
        },
        "shifts": find_shifts(trajectory, partitions, names, sizes, first_run_events),
        "events": len(result.events),
        "scenario_events": len(scenario.events),
        "reactions": int((result.events["origin"] == "reaction").sum()),
        "runs_with_reactions": int(result.events.loc[result.events["origin"] == "reaction", "run"].nunique()),
        "changes": changes,
    }
