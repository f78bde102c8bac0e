"""The command line: a thin layer that parses arguments, calls the Python API, prints and sets exit codes.

Each subcommand lives in its own module in sim/cli with two functions, `add_parser(subparsers)`
and `run(args) -> int`, imported only when needed so that `python -m sim validate` stays fast.
"""

from __future__ import annotations

import argparse
import codecs
import importlib
import os
import sys
from contextlib import contextmanager

from ..errors import EntenteError
from ..links import page

COMMANDS = {
    "run": "Run a scenario and write its results",
    "validate": "Check a scenario file without running it",
    "list": "List bundled scenarios, actors, event types and parameters",
    "blocs": "Landscape analysis (blocs, local minima) of any alignment data",
    "seed": "Code an article into starting alignments, or explain one pair's evidence",
    "schema": "Print the JSON Schema of scenario files",
    "hindcast": "Run the historical hindcasts and score the model against the record and null models",
    "explain": "Explain why one actor's regard for another moved: its change split by cause",
    "report": "Rebuild report.html in a result folder",
    "compare": "Compare two result folders or two scenarios: pairs, blocs and events that differ",
    "sensitivity": "Which parameters a scenario's largest effects depend on",
    "sweep": "Run a parameter and scenario sweep (on Dask), or summarise one",
    "app": "Start the browser page for the class on this computer (needs the `app` extra)",
    "play": "Play a scenario turn by turn: teams' orders, injected news, save and continue, debrief",
    "classroom": "Host a class game on the room's network: each team orders from its own device",
    "roles": "Write one role sheet per actor (Markdown and HTML) for a crisis-committee lesson",
    "calibrate": "Fit the parameters to the training episodes (rejection ABC) and score the test episodes",
    "data": "Read event data (ICEWS, GDELT) as monthly series between the actors",
}

# One example per command, shown at the end of its --help; tests/test_cli_help.py runs each as written.
# Bundled scenarios by name, so that an example runs from any folder with the wheel too (blocs and sweep read
# a starter file of the checkout: exercises/, examples/); they build on each other in this order (explain,
# report and compare read the folder run writes).
EXAMPLES = {
    "run": "python -m sim run arms_sale_pakistan --out results/arms_sale",
    "validate": "python -m sim validate s400_india",
    "list": "python -m sim list parameters",
    "blocs": "python -m sim blocs exercises/files/europe_1914.yaml --blocs 2",
    "seed": "python -m sim seed --explain Russia Pakistan",
    "schema": "python -m sim schema > scenario.schema.json",
    "hindcast": "python -m sim hindcast --scorecard",
    "explain": "python -m sim explain results/arms_sale India Russia",
    "report": "python -m sim report results/arms_sale",
    "compare": "python -m sim compare results/arms_sale s400_india --out results/compare",
    "sensitivity": "python -m sim sensitivity arms_sale_pakistan --parameters memory,balance --trajectories 2",
    "sweep": "python -m sim sweep s400_india --grid examples/sweeps/s400_india.yaml --out results/sweep",
    "app": "python -m sim app",
    "play": "python -m sim play arms_sale_pakistan --turn 6 --state games/crisis",
    "roles": "python -m sim roles --out roles",
    "classroom": "python -m sim classroom host arms_sale_pakistan --teams India,Pakistan,US,China",
    "calibrate": "python -m sim calibrate --quick --out results/calibration",
    "data": "python -m sim data events tests/data/icews/events.2018-06.sample.tab --out june_2018.csv",
}

# The documentation page each command's --help points to (sim/links.py; docs/NAME.md in a checkout).
HELP_PAGES = {"run": "tutorial", "validate": "howto/scenario", "explain": "howto/explain", "blocs": "landscape",
              "seed": "seeding", "sensitivity": "model", "sweep": "sweeps", "hindcast": "model",
              "play": "classroom/crisis", "roles": "classroom/crisis", "app": "classroom",
              "classroom": "classroom", "calibrate": "model"}

# -q: a command whose standard output is the thing asked for (a listing, the schema) keeps it; these print
# only where their files went; every other command prints nothing but errors.
OUTPUT_IS_THE_ANSWER = {"list", "schema"}
QUIET_BY_ITSELF = {"run", "sensitivity", "sweep"}

