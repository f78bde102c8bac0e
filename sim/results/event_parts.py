"""What one event of the scenario did: its part in every pair's change over a run, the event named by its
`id:` or by its index in the scenario's events: list.

Why: an index names a different event once the list is edited or in another scenario; an id does not. The
parts come from the exact attribution of the run (sim.results.attribution), so they add up with the
other causes to each pair's change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import EntenteError
from ..model.scenario import Scenario
from .attribution import Attribution


def event_place(scenario: Scenario, ref) -> str:
    """'events[k]' of the event `ref` names: its id (text), or its index (a number, or text of digits)."""
    ids = scenario.event_ids()
    places = {e.place for e in scenario.events if e.place.startswith("events[")}
    if isinstance(ref, str) and ref in ids:
        return f"events[{ids[ref]}]"
    text = str(ref).strip()
    if text.isdigit() and f"events[{int(text)}]" in places:
        return f"events[{int(text)}]"
    known = ", ".join(sorted(ids)) if ids else "none"
    count = len(places)
    raise EntenteError(f"the scenario {scenario.name!r} has no event {text!r}", file=scenario.file,
                       hint=f"Name an event by its id: (this scenario's ids: {known}) or by its index in the "
                            f"events: list, 0 to {count - 1}." if count else "This scenario has no events.")


def event_parts(attribution: Attribution, place: str) -> pd.DataFrame:
    """Every directed pair's part of its change that the scheduled event at `place` made in the attributed
    run (each of its pairs, lasting parts and client competition together): source, target, value, change
    (the pair's whole change over the run) and share (value / change; NaN below 1e-9), largest |value|
    first; pairs it did not reach are left out."""
    total = np.zeros_like(attribution.initial)
    for (index, _channel), matrix in attribution.sources.items():
        event = attribution.events[index]
        if event.origin == "scenario" and event.reason == place:
            total = total + matrix
    n = len(attribution.names)
    source, target = np.nonzero(~np.eye(n, dtype=bool) & (total != 0.0))
    names = np.array(attribution.names, dtype=object)
    change = (attribution.final - attribution.initial)[source, target]
    values = total[source, target]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(np.abs(change) >= 1e-9, values / change, np.nan)
    table = pd.DataFrame({"source": names[source], "target": names[target], "value": values, "change": change,
                          "share": share})
    order = np.argsort(-np.abs(values), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def event_label(attribution: Attribution, place: str) -> str | None:
    """The first logged pair of the event at `place` as the reports name it, or None if it never happened."""
    from .attribution import event_label as label

    for event in attribution.events:
        if event.origin == "scenario" and event.reason == place:
            return label({"month": event.month, "type": event.type, "source": event.source,
                          "target": event.target, "origin": event.origin})
    return None
