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

MANIFEST = "sweep-manifest.json"
TABLE = "sweep.csv"
TOOL = "entente"
KIND = "sweep"


def chunk_name(index: int) -> str:
    return f"chunk-{index:05d}.csv"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomically(path: Path, data: bytes) -> None:
    from .safe_files import write_file

    write_file(path, data, what="sweep file")


def read_manifest(folder) -> dict | None:
    """The manifest of a sweep folder, or None when the folder holds none (or one Entente did not write)."""
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("tool") != TOOL or manifest.get("kind") != KIND:
        return None
    return manifest


class SweepFolder:
    """The output folder of one sweep, opened fresh or (resume=True) to complete an earlier one."""

    def __init__(self, out_dir, *, identity: str, resume: bool) -> None:
        from .paths import check_output_path

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
        from .resources import version

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
        good = set()
        for key, entry in self.manifest["done"].items():
            try:
                data = (self.path / entry["file"]).read_bytes()
            except OSError:
                continue
            if len(data) == entry["bytes"] and _sha256(data) == entry["sha256"]:
                good.add(int(key))
        return good

    def write_chunk(self, index: int, text: str) -> None:
        """Write a finished chunk's table, then record it in the manifest (the manifest goes second)."""
        assert self.manifest is not None
        data = text.encode("utf-8")
        name = chunk_name(index)
        try:
            _write_atomically(self.path / name, data)
            self.manifest["done"][str(index)] = {"file": name, "bytes": len(data), "sha256": _sha256(data)}
            self._save()
        except OSError as error:
            from .paths import os_error

            raise os_error(error, "write", self.path / name) from None

    def finish(self) -> Path:
        """Concatenate the chunk tables in point order into sweep.csv (one header) and mark the sweep complete."""
        assert self.manifest is not None
        parts = []
        for index in range(len(self.chunks)):
            lines = (self.path / chunk_name(index)).read_text(encoding="utf-8").splitlines(keepends=True)
            parts.extend(lines if index == 0 else lines[1:])
        data = "".join(parts).encode("utf-8")
        _write_atomically(self.path / TABLE, data)
        self.manifest["complete"] = True
        self.manifest["table"] = {"file": TABLE, "bytes": len(data), "sha256": _sha256(data)}
        self._save()
        return self.path / TABLE

    def _save(self) -> None:
        text = json.dumps(self.manifest, indent=1, ensure_ascii=False) + "\n"
        _write_atomically(self.path / MANIFEST, text.encode("utf-8"))
