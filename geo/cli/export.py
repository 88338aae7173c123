"""``conflictmap export``: articles → a standalone HTML map (events, place mentions, borders,
the layers of the corpus's theatres, an in-page time slider), self-contained by default."""

from __future__ import annotations

import argparse
import sys

from geo.cli.inputs import (
    add_article_arguments,
    add_map_arguments,
    input_articles,
    input_store,
    map_options,
    store_articles,
)
from geo.errors import InputError, UsageError
from geo.events.pipeline import corpus_events
from geo.layers.snapshots import MAX_DATES
from geo.store import load_events, load_mentions
from geo.text.dates import parse_day
from geo.web.map import export_map


def positive_count(value, option: str) -> int:
    """``value`` (command-line text) as a whole number ≥ 1; InputError (exit code 3)
    naming ``option`` otherwise."""
    text = str(value).strip()
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise InputError(f"{option} must be a positive whole number, not {text[:40]!r}")
    return number


def register(sub: argparse._SubParsersAction) -> None:
    ex = sub.add_parser(
        "export", help="write an HTML map of the articles' events (default: the bundled seeds)",
        description="Extract and merge the articles' events and place mentions and write an "
                    "HTML map with a time slider, layer control and legend. The page inlines "
                    "Leaflet and opens with no network; with --cdn it loads Leaflet from "
                    "the CDN instead (a smaller page that needs the network). Written "
                    "atomically. With "
                    "--store DIR, the events and place mentions of a store written by "
                    "'conflictmap ingest'.")
    add_article_arguments(ex)
    ex.add_argument("--out", required=True, help="output HTML file")
    ex.add_argument("--start", help="first day shown, YYYY-MM-DD")
    ex.add_argument("--end", help="last day shown, YYYY-MM-DD")
    ex.add_argument("--self-contained", action="store_true",
                    help="inline every script and stylesheet (the default; kept for old "
                         "scripts)")
    ex.add_argument("--cdn", action="store_true",
                    help="load Leaflet from its CDN: the page needs the network")
    add_map_arguments(ex)
    ex.add_argument("--max-control-dates", metavar="N", default=None,
                    help="compute the territorial-control layers for at most N step dates "
                         "(the distinct event days in range; more: a regular sample keeping "
                         f"the first and last, 1: the last; default {MAX_DATES}); fewer is "
                         "faster and smaller")
    ex.set_defaults(func=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    max_dates = MAX_DATES if args.max_control_dates is None else \
        positive_count(args.max_control_dates, "--max-control-dates")
    start, end = parse_day(args.start, "--start date"), parse_day(args.end, "--end date")
    if start and end and start > end:
        raise InputError(f"--start {start} is after --end {end}")
    if args.cdn and args.self_contained:
        raise UsageError("--cdn and --self-contained do not go together")
    store = input_store(args)
    if store is not None:
        events, mentions = load_events(store), load_mentions(store)
        control = load_events(store, control=True)
        n_articles, errors = store_articles(store), []
    else:
        articles, errors = input_articles(args)
        found = corpus_events(articles)
        events, mentions, control = found.events, found.mentions, found.control
        n_articles = len(articles)
    stats: dict = {}
    out = export_map(events, mentions, args.out, self_contained=not args.cdn,
                     start=start, end=end, stats=stats, control_events=control,
                     max_control_dates=max_dates, **map_options(args, control))
    kind = "CDN" if args.cdn else "self-contained"
    days = stats["control_dates"]
    print(f"{n_articles} articles, {len(events)} events, control layers for {days} "
          f"day{'s' if days != 1 else ''} -> {out} ({kind}, {out.stat().st_size / 1e6:.1f} MB)",
          file=sys.stderr)
    for day, note in stats.get("not_drawn", {}).items():
        print(f"conflictmap: warning: {day}: {note}", file=sys.stderr)
    return 3 if errors else 0
