"""The command line: a thin layer over the Python API (parse arguments, call, print, set exit codes)."""

from .main import main

__all__ = ["main"]
