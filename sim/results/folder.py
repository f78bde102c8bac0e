"""Write a result folder so that it is either complete or absent, and never damage anything else.

Files are written into a hidden temporary folder next to the output folder (`.NAME.tmp-XXXXXXXX`), the
manifest (`manifest.json`: every file with its size and sha256) is written last, and a rename moves the
folder into place: that rename is the commit point. A run stopped at any moment (an error, Ctrl-C, a full
disk, even SIGKILL) leaves no folder at the output path that looks complete, and leaves an earlier result
there untouched.

An existing output folder is replaced only if Entente wrote it: it carries a valid manifest, and holds
nothing but the files that manifest lists, unchanged (operating-system litter such as .DS_Store aside).
Anything else is refused before any work is done; with `force=True`, Entente's files are written into such
a folder one by one (replacing files of the same names, manifest last) and nothing else in it is touched.

Leftover temporary folders of killed runs are removed by the next run in the same parent folder. Each run
holds an advisory lock (`.NAME.tmp-XXXXXXXX.lock`) while it works, so a run never removes the folder of
another run still working; where advisory locks are not available (Windows), leftovers are kept. Only a
folder holding the marker file a run writes when it creates its temporary folder (and removes just before
the manifest) is ever removed: a folder someone else named like a temporary folder is kept. The cleaner
looks with lstat only, never follows links, never opens anything but an ordinary lock file (non-blocking),
and never waits for a lock.

    with result_folder("results/arms_sale") as folder:
        folder.write_text("alignment.csv", table)
        figure.savefig(folder.path("heatmaps.png"))
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from ..errors import EntenteError
from .folder_reader import MANIFEST_NAME, TOOL, CheckedFolder, Listed, check_name

try:
    import fcntl
except ImportError:  # Windows: no advisory locks, so leftovers of killed runs are not cleaned
    fcntl = None  # type: ignore[assignment]

MARKER_NAME = ".entente-temporary"  # inside a temporary folder from its creation until just before the manifest
MANIFEST_FORMAT = 1
RESERVED_KEYS = ("tool", "version", "files", "manifest_format")  # the manifest's own; the rest is manifest_extra

# Files an operating system drops into any folder a person opens; they do not make a folder foreign.
OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

_TEMP = re.compile(r"^\.(?P<stem>.+)\.tmp-(?P<token>[0-9a-f]{8})(?P<suffix>|\.old|\.lock)$")
_HASH_CHUNK = 1 << 20
_FORCE_HINT = ("Choose another --out folder, or pass --force to write Entente's files into it (files of other "
               "names are kept).")


def tool_version() -> str:
    """The installed version of Entente, or the source tree's when it is not installed."""
    from ..inputs.resources import version

    return version()


# --- deciding whether a folder may be replaced ------------------------------------------------------------


def _output_path(out_dir) -> Path:
    from ..inputs.paths import check_output_path

    return check_output_path(out_dir, "output folder")


