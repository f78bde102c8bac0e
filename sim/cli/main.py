"""The command line: a thin layer that parses arguments, calls the Python API, prints and sets exit codes.

Each subcommand lives in its own module in sim/cli with two functions, `add_parser(subparsers)`
and `run(args) -> int`, imported only when needed so that `python -m sim validate` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import EntenteError

COMMANDS = {
    "run": "Run a scenario and write its results",
    "validate": "Check a scenario file without running it",
    "list": "List bundled scenarios, actors, event types and parameters",
    "blocs": "Landscape analysis (blocs, local minima) of any alignment data",
    "seed": "Code an article into starting alignments, or explain one pair's evidence",
    "schema": "Print the JSON Schema of scenario files",
    "hindcast": "Run the historical hindcasts and print a scorecard of expected directions",
}

EXIT_OK, EXIT_USAGE = 0, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Entente: what-if experiments on great-power alignments. "
        "A lens for discussion, not a forecast.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, summary in COMMANDS.items():
        module = importlib.import_module(f"sim.cli.{name}")
        sub_parser = module.add_parser(sub, name, summary)
        sub_parser.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or getattr(args, "debug_sub", False)
    try:
        return int(args._module.run(args) or EXIT_OK)
    except EntenteError as error:
        if debug:
            raise
        print(f"error: {error.message()}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: nothing was written in place of earlier results.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`python -m sim list | head`): not an error worth a traceback.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
