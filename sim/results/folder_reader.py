"""The one rule for reading back a folder Entente wrote: it is checked, not trusted.

A result folder may come from a shared drive, a zip a student sent or a game folder another team can write,
so what it holds is input like any other. Before anything in it is used:

- its manifest.json is read (bounded, an ordinary file) and its fields have the types Entente writes;
- a file is read only if the manifest lists it, only if it is an ordinary file inside the folder (a link is
  refused, never followed), and only if its size and sha256 are the ones the manifest records;
- JSON is bounded in size and in depth; runs.nc is bounded in size (sim.present.runs_netcdf) and its
  variables checked against the summary; a .npy array inside runs.npz (folders written before runs.nc) is
  checked from its header (dtype, shape, size) against what the summary says, before a byte of it is
  inflated, and object arrays are refused.

Every failure is one paragraph naming the file, the place and the fix (exit code 2 at the command line).
The writer asks the same questions before it replaces a folder (sim/results/folder.py: only a folder whose
manifest this reader accepts, holding only what it lists).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import EntenteError

TOOL = "entente"  # the manifest's mark on the folders Entente wrote
MANIFEST_NAME = "manifest.json"
MAX_MANIFEST_BYTES = 1_000_000
MAX_JSON_BYTES = 64_000_000  # summary.json of the largest world a run accepts is a few MB
MAX_JSON_DEPTH = 32  # summary.json nests 5 deep
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
REWRITE_HINT = "Run the scenario again to make the folder afresh (python -m sim run SCENARIO --out FOLDER)."
_WINDOWS_DEVICES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_NAME_PUNCTUATION = set("._-+ ")


def damaged(path, problem: str, *, field: str | None = None, hint: str = REWRITE_HINT) -> EntenteError:
    """The one paragraph for a folder Entente wrote that is not as Entente wrote it."""
    return EntenteError(problem, file=str(path), field=field, hint=hint)


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings, counted before parsing (vectorised: a 60 MB file in a
    fraction of a second)."""
    import numpy as np

    codes = np.frombuffer(_STRING.sub("", text).encode("utf-8"), dtype=np.uint8)
    steps = np.isin(codes, (ord("["), ord("{"))).astype(np.int64) - np.isin(codes, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max()) if steps.size else 0


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def parse_json(raw: bytes, path, *, max_depth: int = MAX_JSON_DEPTH):
    """JSON from bytes: UTF-8, at most max_depth deep, no NaN or Infinity; else one paragraph."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise damaged(path, f"it is not UTF-8 text (byte {error.start})") from None
    if _depth(text) > max_depth:
        raise damaged(path, f"its JSON nests deeper than {max_depth} levels; Entente writes at most a few")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise damaged(path, f"it is not valid JSON{where}: {getattr(error, 'msg', error)}") from None


def read_bounded(path, what: str, max_bytes: int) -> bytes:
    """An ordinary file inside a folder Entente wrote (never a link, a FIFO or a device), at most max_bytes."""
    from ..inputs.paths import read_input_bytes

    too_large = damaged(path, f"the {what} is larger than {max_bytes:,} bytes, more than Entente writes")
    return read_input_bytes(path, what, max_bytes, too_large, follow_links=False)


def check_name(name) -> str:
    """A result file name: one plain name, never a path, so nothing is written outside the folder. The
    writer (sim/results/folder.py) holds every name it writes to it, and this reader every name a manifest
    lists."""
    problem = None
    if not isinstance(name, str) or not name:
        problem = "it is empty" if name == "" else f"it is not text but {type(name).__name__}"
    elif "/" in name or "\\" in name or (os.altsep and os.altsep in name) or os.sep in name:
        problem = "it contains a folder separator"
    elif name in (".", "..") or name.startswith("."):
        problem = "it starts with a dot ('..' and hidden names are not allowed)"
    elif not (name[0].isalnum() or name[0] == "_"):
        problem = "it does not start with a letter, digit or '_'"
    elif any(not (char.isalnum() or char in _NAME_PUNCTUATION) for char in name):
        problem = "it contains a character other than letters, digits, spaces and . _ - +"
    elif name.endswith((".", " ")):
        problem = "it ends with a dot or a space"
    elif len(name.encode("utf-8")) > 200:
        problem = "it is longer than 200 bytes"
    elif name.split(".")[0].strip().lower() in _WINDOWS_DEVICES:
        problem = "it is a device name on Windows"
    elif name == MANIFEST_NAME:
        problem = "the manifest is written by Entente itself"
    if problem:
        raise EntenteError(f"cannot write a result file named {name!r}: {problem}",
                           hint="Result files have plain names such as 'alignment.csv'.")
    return name


@dataclass(frozen=True)
class Listed:
    name: str
    bytes: int
    sha256: str


class CheckedFolder:
    """A folder Entente wrote, its manifest read and checked; files are read only through read()."""

    def __init__(self, path, *, what: str = "result folder") -> None:
        self.path = Path(path)
        self.what = what
        manifest_path = self.path / MANIFEST_NAME
        try:
            info = os.stat(self.path)
        except OSError:
            info = None
        if info is None or not stat.S_ISDIR(info.st_mode):
            raise EntenteError(f"there is no {what} {str(path)!r}",
                               hint="Give the folder a run wrote, e.g. results/arms_sale_pakistan.")
        if not os.path.lexists(manifest_path):
            raise damaged(self.path, f"it is not a complete {what}: it has no {MANIFEST_NAME}")
        manifest = parse_json(read_bounded(manifest_path, "manifest", MAX_MANIFEST_BYTES), manifest_path)
        if not isinstance(manifest, dict) or manifest.get("tool") != TOOL:
            raise damaged(manifest_path, "it is not a manifest Entente wrote (no \"tool\": \"entente\")")
        files = manifest.get("files")
        if not isinstance(files, list):
            raise damaged(manifest_path, "its 'files' is not a list", field="files")
        self.manifest = manifest
        self.files: dict[str, Listed] = {}
        for index, entry in enumerate(files):
            place = f"files[{index}]"
            if not isinstance(entry, dict):
                raise damaged(manifest_path, "an entry is not a mapping of name, bytes and sha256", field=place)
            size, digest = entry.get("bytes"), entry.get("sha256")
            try:
                name = check_name(entry.get("name"))
            except EntenteError as error:
                raise damaged(manifest_path, error.problem, field=f"{place}.name") from None
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise damaged(manifest_path, f"the size {size!r} is not a whole number of bytes",
                              field=f"{place}.bytes")
            if not isinstance(digest, str) or not _SHA256.match(digest):
                raise damaged(manifest_path, "the sha256 is not 64 hexadecimal digits", field=f"{place}.sha256")
            self.files[name] = Listed(name, size, digest)

    def has(self, name: str) -> bool:
        return name in self.files

    def size(self, name: str) -> int:
        return self.files[name].bytes

    def read(self, name: str, *, max_bytes: int | None = None) -> bytes:
        """A listed file's bytes, checked against the manifest (size first, then sha256)."""
        path = self.path / name
        entry = self.files.get(name)
        if entry is None:
            raise damaged(path, f"the {self.what}'s {MANIFEST_NAME} does not list this file, so Entente does not "
                                "read it")
        if max_bytes is not None and entry.bytes > max_bytes:
            raise damaged(path, f"the manifest says it holds {entry.bytes:,} bytes, more than the {max_bytes:,} "
                                f"this {self.what} can hold")
        raw = read_bounded(path, name, entry.bytes)
        if len(raw) != entry.bytes or hashlib.sha256(raw).hexdigest() != entry.sha256:
            raise damaged(path, f"it was changed after Entente wrote it (its size or sha256 is not the one in "
                                f"{MANIFEST_NAME})")
        return raw

    def json(self, name: str, *, max_bytes: int = MAX_JSON_BYTES):
        return parse_json(self.read(name, max_bytes=max_bytes), self.path / name)


