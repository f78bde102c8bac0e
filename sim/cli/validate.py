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
    if scenario.observed is not None:
        print(f"  {printable(_observed_line(scenario))}")
    for line in _hostile_readings(scenario):
        print(f"  {line}")


def _observed_line(scenario) -> str:
    """What the episode's event series holds for its pairs: read and checked here, as `hindcast` will."""
    from pathlib import Path

    from ..inputs.event_series import calendar_month, read_event_series

    observed = scenario.observed
    series = read_event_series(observed.file)
    before = {calendar_month(observed.start, -k) for k in range(1, observed.before + 1)}
    during = {calendar_month(observed.start, k) for k in range(scenario.months)}
    held = [month for (month, source, target), found in series.items()
            if (source, target) in observed.pairs and found.events >= observed.min_events]
    return (f"observed: {observed.measure} of {len(observed.pairs)} pair{'s' if len(observed.pairs) != 1 else ''} "
            f"from {Path(observed.file).name}, month 1 = {observed.start}: "
            f"{sum(month in before for month in held)} pair-months in the {observed.before} months before, "
            f"{sum(month in during for month in held)} during (python -m sim hindcast scores them)")


def _hostile_readings(scenario) -> list[str]:
    """How each hostile event is read: `between` is a mutual act, from/to a one-way act with an aggressor."""
    from ..errors import printable
    from ..inputs.tables import load_codebook
    from ..model.events import HOSTILE

    codebook = load_codebook()
    lines, seen = [], set()
    for event in scenario.events:
        kind = codebook.get(event.type)
        if kind is None or kind.audience != HOSTILE or (event.place, event.source, event.target) in seen:
            continue
        if event.mutual:
            seen.add((event.place, event.target, event.source))
            lines.append(f"{event.place} {event.type} between {printable(event.source)} and "
                         f"{printable(event.target)}: a mutual act (each side acts on the other at half the "
                         "intensity, neither is the aggressor, nobody ripostes); write from:/to: for a one-way act")
        else:
            lines.append(f"{event.place} {event.type} from {printable(event.source)} to {printable(event.target)}: "
                         f"a one-way act ({printable(event.source)} the aggressor, {printable(event.target)} may "
                         "answer it); write between: [A, B] for a mutual exchange")
    return lines
