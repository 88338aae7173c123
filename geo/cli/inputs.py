"""The article inputs shared by the commands that read articles (``events``, ``export``,
``layers``): paths (default: the bundled seeds), a metadata manifest and an input encoding,
or ``--store DIR``, a store written by ``conflictmap ingest`` (``geo.store``)."""

from __future__ import annotations

import argparse
import math
import sys

from geo.errors import InputError, UsageError
from geo.store import Store
from geo.text.articles import bundled_seeds, read_articles
from geo.theatres import load_theatres, select_theatres


def add_article_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (default: seeds/)")
    parser.add_argument("--manifest", help="CSV with file,title,source,date,url columns")
    parser.add_argument("--encoding", help="input encoding (default UTF-8)")
    parser.add_argument("--one-story", action="store_true",
                        help="the files tell one story: an article with no date of its own "
                             "is dated from the others' dates (default: from its own text "
                             "only; one file never changes another's dates)")
    parser.add_argument("--store", metavar="DIR",
                        help="read the articles' events from this store (written by "
                             "'conflictmap ingest') instead of files")


def input_articles(args: argparse.Namespace) -> tuple[list, list]:
    """(articles, errors) from ``args``; each unreadable input is reported on stderr and
    skipped. Raises InputError when no input is readable."""
    if args.paths:
        articles, errors = read_articles(args.paths, manifest=args.manifest,
                                         encoding=args.encoding,
                                         one_story=getattr(args, "one_story", False))
    else:
        articles, errors = bundled_seeds(), []
    for path, message in errors:
        print(f"conflictmap: skipped {path}: {message}", file=sys.stderr)
    for a in articles:
        if a.warning:
            print(f"conflictmap: warning: {a.warning}", file=sys.stderr)
    if not articles:
        raise InputError("no readable article among the inputs")
    return articles, errors


def input_store(args: argparse.Namespace) -> Store | None:
    """The ``geo.store.Store`` of ``--store``, or None without it. PATHs, ``--manifest``,
    ``--encoding`` or ``--one-story`` together with ``--store`` are a usage error; a missing
    or damaged store raises StoreError (exit code 5)."""
    if not getattr(args, "store", None):
        return None
    if args.paths or args.manifest or args.encoding or getattr(args, "one_story", False):
        raise UsageError("give article PATHs or --store, not both (--manifest and --encoding "
                         "apply to files; a store keeps what they gave at ingest)")
    return Store(args.store)


def store_articles(store: Store) -> int:
    """How many articles ``store`` holds."""
    return len(store.versions())


def positive(value: float, flag: str) -> float:
    """``value`` when it is a positive finite number; InputError naming ``flag``
    otherwise."""
    if not value > 0 or not math.isfinite(value):
        raise InputError(f"{flag} must be a positive number, not {value}")
    return value


def positive_number(value: str) -> float:
    """An argparse type: a finite number above 0 ("nan", "inf", "-1" are usage errors)."""
    return _checked(value, float, lambda x: math.isfinite(x) and x > 0,
                    "a number", "a finite number above 0")


def positive_int(value: str) -> int:
    """An argparse type: a whole number of at least 1 ("0", "-3", "2.5" are usage errors)."""
    return _checked(value, int, lambda n: n >= 1, "a whole number", "at least 1")


def _checked(value: str, convert, ok, kind: str, wanted: str):
    try:
        x = convert(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not {kind}: {value!r}") from None
    if not ok(x):
        raise argparse.ArgumentTypeError(f"must be {wanted}, not {value!r}")
    return x


def add_map_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the commands that draw a theatre's layers (``layers``, ``export``):
    the theatre and the corridor width."""
    parser.add_argument("--theatre", default="auto", metavar="NAME|auto|none",
                        help="whose borders, crossings, zones and corridor questions to draw: "
                             "a theatre of geo/theatres/data ("
                             + ", ".join(load_theatres()) + "; several separated by "
                             "commas), 'auto' (default: the theatres of the events' "
                             "countries) or 'none'")
    parser.add_argument("--corridor-km", type=float, default=None,
                        help="width of every border corridor in km (default: each border's "
                             "own, from its theatre file)")


def map_options(args: argparse.Namespace, events) -> dict:
    """``theatres`` (chosen for ``events``; InputError for an unknown name) and
    ``corridor_km`` (checked positive) from the options of :func:`add_map_arguments`."""
    if args.corridor_km is not None:
        positive(args.corridor_km, "--corridor-km")
    return {"theatres": select_theatres(args.theatre, events),
            "corridor_km": args.corridor_km}