# --- runs.npz --------------------------------------------------------------------------------------------


def read_npz(raw: bytes, path, expected: dict[str, tuple[str, tuple[int, ...]]], *, stored=()) -> dict:
    """The arrays of an .npz file, each checked from its header (dtype, shape) before it is inflated.

    expected: member stem -> (dtype string such as '<i4', shape). stored: members that must not be
    compressed (as Entente writes them), so that what they inflate to is bytes really in the file. Any
    other member, an object array, a member larger than its header says, a lying size or a bad checksum
    is refused.
    """
    import zipfile

    import numpy as np

    arrays = {}
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = {info.filename: info for info in archive.infolist()}
            extra = sorted(set(infos) - {f"{stem}.npy" for stem in expected})
            if extra:
                raise damaged(path, f"it holds {extra[0]!r}, which Entente does not write there")
            for stem, (dtype, shape) in expected.items():
                info = infos.get(f"{stem}.npy")
                if info is None:
                    raise damaged(path, f"it has no {stem}.npy")
                if stem in stored and info.compress_type != zipfile.ZIP_STORED:
                    raise damaged(path, f"{stem}.npy is compressed; Entente stores it as it is", field=stem)
                wanted = np.dtype(dtype)
                limit = math.prod(shape) * wanted.itemsize + 1024  # the data and a header
                if info.file_size > limit:
                    raise damaged(path, f"{stem}.npy says it inflates to {info.file_size:,} bytes; an array of "
                                        f"shape {shape} takes {limit - 1024:,}", field=stem)
                found_shape, fortran, found_dtype = _npy_header(archive, info, path, stem)
                if found_dtype.hasobject or found_dtype != wanted or tuple(found_shape) != tuple(shape) or fortran:
                    raise damaged(path, f"{stem}.npy holds a {found_dtype} array of shape {tuple(found_shape)}, "
                                        f"not the {wanted} array of shape {tuple(shape)} the summary calls for",
                                  field=stem)
                with archive.open(info) as member:
                    arrays[stem] = np.lib.format.read_array(member, allow_pickle=False)
    except EntenteError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError) as error:
        raise damaged(path, f"it is not an archive of arrays as Entente writes them ({error})") from None
    return arrays


