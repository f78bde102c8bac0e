"""`python -m sim explain RESULT_OR_SCENARIO A B`: why A's regard for B moved, ranked by cause, with a waterfall."""

from __future__ import annotations

from pathlib import Path
from ..links import cite


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". Replays one run with exact "
                                   f"attribution ({cite('model', 'Attribution')}). "
                                   "A lens for discussion, not a forecast.")
    parser.add_argument("target", help="a result folder (python -m sim run --out FOLDER), or a scenario file or "
                                       "bundled scenario's name")
    parser.add_argument("source_actor", metavar="A", help="the actor whose regard moved (e.g. India)")
    parser.add_argument("target_actor", metavar="B", help="the actor it regards (e.g. Russia)")
    parser.add_argument("--run", type=int, default=1, help="which Monte Carlo run to explain (default 1)")
    parser.add_argument("--top", type=int, default=10, help="how many parts to list (default 10)")
    parser.add_argument("--figure", metavar="FILE.png", help="also draw the waterfall to this PNG or SVG file")
    parser.add_argument("--scenario", metavar="FILE",
                        help="the scenario file a result folder was run from, if it has moved since")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError
    from ..inputs.paths import check_output_path, check_writable_parent
    from ..inputs.safe_files import check_writable_name

    if args.top < 1:
        raise EntenteError(f"--top must be 1 or more, got {args.top}")
    if args.figure is not None:
        check_output_path(args.figure, "figure file", option="--figure")
        check_writable_name(args.figure, "figure file")  # a link is refused now, not after the replay
        if Path(args.figure).suffix.lower() not in (".png", ".svg"):
            raise EntenteError(f"the figure file {args.figure!r} must end in .png or .svg",
                               hint="For example --figure why.png.")
        check_writable_parent(args.figure, "figure file", option="--figure")
    attribution, note = _attribution(args)
    from ..present.explain import explain_text

    print(explain_text(attribution, args.source_actor, args.target_actor, top=args.top, replay_note=note), end="")
    if args.figure is not None:
        from ..present.waterfall import save_waterfall

        save_waterfall(attribution, args.source_actor, args.target_actor, args.figure)
        print(f"Waterfall: {args.figure}")
    return 0


def _attribution(args):
    """From a result folder (replayed and checked against its scores) or from a scenario (run afresh)."""
    folder = Path(args.target)
    if folder.is_dir() and (folder / "summary.json").is_file():
        from ..results.attribution import attribution_of
        from ..present.files import read_result

        result = read_result(folder)
        attribution = attribution_of(result, args.run, scenario_file=args.scenario)
        where = args.scenario or result.scenario_file
        return attribution, (f"Replayed run {args.run} from {where}, seed {result.seed}: it reproduces the "
                             f"result's scores in {folder}.")
    from dataclasses import replace

    from ..results.attribution import attribute
    from ..inputs.scenario_file import load_scenario

    scenario = load_scenario(args.target)
    if args.run > scenario.runs:
        scenario = replace(scenario, runs=args.run)  # any run of the scenario's seed can be explained
    return attribute(scenario, run=args.run), ""
