"""``conflictmap events``: articles → merged events as CSV, GeoJSON, GeoParquet or
GeoPackage (ACLED's columns and ours)."""

from __future__ import annotations

import argparse
import sys

from geo.cli.inputs import add_article_arguments, input_articles, input_store, store_articles
from geo.events.pipeline import article_events
from geo.events.table import events_frame
from geo.io import FORMATS, write_frame
from geo.store import load_events


def register(sub: argparse._SubParsersAction) -> None:
    ev = sub.add_parser(
        "events", help="extract events from articles (default: the bundled seeds)",
        description="Extract events (actors, ACLED type, date and location with precision) "
                    "from articles, merge those told by several articles, and write them. "
                    "Bad inputs are reported and skipped (exit 3); the output is written "
                    "atomically. With --store DIR, the merged events of a store written by "
                    "'conflictmap ingest'.")
    add_article_arguments(ev)
    ev.add_argument("--format", choices=FORMATS, help="default: from the --out extension "
                    "(.csv, .geojson, .parquet, .gpkg)")
    ev.add_argument("--out", required=True, help="output file")
    ev.set_defaults(func=cmd_events)


def cmd_events(args: argparse.Namespace) -> int:
    store = input_store(args)
    if store is not None:
        frame, n_articles, errors = load_events(store), store_articles(store), []
    else:
        articles, errors = input_articles(args)
        frame, n_articles = events_frame(article_events(articles)), len(articles)
    out = write_frame(frame, args.out, args.format)
    merged = int((frame["n_sources"] > 1).sum())
    print(f"{n_articles} articles, {len(frame)} events ({merged} told by several "
          f"articles), {int(frame.geometry.notna().sum())} located -> {out}", file=sys.stderr)
    return 3 if errors else 0
