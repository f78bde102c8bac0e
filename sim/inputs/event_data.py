"""Event data (ICEWS, GDELT) read as monthly directed series between the scenario's actors.

The field's event data code each reported act as "source does CAMEO action to target", with a Goldstein
(1992) score from -10 (most conflictual) to +10. Here a user-downloaded export is read one row at a time, so
a file of any size takes bounded memory (totals per month and directed pair only), and each row between two
of the actors is counted by CAMEO quad class (verbal and material cooperation, verbal and material
conflict) with its Goldstein score. A row whose sides are not two different actors, or that cannot be read,
is counted by reason and skipped, never guessed.

Layouts: ICEWS as published on Harvard Dataverse (doi:10.7910/DVN/28075: tab-separated, a header row,
"Event Date", "Source Name", "Source Country", "CAMEO Code", "Intensity", "Target Name", "Target Country"...),
and GDELT event exports, 1.0 and 2.0 (no header, tab-separated, 57, 58 or 61 columns: the first 35 are the
same in both). CAMEO codes are text ("040": the leading zero matters). How each actor is named in the data
is in sim/data/actors.yaml (`event_data`).
"""

from __future__ import annotations

import io
import zipfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EntenteError

FORMATS = ("icews", "gdelt")
QUAD_CLASSES = ("verbal_cooperation", "material_cooperation", "verbal_conflict", "material_conflict")
GDELT_WIDTHS = (57, 58, 61)  # 1.0 historical, 1.0 daily (with SOURCEURL), 2.0
GDELT = {"date": 1, "source_country": 7, "source_group": 8, "target_country": 17, "target_group": 18,
         "code": 26, "goldstein": 30}  # 0-based columns of the GDELT 1.0 and 2.0 event codebooks
ICEWS = {"date": "Event Date", "source_name": "Source Name", "source_country": "Source Country",
         "code": "CAMEO Code", "goldstein": "Intensity", "target_name": "Target Name",
         "target_country": "Target Country"}
SERIES_COLUMNS = ("month", "source", "target", "events", *QUAD_CLASSES, "goldstein_sum", "goldstein_mean",
                  "net_cooperation")  # the CSV `sim data events` writes; sim/inputs/event_series.py reads it
MAX_LINE = 1_000_000  # characters: a longer line is no event record; it is skipped as unreadable
SKIP_OTHER, SKIP_SAME, SKIP_UNREADABLE = ("a side is not one of the actors", "both sides are the same actor",
                                          "unreadable (columns, date, CAMEO code or Goldstein score)")


def quad_class(code: str) -> int | None:
    """CAMEO's quad class (0 verbal cooperation, 1 material cooperation, 2 verbal conflict, 3 material
    conflict) from a code's two-digit root: 01-05, 06-08, 09-13, 14-20; None for anything else."""
    root = code[:2]
    if len(code) < 2 or not root.isdigit() or not 1 <= int(root) <= 20:
        return None
    number = int(root)
    return 0 if number <= 5 else 1 if number <= 8 else 2 if number <= 13 else 3


@dataclass(frozen=True)
class ActorCodes:
    """How each actor is named in event data: countries by CAMEO code (GDELT) or name (ICEWS); armed groups
    by GDELT's known-group code or ICEWS's actor name ("Taliban", "Militant (Taliban)")."""

    countries: dict[str, str]
    groups: dict[str, str]
    icews_countries: dict[str, str]
    icews_names: dict[str, str]

    @classmethod
    def of(cls, actors: Sequence[str]) -> ActorCodes:
        from .tables import table_document

        wanted = set(actors)
        countries: dict[str, str] = {}
        groups: dict[str, str] = {}
        icews_countries: dict[str, str] = {}
        icews_names: dict[str, str] = {}
        for entry in table_document("actors.yaml").data["actors"]:
            codes = entry.get("event_data") or {}
            name = entry["name"]
            if name not in wanted:
                continue
            for key, table in (("cameo", countries), ("cameo_group", groups), ("icews_country", icews_countries),
                               ("icews_name", icews_names)):
                if key in codes:
                    table[str(codes[key])] = name
        return cls(countries, groups, icews_countries, icews_names)

    def named(self) -> set[str]:
        return {*self.countries.values(), *self.groups.values(), *self.icews_countries.values(),
                *self.icews_names.values()}

    def gdelt_side(self, country: str, group: str) -> str | None:
        return self.groups.get(group) or self.countries.get(country)

    def icews_side(self, name: str, country: str) -> str | None:
        for group, actor in self.icews_names.items():
            if name == group or name.endswith(f"({group})"):
                return actor
        return self.icews_countries.get(country)