def _listed(folder: Path) -> dict[str, Listed] | None:
    """The files a folder's manifest lists, checked as any folder read back (sim.results.folder_reader), or
    None where it has no valid manifest of Entente's."""
    try:
        return CheckedFolder(folder).files
    except EntenteError:
        return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _foreign_content(folder: Path) -> str | None:
    """Why the folder holds something Entente did not write, or None when Entente may replace it."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError as error:
        return f"it cannot be read ({error.strerror or error})"
    names = [name for name in names if name not in OS_LITTER and name != MARKER_NAME]
    if not names:
        return None
    listed = _listed(folder)
    if listed is None:
        return f"for example {names[0]!r}, and it has no Entente {MANIFEST_NAME}"
    for name in names:
        if name == MANIFEST_NAME:
            continue
        if name not in listed:
            return f"for example {name!r}, which its {MANIFEST_NAME} does not list"
        path = folder / name
        try:
            info = path.lstat()
            if not stat.S_ISREG(info.st_mode):
                return f"{name!r} is not an ordinary file"
            if info.st_size != listed[name].bytes or _sha256(path) != listed[name].sha256:
                return f"{name!r} was changed after Entente wrote it"
        except OSError as error:
            return f"{name!r} cannot be read ({error.strerror or error})"
    return None


def check_out_dir(out_dir, force: bool = False) -> None:
    """Refuse an output folder Entente may not write, before any work is done.

    Fine: a folder that does not exist, an empty one, or one Entente wrote (valid manifest, nothing else).
    Anything else is refused unless force is True; a file is always refused.
    """
    try:
        _check_out_dir(out_dir, force)
    except OSError as error:
        raise _file_system_error(error, out_dir, "use the output folder") from None


def _check_out_dir(out_dir, force: bool) -> None:
    path = _output_path(out_dir)
    shown = os.fspath(out_dir)
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise EntenteError(f"cannot write the result to {shown!r}: {str(parent)!r} is a file, not a folder",
                                   hint="Choose another --out folder.")
            break
    if path.is_symlink():  # even with --force: Entente never writes through a link (sim.inputs.safe_files)
        raise EntenteError(f"the output folder {shown!r} is a link to another place; Entente never writes "
                           f"through links", hint="Give the folder the link points to as --out, or choose "
                                                  "another --out folder.")
    if not path.exists():
        return
    if not path.is_dir():
        raise EntenteError(f"the output folder {shown!r} is a file, not a folder",
                           hint="Choose another --out folder; Entente never overwrites a file with a folder.")
    reason = _foreign_content(path)
    if reason is not None and not force:
        raise EntenteError(f"the output folder {shown!r} holds files Entente did not write ({reason})",
                           hint=_FORCE_HINT)


# --- errors from the file system --------------------------------------------------------------------------


def _file_system_error(error: OSError, out_dir, action: str = "write the result to") -> EntenteError:
    from ..inputs.paths import os_error

    return os_error(error, action, out_dir, option="--out folder")


def _fsync_path(path: Path, *, directory: bool = False) -> None:
    """Best effort: flush to disk so a power cut cannot commit a folder whose files are still empty."""
    try:
        descriptor = os.open(path, (os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if directory else os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


# --- the writer --------------------------------------------------------------------------------------------


class ResultWriter:
    """A temporary folder that becomes the output folder when commit() succeeds.

    Use it through result_folder() or as a context manager: an exception inside the block removes the
    temporary folder and leaves the output folder as it was.
    """

    def __init__(self, out_dir, *, force: bool = False, manifest_extra: dict | None = None) -> None:
        self.out_dir = _output_path(out_dir)
        self.shown = os.fspath(out_dir)
        self.force = force
        self.manifest_extra = dict(manifest_extra or {})
        clash = sorted(set(self.manifest_extra) & set(RESERVED_KEYS))
        if clash:
            raise ValueError(f"manifest_extra may not set {', '.join(clash)}")
        self.directory: Path | None = None
        self._lock: TextIO | None = None
        self._lock_path: Path | None = None
        self._fresh_lock: Path | None = None
        self._stem = self.out_dir.name[:100]
        self._token = ""
        self.committed = False

    # The temporary folder.

    @contextmanager
    def _aborting_on_failure(self):
        """Any failure removes the temporary folder; file-system errors become a student-readable error."""
        try:
            yield
        except OSError as error:
            self.abort()
            raise _file_system_error(error, self.shown) from None
        except BaseException:
            self.abort()
            raise

    def start(self) -> ResultWriter:
        check_out_dir(self.out_dir, self.force)
        parent = self.out_dir.parent
        with self._aborting_on_failure():
            parent.mkdir(parents=True, exist_ok=True)
            clean_stale_folders(parent)
            for _ in range(100):
                self._token = secrets.token_hex(4)
                candidate = parent / f".{self._stem}.tmp-{self._token}"
                if not os.path.lexists(candidate) and not os.path.lexists(f"{candidate}.lock"):
                    break
            self._take_lock(parent)
            self.directory = parent / f".{self._stem}.tmp-{self._token}"
            os.mkdir(self.directory)
            with open(self.directory / MARKER_NAME, "x", encoding="utf-8") as marker:
                marker.write(f"{TOOL} temporary folder; removed by the next run if this one was stopped\n")
        return self

    def _take_lock(self, parent: Path) -> None:
        if fcntl is None:
            return
        # Created under a name the cleaner ignores, locked, then renamed: a lock file is never seen unlocked.
        fresh = self._fresh_lock = parent / f".{self._stem}.tmp-{self._token}.lock-new"
        self._lock = open(fresh, "x")
        fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._lock.write(f"{os.getpid()}\n")
        self._lock.flush()
        self._lock_path = parent / f".{self._stem}.tmp-{self._token}.lock"
        os.replace(fresh, self._lock_path)
        self._fresh_lock = None

    def _release_lock(self) -> None:
        for path in (self._fresh_lock, self._lock_path):
            if path is not None:
                try:
                    os.unlink(path)
                except OSError:
                    pass
        self._fresh_lock = self._lock_path = None
        if self._lock is not None:
            self._lock.close()  # closing releases the lock
            self._lock = None

    def path(self, name: str) -> Path:
        """Where to write the file `name` (for code that writes files itself, such as savefig)."""
        if self.directory is None or self.committed:
            raise RuntimeError("the result folder is not open")
        return self.directory / check_name(name)

    def write_bytes(self, name: str, data: bytes) -> Path:
        from ..inputs.safe_files import write_file

        return write_file(self.path(name), data, what=f"result file {name}")

    def write_with(self, name: str, fill) -> Path:
        """Write the file `name` by fill(handle) on a new binary file: a large file written as it is made,
        never held whole in memory. The folder is this writer's own and fresh, so the file is created
        exclusively (nothing there, not even a link, is written through); commit() syncs it with the others."""
        path = self.path(name)
        with open(path, "xb") as handle:
            fill(handle)
        return path

    def write_text(self, name: str, text: str) -> Path:
        """Write UTF-8 text exactly as given ('\\n' stays '\\n' on every system)."""
        return self.write_bytes(name, text.encode("utf-8"))

    def file_names(self) -> list[str]:
        """The result's files written so far (not the manifest, not the temporary marker), sorted."""
        assert self.directory is not None, "the result folder is not open"
        return sorted(name for name in os.listdir(self.directory) if name not in (MANIFEST_NAME, MARKER_NAME))

    # Finishing.

    def manifest_text(self) -> str:
        """The manifest of the files now in the temporary folder: same files, same bytes."""
        assert self.directory is not None, "the result folder is not open"
        files = []
        for name in sorted(os.listdir(self.directory)):
            path = self.directory / name
            if name in (MANIFEST_NAME, MARKER_NAME):
                continue
            check_name(name)
            if not stat.S_ISREG(path.lstat().st_mode):
                raise EntenteError(f"the result folder holds {name!r}, which is not an ordinary file",
                                   hint="Result folders hold files only.")
            files.append({"name": name, "bytes": path.stat().st_size, "sha256": _sha256(path)})
        manifest = {"tool": TOOL, "version": tool_version(), "manifest_format": MANIFEST_FORMAT, "files": files,
                    **self.manifest_extra}
        return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"

    def commit(self) -> Path:
        """Write the manifest last, then move the folder into place; returns the output folder."""
        if self.directory is None or self.committed:
            raise RuntimeError("the result folder is not open")
        with self._aborting_on_failure():
            for name in os.listdir(self.directory):
                if name != MARKER_NAME:
                    _fsync_path(self.directory / name)
            text = self.manifest_text()
            os.unlink(self.directory / MARKER_NAME)
            self._write_manifest(text)
            _fsync_path(self.directory, directory=True)
            self._move_into_place()
            _fsync_path(self.out_dir.parent, directory=True)
        self.committed = True
        self._release_lock()
        return self.out_dir

    def _write_manifest(self, text: str) -> None:
        from ..inputs.safe_files import write_file

        assert self.directory is not None, "the result folder is not open"
        write_file(self.directory / MANIFEST_NAME, text, what="manifest")

    def _move_into_place(self) -> None:
        from ..inputs.safe_files import write_file

        out = self.out_dir
        assert self.directory is not None, "the result folder is not open"
        check_out_dir(out, self.force)  # again: something may have appeared there during the run
        if not os.path.lexists(out):
            os.rename(self.directory, out)
        elif out.is_dir() and not out.is_symlink() and _foreign_content(out) is None:
            aside = out.parent / f".{self._stem}.tmp-{self._token}.old"
            # so a cleaner may recognise it; never through a link planted under the marker's name
            write_file(out / MARKER_NAME, f"{TOOL}: an earlier result moved aside while a new one takes its place\n",
                       what="result folder's marker")
            os.rename(out, aside)
            try:
                os.rename(self.directory, out)
            except BaseException:
                os.rename(aside, out)  # put the earlier result back
                os.unlink(out / MARKER_NAME)
                raise
            shutil.rmtree(aside, ignore_errors=True)  # if this fails, the next run removes it
        else:  # force: write into a folder that also holds other files, touching only our names
            self._write_into(out)
        self.directory = None

    def _write_into(self, out: Path) -> None:
        assert self.directory is not None, "the result folder is not open"
        names = sorted(name for name in os.listdir(self.directory) if name != MANIFEST_NAME)
        for name in names + [MANIFEST_NAME]:
            target = out / name
            if os.path.lexists(target) and not stat.S_ISREG(target.lstat().st_mode):
                raise EntenteError(f"cannot write {name!r} into the output folder {self.shown!r}: something that "
                                   f"is not an ordinary file has that name", hint="Move it away, or choose "
                                                                                  "another --out folder.")
        try:  # an earlier manifest would describe files about to change: it goes first, ours comes last
            os.unlink(out / MANIFEST_NAME)
        except FileNotFoundError:
            pass
        for name in names + [MANIFEST_NAME]:
            os.replace(self.directory / name, out / name)
        os.rmdir(self.directory)

    def abort(self) -> None:
        """Remove the temporary folder; the output folder stays as it was."""
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
            self.directory = None
        self._release_lock()

    def __enter__(self) -> ResultWriter:
        return self.start()

    def __exit__(self, kind, error, traceback) -> None:  # never swallows the exception
        if kind is None:
            self.commit()
            return
        self.abort()
        if isinstance(error, OSError):
            raise _file_system_error(error, self.shown) from error


