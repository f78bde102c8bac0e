"""Draw a run's figures in a second process while this one runs the model and writes the data files.

A plain `sim run` spends about as long importing matplotlib and drawing three figures as it does on
everything else, one after the other on one core. The painter is a process forked at the very start of
the command, before numpy or anything heavy is loaded: it imports matplotlib and the figure code while
the main process imports Mesa and runs the model, then draws the finished Result's figures while the main
process prepares the data files. The figures are the same bytes either way (`sim.viz.figures.render_plots`
in both places, tested).

It is only used where forking is safe and cheap: on Linux, from a process that has not yet loaded numpy
(whose BLAS threads a fork would copy half-way) and runs a single thread, so a notebook or a test that
calls `write_result` draws in its own process as before. Anything that goes wrong in the painter (it
died, it was killed, it raised) falls back to drawing here: the painter can only save time.
"""

from __future__ import annotations

import sys
import threading


class Painter:
    """The figures of one Result, drawn in a forked process: start() early, paint() once, figures() to wait."""

    def __init__(self, process, connection) -> None:
        self._process = process
        self._connection = connection
        self._request: tuple | None = None

    @classmethod
    def start(cls) -> Painter | None:
        """A painter, or None where forking is not safe or not available (then draw in this process)."""
        if not sys.platform.startswith("linux") or "numpy" in sys.modules or threading.active_count() > 1:
            return None
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
            ours, theirs = context.Pipe()
            process = context.Process(target=_paint_when_asked, args=(theirs, ours), daemon=True,
                                      name="entente-painter")
            process.start()
        except (OSError, ValueError):
            return None
        theirs.close()
        return cls(process, ours)

    def paint(self, result, formats, effect_scale) -> None:
        """Hand the painter a finished Result; its figures are drawn while the caller goes on."""
        self._request = (result, tuple(formats), effect_scale)
        try:
            self._connection.send(self._request)
        except (OSError, EOFError, ValueError):
            pass  # figures() will draw here

    def figures(self) -> dict[str, bytes]:
        """The figures by file name, from the painter, or drawn here if the painter could not."""
        if self._request is None:
            raise RuntimeError("paint() a Result first")
        answer = None
        try:
            kind, answer = self._connection.recv()
            if kind != "figures":
                answer = None
        except (OSError, EOFError, ValueError):
            answer = None
        finally:
            self.close()
        if answer is None:
            from ..viz.figures import render_plots

            result, formats, effect_scale = self._request
            answer = render_plots(result, formats, effect_scale=effect_scale)
        return answer

    def close(self) -> None:
        """Release the painter (idempotent): a command that fails before painting leaves no process."""
        self._connection.close()
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _warm_up() -> None:
    """Import what drawing and unpickling a Result need, while the parent is busy with its own imports."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401
    import networkx  # noqa: F401  (the bloc map's layout)

    from ..experiment import result  # noqa: F401
    from ..viz import figures  # noqa: F401


def _paint_when_asked(connection, parents_end) -> None:
    """The painter's side: warm up the imports, wait for a Result, answer with its figures."""
    import os

    parents_end.close()
    try:
        _warm_up()
        from ..viz.figures import render_plots

        try:
            result, formats, effect_scale = connection.recv()
        except (EOFError, OSError):
            return  # the command ended without plots (an error, --help...)
        try:
            connection.send(("figures", render_plots(result, formats, effect_scale=effect_scale)))
        except Exception as error:  # noqa: BLE001 - any failure: the parent draws the figures itself
            connection.send(("failed", repr(error)))
    finally:
        connection.close()
        os._exit(0)  # no atexit handlers or buffers inherited from the parent