@dataclass
class EventSeries:
    """Totals per month ("YYYY-MM") and directed pair, and what was skipped and why."""

    actors: tuple[str, ...]
    format: str
    rows: int = 0
    unnamed: tuple[str, ...] = ()  # actors with no name in event data (actors.yaml has no event_data for them)
    skipped: Counter = field(default_factory=Counter)
    totals: dict = field(default_factory=dict)  # (month, source, target) -> [4 quad counts, Goldstein sum]

    def add(self, month: str, source: str, target: str, quad: int, goldstein: float) -> None:
        tally = self.totals.setdefault((month, source, target), [0, 0, 0, 0, 0.0])
        tally[quad] += 1
        tally[4] += goldstein

    @property
    def kept(self) -> int:
        return sum(sum(t[:4]) for t in self.totals.values())

    def records(self) -> list[dict]:
        """One record per month and directed pair with any event, in month then actor order."""
        order = {name: k for k, name in enumerate(self.actors)}
        out = []
        for (month, source, target), tally in sorted(self.totals.items(),
                                                     key=lambda item: (item[0][0], order[item[0][1]],
                                                                       order[item[0][2]])):
            events = sum(tally[:4])
            cooperation, conflict = tally[0] + tally[1], tally[2] + tally[3]
            out.append({"month": month, "source": source, "target": target, "events": events,
                        **dict(zip(QUAD_CLASSES, tally[:4])),
                        "goldstein_sum": round(tally[4], 4), "goldstein_mean": round(tally[4] / events, 4),
                        "net_cooperation": round((cooperation - conflict) / events, 4)})
        return out

    def to_csv(self) -> str:
        header = SERIES_COLUMNS
        lines = [",".join(header)]
        for record in self.records():
            lines.append(",".join(_csv_cell(record[column]) for column in header))
        return "\n".join(lines) + "\n"


def _csv_cell(value) -> str:
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f'"{text}"' if any(c in text for c in ',"\n') else text


def read_event_data(path: str | Path, actors: Sequence[str], fmt: str = "auto",
                    progress: Callable[[int, int], None] | None = None) -> EventSeries:
    """The monthly directed series of an ICEWS or GDELT export between `actors` (see the module's note).
    progress(bytes read, file size) is called every megabyte or so."""
    path = Path(path)
    if fmt not in ("auto", *FORMATS):
        raise EntenteError(f"unknown event-data format {fmt!r}", hint="Use icews, gdelt or auto.")
    codes = ActorCodes.of(actors)
    unnamed = [name for name in actors if name not in codes.named()]
    if len(unnamed) == len(actors):
        raise EntenteError("none of the actors has a name in event data",
                           hint="Add `event_data:` to the actors in sim/data/actors.yaml (its header says how).")
    with _opened(path) as (stream, size):
        first = stream.readline(MAX_LINE)
        if not first.strip():
            raise EntenteError("the file is empty, or its first line is", file=str(path), line=1,
                               hint="Give an ICEWS or GDELT events export as downloaded.")
        found = _detect(first, path) if fmt == "auto" else fmt
        series = EventSeries(tuple(actors), found, unnamed=tuple(unnamed))
        if found == "icews":
            columns = _icews_columns(first, path)
            read_row = _icews_reader(columns, codes)
        else:
            read_row = _gdelt_reader(codes)
            _check_gdelt_row(first, path)
            _count(series, read_row(first.rstrip("\r\n").split("\t")))
        done_at = 0
        while True:
            line = stream.readline(MAX_LINE)
            if not line:
                break
            if not line.endswith("\n") and len(line) >= MAX_LINE:  # an overlong line: skip to its end
                while line and not line.endswith("\n"):
                    line = stream.readline(MAX_LINE)
                series.rows += 1
                series.skipped[SKIP_UNREADABLE] += 1
                continue
            if line.strip():
                _count(series, read_row(line.rstrip("\r\n").split("\t")))
            if progress is not None and stream.tell() - done_at > 1 << 20:
                done_at = stream.tell()
                progress(done_at, size)
        if progress is not None:
            progress(size, size)
    return series


def _count(series: EventSeries, row: tuple | str) -> None:
    series.rows += 1
    if isinstance(row, str):
        series.skipped[row] += 1
    else:
        series.add(*row)


def _detect(first: str, path: Path) -> str:
    fields = first.rstrip("\r\n").split("\t")
    if "Event ID" in fields and ICEWS["code"] in fields:
        return "icews"
    if len(fields) in GDELT_WIDTHS:
        return "gdelt"
    raise EntenteError(f"the first line is neither an ICEWS header (Event ID, Event Date, ... CAMEO Code) "
                       f"nor a GDELT event row ({', '.join(map(str, GDELT_WIDTHS))} tab-separated columns; "
                       f"it has {len(fields)})", file=str(path), line=1,
                       hint="Give an ICEWS file as downloaded from Dataverse (.tab) or a GDELT events export "
                            "(.CSV), unzipped or as its .zip; or name the layout with --format.")


