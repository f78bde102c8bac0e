"""`python -m sim validate SCENARIO.yaml...`: the same checks as `run`, without running."""

from __future__ import annotations


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    parser.add_argument("scenario", nargs="+", help="scenario YAML file(s)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..errors import EntenteError
    from .main import print_error

    if len(args.scenario) == 1:
        _check(args.scenario[0])  # an error propagates to the CLI: one file, one message, exit 2
        return 0
    failed = 0
    for path in args.scenario:  # several files: report every broken one, not just the first
        try:
            _check(path)
        except EntenteError as error:
            if args.debug_sub:
                raise
            print_error(error)
            failed += 1
    return 2 if failed else 0


def _check(path) -> None:
    from ..errors import printable
    from ..inputs.cost import estimate, near_limits
    from ..inputs.scenario_file import load_scenario
    from ..inputs.world import build_world

    scenario = load_scenario(path)
    world = build_world(scenario)  # also checks the relations file the scenario uses
    events = len({event.place for event in scenario.events})
    print(f"{printable(path)}: OK · '{printable(scenario.name, limit=200)}' · {scenario.months} months · "
          f"{len(world.names)} actors · "
          f"{events} event{'s' if events != 1 else ''} · seed {scenario.seed} · "
          f"{scenario.runs} run{'s' if scenario.runs != 1 else ''}")
    cost = estimate(scenario, list(world.names))  # the same estimate `run` checks before it starts
    print(f"  cost: {cost.text()}")
    for warning in near_limits(cost):
        print(f"  warning: near a limit of `run` (README, Limits on the size of a run): {warning}; "
              "above 100% `run` refuses unless --allow-large")
