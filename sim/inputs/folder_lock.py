"""One command at a time on a folder: an advisory lock on a lock file inside it, never waited for.

Two `sim play --continue` started at once on one game would each read the same state and play the same
turn, so its moves would count twice. The first takes the lock; the second finds it held and stops at once
with one paragraph, before reading anything. The lock goes when the process ends, however it ends (the
operating system releases it), so a killed command never leaves a game locked. Where advisory locks are not
available (Windows), commands are not serialised.
"""

from __future__ import annotations

import os
import stat
from contextlib import contextmanager
from pathlib import Path

from ..errors import EntenteError
from .paths import kind_of, os_error

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


@contextmanager
def folder_lock(folder, name: str, *, busy: EntenteError, what: str = "lock file", option: str = "--state"):
    """Hold the lock file folder/name for the block; raise `busy` at once when another process holds it.

    The lock file is opened without following links and without blocking, and must be an ordinary file.
    """
    if fcntl is None:
        yield
        return
    path = Path(folder) / name
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags, 0o666)
    except OSError as error:
        if os.path.islink(path):
            raise EntenteError(f"{str(path)!r} is a symbolic link, not Entente's {what}",
                               hint="Remove it; Entente makes its lock file itself.") from None
        raise os_error(error, f"open the {what}", path, option=option) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise EntenteError(f"{str(path)!r} is {kind_of(mode)}, not Entente's {what}",
                               hint="Remove it; Entente makes its lock file itself.")
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise busy from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
