"""Gazetteer subcommands: ``lookup``, ``geoparse``, ``gazetteer build|info|download``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from gazetteer.api import Gazetteer, default_gazetteer, region_codes
from gazetteer.errors import GazetteerError, NotFound
from gazetteer.index import cache_dir, open_index
from gazetteer.sources.geonames_dump import BASE_URL, download, dump_dir
from gazetteer.sources.online import OnlineSource
from geo.cli.errors import exit_code, user_message
from geo.cli.inputs import positive_int, positive_number
from geo.errors import GeoError
from geo.text.inputs import read_text


def register(sub: argparse._SubParsersAction) -> None:
    """Add the gazetteer subcommands to the top-level parser."""
    lk = sub.add_parser("lookup", help="find places by name",
                        description="Find places by name in the offline gazetteer. "
                                    "Exit 4 when nothing matches.")
    lk.add_argument("name")
    lk.add_argument("--country", help="ISO code (IQ) or country name to restrict to")
    lk.add_argument("--limit", type=positive_int, default=10,
                    help="at most this many places (default 10)")
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
    gp.add_argument("--max-mb", type=positive_number, default=10.0,
                    help="largest input, in MB (a positive number)")
    gp.add_argument("--region", type=region_arg, default=frozenset(), metavar="CC,...",
                    help="the countries the corpus is about (ISO codes, e.g. IQ,SY): a prior "
                         "for short texts and the focus that far places must fit")
    gp.add_argument("--min-confidence", type=unit_interval, default=0.0, metavar="X",
                    help="leave out mentions resolved with a confidence below X (0 to 1; "
                         "default 0: every mention, each with its confidence)")
    gp.set_defaults(func=cmd_geoparse)

    gz = sub.add_parser("gazetteer", help="build, inspect or extend the gazetteer index")
    gz_sub = gz.add_subparsers(dest="gazetteer_command", required=True, metavar="ACTION")
    info = gz_sub.add_parser("info", help="build the index if needed and print its figures")
    info.set_defaults(func=cmd_info)
    build = gz_sub.add_parser("build", help="(re)build the index now")
    build.set_defaults(func=cmd_build)
    dl = gz_sub.add_parser(
        "download", help="download full GeoNames country dumps into the gazetteer",
        description="Download GeoNames dumps (CC-BY 4.0) into DIR/geonames and rebuild the "
                    "index. The index reads them when DIR is its cache directory (the default, "
                    "or $CONFLICTMAP_CACHE_DIR).")
    dl.add_argument("countries", nargs="+", metavar="CC",
                    help="two-letter country code (IQ SY …) or allCountries")
    dl.add_argument("--base-url", default=BASE_URL, help=f"dump site (default: {BASE_URL})")
    dl.add_argument("--no-alternate-names", dest="alternate_names", action="store_false",
                    help="skip the alternatenames/CC.zip files")
    dl.add_argument("--dest", type=Path, metavar="DIR",
                    help="cache directory to install into (default: the index cache directory)")
    dl.add_argument("--no-build", action="store_true", help="do not rebuild the index")
    dl.add_argument("--timeout", type=positive_number, default=60.0,
                    help="network timeout in seconds (default: 60)")
    dl.set_defaults(func=cmd_download)


def unit_interval(value: str) -> float:
    """An argparse type: a number from 0 to 1."""
    try:
        x = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= x <= 1.0:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, not {value!r}")
    return x


def region_arg(value: str) -> frozenset[str]:
    """An argparse type: ISO 3166 alpha-2 codes separated by commas ("IQ,SY")."""
    try:
        return region_codes(value)
    except GazetteerError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_lookup(args: argparse.Namespace) -> int:
    online = None
    if args.online:
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

    gazetteer = default_gazetteer()
    worst = 0
    for name in args.files:
        try:
            text = read_text(name, args.encoding, int(args.max_mb * 1024 * 1024))
            mentions = gazetteer.geoparse(text, region=args.region)
            record = {"file": name, "mentions": [m.to_dict() for m in mentions
                                                 if m.confidence >= args.min_confidence]}
        except (GazetteerError, GeoError) as exc:
            print(f"conflictmap: error: {user_message(exc)}", file=sys.stderr)
            record = {"file": name, "error": user_message(exc)}
            worst = max(worst, exit_code(exc))
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return worst


def cmd_info(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    ix = open_index()
    st = ix.stats()
    print(f"index: {ix.db_path}")
    print(f"places: {st.places}  names: {st.names}  keys: {st.keys}")
    print(f"build seconds: {st.build_seconds}  size on disk: {st.bytes_on_disk / 1e6:.1f} MB")
    print(f"opened in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    ix = open_index(rebuild=True)
    st = ix.stats()
    print(f"built {ix.db_path}: {st.places} places, {st.names} names in {st.build_seconds} s")
    return 0


def cmd_download(args: argparse.Namespace) -> int:
    dest = args.dest or cache_dir()
    for path in download(args.countries, dump_dir(dest), args.base_url,
                         args.alternate_names, args.timeout):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    if not args.no_build:
        ix = open_index(directory=dest)
        print(f"index {ix.db_path}: {ix.stats().places:,} places")
        ix.close()
    return 0
