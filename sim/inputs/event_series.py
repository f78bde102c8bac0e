"""The monthly event series that `python -m sim data events` writes, read back as an episode's observed target.

The file is user input like any other (it may have been edited, cut or saved by a spreadsheet): every row is
checked, and a bad one is refused with its line and column and what to write instead. A month with no events
of a pair has no row; it is a missing observation, never a zero.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from ..errors import EntenteError
from .event_data import SERIES_COLUMNS

MEASURE_RANGES = {"net_cooperation": (-1.0, 1.0), "goldstein_mean": (-10.0, 10.0)}  # each measure's scale
NEEDED = ("month", "source", "target", "events", *MEASURE_RANGES)
MAX_ROWS = 1_000_000  # a monthly series of 50 actors over 50 years has under 1.5 million rows; this is ample


def calendar_month(start: str, offset: int) -> str:
    """The month `offset` months after "YYYY-MM" (negative: before)."""
    year, month = (int(x) for x in start.split("-"))
    index = year * 12 + month - 1 + offset
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True)
class Observation:
    """One month of one directed pair: its number of events and its measures."""

    events: int
    values: dict[str, float]


def read_event_series(path: str | Path) -> dict[tuple[str, str, str], Observation]:
    """{(month "YYYY-MM", source, target): Observation} from a CSV of `sim data events`."""
    from .paths import os_error

    path = Path(path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:  # -sig: a spreadsheet's BOM
            return _rows(csv.reader(stream), path)
    except OSError as error:
        raise os_error(error, "read", path) from None
    except UnicodeDecodeError:
        raise EntenteError("the file is not UTF-8 text, as `sim data events` writes it", file=str(path),
                           hint="Write it again with python -m sim data events EXPORT --out FILE.csv (a "
                                "spreadsheet may have saved it in another encoding).") from None
    except csv.Error as error:
        raise EntenteError(f"the file is not a readable CSV ({error})", file=str(path),
                           hint="Write it again with python -m sim data events EXPORT --out FILE.csv.") from None


def _rows(reader, path: Path) -> dict[tuple[str, str, str], Observation]:
    def fail(line: int, problem: str, column: str | None = None, hint: str | None = None) -> EntenteError:
        return EntenteError(problem, file=str(path), line=line, field=column,
                            hint=hint or "Write it again with python -m sim data events EXPORT --out FILE.csv; "
                                         "if you edited it, correct this cell.")

    header = next(reader, None)
    if not header or not any(cell.strip() for cell in header):
        raise fail(1, "the file is empty; a series of `sim data events` starts with its header row",
                   hint=f"Write it with python -m sim data events EXPORT --out FILE.csv (its header: "
                        f"{','.join(SERIES_COLUMNS)}).")
    names = [cell.strip() for cell in header]
    missing = [name for name in NEEDED if name not in names]
    if missing:
        raise fail(1, f"the header has no column {missing[0]!r}, which a series of `sim data events` has",
                   hint=f"Give the CSV that python -m sim data events wrote (its header: {','.join(SERIES_COLUMNS)}).")
    at = {name: names.index(name) for name in NEEDED}
    out: dict[tuple[str, str, str], Observation] = {}
    for row in reader:
        line = reader.line_num  # the file's line, counted as csv reads it (a quoted cell may span lines)
        if not row or not any(cell.strip() for cell in row):
            continue
        if line > MAX_ROWS:
            raise fail(line, f"the file has more than {MAX_ROWS:,} rows, more than a monthly series holds",
                       hint="Give the monthly series (python -m sim data events), not the raw export.")
        if len(row) < len(names):
            raise fail(line, f"the row has {len(row)} columns; the header has {len(names)}")
        month, source, target = (row[at[name]].strip() for name in ("month", "source", "target"))
        year, _, number = month.partition("-")
        if not (len(year) == 4 and year.isdigit() and len(number) == 2 and number.isdigit()
                and 1 <= int(number) <= 12):
            raise fail(line, f"the month {month!r} is not a month written YYYY-MM", "month",
                       "Write the month as, for instance, 2018-06.")
        if not source or not target or source == target:
            raise fail(line, "a row needs a source and a different target", "source" if not source else "target")
        events = row[at["events"]].strip()
        if not events.isdigit() or int(events) < 1:
            raise fail(line, f"events is {events!r}, not a whole number of at least 1", "events",
                       "A month without events has no row: delete the row, or write the number of events.")
        values = {}
        for name, (low, high) in MEASURE_RANGES.items():
            text = row[at[name]].strip()
            try:
                value = float(text)
            except ValueError:
                value = math.nan
            if not low <= value <= high:  # NaN fails too
                raise fail(line, f"{name} is {text!r}, not a number from {low:g} to {high:g}", name)
            values[name] = value
        key = (month, source, target)
        if key in out:
            raise fail(line, f"{source} → {target} in {month} has a row already", "month",
                       "Keep one row per month and directed pair (delete the repeated row).")
        out[key] = Observation(int(events), values)
    return out