@contextmanager
def result_folder(out_dir, *, force: bool = False, manifest_extra: dict | None = None):
    """Yield a ResultWriter; on normal exit its folder becomes out_dir, on any exception it vanishes."""
    with ResultWriter(out_dir, force=force, manifest_extra=manifest_extra) as writer:
        yield writer


# --- leftovers of killed runs ----------------------------------------------------------------------------


def _only_result_files(folder: Path) -> bool:
    try:
        for entry in os.scandir(folder):
            if entry.name in OS_LITTER or entry.name in (MANIFEST_NAME, MARKER_NAME):
                continue
            check_name(entry.name)
            if not entry.is_file(follow_symlinks=False):
                return False
    except (OSError, EntenteError):
        return False
    return True


def _is_marked(folder: Path) -> bool:
    """True for a real folder (not a link) holding Entente's marker as an ordinary file."""
    try:
        return stat.S_ISDIR(os.lstat(folder).st_mode) and stat.S_ISREG(os.lstat(folder / MARKER_NAME).st_mode)
    except OSError:
        return False


def _try_lock(lock_path: Path):
    """('free', descriptor) when no run holds the lock, ('none', None) without a lock file, else ('busy', None).

    Anything but an ordinary file under the lock's name (a FIFO, a device, a link, a folder) counts as busy:
    it is never opened, so it can neither hang nor be followed.
    """
    try:
        info = os.lstat(lock_path)
    except FileNotFoundError:
        return "none", None
    if not stat.S_ISREG(info.st_mode):
        return "busy", None
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(lock_path, flags)
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, "not an ordinary file")
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)  # never waits
    except OSError:
        os.close(descriptor)
        return "busy", None
    return "free", descriptor


