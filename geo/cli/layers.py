"""``conflictmap layers``: articles → every control and corridor layer for one date (control
places, control areas, frontlines and, for the corpus's theatres, the borders of interest and
their corridors, border crossings, named zones and the corridor answers) as GeoJSON or
GeoParquet, with a ``layer`` column."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.cli.inputs import (
    add_article_arguments,
    add_map_arguments,
    input_articles,
    input_store,
    map_options,
    positive,
    store_articles,
)
from geo.errors import InputError
from geo.events.pipeline import control_events
from geo.events.table import events_frame
from geo.io import output_format, write_frame
from geo.layers.registry import dropped_note, layers_for_date
from geo.store import load_events
from geo.text.dates import parse_day

FORMATS = ("geojson", "parquet", "gpkg")


def register(sub: argparse._SubParsersAction) -> None:
    ly = sub.add_parser(
        "layers", help="write the control, frontline and corridor layers for a date",
        description="Extract and merge the articles' events (keeping standing facts such as "
                    "'X is held by Y') and write, for --date, every layer (control, "
                    "control_area, frontline and, for the theatre, border, corridor, "
                    "border_crossing, corridor_event, corridor_control, zone, "
                    "land_corridor) "
                    "into one GeoJSON or GeoParquet file with a 'layer' column. Written "
                    "atomically. With --store DIR, the events of a store written by "
                    "'conflictmap ingest'.")
    add_article_arguments(ly)
    ly.add_argument("--date", required=True, help="the day, YYYY-MM-DD")
    ly.add_argument("--out", required=True, help="output file (.geojson or .parquet)")
    ly.add_argument("--format", choices=FORMATS, help="default: from the --out extension")
    ly.add_argument("--radius-km", type=float, default=30.0,
                    help="reach of one control report, km (default 30)")
    ly.add_argument("--half-life-days", type=float, default=30.0,
                    help="days after which an observation's confidence halves (default 30)")
    add_map_arguments(ly)
    ly.set_defaults(func=cmd_layers)


def cmd_layers(args: argparse.Namespace) -> int:
    day = parse_day(args.date, "--date")
    if day is None:
        raise InputError("bad --date '': use YYYY-MM-DD")
    fmt = output_format(Path(args.out), args.format, FORMATS)
    for value, flag in ((args.radius_km, "--radius-km"), (args.half_life_days,
                        "--half-life-days")):
        positive(value, flag)
    if args.corridor_km is not None:
        positive(args.corridor_km, "--corridor-km")
    store = input_store(args)
    if store is not None:
        events, n_articles, errors = load_events(store, control=True), \
            store_articles(store), []
    else:
        articles, errors = input_articles(args)
        events, n_articles = events_frame(control_events(articles)), len(articles)
    layers = layers_for_date(events, day, radius_km=args.radius_km,
                             half_life_days=args.half_life_days, **map_options(args, events))
    out = write_frame(layers, args.out, fmt)
    answer = layers[(layers.layer == "land_corridor") & (layers.kind == "answer")] \
        if "kind" in layers.columns else layers.iloc[:0]
    counts = layers.layer.value_counts()
    rough = layers[layers["approximate"].fillna(False).astype(bool)].layer.value_counts() \
        if "approximate" in layers.columns else counts.iloc[:0]
    theatres = layers.attrs.get("theatres") or ["none"]
    print(f"{n_articles} articles, {len(events)} events -> {out}: "
          + ", ".join(f"{k} {counts[k]}" + (f" ({rough[k]} approximate)" if k in rough else "")
                      for k in counts.index)
          + "".join(f"; {name}" for name in answer.name)
          + f"; theatre: {', '.join(theatres)}", file=sys.stderr)
    if expired := layers.attrs.get("expired"):
        print(f"conflictmap: {expired} control claim(s) older than "
              f"{layers.attrs['max_age_days']:g} days: history, not drawn", file=sys.stderr)
    if note := dropped_note(layers):
        print(f"conflictmap: warning: {note}", file=sys.stderr)
    return 3 if errors else 0
