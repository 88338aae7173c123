"""``conflictmap events``: articles → merged events as CSV, GeoJSON or GeoParquet."""

from __future__ import annotations

import argparse
import sys

from .cli_articles import add_article_arguments, input_articles


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "events", help="extract events from articles (default: the bundled seeds)",
        description="Extract events (actors, ACLED type, date and location with precision) "
                    "from articles, merge those told by several articles, and write them. "
                    "Bad inputs are reported and skipped (exit 3); the output is written "
                    "atomically.")
    add_article_arguments(ev)
    ev.add_argument("--format", choices=("csv", "geojson", "parquet"), help="default: from --out")
    ev.add_argument("--out", required=True, help="output file")
    ev.set_defaults(func=cmd_events)


def cmd_events(args: argparse.Namespace) -> int:
    from .event_table import events_frame
    from .export import write_frame
    from .pipeline import article_events

    articles, errors = input_articles(args)
    events = article_events(articles)
    frame = events_frame(events)
    out = write_frame(frame, args.out, args.format)
    merged = sum(1 for e in events if len(e.sources) > 1)
    print(f"{len(articles)} articles, {len(frame)} events ({merged} told by several "
          f"articles), {int(frame.geometry.notna().sum())} located -> {out}", file=sys.stderr)
    return 3 if errors else 0
