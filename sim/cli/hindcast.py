"""`python -m sim hindcast [FILE...]`: run the hindcasts, print a scorecard, exit 1 if any direction fails."""

from __future__ import annotations


def add_parser(subparsers, name, summary):
    parser = subparsers.add_parser(name, help=summary, description=summary + ".")
    parser.add_argument("files", nargs="*", help="hindcast files (default: the bundled hindcasts/)")
    parser.add_argument("--debug", dest="debug_sub", action="store_true", help="show tracebacks")
    return parser


def run(args) -> int:
    from ..classroom.hindcast import all_held, run_all

    outcomes = run_all(args.files or None)
    total = held = 0
    for scenario, checks in outcomes:
        print(f"{scenario.name}")
        for c in checks:
            print(f"  {'held  ' if c.held else 'FAILED'}  {c.text}")
            if c.expectation.note:
                print(f"          {c.expectation.note}")
        total += len(checks)
        held += sum(c.held for c in checks)
    print(f"{held} of {total} expected directions held across {len(outcomes)} hindcasts "
          "(a check of the model's mechanisms against the record, not a forecast).")
    return 0 if all_held(outcomes) else 1