def _icews_columns(first: str, path: Path) -> dict[str, int]:
    header = first.rstrip("\r\n").split("\t")
    missing = [name for name in ICEWS.values() if name not in header]
    if missing:
        raise EntenteError(f"the header has no column {missing[0]!r}, which an ICEWS file has",
                           file=str(path), line=1,
                           hint="Give the file as downloaded from Dataverse (doi:10.7910/DVN/28075), header "
                                "row included, or use --format gdelt for a GDELT export.")
    return {key: header.index(name) for key, name in ICEWS.items()}


def _check_gdelt_row(first: str, path: Path) -> None:
    width = len(first.rstrip("\r\n").split("\t"))
    if width not in GDELT_WIDTHS:
        raise EntenteError(f"the first line has {width} tab-separated columns; a GDELT events export has "
                           f"{', '.join(map(str, GDELT_WIDTHS))}", file=str(path), line=1,
                           hint="Check that this is a GDELT 1.0 or 2.0 events file (not mentions or GKG), or "
                                "use --format icews for an ICEWS file.")


def _icews_reader(columns: dict[str, int], codes: ActorCodes):
    width = max(columns.values()) + 1

    def read(fields: list[str]) -> tuple | str:
        if len(fields) < width:
            return SKIP_UNREADABLE
        source = codes.icews_side(fields[columns["source_name"]], fields[columns["source_country"]])
        target = codes.icews_side(fields[columns["target_name"]], fields[columns["target_country"]])
        date = fields[columns["date"]]  # YYYY-MM-DD
        month = date[:7] if len(date) == 10 and date[4] == "-" and date[7] == "-" else ""
        return _event(source, target, month, fields[columns["code"]], fields[columns["goldstein"]])

    return read


def _gdelt_reader(codes: ActorCodes):
    def read(fields: list[str]) -> tuple | str:
        if len(fields) not in GDELT_WIDTHS:
            return SKIP_UNREADABLE
        source = codes.gdelt_side(fields[GDELT["source_country"]], fields[GDELT["source_group"]])
        target = codes.gdelt_side(fields[GDELT["target_country"]], fields[GDELT["target_group"]])
        date = fields[GDELT["date"]]  # YYYYMMDD
        month = f"{date[:4]}-{date[4:6]}" if len(date) == 8 and date.isdigit() else ""
        return _event(source, target, month, fields[GDELT["code"]], fields[GDELT["goldstein"]])

    return read


def _event(source, target, month: str, code: str, goldstein: str):
    """(month, source, target, quad, Goldstein) or the reason the row is skipped; month: "YYYY-MM", or "" when
    the row's date could not be read."""
    quad = quad_class(code.strip())
    try:
        score = float(goldstein)
    except ValueError:
        return SKIP_UNREADABLE
    year, _, number = month.partition("-")
    valid_date = len(year) == 4 and year.isdigit() and number.isdigit() and 1 <= int(number) <= 12
    if quad is None or not valid_date or not -10 <= score <= 10:
        return SKIP_UNREADABLE
    if source is None or target is None:
        return SKIP_OTHER
    if source == target:
        return SKIP_SAME
    return month, source, target, quad, score


class _opened:
    """The file as text lines, or the one data file inside a .zip (GDELT's and Dataverse's downloads)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._archive: zipfile.ZipFile | None = None

    def __enter__(self):
        from .paths import os_error

        try:
            if zipfile.is_zipfile(self.path):
                self._archive = zipfile.ZipFile(self.path)
                members = [m for m in self._archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise EntenteError(f"the .zip holds {len(members)} files; this reads one export",
                                       file=str(self.path), hint="Unzip it and give the events file.")
                raw = self._archive.open(members[0])
                size = members[0].file_size
            else:
                raw = open(self.path, "rb")
                size = self.path.stat().st_size
        except OSError as error:
            raise os_error(error, "read", self.path) from None
        except zipfile.BadZipFile:
            raise EntenteError("this is a damaged .zip file", file=str(self.path),
                               hint="Download it again, or unzip it and give the events file.") from None
        self._stream = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
        return _Counted(self._stream, raw), size

    def __exit__(self, *exc) -> None:
        self._stream.close()
        if self._archive is not None:
            self._archive.close()


class _Counted:
    """readline() and the bytes read so far (tell() on a zip member or a text wrapper is not a byte count)."""

    def __init__(self, stream: io.TextIOWrapper, raw) -> None:
        self._stream, self._raw = stream, raw

    def readline(self, limit: int) -> str:
        return self._stream.readline(limit)

    def tell(self) -> int:
        return self._raw.tell()
