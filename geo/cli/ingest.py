"""``conflictmap ingest``: article files → a store (``geo.store``), incrementally.

Exit codes: 0 every input ingested or already in the store; 3 some inputs were skipped
(unreadable, missing, binary, empty, not UTF-8, too large, no text after the header, or
failed extraction; each named on stderr) and everything else was committed; 2 usage;
5 store error (not a store, damaged manifest, another ingest writing it) or index error;
6 the Dask scheduler is unreachable or a Dask task failed (committed batches are kept);
130 interrupted (committed batches are kept); 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys

from geo.cli.inputs import positive_int, positive_number
from geo.errors import UsageError
from geo.store.engines import ENGINES
from geo.store.ingest import DEFAULT_BATCH, UNDATED_POLICIES, ingest, print_log


def register(sub: argparse._SubParsersAction) -> None:
    ing = sub.add_parser(
        "ingest", help="add articles to a store (incremental, resumable)",
        description="Geoparse the new articles among PATHs (files, folders, glob patterns "
                    "such as 'feeds/**/*.txt') and extract their events into the store "
                    "--store DIR (GeoParquet partitioned by publication day; created when "
                    "missing). Articles already in the store (same text) are skipped; a "
                    "killed ingest loses only its uncommitted batch and picks up where it "
                    "stopped when run again. The merged events are brought up to date at the "
                    "end (only what the new articles touch is merged again). "
                    "Exit codes: 0 ok, 3 some inputs skipped (named on stderr), 2 usage, "
                    "5 store or index error, 6 Dask scheduler error, 1 internal error.")
    ing.add_argument("paths", nargs="+", metavar="PATH|GLOB",
                     help="article files, folders (*.txt, *.md) or glob patterns")
    ing.add_argument("--store", required=True, metavar="DIR", help="the store folder")
    ing.add_argument("--engine", choices=ENGINES, default="local",
                     help="local: this process (default); dask: a dask.distributed cluster")
    ing.add_argument("--scheduler", metavar="ADDRESS",
                     help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (--engine dask; "
                          "default: start a local cluster of --workers processes)")
    ing.add_argument("--workers", type=positive_int, default=2,
                     help="worker processes of the local Dask cluster (default 2)")
    ing.add_argument("--batch-size", type=positive_int, default=DEFAULT_BATCH,
                     help=f"articles per batch and per commit (default {DEFAULT_BATCH})")
    ing.add_argument("--manifest", help="CSV with file,title,source,date,url columns")
    ing.add_argument("--encoding", help="input encoding (default UTF-8)")
    ing.add_argument("--max-mb", type=positive_number, default=10.0,
                     help="skip files larger than this many MB (default 10)")
    ing.add_argument("--undated", choices=UNDATED_POLICIES, default="own",
                     help="articles with no date of their own: 'own' (default) dates them "
                          "from their own text only (one file never changes another's "
                          "dates); when the store's files tell one story, 'store' dates them "
                          "from the store's dates and extracts them again whenever that "
                          "moves their window (the result equals 'conflictmap events "
                          "--one-story' on all files), 'fixed' dates them once, when "
                          "ingested (no re-extraction as the store grows)")
    ing.add_argument("--json", action="store_true",
                     help="print a JSON summary on stdout")
    ing.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    ing.set_defaults(func=cmd_ingest)


def cmd_ingest(args: argparse.Namespace) -> int:
    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask")

    def log(line: str) -> None:
        if not args.quiet or line.startswith("conflictmap: "):     # skipped, warnings
            print_log(line)

    report = ingest(args.paths, args.store, engine=args.engine, scheduler=args.scheduler,
                    workers=args.workers, batch_size=args.batch_size,
                    manifest=args.manifest, encoding=args.encoding,
                    max_bytes=int(args.max_mb * 1024 * 1024), undated=args.undated,
                    log=log)
    print(f"{report.new} new articles ({report.bytes_new / 1e6:.2f} MB) in "
          f"{report.batches} batches, {report.already} already in the store, "
          f"{report.duplicates} duplicates, {len(report.errors)} skipped; "
          f"{report.redated} undated articles dated; {report.events} merged events in "
          f"{args.store} ({report.seconds:.1f} s, engine {report.engine})", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    return 3 if report.errors else 0
