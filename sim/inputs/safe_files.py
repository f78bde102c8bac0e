"""The one rule for writing a file into a folder Entente writes: never through a link, never half-written.

A file is written under a fresh temporary name in the same folder (created with O_EXCL, so a link planted
under that name is never followed), flushed, then moved over its name with os.replace: a reader sees the
old file or the new one, never half of one. A name already held by anything but an ordinary file (a
symbolic link, a folder, a FIFO, a device) is refused with one paragraph before anything is written:
Entente never writes where a link points and never replaces the link either, so a shared folder restored
by unzip, tar or git cannot make a command overwrite a file elsewhere (a student's dotfile, say).

Folders: the folder a user names (--out, --state) is theirs and may itself be reached through a link;
every folder below it that Entente makes or uses (`turns/001/orders`, `result`) must be a real folder, never
a link (`owned_folder`).

    folder = owned_folder(game_folder, "turns", "001")
    write_file(folder / "news.yaml", text, what="archived news")
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import EntenteError
from .paths import kind_of, os_error

LINK_HINT = ("Entente never writes through a link or over something that is not an ordinary file; move it "
             "away (or replace the link with the file or folder it points to) and run the command again.")


def _refusal(path: Path, mode: int, what: str, wanted: str) -> EntenteError:
    found = "a symbolic link" if stat.S_ISLNK(mode) else kind_of(mode)
    return EntenteError(f"cannot write the {what}: {str(path)!r} is {found}, not {wanted}", hint=LINK_HINT)


def owned_folder(root, *parts: str, what: str = "folder", option: str = "--out") -> Path:
    """root/parts..., every part a real folder (made when missing), never a link; root itself is the user's."""
    path = Path(root)
    try:
        path.mkdir(parents=True, exist_ok=True)
        for part in parts:
            path = path / part
            try:
                mode = os.lstat(path).st_mode
            except FileNotFoundError:
                os.mkdir(path)
                mode = os.lstat(path).st_mode
            if not stat.S_ISDIR(mode):
                raise _refusal(path, mode, what, "a folder")
    except OSError as error:
        raise os_error(error, f"write the {what}", path, option=option) from None
    return path


def _new_file_mode(path: Path) -> int:
    """The mode of the file being replaced, else what a new file gets (temporary files start private)."""
    try:
        return stat.S_IMODE(os.lstat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def check_writable_name(path, what: str = "file") -> None:
    """Refuse a name held by anything but an ordinary file (a link, a folder, a FIFO...); fine when free."""
    path = Path(path)
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as error:
        raise os_error(error, f"write the {what}", path) from None
    if not stat.S_ISREG(mode):
        raise _refusal(path, mode, what, "an ordinary file")


def write_file(path, data: bytes | str, *, what: str = "file", option: str = "--out") -> Path:
    """Write `data` (text as UTF-8, newlines as given) to `path` by temporary file and os.replace.

    The folder holding `path` must exist (see owned_folder); `path` must be free or an ordinary file.
    """
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    check_writable_name(path, what)
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:100]}.", suffix=".tmp")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _new_file_mode(path))
        check_writable_name(path, what)  # again: a link may have appeared while the data was written
        os.replace(temporary, path)  # replaces the name itself: nothing a link there points to is touched
        temporary = None
    except OSError as error:
        raise os_error(error, f"write the {what}", path, option=option) from None
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return path
