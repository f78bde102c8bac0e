"""A sweep's output folder: chunk tables that stream in as they finish, and a manifest that says which.

A sweep may run for hours and be stopped at any moment, so nothing waits for the end: each finished chunk
is written to a temporary name, flushed and renamed into place (`chunk-00003.csv`), then the manifest
(`sweep-manifest.json`: the sweep's identity, its chunks, and each finished chunk's size and sha256) is
rewritten the same way. A chunk counts as finished only when the manifest lists it and the file still has
that checksum, so `--resume` recomputes exactly the chunks that are missing or damaged. When every chunk is
in, `sweep.csv` is their concatenation in point order.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..errors import EntenteError
from ..inputs.safe_files import write_file
from ..results.folder_reader import TOOL

MANIFEST = "sweep-manifest.json"
TABLE = "sweep.csv"
KIND = "sweep"


def chunk_name(index: int) -> str:
    return f"chunk-{index:05d}.csv"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


MAX_MANIFEST_BYTES = 10_000_000


def read_manifest(folder) -> dict | None:
    """The manifest of a sweep folder, or None when the folder holds none (or one Entente did not write).

    A manifest Entente wrote but someone changed is refused with one paragraph (check_manifest): it is read
    like any folder read back (sim.results.folder_reader: an ordinary file, bounded, no link, bounded depth)."""
    from ..results.folder_reader import parse_json, read_bounded

    path = Path(folder) / MANIFEST
    if not os.path.lexists(path):
        return None
    manifest = parse_json(read_bounded(path, "sweep manifest", MAX_MANIFEST_BYTES), path)
    if not isinstance(manifest, dict) or manifest.get("tool") != TOOL or manifest.get("kind") != KIND:
        return None
    return check_manifest(manifest, path)


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _file_record(value, name: str) -> bool:
    return (isinstance(value, dict) and value.get("file") == name and _whole(value.get("bytes"))
            and value["bytes"] >= 0 and isinstance(value.get("sha256"), str) and len(value["sha256"]) == 64)


def check_manifest(manifest: dict, path) -> dict:
    """The fields of a sweep manifest as Entente writes them: chunks that cover every point once, in order,
    finished chunks recorded under their own file name, a table record when complete; else one paragraph."""
    def fail(field, problem):
        return EntenteError(f"the sweep manifest is damaged: {problem}", file=str(path), field=field,
                            hint="Start the sweep again in a new --out folder (its chunks cannot be trusted).")

    points = manifest["points"] if _whole(manifest.get("points")) else 0
    chunks = manifest.get("chunks")
    if points < 1:
        raise fail("points", "it must be a whole number of at least 1")
    if not isinstance(chunks, list) or not chunks:
        raise fail("chunks", "it must list at least one chunk")
    start = 0
    for index, chunk in enumerate(chunks):
        if not (isinstance(chunk, list) and len(chunk) == 2 and all(map(_whole, chunk))
                and chunk[0] == start and chunk[1] > start):
            raise fail(f"chunks[{index}]", f"each chunk must be [first, end] following the one before (from {start})")
        start = chunk[1]
    if start != points:
        raise fail("chunks", f"the chunks cover {start} points, not the {points} of the sweep")
    done = manifest.get("done")
    if not isinstance(done, dict):
        raise fail("done", "it must be a mapping of finished chunks")
    for key, entry in done.items():
        if not (key.isdigit() and int(key) < len(chunks) and _file_record(entry, chunk_name(int(key)))):
            raise fail(f"done.{key}", "a finished chunk must be recorded by its number, file, bytes and sha256")
    for key in ("runs_per_point", "chunk_size"):
        if not _whole(manifest.get(key)) or manifest[key] < 1:
            raise fail(key, "it must be a whole number of at least 1")
    for key in ("headline_pairs", "columns"):
        if not isinstance(manifest.get(key), list):
            raise fail(key, "it must be a list")
    if not isinstance(manifest.get("complete"), bool):
        raise fail("complete", "it must be true or false")
    if manifest["complete"] and not _file_record(manifest.get("table"), TABLE):
        raise fail("table", f"a complete sweep records {TABLE} by its bytes and sha256")
    return manifest


def read_checked(folder, record: dict, what: str) -> bytes | None:
    """A file a sweep manifest records, when it is still an ordinary file (no link) with that size and sha256;
    None otherwise (never opened when it is not an ordinary file, so a FIFO cannot hang a read)."""
    from ..results.folder_reader import read_bounded

    path = Path(folder) / record["file"]
    try:
        data = read_bounded(path, what, record["bytes"])
    except EntenteError:
        return None
    if len(data) == record["bytes"] and _sha256(data) == record["sha256"]:
        return data
    return None


class SweepFolder:
    """The output folder of one sweep, opened fresh or (resume=True) to complete an earlier one."""

    def __init__(self, out_dir, *, identity: str, resume: bool) -> None:
        from ..inputs.paths import check_output_path

        self.path = check_output_path(out_dir, "output folder")
        self.shown = os.fspath(out_dir)
        self.identity = identity
        existing = read_manifest(self.path) if self.path.is_dir() else None
        if self.path.exists() and not self.path.is_dir():
            raise EntenteError(f"the output folder {self.shown!r} is a file, not a folder",
                               hint="Choose another --out folder.")
        if existing is None:
            if self.path.is_dir() and any(self.path.iterdir()):
                raise EntenteError(f"the output folder {self.shown!r} holds files that are not an Entente sweep",
                                   hint="Choose another --out folder (an empty or new one).")
            if resume:
                raise EntenteError(f"there is no sweep to resume in {self.shown!r} (no {MANIFEST})",
                                   hint="Start the sweep without --resume.")
            self.manifest: dict | None = None
            return
        if not resume:
            raise EntenteError(f"the output folder {self.shown!r} already holds a sweep",
                               hint="Pass --resume to complete it, or choose another --out folder.")
        if existing.get("identity") != identity:
            raise EntenteError(f"the sweep in {self.shown!r} was started with another scenario, sweep file or "
                               f"Entente version, so its chunks cannot be reused",
                               hint="Resume with the same scenario and sweep file, or choose another --out folder.")
        self.manifest = existing

    @property
    def started(self) -> bool:
        return self.manifest is not None

    def start(self, details: dict, chunks: list[tuple[int, int]]) -> None:
        """Create the folder and the manifest of a new sweep (the chunk layout is fixed from here on)."""
        from ..inputs.resources import version

        self.path.mkdir(parents=True, exist_ok=True)
        self.manifest = {"tool": TOOL, "kind": KIND, "version": version(), "identity": self.identity,
                         **details, "chunks": [list(c) for c in chunks], "done": {}, "complete": False}
        self._save()

    @property
    def chunks(self) -> list[tuple[int, int]]:
        assert self.manifest is not None
        return [(int(a), int(b)) for a, b in self.manifest["chunks"]]

    def details(self, key: str):
        assert self.manifest is not None
        return self.manifest[key]

    def finished(self) -> set[int]:
        """Chunks listed as done whose file is still there with the recorded checksum."""
        assert self.manifest is not None
        return {int(key) for key, entry in self.manifest["done"].items()
                if read_checked(self.path, entry, "sweep chunk") is not None}

    def write_chunk(self, index: int, text: str) -> None:
        """Write a finished chunk's table, then record it in the manifest (the manifest goes second)."""
        assert self.manifest is not None
        data = text.encode("utf-8")
        name = chunk_name(index)
        write_file(self.path / name, data, what="sweep chunk")  # a file-system error is one paragraph already
        self.manifest["done"][str(index)] = {"file": name, "bytes": len(data), "sha256": _sha256(data)}
        self._save()

    def finish(self) -> Path:
        """Concatenate the chunk tables in point order into sweep.csv (one header) and mark the sweep complete."""
        assert self.manifest is not None
        parts = []
        for index in range(len(self.chunks)):
            entry = self.manifest["done"].get(str(index))
            data = None if entry is None else read_checked(self.path, entry, "sweep chunk")
            if data is None:
                raise EntenteError(f"chunk {index} of the sweep in {self.shown!r} is missing or was changed",
                                   file=str(self.path / chunk_name(index)), hint="Run the sweep again with --resume.")
            lines = data.decode("utf-8").splitlines(keepends=True)
            parts.extend(lines if index == 0 else lines[1:])
        data = "".join(parts).encode("utf-8")
        write_file(self.path / TABLE, data, what="sweep table")
        self.manifest["complete"] = True
        self.manifest["table"] = {"file": TABLE, "bytes": len(data), "sha256": _sha256(data)}
        self._save()
        return self.path / TABLE

    def _save(self) -> None:
        text = json.dumps(self.manifest, indent=1, ensure_ascii=False) + "\n"
        write_file(self.path / MANIFEST, text, what="sweep manifest")