EXIT_OK, EXIT_USAGE = 0, 2

# The packages pyproject.toml declares, by the name Python imports them under (a test keeps this in step).
DEPENDENCIES = {"mesa": "mesa", "networkx": "networkx", "numpy": "numpy", "pandas": "pandas",
                "matplotlib": "matplotlib", "yaml": "PyYAML", "jsonschema": "jsonschema", "SALib": "SALib",
                "threadpoolctl": "threadpoolctl", "xarray": "xarray", "scipy": "scipy", "cattrs": "cattrs"}


def _version() -> str:
    from ..inputs.resources import version

    return version()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="Entente: what-if experiments on great-power alignments. "
        "A lens for discussion, not a forecast.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"Entente {_version()} (python -m sim)",
                        help="print the version and stop")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name, summary in COMMANDS.items():
        module = importlib.import_module(f"sim.cli.{name}")
        sub_parser = module.add_parser(sub, name, summary)
        sub_parser.set_defaults(_module=module)
        add_output_options(sub_parser)
        sub_parser.formatter_class = HelpFormatter
        documentation = page(HELP_PAGES.get(name, "index"))
        sub_parser.epilog = "\n\n".join(filter(None, (sub_parser.epilog, f"Example:\n  {EXAMPLES[name]}",
                                                      f"Documentation: {documentation}")))
    parser.epilog = f"Example:\n  {EXAMPLES['run']}\n\nDocumentation: {page('index')}"
    parser.formatter_class = HelpFormatter
    return parser


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """-q/--quiet and -v/--verbose, the same on every command (one definition, added by build_parser)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("-q", "--quiet", action="store_true",
                       help="print nothing but errors: no progress and no summary (run, sweep and sensitivity "
                            "print where their files went; list and schema still print what they were asked for)")
    group.add_argument("-v", "--verbose", action="store_true",
                       help="also print, on standard error, how long the command took and which Entente, Python "
                            "and folders it used")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, except that an address is never broken at its hyphens and a paragraph of several
    lines (a usage table, an example command) is kept as written."""

    def _split_lines(self, text, width):
        import textwrap

        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False, break_long_words=False)

    def _fill_text(self, text, width, indent):
        import textwrap

        blocks = []
        for block in text.split("\n\n"):
            if "\n" in block.strip("\n") or block.startswith(" "):
                blocks.append("\n".join(indent + line for line in block.splitlines()))
            else:
                blocks.append(textwrap.fill(" ".join(block.split()), width, initial_indent=indent,
                                            subsequent_indent=indent, break_on_hyphens=False,
                                            break_long_words=False))
        return "\n\n".join(blocks)


# What the report prints that a legacy encoding (cp1252, latin-1, ASCII) may lack, in plain ASCII.
_ASCII = {"→": "->", "←": "<-", "·": "-", "─": "-", "—": "-", "–": "-", "−": "-", "×": "x", "…": "...",
          "‘": "'", "’": "'", "“": '"', "”": '"', "≈": "~", "≤": "<=", "≥": ">="}


def _ascii_instead(error: UnicodeEncodeError):
    """Codec error handler: a character the stream cannot encode becomes ASCII, never a traceback."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    text = error.object[error.start:error.end]
    return "".join(_ASCII.get(char) or char.encode("ascii", "backslashreplace").decode("ascii")
                   for char in text), error.end


codecs.register_error("entente-ascii", _ascii_instead)


@contextmanager
def _streams_that_cannot_fail_on_encoding():
    """stdout and stderr fall back to ASCII for what their encoding lacks (a Windows redirect, latin-1)."""
    changed = []
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and getattr(stream, "errors", None) == "strict":
            try:
                stream.reconfigure(errors="entente-ascii")
            except (ValueError, OSError):  # closed or detached: leave it be
                continue
            changed.append(stream)
    try:
        yield
    finally:
        for stream in changed:
            try:
                stream.reconfigure(errors="strict")
            except (ValueError, OSError):
                pass


def _silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _say(text: str) -> None:
    try:
        print(text, file=sys.stderr)
    except OSError:  # even stderr cannot be written: the exit code still says it
        pass


def print_error(error: EntenteError) -> None:
    """The one place a user's mistake is printed: one paragraph on stderr."""
    _say(f"error: {error.message()}")


