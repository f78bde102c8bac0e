"""One heavy run at a time on the page's server, first come first served, each session told its place.

The model is Python: runs started together by a class share the server's cores and the interpreter's lock,
so twenty at once all finish late (the last after minutes) and every page freezes meanwhile. Here a run
waits its turn in one queue per server process, on a thread of its own, so its page stays responsive and
can show "2 runs ahead of yours"; a run whose page was closed while it waited leaves the queue unrun.
"""

from __future__ import annotations

import gc
import logging
import threading
from typing import Callable, TypeVar

from ..errors import EntenteError

T = TypeVar("T")
logger = logging.getLogger(__name__)


class Cancelled(Exception):
    """The run left the queue before its turn (its page was closed)."""


class RunQueue:
    """Runs work one at a time, in the order it was queued; a waiting caller learns its place as it changes."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._line: list[object] = []  # the running ticket first, then the waiting ones in order

    def waiting(self) -> int:
        """How many runs are queued or running."""
        with self._changed:
            return len(self._line)

    def enter(self) -> object:
        """A place at the end of the line, taken now (run(ticket=...) waits for it later, on another thread)."""
        ticket = object()
        with self._changed:
            self._line.append(ticket)
        return ticket

    def leave(self, ticket: object) -> None:
        """Give up a place taken with enter() that will not run (its action failed or was dropped first)."""
        with self._changed:
            if ticket in self._line:
                self._line.remove(ticket)
                self._changed.notify_all()

    def run(self, work: Callable[[], T], *, ticket: object | None = None,
            on_place: Callable[[int], None] = lambda place: None, cancelled: Callable[[], bool] = lambda: False,
            poll: float = 0.5) -> T:
        """work() once every run queued before it is done. on_place(n) is called whenever the number of runs
        ahead changes (0: this one is running); cancelled() is asked while waiting, and ends the wait.
        ticket: a place taken with enter() (default: one taken now)."""
        ticket = self.enter() if ticket is None else ticket
        try:
            told = None
            while True:
                with self._changed:
                    place = self._line.index(ticket)
                    if place and place == told:
                        self._changed.wait(poll)
                        place = self._line.index(ticket)
                if place != told:
                    on_place(place)  # outside the lock: it may redraw a page
                    told = place
                if place == 0:
                    break
                if cancelled():
                    raise Cancelled()
            return work()
        finally:
            self.leave(ticket)


QUEUE = RunQueue()
"""The server's one queue (a module is imported once per server process)."""


def unexpected(error: BaseException) -> str:
    """What the page says when something other than the user's input went wrong: no server path, no trace
    (the traceback goes to the server's log for the teacher)."""
    logger.error("the page could not complete an action", exc_info=error)
    return (f"the server could not do that ({type(error).__name__}); the game is as it was before. If it happens "
            "again, save the game and tell the teacher.")


def run_in_turn(prepare: Callable[[], T], compute: Callable[[T], object], apply: Callable[[T], None], *,
                page: RunQueue, on_place: Callable[[int | None], None], on_error: Callable[[str], None],
                cancelled: Callable[[], bool] = lambda: False, queue: RunQueue = QUEUE) -> threading.Thread:
    """One action of a page, on a thread of its own: after the page's earlier actions (`page`, a queue of its
    own, entered now, so actions keep the order they were clicked in), prepare() (the checks, on the newest
    session), then compute() in its turn in the server's queue, then on_place(None) and apply().

    Both places are taken now, when the click is served, not when the action's thread gets going: a click
    served later never runs first (on a busy server a thread can start seconds after it is made).

    An EntenteError is shown as its message, anything else as `unexpected`; an action whose page was closed
    while it waited is dropped.
    """
    ticket, place = page.enter(), queue.enter()

    def action() -> None:
        try:
            try:
                prepared = prepare()
            except BaseException:
                queue.leave(place)
                raise
            queue.run(lambda: compute(prepared), ticket=place, on_place=on_place, cancelled=cancelled)
        except Cancelled:
            return
        except EntenteError as error:
            on_place(None)
            on_error(error.message())
        except Exception as error:  # a bug, or memory: said on the page, not as a traceback
            on_place(None)
            on_error(unexpected(error))
        else:
            on_place(None)  # before apply: the page shows the new month with nothing left running
            apply(prepared)

    def work() -> None:
        try:
            page.run(action, ticket=ticket, cancelled=cancelled, poll=0.1)
        except Cancelled:
            return
        finally:
            queue.leave(place)  # dropped before its turn (its page closed): the runs behind it go on

    thread = threading.Thread(target=work, name="entente-action", daemon=True)
    thread.start()
    return thread


def release_memory() -> None:
    """Return the memory of closed sessions to the system: collect cycles, then ask glibc to give back the
    free parts of its heap (freed blocks otherwise stay with the process); elsewhere only the collection."""
    gc.collect()
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
