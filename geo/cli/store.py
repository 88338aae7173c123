"""``conflictmap store check DIR [--repair [PATH ...]]``: verify a store's files against its
manifest (existence, size, checksum, readable Parquet) and repair what can be rebuilt
(``geo.store.check``, ``geo.store.repair``).

Exit codes: 0 the store is intact (or was repaired whole); 5 damaged files (named, with the
repair command), a damaged manifest, a store another ingest is writing, or a repair that
could not restore every article (they are named: give their files); 3 unreadable article
files given to the repair; 2 usage.
"""

from __future__ import annotations

import argparse
import sys

from geo.errors import UsageError
from geo.store.check import check_store, damage_error
from geo.store.repair import repair_store


def register(sub: argparse._SubParsersAction) -> None:
    st = sub.add_parser("store", help="check and repair a store written by 'ingest'",
                        description="Commands on a store written by 'conflictmap ingest'.")
    cmds = st.add_subparsers(dest="store_command", required=True, metavar="COMMAND")
    ck = cmds.add_parser(
        "check", help="verify every file the manifest lists; --repair rebuilds what it can",
        description="Verify every file the store's manifest lists: present, of the size and "
                    "checksum recorded when it was written, and readable. With --repair: "
                    "damaged merged files are rebuilt from the stored events, damaged event "
                    "or mention files are extracted again from the article text the store "
                    "keeps, and articles whose text was lost are dropped and named; give "
                    "their files after --repair to ingest them again. The repair commits through "
                    "the manifest like an ingest. Exit codes: 0 intact or repaired, "
                    "5 damaged (or articles lost), 3 unreadable PATHs, 2 usage.")
    ck.add_argument("store", metavar="DIR", help="the store folder")
    ck.add_argument("--repair", nargs="*", metavar="PATH", default=None,
                    help="repair what can be rebuilt; the PATHs (article files, folders or "
                         "glob patterns) restore articles whose text was lost")
    ck.add_argument("--quick", action="store_true",
                    help="check presence and size only (no checksums)")
    ck.add_argument("--encoding", help="with --repair: encoding of the PATHs (default UTF-8)")
    ck.add_argument("--manifest", help="with --repair: CSV with file,title,source,date,url")
    ck.set_defaults(func=cmd_check)


def cmd_check(args: argparse.Namespace) -> int:
    repair = args.repair is not None
    if (args.encoding or args.manifest) and not repair:
        raise UsageError("--encoding and --manifest go with --repair")
    if repair and args.quick:
        raise UsageError("--repair checks every file in full; leave out --quick")
    if not repair:
        report = check_store(args.store, quick=args.quick)
        _summary(report)
        if report.ok:
            return 0
        for d in report.damaged:
            print(f"damaged: {d.rel} {d.problem}", file=sys.stderr)
        raise damage_error(report)
    report = repair_store(args.store, args.repair, encoding=args.encoding,
                          manifest=args.manifest,
                          log=lambda line: print(line, file=sys.stderr, flush=True))
    for line in report.actions:
        print(f"repair: {line}", file=sys.stderr)
    after = check_store(args.store)
    _summary(after)
    if not after.ok:
        raise damage_error(after)
    if report.lost:
        print(f"conflictmap: error: {len(report.lost)} article(s) lost with their text: "
              + ", ".join(report.lost[:20]) + (" …" if len(report.lost) > 20 else "")
              + f"; restore them from their files: conflictmap store check {args.store} "
              "--repair FILE ...", file=sys.stderr)
        return 5
    return 0


def _summary(report) -> None:
    state = "intact" if report.ok else f"{len(report.damaged)} damaged"
    checked = "" if not report.unverified else \
        f" ({report.unverified} with no checksum recorded: size and footer checked)"
    print(f"{report.root}: {report.files} files, {report.bytes / 1e6:.1f} MB, {state}"
          f"{checked}", file=sys.stderr)
