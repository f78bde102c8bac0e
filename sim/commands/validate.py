"""`python -m sim validate SCENARIO.yaml`: the same checks as `run`, without running."""

from __future__ import annotations


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    parser.add_argument("scenario", nargs="+", help="scenario YAML file(s)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..scenario import load_scenario
    from ..world import build_world

    for path in args.scenario:
        scenario = load_scenario(path)
        world = build_world(scenario)  # also checks the relations file the scenario uses
        events = len({(e.place) for e in scenario.events})
        print(f"{path}: OK · {scenario.name!r} · {scenario.months} months · {len(world.names)} actors · "
              f"{events} event{'s' if events != 1 else ''} · seed {scenario.seed} · "
              f"{scenario.runs} run{'s' if scenario.runs != 1 else ''}")
    return 0
