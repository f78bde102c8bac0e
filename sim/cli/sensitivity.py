"""`python -m sim sensitivity SCENARIO`: which parameters the scenario's largest effects depend on."""

from __future__ import annotations

import sys
from pathlib import Path


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(
        name, help=summary,
        description=summary + ": Morris screening (default) or Sobol indices (SALib) over the numeric "
        "parameters within their documented ranges, for the scenario's largest effects. A lens for discussion, "
        "not a forecast.")
    parser.add_argument("scenario", help="scenario YAML file, or a bundled scenario's name (python -m sim list)")
    parser.add_argument("--method", choices=("morris", "sobol"), default="morris",
                        help="morris: screening, cheap (default); sobol: variance shares, about 6 times the runs")
    parser.add_argument("--parameters", metavar="LIST",
                        help="the parameters to vary, comma-separated, each optionally with a narrower range: "
                             "memory,balance=0.02:0.2 (default: every numeric parameter but noise)")
    parser.add_argument("--ranges", metavar="FILE",
                        help="a YAML file of ranges, {name: [low, high]}; its parameters are varied too")
    parser.add_argument("--top", type=int, default=3, metavar="K",
                        help="follow the K largest effects of the scenario as written (default 3)")
    parser.add_argument("--same-bloc", action="append", default=[], metavar="A,B",
                        help="also follow whether A and B end in one bloc (repeatable)")
    parser.add_argument("--trajectories", type=int, default=10, metavar="R",
                        help="Morris trajectories (default 10): R x (parameters + 1) runs")
    parser.add_argument("--levels", type=int, default=4, help="Morris grid levels, even (default 4)")
    parser.add_argument("--samples", type=int, default=64, metavar="N",
                        help="Sobol base samples, best a power of 2 (default 64): N x (parameters + 2) runs")
    parser.add_argument("--seed", type=int, help="seed of the sampling design (default: the scenario's seed)")
    parser.add_argument("--runs", type=int, help="Monte Carlo runs per point (default: the scenario's)")
    parser.add_argument("--out", help="output folder (default: results/<scenario name>_sensitivity/)")
    parser.add_argument("--no-plots", action="store_true", help="write the tables only")
    parser.add_argument("--force", action="store_true",
                        help="write into an output folder that holds files Entente did not write "
                             "(those files are kept)")
    parser.add_argument("--allow-large", action="store_true",
                        help="run even when the design's estimated work is above the limits in the README")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError
    from ..inputs.paths import check_output_path, check_writable_parent
    from ..results.folder import check_out_dir
    from ..inputs.scenario_file import find_scenario, load_scenario
    from ..inputs.schema import MAX_RUNS, MAX_SEED

    if args.seed is not None and not 0 <= args.seed <= MAX_SEED:
        raise EntenteError(f"--seed must be a whole number from 0 to {MAX_SEED}, got {args.seed}")
    if args.runs is not None and not 1 <= args.runs <= MAX_RUNS:
        raise EntenteError(f"--runs must be a whole number from 1 to {MAX_RUNS}, got {args.runs}")
    names, ranges = parse_parameters(args.parameters)
    if args.ranges is not None:
        for name, bounds in read_ranges(args.ranges).items():
            if name in ranges:
                raise EntenteError(f"the range of {name!r} is given twice, in --parameters and in {args.ranges}",
                                   hint="Give it in one place.")
            ranges[name] = bounds
    same_bloc = [[part.strip() for part in text.split(",")] for text in args.same_bloc]
    scenario = load_scenario(args.scenario)

    if args.out is not None:
        check_output_path(args.out, "output folder")
    out_dir = (Path(args.out) if args.out is not None
               else Path("results") / f"{find_scenario(args.scenario).stem}_sensitivity")
    check_out_dir(out_dir, force=args.force)  # refuse before spending time on the runs
    check_writable_parent(out_dir, "output folder")

    from ..experiments.sensitivity import sensitivity
    from ..experiments.sensitivity_report import sensitivity_text, write_sensitivity

    progress = None
    if not args.quiet and sys.stderr.isatty():
        def progress(done, total):
            print(f"\r  run {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    result = sensitivity(scenario, args.method, parameters=names or None, ranges=ranges, top=args.top,
                         same_bloc=same_bloc, trajectories=args.trajectories, levels=args.levels,
                         samples=args.samples, seed=args.seed, runs=args.runs, progress=progress,
                         allow_large=args.allow_large)
    files = write_sensitivity(result, out_dir, plots=not args.no_plots, force=args.force)
    if args.quiet:
        print(out_dir)
    else:
        print(sensitivity_text(result, out_dir=out_dir, files=files), end="")
    return 0


def parse_parameters(text: str | None) -> tuple[list[str], dict[str, tuple[float, float]]]:
    """'memory,balance=0.02:0.2' -> (['memory', 'balance'], {'balance': (0.02, 0.2)})."""
    from ..errors import EntenteError

    names: list[str] = []
    ranges: dict[str, tuple[float, float]] = {}
    if text is None:
        return names, ranges
    for item in text.split(","):
        name, _, bounds = (part.strip() for part in item.partition("="))
        if not name:
            raise EntenteError(f"--parameters has an empty name in {text!r}",
                               hint="Separate names with single commas: memory,balance.")
        names.append(name)
        if bounds:
            low, colon, high = bounds.partition(":")
            try:
                if not colon:
                    raise ValueError
                ranges[name] = (float(low), float(high))
            except ValueError:
                raise EntenteError(f"--parameters: the range of {name!r} must be LOW:HIGH, got {bounds!r}",
                                   hint=f"For example {name}=0.02:0.2.") from None
    return names, ranges


def read_ranges(path) -> dict[str, tuple[float, float]]:
    """A ranges file: a mapping of parameter names to [low, high], read with the project's safe YAML loader."""
    from ..errors import EntenteError
    from ..inputs.paths import check_input_file
    from ..inputs.safe_yaml import load_yaml

    check_input_file(path, "ranges file")
    document = load_yaml(path, what="ranges file")
    data = document.data
    if not isinstance(data, dict) or not data:
        raise EntenteError("a ranges file must map parameter names to [low, high]", file=path,
                           hint="For example:  memory: [0.05, 0.2]")
    ranges = {}
    for name, bounds in data.items():
        if (not isinstance(bounds, list) or len(bounds) != 2
                or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in bounds)):
            line, column = document.position((name,)) or (None, None)
            raise EntenteError(f"the range of {name!r} must be a list of two numbers, [low, high]", file=path,
                               line=line, column=column, field=str(name), hint=f"For example:  {name}: [0.05, 0.2]")
        ranges[str(name)] = (float(bounds[0]), float(bounds[1]))
    return ranges
