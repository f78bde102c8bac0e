"""Every path a command reads or writes is checked here, before it is opened, with the same words everywhere.

An input must be an ordinary file (or a folder where a folder is meant). A device (/dev/zero would be read
until memory runs out), a FIFO (opening one waits for a writer forever) or a socket is refused after
`os.stat`, before any `open`; the open itself uses O_NONBLOCK and is checked again with `fstat`, so a file
swapped for a FIFO in between cannot hang a command either.

An output must not be a device, a FIFO or a socket, the current folder or one of its parents, or empty
text; the nearest existing folder above it must be writable, so a read-only disk is found before a
simulation runs rather than after.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..errors import EntenteError, did_you_mean

_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """What a file-system entry is, in words: 'an ordinary file', 'a folder', 'a FIFO (named pipe)'..."""
    if stat.S_ISREG(mode):
        return "an ordinary file"
    if stat.S_ISDIR(mode):
        return "a folder"
    for test, words in _SPECIAL:
        if test(mode):
            return words
    return "a special file"


def _a(what: str) -> str:
    return ("an " if what[:1] in "aeiou" else "a ") + what


def _special(shown: str, what: str, mode: int) -> EntenteError:
    return EntenteError(f"{shown!r} is {kind_of(mode)}, not an ordinary file, so Entente does not use it as "
                        f"the {what}", hint=f"Give the path of an ordinary file for the {what}.")


# --- inputs ---------------------------------------------------------------------------------------------


def check_input_file(path, what: str, *, follow_links: bool = True) -> os.stat_result:
    """Refuse a path that is missing, a folder, or not an ordinary file; never opens it.

    follow_links=False (a file inside a folder Entente wrote): a symbolic link is refused too, so reading
    a folder never reads a file outside it."""
    shown = os.fspath(path)
    if not str(shown).strip():
        raise EntenteError(f"the path of the {what} is empty", hint=f"Give the path of the {what}.")
    try:
        info = os.stat(shown) if follow_links else os.lstat(shown)
    except FileNotFoundError:
        raise EntenteError(f"the {what} {shown!r} does not exist",
                           hint=_nearby_names(Path(shown))
                           or "Check the spelling and the folder of the path.") from None
    except OSError as error:
        raise EntenteError(f"cannot open the {what} {shown!r}: {error.strerror or error}",
                           hint="Check the path and that you may read it.") from None
    if stat.S_ISLNK(info.st_mode):
        raise EntenteError(f"{shown!r} is a symbolic link; Entente does not follow links inside a folder it "
                           f"wrote, so it does not read it as the {what}",
                           hint="Put the file itself there (or make the folder again with the command that "
                                "wrote it).")
    if stat.S_ISDIR(info.st_mode):
        raise EntenteError(f"{shown!r} is a folder, not {_a(what)}",
                           hint=f"Give the path of the {what} itself, for example "
                                f"{str(shown).rstrip('/')}/NAME.")
    if not stat.S_ISREG(info.st_mode):
        raise _special(shown, what, info.st_mode)
    return info


def read_input_bytes(path, what: str, max_bytes: int, too_large: EntenteError, *,
                     follow_links: bool = True) -> bytes:
    """The bytes of an ordinary file of at most max_bytes; `too_large` is raised for a larger one.

    follow_links=False: a symbolic link is refused (see check_input_file), also one swapped in after the check."""
    info = check_input_file(path, what, follow_links=follow_links)
    if info.st_size > max_bytes:
        raise too_large
    shown = os.fspath(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        descriptor = os.open(shown, flags)
    except OSError as error:
        raise EntenteError(f"cannot read the {what} {shown!r}: {error.strerror or error}",
                           hint="Check that the file exists and that you may read it.") from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):  # swapped for something else since the stat
            raise _special(shown, what, mode)
        chunks, size = [], 0
        while size <= max_bytes:  # the file may have grown since the stat
            chunk = os.read(descriptor, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise EntenteError(f"cannot read the {what} {shown!r}: {error.strerror or error}",
                           hint="Check that the file exists and that you may read it.") from None
    finally:
        os.close(descriptor)
    if size > max_bytes:
        raise too_large
    return b"".join(chunks)


def _nearby_names(path: Path) -> str:
    folder = path.parent
    try:
        names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
    except OSError:
        return ""
    suggestion = did_you_mean(path.name, names)
    if suggestion and str(folder) not in ("", "."):  # show the whole path the user should type
        suggestion = suggestion.replace("Did you mean '", f"Did you mean '{folder}{os.sep}", 1)
    return suggestion


# --- outputs --------------------------------------------------------------------------------------------


def check_output_path(path, what: str, *, option: str = "--out") -> Path:
    """Refuse an output path that is empty, the current folder (or above it) or a special file.

    Returns the absolute path. Whether an existing file or folder there may be replaced is the writer's
    decision; this only refuses what no writer may ever replace.
    """
    shown = os.fspath(path)
    if not str(shown).strip():
        raise EntenteError(f"the {what} is empty text", hint=f"Give a name with {option}, or leave {option} out "
                                                            f"for the default.")
    absolute = Path(os.path.abspath(shown))
    here = Path(os.path.abspath(os.curdir))
    if absolute == here or absolute in here.parents or absolute.parent == absolute:
        raise EntenteError(f"cannot use {shown!r} as the {what}: it is the current folder or a folder above it, "
                           f"which Entente never replaces", hint=f"Give a new name, such as {option} results/run1.")
    try:
        info = os.lstat(absolute)
    except FileNotFoundError:
        return absolute
    except OSError as error:
        raise EntenteError(f"cannot use {shown!r} as the {what}: {error.strerror or error}",
                           hint=f"Choose another {option}.") from None
    mode = info.st_mode
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
        raise EntenteError(f"{shown!r} is {kind_of(mode)}; Entente never writes to or replaces one",
                           hint=f"Choose another {option}.")
    if stat.S_ISLNK(mode):
        try:
            target = os.stat(absolute).st_mode
        except OSError:
            return absolute
        if not (stat.S_ISREG(target) or stat.S_ISDIR(target)):
            raise EntenteError(f"{shown!r} leads to {kind_of(target)}; Entente never writes to or replaces one",
                               hint=f"Choose another {option}.")
    return absolute


def check_writable_parent(path, what: str, *, option: str = "--out") -> None:
    """Refuse early when the folder that will hold `path` (or the nearest one that exists) is not writable."""
    absolute = Path(os.path.abspath(os.fspath(path)))
    for folder in absolute.parents:
        try:
            info = os.stat(folder)
        except FileNotFoundError:
            continue
        except OSError as error:
            raise EntenteError(f"cannot use {os.fspath(path)!r} as the {what}: {error.strerror or error} "
                               f"({folder})", hint=f"Choose another {option}.") from None
        if not stat.S_ISDIR(info.st_mode):
            raise EntenteError(f"cannot write the {what} {os.fspath(path)!r}: {str(folder)!r} is "
                               f"{kind_of(info.st_mode)}, not a folder", hint=f"Choose another {option}.")
        if not os.access(folder, os.W_OK | os.X_OK):
            raise os_error(OSError(errno.EROFS if _read_only(folder) else errno.EACCES,
                                   os.strerror(errno.EROFS if _read_only(folder) else errno.EACCES),
                                   str(folder)), f"write the {what}", path, option=option)
        return


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & getattr(os, "ST_RDONLY", 1))
    except (OSError, AttributeError):
        return False


def os_error(error: OSError, action: str, path=None, *, option: str = "--out") -> EntenteError:
    """A file-system error as one paragraph: what could not be done, where, why, and what to do."""
    where = error.filename if error.filename else path
    reason = error.strerror or str(error) or type(error).__name__
    reading = action.startswith("read")
    if reading and error.errno in (errno.EACCES, errno.EPERM, errno.ENOENT):
        hint = "Check that the file is there and that you may read it."
    elif error.errno in (errno.EACCES, errno.EPERM):
        hint = f"Check that you may write to that folder, or choose another {option}."
    elif error.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        hint = f"The disk is full (or your quota is used up): free some space or choose a {option} on another disk."
    elif error.errno == errno.EROFS:
        hint = f"That disk is read-only: choose a {option} on a disk you can write to."
    elif error.errno == errno.ENAMETOOLONG:
        hint = f"Choose a shorter {option} name."
    else:
        hint = f"Check the path and try again, or choose another {option}."
    shown = "" if path is None else f" {os.fspath(path)!r}"
    place = f" ({os.fspath(where)})" if where is not None and os.fspath(where) != os.fspath(path or "") else ""
    return EntenteError(f"cannot {action}{shown}: {reason}{place}", hint=hint)
