"""Gazetteer subcommands: ``lookup``, ``geoparse``, ``gazetteer build|info|download``."""

from __future__ import annotations

import argparse
import json
import sys

from gazetteer.errors import GazetteerError, NotFound


def register(sub: argparse._SubParsersAction) -> None:
    """Add the gazetteer subcommands to the top-level parser."""
    lk = sub.add_parser("lookup", help="find places by name",
                        description="Find places by name in the offline gazetteer. "
                                    "Exit 4 when nothing matches.")
    lk.add_argument("name")
    lk.add_argument("--country", help="ISO code (IQ) or country name to restrict to")
    lk.add_argument("--limit", type=int, default=10)
    lk.add_argument("--json", action="store_true", help="one JSON object per line")
    on = lk.add_argument_group("online fallback (off by default; used only when the offline "
                               "gazetteer finds nothing)")
    on.add_argument("--online", action="store_true")
    on.add_argument("--user-agent", help="required with --online: who you are")
    on.add_argument("--geocoder", default="nominatim", help="any geopy service name")
    on.add_argument("--geocoder-domain", metavar="HOST:PORT")
    on.add_argument("--geocoder-scheme", choices=("http", "https"))
    lk.set_defaults(func=cmd_lookup)

    gp = sub.add_parser("geoparse", help="find and resolve place names in text files",
                        description="Each input gives one JSON line: {file, mentions}. "
                                    "A bad input gives {file, error}, a message on stderr and "
                                    "exit code 3; the other inputs are still processed.")
    gp.add_argument("files", nargs="+", metavar="FILE", help="text files; - reads stdin")
    gp.add_argument("--format", choices=("jsonl",), default="jsonl")
    gp.add_argument("--encoding", help="input encoding (default UTF-8)")
    gp.add_argument("--max-mb", type=float, default=10.0, help="largest input, in MB")
    gp.set_defaults(func=cmd_geoparse)

    gz = sub.add_parser("gazetteer", help="build, inspect or extend the gazetteer index")
    gz_sub = gz.add_subparsers(dest="gazetteer_command", required=True, metavar="ACTION")
    info = gz_sub.add_parser("info", help="build the index if needed and print its figures")
    info.set_defaults(func=cmd_info)
    build = gz_sub.add_parser("build", help="(re)build the index now")
    build.set_defaults(func=cmd_build)
    from gazetteer.sources import geonames_dump

    geonames_dump.register_cli(gz_sub)


def cmd_lookup(args: argparse.Namespace) -> int:
    from gazetteer.api import Gazetteer

    online = None
    if args.online:
        from gazetteer.sources.online import OnlineSource

        kwargs = {k: v for k, v in (("domain", args.geocoder_domain),
                                    ("scheme", args.geocoder_scheme)) if v}
        online = OnlineSource(args.user_agent or "", service=args.geocoder, **kwargs)
    places = Gazetteer(online=online).lookup(args.name, country=args.country, limit=args.limit)
    if not places:
        raise NotFound(f"no place named {args.name[:80]!r}")
    for p in places:
        if args.json:
            print(json.dumps({**p.to_dict(), "precision": p.precision.to_dict()},
                             ensure_ascii=False))
        else:
            where = f"{p.lat:.5f}, {p.lon:.5f}" if p.located else "unlocated"
            print(f"{p.name}\t{p.country_code}\t{p.feature_code}\t{where}\t"
                  f"pop {p.population}\t{p.id}\t{p.source}")
    return 0


def cmd_geoparse(args: argparse.Namespace) -> int:
    from gazetteer.api import default_gazetteer

    from .inputs import read_text

    gazetteer = default_gazetteer()
    worst = 0
    for name in args.files:
        try:
            text = read_text(name, args.encoding, int(args.max_mb * 1024 * 1024))
            mentions = gazetteer.geoparse(text)
            record = {"file": name, "mentions": [m.to_dict() for m in mentions]}
        except GazetteerError as exc:
            print(f"conflictmap: error: {exc}", file=sys.stderr)
            record = {"file": name, "error": str(exc)}
            worst = max(worst, exc.exit_code)
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return worst


def cmd_info(args: argparse.Namespace) -> int:
    import time

    from gazetteer.index import open_index

    started = time.perf_counter()
    ix = open_index()
    st = ix.stats()
    print(f"index: {ix.db_path}")
    print(f"places: {st.places}  names: {st.names}  keys: {st.keys}")
    print(f"build seconds: {st.build_seconds}  size on disk: {st.bytes_on_disk / 1e6:.1f} MB")
    print(f"opened in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from gazetteer.index import open_index

    ix = open_index(rebuild=True)
    st = ix.stats()
    print(f"built {ix.db_path}: {st.places} places, {st.names} names in {st.build_seconds} s")
    return 0
