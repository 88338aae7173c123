"""``conflictmap store check DIR --repair [PATH ...]``: a damaged store made whole again where
it can be (see ``geo.store.check`` for what is checked and what each repair does)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from geo.store.check import CheckReport, check_store, drop_damaged
from geo.store.ingest import ingest, reextract
from geo.store.tables import Store


def repair_store(store: str | Path, paths: Iterable[str] = (), *,
                 log: Callable[[str], None] | None = None, **ingest_options) -> CheckReport:
    """Check ``store`` and repair it: damaged parts dropped (committed), articles whose text
    the store keeps extracted again, then ``paths`` (article files, folders, glob patterns)
    ingested (restoring lost articles) and the merged events rebuilt, by
    ``geo.store.ingest.ingest`` (other keyword arguments go to it). Returns the check's
    report with ``actions`` and ``lost`` (lost articles that ``paths`` did not restore).
    Raises StoreError for a damaged manifest or a locked store."""
    log = log or (lambda line: None)
    st = Store(store)
    with st.writing():
        report = check_store(st)
        redo, lost = drop_damaged(st, report)
        for d in report.damaged:
            report.actions.append(f"dropped {d.rel} ({d.problem})" if d.table != "merged"
                                  else f"merged file {d.rel} {d.problem}")
        if redo:
            n = reextract(st, redo, log=log)
            report.actions.append(f"extracted {n} article(s) again from their stored text")
    result = ingest(list(paths), st.root, log=log, **ingest_options)
    if result.new:
        report.actions.append(f"ingested {result.new} article(s) from the files given")
    if result.merged:
        report.actions.append(f"merged events rebuilt ({result.events} events)")
    have = set(st.read("articles", ["article_id"]).column("sha1").to_pylist())
    report.lost = sorted(a for h, a in lost.items() if h not in have)
    return report
