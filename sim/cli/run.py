"""`python -m sim run SCENARIO.yaml`: run a scenario, print what changed, write data files and plots."""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from pathlib import Path


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". A lens for discussion, "
                                   "not a forecast.")
    parser.add_argument("scenario", help="scenario YAML file, or a bundled scenario's name (python -m sim list)")
    parser.add_argument("--out", help="output folder (default: results/<scenario name>/)")
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--runs", type=int, help="override the number of Monte Carlo runs")
    parser.add_argument("--blocs", type=int, default=2, metavar="K", help="look for up to K blocs (default 2)")
    parser.add_argument("--relations", help="starting alignments file from `python -m sim seed` "
                                            "(default: the scenario's relations_file, else seeds/relations.yaml)")
    parser.add_argument("--top", type=int, default=10, metavar="N",
                        help="show the N largest effects in the terminal (default 10; 42 shows every pair "
                             "of the seven actors)")
    parser.add_argument("--svg", action="store_true", help="also write the plots as SVG")
    parser.add_argument("--no-plots", action="store_true", help="write the data files only (faster)")
    parser.add_argument("--no-report", action="store_true", help="do not write report.html")
    parser.add_argument("--effect-scale", type=float, metavar="X",
                        help="colour scale of the effect heatmap, ±X (default 0.5, the same for every run)")
    parser.add_argument("--full", action="store_true",
                        help="with several runs, also write every run's scores and blocs as CSV (alignment.csv, "
                             "baseline.csv, blocs.csv); by default they go to the compact runs.nc")
    parser.add_argument("--force", action="store_true",
                        help="write into an output folder that holds files Entente did not write "
                             "(those files are kept)")
    parser.add_argument("--posterior", metavar="CALIBRATION",
                        help="draw each run's parameters from the accepted draws of a calibration folder (`python "
                             "-m sim calibrate --out CALIBRATION`): the runs then carry the parameters' "
                             "uncertainty as well as chance")
    parser.add_argument("--allow-large", action="store_true",
                        help="run even when the estimated work or output is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    scenario, out_dir = _checked(args)  # a mistake in the input ends here, before anything heavy starts
    painter = None
    if not args.no_plots:
        import pandas  # noqa: F401  (loaded once, before the painter forks, for both processes; numpy is)

        from ..present.painter import Painter

        painter = Painter.start()  # draws the figures in other processes; None: drawn here
    try:
        return _run(args, scenario, out_dir, painter)
    finally:
        if painter is not None:
            painter.close()


def _checked(args):
    """The scenario with the command line's changes, and the output folder, every input checked."""
    from dataclasses import replace

    from ..inputs.scenario_file import find_scenario, load_scenario
    from ..inputs.schema import MAX_BLOCS, MAX_RUNS, MAX_SEED

    # The same limits as in a scenario file (sim/inputs/schema.py), checked before reading anything.
    _check_range("--seed", args.seed, 0, MAX_SEED)
    _check_range("--runs", args.runs, 1, MAX_RUNS)
    _check_range("--blocs", args.blocs, 1, MAX_BLOCS)
    if args.effect_scale is not None:
        from ..present.figures import check_effect_scale

        check_effect_scale(args.effect_scale)
    _check_range("--top", args.top, 1, 10_000)
    scenario = load_scenario(args.scenario)
    changes = {}
    if args.seed is not None:
        changes["seed"] = args.seed
    if args.runs is not None:
        changes["runs"] = args.runs
    if args.relations is not None:
        from ..inputs.paths import check_input_file

        check_input_file(args.relations, "relations file")
        changes["relations_file"] = args.relations
    scenario = replace(scenario, **changes)
    from ..inputs.paths import check_output_path, check_writable_parent
    from ..results.folder import check_out_dir

    if args.out is not None:
        check_output_path(args.out, "output folder")  # before Path(""), which would mean "."
    # A bundled scenario run by name (`sim run s400_india`) writes to results/s400_india.
    out_dir = Path(args.out) if args.out is not None else Path("results") / find_scenario(args.scenario).stem
    check_out_dir(out_dir, force=args.force)  # refuse before spending time on the run
    check_writable_parent(out_dir, "output folder")

    from ..inputs.cost import check_scenario

    check_scenario(scenario, allow_large=args.allow_large)
    if args.posterior is not None:
        from ..experiments.calibrate import read_posterior

        args.posterior_draws = read_posterior(args.posterior)  # checked before the run starts
    return scenario, out_dir


class _Deferred(types.ModuleType):
    """A stand-in for a module, loaded on its first attribute lookup. It has the real module's __spec__, so
    `import name` takes it as it is (importlib's LazyLoader loads on that very check in Python 3.11, so it
    would defer nothing); once loaded it forwards every lookup to the real module."""

    def __getattr__(self, attr: str):
        real = sys.modules.get(self.__name__)
        if real is self or real is None:
            del sys.modules[self.__name__]
            real = importlib.import_module(self.__name__)
        return getattr(real, attr)


def _defer(name: str) -> None:
    """Let `import name` cost nothing until the module is used: Mesa imports networkx for its network
    spaces, which a run never uses (the painters import it for the bloc map on their own)."""
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return  # not installed: the import fails where it is made, as it would have
    stand_in = _Deferred(name)
    # What import and inspect read of every loaded module (inspect.getmodule walks them all); no __path__,
    # so importing one of its submodules loads the real package first.
    stand_in.__spec__, stand_in.__loader__, stand_in.__file__ = spec, spec.loader, spec.origin
    stand_in.__package__ = name
    sys.modules[name] = stand_in


def _run(args, scenario, out_dir: Path, painter) -> int:
    if "mesa" not in sys.modules:
        _defer("networkx")
    from ..present.terminal import summary_text
    from ..present.files import write_result
    from ..results.runner import run as run_scenario

    progress = None
    if scenario.runs > 1 and not args.quiet and sys.stderr.isatty():
        def progress(done, total):
            print(f"\r  run {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    sets, extra = None, None
    if args.posterior is not None:
        from ..experiments.calibrate import posterior_sets

        names, draws = args.posterior_draws
        sets = posterior_sets(scenario, names, draws)
        extra = {"parameters_drawn.csv": "run," + ",".join(names) + "\n" + "".join(
            f"{k}," + ",".join(f"{getattr(p, n):.6g}" for n in names) + "\n" for k, p in enumerate(sets, 1))}
        if not args.quiet:
            print(f"Parameters drawn for each of the {scenario.runs} runs from {len(draws)} accepted draws of "
                  f"{args.posterior} ({', '.join(names)}); every run's set is in parameters_drawn.csv.")
    result = run_scenario(scenario, n_blocs=args.blocs, progress=progress, summarise=True, parameter_sets=sets)
    formats = ("png", "svg") if args.svg else ("png",)
    figures = None
    if painter is not None:
        painter.paint(result, formats, args.effect_scale)
        figures = painter.figures
    files = write_result(result, out_dir, plots=not args.no_plots, formats=formats, force=args.force,
                         report=not args.no_report, effect_scale=args.effect_scale, full=args.full,
                         figures=figures, extra=extra)
    if args.quiet:
        print(out_dir)
    else:
        from ..results.placement import placement_margins

        margins = placement_margins(result, result.summary.blocs.final)
        print(summary_text(result.summary, events=result.events, out_dir=out_dir, files=files, margins=margins,
                           drawn=sets is not None,
                           top=args.top), end="")
    return 0


def _check_range(option: str, value: int | None, low: int, high: int) -> None:
    from ..errors import EntenteError

    if value is not None and not low <= value <= high:
        raise EntenteError(f"{option} must be a whole number from {low} to {high}, got {value}")
