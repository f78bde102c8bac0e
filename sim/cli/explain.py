"""`python -m sim explain RESULT_OR_SCENARIO A B`: why A's regard for B moved, ranked by cause, with a waterfall;
`python -m sim explain RESULT_OR_SCENARIO --event ID`: what one event of the scenario did, pair by pair."""

from __future__ import annotations

from pathlib import Path
from ..links import cite


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ". Replays one run with exact "
                                   f"attribution ({cite('model', 'Attribution')}). "
                                   "A lens for discussion, not a forecast.")
    parser.add_argument("target", help="a result folder (python -m sim run --out FOLDER), or a scenario file or "
                                       "bundled scenario's name")
    parser.add_argument("source_actor", metavar="A", nargs="?", help="the actor whose regard moved (e.g. India)")
    parser.add_argument("target_actor", metavar="B", nargs="?", help="the actor it regards (e.g. Russia)")
    parser.add_argument("--event", metavar="ID", help="instead of a pair: what this event of the scenario did, "
                                                      "named by its id: or its index in the events: list")
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
    if args.event is not None:
        if args.source_actor is not None or args.figure is not None:
            raise EntenteError("--event explains one event over every pair, so it takes no pair A B and no "
                               "--figure", hint="Write `python -m sim explain SCENARIO --event ID`, or leave "
                                                "--event out to explain the pair A B.")
        return _event(args)
    if args.target_actor is None:
        raise EntenteError("sim explain needs a pair of actors, or --event",
                           hint="Write `python -m sim explain SCENARIO A B` (for example India Russia), or "
                                "`python -m sim explain SCENARIO --event ID`.")
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


def _event(args) -> int:
    """--event: the named event's part in every pair's change, from the same replay as a pair's."""
    from ..present.explain import event_text
    from ..results.event_parts import event_label, event_parts, event_place

    attribution, note, scenario = _attribution(args, with_scenario=True)
    place = event_place(scenario, args.event)
    event_id = next((i for i, k in scenario.event_ids().items() if f"events[{k}]" == place), "")
    print(event_text(attribution, event_parts(attribution, place), place, event_label(attribution, place),
                     event_id=event_id, top=args.top, replay_note=note), end="")
    return 0


def _attribution(args, *, with_scenario: bool = False):
    """From a result folder (replayed and checked against its scores) or from a scenario (run afresh);
    with_scenario: the scenario it replayed as well."""
    folder = Path(args.target)
    if folder.is_dir() and (folder / "summary.json").is_file():
        from ..results.attribution import attribution_of
        from ..present.files import read_result

        result = read_result(folder)
        attribution = attribution_of(result, args.run, scenario_file=args.scenario)
        where = args.scenario or result.scenario_file
        note = (f"Replayed run {args.run} from {where}, seed {result.seed}: it reproduces the result's scores in "
                f"{folder}.")
        if with_scenario:
            from ..results.attribution import scenario_of

            return attribution, note, scenario_of(result, args.scenario)
        return attribution, note
    from dataclasses import replace

    from ..results.attribution import attribute
    from ..inputs.scenario_file import load_scenario

    scenario = load_scenario(args.target)
    if args.run > scenario.runs:
        scenario = replace(scenario, runs=args.run)  # any run of the scenario's seed can be explained
    if with_scenario:
        return attribute(scenario, run=args.run), "", scenario
    return attribute(scenario, run=args.run), ""
