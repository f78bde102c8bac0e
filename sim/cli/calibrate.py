"""`python -m sim calibrate`: fit the model's parameters to the training episodes (rejection ABC)."""

from __future__ import annotations

import sys
from pathlib import Path

QUICK = {"points": 24, "runs": 2}  # a design small enough for a test or a first look (about a minute)


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ": draw settings from each "
                                   "parameter's documented range, run the training episodes at each, keep the "
                                   "draws nearest the record's bands, and score the test episodes with the "
                                   "accepted draws' median beside the defaults.")
    parser.add_argument("files", nargs="*", help="hindcast files (default: the bundled hindcasts/)")
    parser.add_argument("--points", type=int, default=None, help="prior draws (default 400; --quick: 24)")
    parser.add_argument("--accept", type=float, default=None, help="the share of draws kept (default 0.05)")
    parser.add_argument("--runs", type=int, default=None, help="Monte Carlo runs per episode and draw (default 4)")
    parser.add_argument("--seed", type=int, default=0, help="the design's seed (default 0)")
    parser.add_argument("--parameters", help="the parameters to fit, with ranges if narrower than documented: "
                                             "memory,audience_scale=0.05:0.5 (default: every numeric one but noise)")
    parser.add_argument("--generations", type=int, default=0,
                        help="ABC-SMC generations after the rejection step (default 0: rejection only); each "
                             "runs as many settings as --points")
    parser.add_argument("--quick", action="store_true", help="a small design: 24 draws, 2 runs")
    parser.add_argument("--scheduler", default="serial", help="serial (default), local or tcp://HOST:PORT (Dask)")
    parser.add_argument("--workers", type=int, help="Dask workers of a local cluster")
    parser.add_argument("--out", default="results/calibration",
                        help="the folder (default results/calibration); episodes finished there are reused when "
                             "the same design is run again, so an interrupted calibration resumes")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError
    from ..experiments.calibrate import (DEFAULT_ACCEPT, DEFAULT_POINTS, DEFAULT_RUNS, MIN_POPULATION, calibrate,
                                         checked, refine, scored)
    from ..experiments.calibrate_report import calibration_files, calibration_text
    from ..experiments.design import choose_factors
    from ..experiments.evaluate import check_scheduler
    from ..inputs.resources import bundled_hindcasts
    from ..inputs.safe_files import owned_folder, write_file
    from ..inputs.scenario_file import load_scenario
    from ..model.parameters import Parameters
    from .sensitivity import parse_parameters

    points = args.points or (QUICK["points"] if args.quick else DEFAULT_POINTS)
    runs = args.runs or (QUICK["runs"] if args.quick else DEFAULT_RUNS)
    accept = DEFAULT_ACCEPT if args.accept is None else args.accept
    if args.generations and args.accept is None:
        accept = max(accept, MIN_POPULATION / points)  # ABC-SMC moves a population: a few draws at least
    if not 2 <= points <= 100_000 or not 1 <= runs <= 1_000 or not 0 <= args.generations <= 20:
        raise EntenteError("--points must be from 2 to 100,000, --runs from 1 to 1,000 and --generations from "
                           "0 to 20", hint="For a first look: --quick.")
    episodes = [load_scenario(path) for path in (args.files or bundled_hindcasts())]
    names, ranges = parse_parameters(args.parameters)
    factors = choose_factors(Parameters(), names or None, ranges)
    scheduler = check_scheduler(args.scheduler)
    progress = None
    if sys.stderr.isatty() and not args.quiet:
        def progress(done: int, total: int) -> None:
            print(f"\r  episode {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)

    result = calibrate(episodes, factors, points=points, seed=args.seed, accept=accept, runs=runs,
                       scheduler=scheduler, workers=args.workers, folder=args.out, progress=progress)
    if args.generations:
        result = refine(result, episodes, generations=args.generations, scheduler=scheduler, workers=args.workers,
                        folder=args.out, progress=progress)
    checks = {"defaults": checked(episodes, None, runs),
              "posterior median": checked(episodes, result.median_setting(), runs)}
    scores = {setting: scored(by_split) for setting, by_split in checks.items()}
    folder = owned_folder(Path(args.out), what="calibration folder")
    for name, data in calibration_files(result, scores, checks).items():
        write_file(folder / name, data, what="calibration file")
    print(calibration_text(result, scores), end="")
    print(f"Written: {folder}/ (samples.csv, posterior.csv, calibration.json, posterior.png, bands.png)")
    return 0
