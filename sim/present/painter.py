"""Draw a run's figures in other processes while this one runs the model and writes the data files.

A plain `sim run` spends about as long importing matplotlib and drawing three figures as it does on
everything else, one after the other on one core. The painter is a process forked early in the command,
once numpy and pandas are loaded (so both processes share them instead of each importing its own): it
imports matplotlib and the figure code while the main process imports Mesa and runs the model, forks a
second painter from itself (which so shares those imports), and the two draw the finished Result's
figures on both cores while the main process prepares the data files. The figures are the same bytes
either way (`sim.present.figures.render_plots` in all places, tested).

It is only used where forking is safe and pays: on Linux, from a process that runs a single Python thread
and has not yet loaded matplotlib or Mesa (a fresh `sim run`; a notebook or a test that has drawn or run
a model already draws in its own process, as before). numpy's OpenBLAS stops its worker threads before a
fork and starts them again when next needed (its own fork handler), so a child never inherits a
half-copied thread pool. Anything that goes wrong in the painter (it died, it was killed, it raised)
falls back to drawing here: the painter can only save time.
"""

from __future__ import annotations

import sys
import threading


WORKERS = 2
"""Figure painters, each drawing its share of FIGURES (shares). The first imports matplotlib once and forks
the others from itself when the imports are done, so a second painter costs a fork, not a second import:
the model's process is idle while the figures are drawn, so two painters use both cores."""

DRAWING_WEIGHT = {"pairs_over_time": 2.8, "heatmaps": 2.2, "bloc_map": 1.0}
"""About how long each figure takes to draw, relative to the bloc map (`python bench/figures.py` times each):
the shares balance these; a figure not listed counts as 1."""


def shares(stems, workers: int) -> list[list[str]]:
    """The figures each painter draws: the longest first, each to the painter with the least to draw so far
    (ties: the lower painter), each share kept in FIGURES order."""
    load = [0.0] * workers
    owner = {}
    for stem in sorted(stems, key=lambda stem: -DRAWING_WEIGHT.get(stem, 1.0)):
        k = load.index(min(load))
        owner[stem] = k
        load[k] += DRAWING_WEIGHT.get(stem, 1.0)
    return [[stem for stem in stems if owner[stem] == k] for k in range(workers)]


class Painter:
    """The figures of one Result, drawn in forked processes: start() early, paint() once, figures() to wait."""

    def __init__(self, process, connections: list) -> None:
        self._process = process  # the first painter; the others are its forks
        self._connections = connections  # one per painter; painter k draws shares(FIGURES, len(connections))[k]
        self._request: tuple | None = None

    @classmethod
    def start(cls, workers: int = WORKERS) -> Painter | None:
        """A painter, or None where forking is not safe or not available (then draw in this process)."""
        fresh = not any(name in sys.modules for name in ("matplotlib", "mesa"))
        if not sys.platform.startswith("linux") or not fresh or threading.active_count() > 1:
            return None
        import multiprocessing

        import gc

        # What this process has built so far moves out of the collector's reach: a collection in a painter
        # then never touches (and so copies) the pages it shares with this process, and none here walks it.
        gc.freeze()
        context = multiprocessing.get_context("fork")
        pipes = [context.Pipe() for _ in range(workers)]
        ours, theirs = [pipe[0] for pipe in pipes], [pipe[1] for pipe in pipes]
        process = context.Process(target=_paint_when_asked, args=(theirs, ours), daemon=True,
                                  name="entente-painter")
        try:
            process.start()
        except (OSError, ValueError):
            for connection in ours + theirs:
                connection.close()
            return None
        for connection in theirs:
            connection.close()
        return cls(process, ours)

    def paint(self, result, formats, effect_scale) -> None:
        """Hand the painters a finished Result; its figures are drawn while the caller goes on."""
        self._request = (result, tuple(formats), effect_scale)
        for connection in self._connections:
            try:
                connection.send(self._request)
            except (OSError, EOFError, ValueError):
                pass  # figures() will draw this share here

    def figures(self) -> dict[str, bytes]:
        """The figures by file name in FIGURES order, from the painters, or drawn here where one could not."""
        from .figures import FIGURES, render_plots

        if self._request is None:
            raise RuntimeError("paint() a Result first")
        result, formats, effect_scale = self._request
        stems = list(FIGURES)
        drawn: dict[str, bytes] = {}
        try:
            for share, connection in enumerate(self._connections):
                answer = None
                try:
                    kind, answer = connection.recv()
                    if kind != "figures":
                        answer = None
                except (OSError, EOFError, ValueError):
                    answer = None
                if answer is None:
                    answer = render_plots(result, formats, effect_scale=effect_scale,
                                          stems=shares(stems, len(self._connections))[share])
                drawn.update(answer)
        finally:
            self.close()
        return {f"{stem}.{fmt}": drawn[f"{stem}.{fmt}"] for stem in stems for fmt in formats
                if f"{stem}.{fmt}" in drawn}

    def close(self) -> None:
        """Release the painters (idempotent): a command that fails before painting leaves no process (a
        painter whose connection closes stops; one never asked to paint is stopped at once)."""
        for connection in self._connections:
            connection.close()
        if self._request is None:
            self._process.kill()  # still importing, most likely: no need to wait for it
        self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()


def _warm_up() -> None:
    """Import what drawing and unpickling a Result need, while the parent is busy with its own imports."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    from ..results import result  # noqa: F401
    from . import figures  # noqa: F401

    _first_drawing()


def _first_drawing() -> None:
    """Draw a small throwaway figure: a process's first drawing loads fonts, glyphs and the PNG writer (about
    half of what the first render_plots costs, `python bench/figures.py`), paid here while the model runs
    rather than after it. Caches only: the figures drawn later are the same bytes (tested)."""
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(2, 2))
    axes = figure.add_subplot()
    axes.plot([0, 1], [0, 1], label="India → Russia")
    axes.set_title("−0.30 ×1", fontweight="bold")
    axes.legend()
    figure.colorbar(axes.imshow([[0.0, 1.0]]))
    FigureCanvasAgg(figure).print_png(io.BytesIO())


def _paint_when_asked(connections: list, parents_ends: list) -> None:
    """The painters' side: import once, fork one painter per further share, then each waits for the Result
    and answers with its share of the figures."""
    import os

    for connection in parents_ends:
        connection.close()
    share, children = 0, []
    try:
        _warm_up()
        import gc

        gc.freeze()  # matplotlib's modules too, before the other painters are forked from this one
        for other in range(1, len(connections)):
            pid = os.fork()
            if pid == 0:
                share, children = other, []
                break
            children.append(pid)
        for k, connection in enumerate(connections):
            if k != share:
                connection.close()
        _paint_share(connections[share], share, len(connections))
    finally:
        connections[share].close()
        for pid in children:  # the first painter reaps the ones it forked
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        os._exit(0)  # no atexit handlers or buffers inherited from the parent


def _paint_share(connection, share: int, workers: int) -> None:
    from .figures import FIGURES, render_plots

    try:
        result, formats, effect_scale = connection.recv()
    except (EOFError, OSError):
        return  # the command ended without plots (an error, --help...)
    try:
        mine = shares(list(FIGURES), workers)[share]
        connection.send(("figures", render_plots(result, formats, effect_scale=effect_scale, stems=mine)))
    except Exception as error:  # noqa: BLE001 - any failure: the parent draws these figures itself
        connection.send(("failed", repr(error)))
