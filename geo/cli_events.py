"""``conflictmap events``: articles → merged events as CSV, GeoJSON or GeoParquet."""

from __future__ import annotations

import argparse
import sys

from gazetteer.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "events", help="extract events from articles (default: the bundled seeds)",
        description="Extract events (actors, ACLED type, date and location with precision) "
                    "from articles, merge those told by several articles, and write them. "
                    "Bad inputs are reported and skipped (exit 3); the output is written "
                    "atomically.")
    ev.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (default: seeds/)")
    ev.add_argument("--manifest", help="CSV with file,title,source,date,url columns")
    ev.add_argument("--format", choices=("csv", "geojson", "parquet"), help="default: from --out")
    ev.add_argument("--out", required=True, help="output file")
    ev.add_argument("--encoding", help="input encoding (default UTF-8)")
    ev.set_defaults(func=cmd_events)


def cmd_events(args: argparse.Namespace) -> int:
    from .articles import bundled_seeds, read_articles
    from .event_table import events_frame
    from .export import write_frame
    from .pipeline import article_events

    if args.paths:
        articles, errors = read_articles(args.paths, manifest=args.manifest,
                                         encoding=args.encoding)
    else:
        articles, errors = bundled_seeds(), []
    for path, message in errors:
        print(f"conflictmap: skipped {path}: {message}", file=sys.stderr)
    if not articles:
        raise InputError("no readable article among the inputs")
    events = article_events(articles)
    frame = events_frame(events)
    out = write_frame(frame, args.out, args.format)
    merged = sum(1 for e in events if len(e.sources) > 1)
    print(f"{len(articles)} articles, {len(frame)} events ({merged} told by several "
          f"articles), {int(frame.geometry.notna().sum())} located -> {out}", file=sys.stderr)
    return 3 if errors else 0