def _npy_header(archive, info, path, stem):
    """(shape, fortran order, dtype) from a .npy member's header, read without its data. numpy's header
    parser meets untrusted text here and fails in many ways (ValueError, SyntaxError, tokenize errors...):
    each is this file's fault, so each is one paragraph."""
    import numpy as np

    readers = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    try:
        with archive.open(info) as member:
            reader = readers.get(np.lib.format.read_magic(member))
            if reader is None:
                raise damaged(path, f"{stem}.npy has a header version Entente does not write", field=stem)
            return reader(member, max_header_size=1024)
    except EntenteError:
        raise
    except Exception as error:  # noqa: BLE001 - see the docstring
        raise damaged(path, f"{stem}.npy has a damaged header ({type(error).__name__})", field=stem) from None


# --- CSV tables ------------------------------------------------------------------------------------------


def read_table(raw: bytes, path, columns, *, text_columns=(), rows: int | None = None,
               ranges: dict | None = None, names: dict | None = None):
    """A CSV table Entente wrote, read from checked bytes: exactly `columns`, `rows` rows when given, every
    column of `ranges` ({column: (low, high)}) numeric within them, every column of `names` ({column: set})
    holding only those names. Text stays text ('NA' is a name)."""
    import pandas as pd

    from ..inputs.text import from_cell

    try:
        header = pd.read_csv(io.BytesIO(raw), nrows=0).columns
        if list(header) != list(columns):
            raise damaged(path, f"its columns are {', '.join(map(str, header))[:200]}, not "
                                f"{', '.join(columns)}")
        text = {column: str for column in header if column in text_columns}
        table = pd.read_csv(io.BytesIO(raw), keep_default_na=False, dtype=text)
    except EntenteError:
        raise
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as error:
        raise damaged(path, f"it is not a table as Entente writes it ({str(error)[:200]})") from None
    if rows is not None and len(table) != rows:
        raise damaged(path, f"it has {len(table):,} rows; the summary's runs, months and actors call for {rows:,}")
    for column, (low, high) in (ranges or {}).items():
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | ~values.between(low, high)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise damaged(path, f"row {row + 2} holds {table[column].iloc[row]!r}, not a number from {low} to "
                                f"{high}", field=column)
    for column in text:
        table[column] = table[column].map(from_cell)
    for column, allowed in (names or {}).items():
        bad = ~table[column].isin(allowed)
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise damaged(path, f"row {row + 2} names {table[column].iloc[row]!r}, which is not an actor of "
                                f"this result", field=column)
    return table
