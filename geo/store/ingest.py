"""Incremental ingest of article files into a store (``geo.store.tables``), in batches, on this
process (engine ``local``) or on a Dask cluster (engine ``dask``, ``geo.store.dask``).

For each input the client reads and decodes the file, skips it when its text's sha1 is
already in the store (or earlier in the run), gives it an article id (the file stem; with
``-<8 hex digits of the sha1>`` when another article of the store has that stem) and puts it
in a batch. A batch is geoparsed and its events extracted by :func:`process_batch` (on a
worker), then committed to the store by the client: its files written, the manifest last.
At most a few batches are in flight, so memory does not grow with the corpus. A killed
ingest loses only its uncommitted batches; run it again and it takes up where it stopped.

Dates. An article with no date of its own (no metadata or manifest date, none in its text)
is dated from the dates its own text mentions (``--undated own``, the default): one file never
changes another's dates. When the files tell one story (``conflictmap events --one-story``),
such an article is dated from the dates of the articles read with it; in the store those are
the dates of every dated article of the store, so such an article is extracted after the
others (it is committed as "pending" first). What happens when later ingests bring new dates
is the ``--undated`` policy (``UNDATED_POLICIES``):

- ``store`` (default): the article is extracted again only when its window changes. Its row
  keeps which part of the store's dates its window came from (``articles.date_dependency``:
  the median, for year-less dates such as "on 3 June", or the first and last day, for an
  article with no date clue at all); when that part moves, the article is dated again from
  its text (a date scan, no geoparse) and extracted again only if its window differs. The
  store then gives exactly what reading every file together gives.
- ``fixed``: dated once, against the store's dates of the ingest that brings it, and never
  again. A desk that ingests every day should choose it: under ``store`` an article with no
  date clue spans the store's first to last day, so every day that extends the store moves it
  (and its events, and their merges).

The merged events are then brought up to date
(``geo.store.merged``: exactly ``merge_events`` over every stored event in article-id order,
redoing only what the new events touch): ingesting A then B gives the events of ingesting A
and B together.

The gazetteer index is loaded once per process (:func:`resources`), i.e. once per Dask
worker, never per article or batch.
"""

from __future__ import annotations

import glob
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from geo.errors import InputError
from geo.store.check import check_store, damage_error
from geo.store.engines import make_engine
from geo.store.merged import fingerprint, update_merged
from geo.store.tables import (
    Store,
)
from geo.text.articles import (
    article_from_text,
    dependency_now,
    iter_paths,
    manifest_row,
    read_manifest,
)
from geo.text.inputs import DEFAULT_MAX_BYTES, read_text

UNDATED_POLICIES = ("own", "store", "fixed")
DEFAULT_BATCH = 100

# -- inputs -------------------------------------------------------------------------------