def missing_module_error(error: ModuleNotFoundError) -> EntenteError | None:
    """A missing dependency (or a broken install) as a user error with the fix; None for anything else."""
    name = error.name or ""
    top = name.partition(".")[0]
    if top in DEPENDENCIES:
        return EntenteError(
            f"this Python ({sys.executable}) does not have {DEPENDENCIES[top]}, which Entente needs "
            f"(no module named {name!r})",
            hint="Most likely the virtual environment is not activated: run `source .venv/bin/activate` "
                 "(Windows: `.venv\\Scripts\\activate`) and try again. Or install Entente with its dependencies "
                 "into this Python: `pip install -e .` in a checkout, or `pip install` the entente_sim wheel you "
                 "were given (never `pip install entente`: that name is another project).")
    if top == "sim":
        return EntenteError(f"this copy of Entente is incomplete (no module named {name!r})",
                            hint="Reinstall it: `pip install --force-reinstall .` in a checkout, "
                                 "`pip install --force-reinstall` the entente_sim wheel otherwise.")
    return None


def _one_blas_thread() -> None:
    """Ask OpenBLAS for one thread before numpy loads it (never overriding a choice already made): the model's
    matrices are small, the runner limits BLAS to one thread anyway, and a pool of BLAS threads costs time to
    start, competes with the figure painters for the cores and is stopped and restarted around every fork."""
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    _one_blas_thread()
    debug = "--debug" in argv
    try:
        return _main(argv)
    except ModuleNotFoundError as error:
        problem = missing_module_error(error)
        if problem is None or debug:
            raise
        print_error(problem)
        return EXIT_USAGE


def _main(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    debug = args.debug or getattr(args, "debug_sub", False)
    with _streams_that_cannot_fail_on_encoding():
        try:
            code = _run_command(args)
            sys.stdout.flush()  # a full device or a closed pipe shows here, not in the interpreter's exit
            return code
        except EntenteError as error:
            if debug:
                raise
            print_error(error)
            return EXIT_USAGE
        except KeyboardInterrupt:
            _say("interrupted: nothing was written in place of earlier results.")
            return 130
        except BrokenPipeError:
            # The reader went away (`python -m sim list | head`): not an error worth a traceback.
            _silence_stdout()
            return EXIT_OK
        except OSError as error:
            if debug:
                raise
            print_error(_os_error(error))
            if error.filename is None:
                _silence_stdout()
            return EXIT_USAGE


def _run_command(args) -> int:
    """The command, with -q's silence or -v's account around it."""
    import time

    started, cpu = time.perf_counter(), time.process_time()
    if args.quiet and args.command not in OUTPUT_IS_THE_ANSWER | QUIET_BY_ITSELF:
        from contextlib import redirect_stdout

        with open(os.devnull, "w", encoding="utf-8") as nowhere, redirect_stdout(nowhere):
            code = int(args._module.run(args) or EXIT_OK)
    else:
        code = int(args._module.run(args) or EXIT_OK)
    if args.verbose:
        import platform
        from pathlib import Path

        sys.stdout.flush()
        _say(f"sim {args.command}: exit {code}, {time.perf_counter() - started:.2f} s "
             f"({time.process_time() - cpu:.2f} s of CPU in this process); Entente {_version()} from "
             f"{Path(__file__).resolve().parent.parent}; Python {platform.python_version()} ({sys.executable}); "
             f"working folder {Path.cwd()}")
    return code


def _os_error(error: OSError) -> EntenteError:
    """An operating-system error that escaped the commands (standard output on a full disk, a read-only
    folder for a relations file) as the usual one paragraph."""
    from ..inputs.paths import os_error

    if error.filename is None:
        reason = error.strerror or str(error) or type(error).__name__
        return EntenteError(f"cannot write to standard output (the screen, or the file or device it is "
                            f"redirected to): {reason}",
                            hint="Redirect the output to a file on a disk with free space, or use --quiet.")
    # The command did not say whether it was reading or writing: the message must not guess "write".
    return os_error(error, "read or write", error.filename)
