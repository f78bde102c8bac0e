"""What just happened, in plain words: the events of some months and the bloc changes they brought.

Built from the Result's events table and summary (nothing recomputed), so the line on the page says
what the data files say.
"""

from __future__ import annotations

from ..model.events import ScheduledEvent
from ..results.result import Result
from ..inputs.tables import load_codebook

MOST = 8  # lines shown for one action; the rest are counted


def event_sentence(event: dict, labels: dict[str, str], live: bool = False, notes: dict[str, str] | None = None) -> str:
    """'Month 13: US → India, cooperate militarily (arms sale) (added live: F-16s)'.

    A scenario event's reason is its place in the scenario (`events[3]`); its note is in the summary's notes.
    """
    label = labels.get(event["type"], event["type"])
    text = f"Month {event['month']}: {event['source']} → {event['target']}, {label[:1].lower()}{label[1:]}"
    if float(event["intensity"]) != 1.0:
        text += f" at intensity {float(event['intensity']):g}"
    reason = str(event.get("reason") or "")
    if event["origin"] != "reaction":
        reason = (notes or {}).get(reason, "" if reason.startswith("events[") else reason)
    if event["origin"] == "reaction":
        return f"{text} (a reaction by {event['actor']}: {reason})"
    origin = "added live" if live else "scenario event"
    return f"{text} ({origin}{': ' + reason if reason else ''})"


def is_live(event: dict, live: tuple[ScheduledEvent, ...]) -> bool:
    return event["origin"] == "scenario" and any(
        (e.month, e.type, e.source, e.target) == (event["month"], event["type"], event["source"], event["target"])
        for e in live)


def what_happened(result: Result, since: int, live: tuple[ScheduledEvent, ...] = ()) -> list[str]:
    """Sentences for the months after `since` up to the Result's last month (first run's events)."""
    until = result.months
    if until <= since:
        return [f"Month {until}: the start. Nothing has happened yet; step a month or run to the end."
                if until == 0 else f"Month {until}."]
    labels = {name: kind.label for name, kind in load_codebook().items()}
    table = result.events
    rows = table[(table["run"] == table["run"].min()) & (table["month"] > since)].to_dict("records") \
        if len(table) else []
    notes = result.summary.notes if result.summary is not None else {}
    lines = [event_sentence(row, labels, is_live(row, live), notes) for row in rows]
    if result.summary is not None:
        for entry in result.summary.blocs.timeline:
            if since < entry.month <= until:
                blocs = " | ".join(", ".join(members) for members in entry.blocs)
                lines.append(f"Month {entry.month}: the blocs changed to {blocs}.")
    if not lines:
        span = f"Month {until}" if until == since + 1 else f"Months {since + 1} to {until}"
        lines = [f"{span}: no event. The scores drift back towards their baselines (memory), towards "
                 f"balance and towards reciprocity."]
    if len(lines) > MOST:
        lines = lines[:MOST] + [f"… and {len(lines) - MOST} more (see the tables below)."]
    return lines