def _chunks(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


def _manifest_meta(rows, path: str) -> str | None:
    if not rows:
        return None
    row = manifest_row(rows, path)
    if not row:
        return None
    meta = {k: row[k] for k in ("title", "source", "url", "date") if row.get(k)}
    if isinstance(meta.get("date"), date):
        meta["date"] = meta["date"].isoformat()
    return json.dumps(meta, ensure_ascii=False) if meta else None


def corpus_context(rows: Iterable[dict]) -> list[str]:
    """The corpus dates an undated article is dated with, as ``read_articles`` would with
    all of ``rows`` (article rows) read together: [median_low, min, max] of the publication
    dates of the articles dated by their own metadata or text (ISO), [] for none.
    ``articles._inferred_window`` uses only these three of the corpus's dates."""
    days = sorted(r["published"] for r in rows if not r["dependent"] and r["published"]
                  and r["date_source"] not in ("inferred", "none"))
    if not days:
        return []
    return [d.isoformat() for d in (statistics.median_low(days), days[0], days[-1])]


# -- the run ------------------------------------------------------------------------------

@dataclass
class IngestReport:
    """What one ingest did. ``errors`` are (path, message) of inputs skipped (bad input or
    failed extraction); ``seconds`` is wall time."""

    store: str
    engine: str
    new: int = 0                # articles committed for the first time
    bytes_new: int = 0          # their UTF-8 text, bytes
    already: int = 0            # skipped: already in the store
    duplicates: int = 0         # skipped: same text as an earlier input of this run
    redated: int = 0            # undated articles extracted again with the store's dates
    rechecked: int = 0          # undated articles dated again (a date scan) to see if they move
    batches: int = 0
    events: int | None = None   # merged events in the store after the run
    merged: bool = False        # whether the merged events were recomputed
    remerged: int = 0           # stored events (both variants) merged again; the rest kept
    errors: list = field(default_factory=list)
    seconds: float = 0.0        # the whole run
    commit_seconds: float = 0.0     # writing batches and manifests
    merge_seconds: float = 0.0      # recomputing the merged events

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


def ingest(paths: Iterable[str], store: str | Path, *, engine: str = "local",
           scheduler: str | None = None, workers: int = 2, batch_size: int = DEFAULT_BATCH,
           manifest: str | None = None, encoding: str | None = None,
           max_bytes: int = DEFAULT_MAX_BYTES, undated: str = "own",
           log: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest the articles of ``paths`` (files, folders, glob patterns) into the store at
    ``store`` (created when missing), skipping those already in it; then date the undated
    articles against the store (``undated``: one of ``UNDATED_POLICIES``) and recompute the
    merged events. ``log`` receives progress and skipped-input lines. Raises StoreError
    (store locked, damaged, not a store), ServiceError (Dask scheduler unreachable or
    failing), InputError (bad manifest, unknown policy)."""
    t0 = time.perf_counter()
    log = log or (lambda line: None)
    if batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, not {batch_size}")
    if undated not in UNDATED_POLICIES:
        raise InputError(f"unknown --undated policy {undated!r}: choose one of "
                         f"{', '.join(UNDATED_POLICIES)}")
    paths = list(paths)
    if paths and len(missing := _missing(paths)) == len(paths):
        raise InputError(f"no such file or folder: {', '.join(missing[:5])}"
                         + (" …" if len(missing) > 5 else ""))
    st = Store(store, create=True)
    report = IngestReport(str(store), engine)
    rows = read_manifest(manifest) if manifest else None
    runner = make_engine(engine, scheduler, workers)
    try:
        with st.writing():
            rebuild = _damage(st, log)
            known = st.read("articles", ["article_id"]).to_pydict()
            sha1s, taken = set(known["sha1"]), set(known["article_id"])
            errors: list = []
            items = _new_items(paths, sha1s, taken, rows, encoding, max_bytes, report,
                               errors, log, own=undated == "own")
            _run(st, runner, _chunks(items, batch_size), "ingest", report, log)
            report.redated = _redate(st, runner, batch_size, report, log, undated)
            snap = st.snapshot()
            if rebuild or snap.merged() is None or \
                    snap.merged().get("fingerprint") != fingerprint():
                log("ingest: merging events across articles …")
                t1 = time.perf_counter()
                update = update_merged(st, snap, None if rebuild else
                                       snap.manifest.get("merged"))
                st.commit_merged(update, snap.seq, fingerprint())
                report.remerged = update.stats["remerged"]
                report.merged = True
                report.merge_seconds = time.perf_counter() - t1
                if compacted := st.compact():
                    log(f"ingest: compacted {compacted} small files")
            report.events = st.snapshot().manifest["merged"]["n_events"]
    finally:
        runner.close()
    report.seconds = time.perf_counter() - t0
    return report


def _missing(paths: list[str]) -> list[str]:
    """The inputs that name nothing: no such file or folder, or a pattern matching none."""
    out = []
    for arg in paths:
        if arg == "-" or Path(arg).exists():
            continue
        if any(c in arg for c in "*?[") and glob.glob(arg, recursive=True):
            continue
        out.append(arg)
    return out


def _damage(st: Store, log) -> bool:
    """Whether the merged events must be rebuilt because a merged file is missing or has
    the wrong size (a quick check of every listed file); a damaged article, event or
    mention part raises DamagedStore (the repair needs ``conflictmap store check
    --repair``)."""
    report = check_store(st, quick=True)
    parts = [d for d in report.damaged if d.table != "merged"]
    if parts:
        report.damaged = parts
        raise damage_error(report)
    for d in report.damaged:
        log(f"conflictmap: warning: merged file {d.rel} {d.problem}: the merged events "
            "are rebuilt")
    return bool(report.damaged)


def reextract(st: Store, sha1s: set[str], *, batch_size: int = DEFAULT_BATCH,
              log=None) -> int:
    """Extract the stored articles ``sha1s`` again from the text the store keeps (dated as
    an ingest dates them now), committed as new batches (kind "repair") on this process.
    Returns how many were extracted. Call under the writer lock."""
    log = log or (lambda line: None)
    rows = st.read("articles", ["article_id", "published", "date_source", "dependent"]
                   ).to_pylist()
    corpus = corpus_context(rows)
    report = IngestReport(str(st.root), "local")
    n = 0

    def items() -> Iterator[dict]:
        nonlocal n
        for r in st.iter_rows("articles", ["article_id", "path", "text", "meta"], sha1s):
            n += 1
            yield {"sha1": r["sha1"], "id": r["article_id"], "path": r["path"],
                   "text": r["text"], "meta": r["meta"], "corpus": corpus}
    runner = make_engine("local", None, 1)
    try:
        _run(st, runner, _chunks(items(), batch_size), "repair", report, log)
    finally:
        runner.close()
    return n - len(report.errors)


def _new_items(paths, sha1s: set, taken: set, rows, encoding, max_bytes: int,
               report: IngestReport, errors: list, log, own: bool = True) -> Iterator[dict]:
    """Batch items of the inputs not yet in the store, read one at a time; ``own``: an
    undated article is dated from its own text (no corpus dates, never pending)."""
    def skip(path: str, message: str) -> None:
        report.errors.append((path, message))
        log(f"conflictmap: skipped {path}: {message}")

    in_run: set[str] = set()
    for path in iter_paths(paths, errors, patterns=True):
        while errors:
            skip(*errors.pop(0))
        try:
            text = read_text(path, encoding, max_bytes)
        except InputError as exc:
            skip(path, str(exc).removeprefix(f"{path}: "))
            continue
        sha1 = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()
        if sha1 in in_run:
            report.duplicates += 1
            continue
        if sha1 in sha1s:
            report.already += 1
            continue
        sha1s.add(sha1)
        in_run.add(sha1)
        stem = Path(path).stem or sha1[:12]
        article_id = stem if stem not in taken else f"{stem}-{sha1[:8]}"
        while article_id in taken:
            article_id += "x"
        taken.add(article_id)
        yield {"sha1": sha1, "id": article_id, "path": path, "text": text,
               "meta": _manifest_meta(rows, path), "corpus": [] if own else None}
    while errors:
        skip(*errors.pop(0))


def _run(st: Store, runner, batches: Iterable[list[dict]], kind: str,
         report: IngestReport, log) -> None:
    for result in runner.map(batches):
        for path, message in result["errors"]:
            report.errors.append((path, message))
            log(f"conflictmap: skipped {path}: {message}")
        arts = result["articles"]
        if not len(arts):
            continue
        t0 = time.perf_counter()
        seq = st.commit_batch({k: result[k] for k in ("articles", "extracted", "mentions")},
                              kind)
        report.commit_seconds += time.perf_counter() - t0
        report.batches += 1
        if kind == "ingest":
            report.new += len(arts)
            report.bytes_new += sum(arts.column("n_bytes").to_pylist())
        log(f"ingest: batch {seq} committed ({kind}): {len(arts)} articles, "
            f"{len(result['extracted'])} extracted events; {report.new} new so far")


def _redate(st: Store, runner, batch_size: int, report: IngestReport, log,
            undated: str = "store") -> int:
    """Extract again the undated articles whose date window changes with the store's dates
    (``UNDATED_POLICIES``): those still pending, and under ``store`` those whose window's
    source (``articles.date_dependency``) moved and whose window, dated again from their
    text (a date scan, no geoparse), is not the stored one. Returns how many were extracted."""
    if undated == "own":        # dated from their own text: the store's dates change nothing
        return 0
    cols = ["article_id", "path", "published", "date_source", "dependent", "context",
            "window_first", "window_last"]
    rows = st.read("articles", cols).to_pylist()
    corpus = corpus_context(rows)
    todo = {r["sha1"] for r in rows if r["dependent"] and r["context"] == "pending"}
    if undated == "fixed":      # dated once, when the store first has dates for them
        todo |= {r["sha1"] for r in rows if r["dependent"] and r["context"] == "none"
                 and corpus}
        check: dict[str, dict] = {}
    else:
        check = {r["sha1"]: r for r in rows if r["dependent"] and r["sha1"] not in todo
                 and r["context"] != dependency_now(r["context"], corpus)}
    report.rechecked += len(check)
    if not todo and not check:
        return 0
    redated = 0

    def items() -> Iterator[dict]:
        """The articles to extract again, their texts read once for the check and the
        extraction."""
        nonlocal redated
        for r in st.iter_rows("articles", ["article_id", "path", "text", "meta"],
                              todo | check.keys()):
            if r["sha1"] in check and not _window_changes(r, check[r["sha1"]], corpus):
                continue
            redated += 1
            yield {"sha1": r["sha1"], "id": r["article_id"], "path": r["path"],
                   "text": r["text"], "meta": r["meta"], "corpus": corpus}

    log(f"ingest: dating undated articles against the store's dates ({len(todo)} pending, "
        f"{len(check)} to check)")
    _run(st, runner, _chunks(items(), batch_size), "redate", report, log)
    return redated


def _window_changes(row: dict, stored: dict, corpus: list[str]) -> bool:
    """Whether the article ``row`` (path, text, meta), dated against ``corpus`` now, gets
    another publication date or window than ``stored`` (its article row)."""
    meta = json.loads(row["meta"]) if row["meta"] else None
    try:
        a = article_from_text(row["text"], row["path"], meta,
                              [date.fromisoformat(d) for d in corpus], path=row["path"],
                              meta_source="manifest")
    except InputError:
        return True
    window = a.date_window or (None, None)
    return (a.published, *window) != (stored["published"], stored["window_first"],
                                      stored["window_last"])


def print_log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
