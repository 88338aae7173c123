"""The ``conflictmap`` command line: the parser (one module per command registers its
subcommand) and :func:`main`, which runs a command and maps its errors to exit codes.

Exit codes: 0 success; 1 unexpected internal error (reported in one line, no traceback);
2 usage error; 3 bad input (empty, binary, undecodable or too large file, over-long name);
4 not found (``lookup`` with no match); 5 data, index or store error; 6 network service
error (download, online geocoder, Dask scheduler); 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib import metadata

from geo.cli import events, export, gazetteer, ingest, layers, store
from geo.cli.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    USER_ERRORS,
    exit_code,
    user_message,
)
from geo.cli.progress import show_build_progress


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflictmap",
        description="Turn news articles about an armed conflict into a traceable map.",
        epilog="Exit codes: 0 ok, 2 usage, 3 bad input, 4 not found, 5 data/index error, "
               "6 network service error, 1 internal error.")
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {installed_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (gazetteer, events, export, layers, ingest, store):
        command.register(sub)
    return parser


def installed_version() -> str:
    """The installed distribution's version ("unknown" when run from a source tree that was
    never installed)."""
    try:
        return metadata.version("conflictmap")
    except metadata.PackageNotFoundError:
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    # libraries' log records (geopy's retries log a traceback each) are not for the user:
    # the command reports what failed in one line
    for name in ("geopy", "distributed", "pyogrio"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False
    show_build_progress()             # a first run builds the place index: say so
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except USER_ERRORS as exc:
        print(f"conflictmap: error: {user_message(exc)}", file=sys.stderr)
        return exit_code(exc)
    except KeyboardInterrupt:
        print("conflictmap: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback to users
        print(f"conflictmap: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
