"""`python -m sim data events FILE`: an ICEWS or GDELT export as monthly directed series between the actors."""

from __future__ import annotations

import sys
from pathlib import Path

EXAMPLE = """Examples:
  python -m sim data events tests/data/icews/events.2018-06.sample.tab --out june_2018.csv
  python -m sim data events 20180601.export.CSV.zip --format gdelt --scenario s400_india"""


def add_parser(subparsers, name, summary):
    import argparse

    from .main import add_output_options

    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    kinds = parser.add_subparsers(dest="data_command", metavar="KIND")
    kinds.required = True
    events = kinds.add_parser(
        "events", help="event counts, Goldstein scores and net cooperation per month and directed pair",
        description="Read a user-downloaded ICEWS (Dataverse layout) or GDELT 1.0/2.0 events export, one row at "
                    "a time, and write a CSV with one row per month and directed pair of the actors: events by "
                    "CAMEO quad class, summed and mean Goldstein score, and net cooperation ((cooperative - "
                    "conflictual) / all). Rows between other countries, within one actor, or unreadable are "
                    "counted and skipped.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    events.add_argument("file", help="the export: .tab / .CSV, or the .zip it came in")
    events.add_argument("--format", choices=("auto", "icews", "gdelt"), default="auto",
                        help="the file's layout (default: told by its first line)")
    events.add_argument("--scenario", help="take the actors from this scenario (file or bundled name; default: "
                                           "the seven actors)")
    events.add_argument("--out", help="the CSV to write (default: FILE's name + _monthly.csv, here)")
    events.add_argument("--force", action="store_true", help="replace --out if it exists")
    events.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    add_output_options(events)
    return parser


def run(args) -> int:
    from ..errors import EntenteError, printable
    from ..inputs.event_data import read_event_data
    from ..inputs.safe_files import write_file
    from ..inputs.tables import canonical_actors

    if args.scenario is not None:
        from ..inputs.scenario_file import load_scenario
        from ..inputs.world import build_world

        actors = list(build_world(load_scenario(args.scenario)).names)
    else:
        actors = [actor.name for actor in canonical_actors()]
    source = Path(args.file)
    out = Path(args.out) if args.out else Path(source.name.split(".")[0] + "_monthly.csv")
    if out.exists() and not args.force:
        raise EntenteError(f"{printable(out)} exists already", hint="Name another file with --out, or add "
                                                                   "--force to replace it.")
    progress = None
    if not args.quiet and sys.stderr.isatty():
        def progress(done: int, total: int) -> None:
            share = done / total if total else 1.0
            print(f"\r  read {done / 1e6:,.0f} of {total / 1e6:,.0f} MB ({share:.0%})",
                  end="" if done < total else "\n", file=sys.stderr, flush=True)

    series = read_event_data(source, actors, args.format, progress=progress)
    write_file(out, series.to_csv(), what="event series")
    if not args.quiet:
        pairs = {(source_, target) for _, source_, target in series.totals}
        months = sorted({month for month, _, _ in series.totals})
        span = f"{months[0]} to {months[-1]}" if months else "no month"
        print(f"{printable(source)} ({series.format.upper()}): {series.rows:,} rows, {series.kept:,} between "
              f"two of the {len(actors)} actors, {len(pairs)} directed pairs, {span}")
        for reason, count in sorted(series.skipped.items(), key=lambda item: -item[1]):
            print(f"  skipped {count:,}: {reason}")
        if series.unnamed:
            print(f"  not looked for (no name in event data, sim/data/actors.yaml): "
                  f"{printable(', '.join(series.unnamed))}")
        print(f"  written: {printable(out)}")
    return 0
