"""`python -m sim sweep SCENARIO --grid SWEEP.yaml --out DIR`: run a parameter and scenario sweep (serially, on
a local Dask cluster, or on an existing one), and `--summarise DIR` to print and plot what it found."""

from __future__ import annotations

import sys
from ..links import page


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". A lens for discussion, "
                                   f"not a forecast. See {page('sweeps')}.")
    parser.add_argument("scenario", nargs="?", help="scenario YAML file, or a bundled scenario's name")
    parser.add_argument("--grid", metavar="SWEEP.yaml",
                        help="the sweep file: parameter values or ranges, variants, runs")
    parser.add_argument("--out", metavar="DIR", help="output folder (default: results/<scenario>-sweep/)")
    parser.add_argument("--scheduler", default="auto",
                        help="'auto' (default: in this process for small sweeps or on two cores or fewer, "
                             "else 'local'; one line says which), 'local' (a Dask cluster of one process per "
                             "core on this machine), 'serial' (in this process, no Dask), or an existing "
                             "scheduler's address tcp://HOST:PORT")
    parser.add_argument("--workers", type=int, help="worker processes of the local cluster (default: one per core)")
    parser.add_argument("--chunk-size", type=int, metavar="N",
                        help="points per chunk (default: about 1 s of work, at least 4 chunks per worker)")
    parser.add_argument("--dashboard", action="store_true",
                        help="print the address of Dask's dashboard (the local cluster starts one on 127.0.0.1) "
                             "to watch the workers while the sweep runs")
    parser.add_argument("--resume", action="store_true", help="complete an interrupted sweep in --out, "
                                                              "reusing the chunks it finished")
    parser.add_argument("--summarise", metavar="DIR", help="print and plot what the sweep in DIR found")
    parser.add_argument("--no-plots", action="store_true", help="with --summarise: print only")
    parser.add_argument("--allow-large", action="store_true",
                        help="run even when the whole plan's estimated work is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError

    if args.summarise:
        return _summarise(args.summarise, plots=not args.no_plots, quiet=args.quiet)
    if not args.scenario or not args.grid:
        raise EntenteError("sim sweep needs a scenario and a sweep file",
                           hint="Write `python -m sim sweep SCENARIO --grid SWEEP.yaml --out DIR` "
                                f"({page('sweeps')}), "
                                "or `python -m sim sweep --summarise DIR` for a finished sweep.")
    if args.dashboard and args.scheduler == "serial":
        raise EntenteError("--dashboard shows a Dask cluster's dashboard, and --scheduler serial starts no cluster",
                           hint="Leave out --dashboard, or use --scheduler local (or a scheduler's address).")
    for option, value in (("--workers", args.workers), ("--chunk-size", args.chunk_size)):
        if value is not None and value < 1:
            raise EntenteError(f"{option} must be a whole number of at least 1, got {value}")
    from pathlib import Path

    from ..inputs.scenario_file import find_scenario, load_scenario
    from ..experiments.sweep_file import load_sweep

    scenario = load_scenario(args.scenario)
    plan = load_sweep(args.grid, scenario)
    out = args.out if args.out is not None else str(Path("results") / f"{find_scenario(args.scenario).stem}-sweep")
    from ..experiments.sweep import sweep

    bar = None if args.quiet else _progress_bar()
    try:
        outcome = sweep(scenario, plan, out, scheduler=args.scheduler, workers=args.workers, chunk=args.chunk_size,
                        resume=args.resume, progress=bar.update if bar else None,
                        allow_large=args.allow_large, dashboard=_show_dashboard if args.dashboard else None,
                        notice=print)
    finally:
        if bar:
            bar.close()
    reused = outcome.chunks - outcome.computed_chunks
    if args.quiet:
        print(outcome.table)
        return 0
    print(f"{outcome.points} points in {outcome.chunks} chunks of up to {outcome.chunk_size} on {outcome.workers} "
          f"worker{'s' if outcome.workers != 1 else ''}" + (f" ({reused} chunks reused)" if reused else ""))
    print(outcome.table)
    return 0


def _show_dashboard(address: str | None) -> None:
    """--dashboard: where to watch the cluster, printed before the first chunk starts."""
    if address is None:
        print("The Dask cluster runs no dashboard (its scheduler was started without one, or without bokeh).",
              flush=True)
    else:
        print(f"Dask dashboard: {address}", flush=True)


class _Bar:
    """tqdm on stderr, fed with points done (the sweep reports totals, tqdm wants increments)."""

    def __init__(self) -> None:
        self.bar = None
        self.done = 0

    def update(self, done: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, initial=done, unit="point", file=sys.stderr, dynamic_ncols=True)
        else:
            self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _progress_bar():
    """A progress bar only on a terminal (points done, time left); nothing in a pipe or a log."""
    return _Bar() if sys.stderr.isatty() else None


def _summarise(folder: str, *, plots: bool, quiet: bool = False) -> int:
    from ..experiments.sweep_summary import summarise_sweep
    from ..experiments.sweep_report import sweep_text

    summary = summarise_sweep(folder)
    files = []
    if plots:
        from ..experiments.sweep_figures import save_sweep_plots

        files = save_sweep_plots(summary, folder)
    if quiet:  # only where the figures went
        print("\n".join(str(path) for path in files), end="\n" if files else "")
    else:
        print(sweep_text(summary, files), end="")
    return 0
