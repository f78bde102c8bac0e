"""`python -m sim ...` in the test process: conftest.cli() calls sim.cli.main.main() with everything a fresh
process would have set up for it, and puts everything back afterwards.

Why: a subprocess costs about a second of imports, and most CLI tests are about what a command prints,
writes and exits with, not about the process. What a subprocess gives for free is set here by hand: the
working folder, the environment, sys.argv, empty stdin, stdout and stderr with the encoding and error
handler a fresh interpreter would choose, Python's default warning filters (a warning is printed to stderr,
where a test can see it), uncaught exceptions as a traceback and exit code 1, `sys.exit(n)` as `n % 256`.
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import traceback
import warnings
from contextlib import ExitStack, contextmanager
from pathlib import Path

# What a fresh interpreter would do differently because of these variables cannot be done in this one.
_PROCESS_VARIABLES = ("PYTHONPATH", "PYTHONIOENCODING", "PYTHONUTF8", "PYTHONWARNINGS", "PYTHONHASHSEED",
                      "PYTHONSTARTUP", "PYTHONHOME", "PYTHONSAFEPATH", "PYTHONNOUSERSITE", "PYTHONDEVMODE",
                      "LANG", "LC_ALL", "LC_CTYPE")
# Python's default warning filters (a release build, no -W or PYTHONWARNINGS), newest first.
_DEFAULT_FILTERS = [("default", DeprecationWarning, "__main__"), ("ignore", DeprecationWarning, None),
                    ("ignore", PendingDeprecationWarning, None), ("ignore", ImportWarning, None),
                    ("ignore", ResourceWarning, None)]


def run_main(args: list[str], cwd, env: dict[str, str] | None, text: bool = True) -> subprocess.CompletedProcess:
    from sim.cli.main import main

    # A process that has loaded matplotlib draws its figures itself (sim.present.painter): the painter
    # must never fork the test process.
    import matplotlib  # noqa: F401

    _refuse_what_only_a_process_can_honour(env)
    out, err = _stream(sys.__stdout__, "strict"), _stream(sys.__stderr__, "backslashreplace")
    with ExitStack() as stack:
        stack.enter_context(_environment(env))
        stack.enter_context(_folder(cwd))
        stack.enter_context(_argv([str(Path(sys.modules["sim"].__file__).parent / "__main__.py"), *args]))
        stack.enter_context(_streams(out, err))
        stack.enter_context(_logging_restored())
        stack.enter_context(_default_warnings())
        code = _exit_code(main, args)
        for stream in (out, err):
            stream.flush()
    return subprocess.CompletedProcess([sys.executable, "-m", "sim", *args], code,
                                       _read(out, text), _read(err, text))


def _exit_code(main, args: list[str]) -> int:
    """What `sys.exit(main())` in sim/__main__.py leaves as the process's exit status."""
    try:
        code = main(args)
    except SystemExit as stop:
        code = stop.code
    except KeyboardInterrupt:
        raise  # the person running the tests pressed Ctrl-C: stop the tests, not just this command
    except BaseException:  # noqa: BLE001 - an uncaught exception ends a process with a traceback and 1
        traceback.print_exc(file=sys.stderr)
        return 1
    if code is None:
        return 0
    if isinstance(code, int):
        return code % 256
    print(code, file=sys.stderr)  # sys.exit("message"): printed, exit status 1
    return 1


def _refuse_what_only_a_process_can_honour(env: dict[str, str] | None) -> None:
    if env is None:
        return
    for name in _PROCESS_VARIABLES:
        if env.get(name) != os.environ.get(name) and not (name == "PYTHONPATH" and _only_adds_this_checkout(env)):
            raise ValueError(f"cli() runs in this process and cannot honour {name}={env.get(name)!r}: use sim()")


def _only_adds_this_checkout(env: dict[str, str]) -> bool:
    """source_env() puts the checkout first on PYTHONPATH, which this process has imported sim from already."""
    from conftest import source_env

    return env.get("PYTHONPATH") == source_env().get("PYTHONPATH")


def _stream(original, default_errors: str) -> io.TextIOWrapper:
    """A stream like the one a fresh process's stdout or stderr would be when piped (same encoding and error
    handler as this interpreter's own, which the same environment chose)."""
    encoding = getattr(original, "encoding", None) or "utf-8"
    errors = getattr(original, "errors", None) or default_errors
    return io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors=errors, newline="\n")


def _read(stream: io.TextIOWrapper, text: bool) -> str | bytes:
    data = stream.buffer.getvalue()  # type: ignore[attr-defined]
    if not text:
        return data
    # subprocess.run(text=True) decodes with the locale's encoding and universal newlines.
    return data.decode(stream.encoding, errors="strict").replace("\r\n", "\n").replace("\r", "\n")


@contextmanager
def _environment(env: dict[str, str] | None):
    saved = dict(os.environ)
    if env is not None:
        os.environ.clear()
        os.environ.update(env)
    _forget_data_folder()
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        _forget_data_folder()


def _forget_data_folder() -> None:
    """sim.inputs.resources reads ENTENTE_DATA_DIR once and caches the folders it names: a fresh process reads the
    variable anew, and so does each command here (whether it came through env= or a test's monkeypatch)."""
    from sim.inputs import resources

    for value in vars(resources).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()


@contextmanager
def _folder(cwd):
    saved = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved)


@contextmanager
def _argv(argv: list[str]):
    saved = sys.argv
    sys.argv = argv
    try:
        yield
    finally:
        sys.argv = saved


@contextmanager
def _streams(out: io.TextIOWrapper, err: io.TextIOWrapper):
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(""), out, err
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


@contextmanager
def _default_warnings():
    """Python's default filters, and warnings printed to (the captured) stderr as a process prints them."""
    with warnings.catch_warnings():
        warnings.resetwarnings()
        for action, category, module in reversed(_DEFAULT_FILTERS):
            warnings.filterwarnings(action, category=category, module=module or "")
        warnings.showwarning = _show_on_stderr
        yield


def _show_on_stderr(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


@contextmanager
def _logging_restored():
    """Handlers, levels and propagation of every logger as they were (a command may configure logging, e.g.
    Dask's for a sweep), so nothing a command set up writes into a later test."""
    loggers = [logging.getLogger()] + [logger for logger in logging.Logger.manager.loggerDict.values()
                                       if isinstance(logger, logging.Logger)]
    saved = {id(logger): (logger, list(logger.handlers), logger.level, logger.propagate, logger.disabled)
             for logger in loggers}
    disabled = logging.root.manager.disable
    try:
        yield
    finally:
        logging.disable(disabled)
        for logger in [logging.getLogger()] + list(logging.Logger.manager.loggerDict.values()):
            if not isinstance(logger, logging.Logger):
                continue
            if id(logger) in saved:
                _, handlers, level, propagate, was_disabled = saved[id(logger)]
                logger.handlers[:] = handlers
                logger.setLevel(level)
                logger.propagate, logger.disabled = propagate, was_disabled
            else:
                logger.handlers[:] = []