def clean_stale_folders(parent) -> list[Path]:
    """Remove temporary folders that killed runs left in `parent`; returns what was removed.

    Only names of this module's pattern are considered, only when the run that made them no longer holds
    its lock, and only folders that carry Entente's marker and hold nothing but result files. An earlier
    result that a killed run had moved aside is put back when nothing has taken its place.
    """
    if fcntl is None:
        return []
    parent = Path(parent)
    groups: dict[tuple[str, str], list[Path]] = {}
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return []
    for entry in entries:
        match = _TEMP.match(entry.name)
        if match:
            groups.setdefault((match["stem"], match["token"]), []).append(Path(entry.path))
    removed = []
    for (stem, token), paths in sorted(groups.items()):
        lock_path = parent / f".{stem}.tmp-{token}.lock"
        descriptor = None
        try:
            state, descriptor = _try_lock(lock_path)
            if state == "busy":
                continue  # its run is still working, or the name holds something that is not ours
            folders = [path for path in paths if path != lock_path]
            if not all(_is_marked(path) and _only_result_files(path) for path in folders):
                continue
            for path in folders:
                out_dir = parent / stem
                if path.name.endswith(".old"):
                    if _listed(path) is None or _foreign_content(path) is not None:
                        continue
                    if len(stem) < 100 and not os.path.lexists(out_dir):
                        os.rename(path, out_dir)  # killed between moving the earlier result aside and the new in
                        os.unlink(out_dir / MARKER_NAME)
                        continue
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path)
            if descriptor is not None:
                lock_path.unlink(missing_ok=True)
                removed.append(lock_path)
        except OSError:
            continue
        finally:
            if descriptor is not None:
                os.close(descriptor)
    return removed
