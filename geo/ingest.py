"""Incremental ingest of article files into a store (``geo.store``), in batches, on this
process (engine ``local``) or on a Dask cluster (engine ``dask``, ``geo.ingest_dask``).

For each input the client reads and decodes the file, skips it when its text's sha1 is
already in the store (or earlier in the run), gives it an article id (the file stem; with
``-<8 hex digits of the sha1>`` when another article of the store has that stem) and puts it
in a batch. A batch is geoparsed and its events extracted by :func:`process_batch` (on a
worker), then committed to the store by the client: its files written, the manifest last.
At most a few batches are in flight, so memory does not grow with the corpus. A killed
ingest loses only its uncommitted batches; run it again and it takes up where it stopped.

Dates. An article with no date of its own (no metadata or manifest date, none in its text)
is dated in ``conflictmap events`` from the dates of the articles read with it. In the store
those are the dates of every dated article of the store, so such an article is extracted
after the others (it is committed as "pending" first). What happens when later ingests bring
new dates is the ``--undated`` policy (``UNDATED_POLICIES``):

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
(``geo.store_merge``: exactly ``merge_events`` over every stored event in article-id order,
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
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from itertools import islice
from pathlib import Path

import pyarrow as pa

from gazetteer.errors import InputError

from .inputs import DEFAULT_MAX_BYTES, read_text
from .store import (
    ARTICLE_SCHEMA,
    EXTRACTED_SCHEMA,
    MENTION_SCHEMA,
    Store,
    event_row,
    points_wkb,
    with_points,
)
from .store_merge import fingerprint, update_merged

ENGINES = ("local", "dask")
UNDATED_POLICIES = ("store", "fixed")
DEFAULT_BATCH = 100

#: how many times this process loaded the gazetteer and actor dictionary (1 after first use)
LOADS = 0
_LOCK = threading.Lock()
_RESOURCES: tuple | None = None


def resources() -> tuple:
    """(gazetteer, actor dictionary, event vocabulary) of this process, loaded on first use
    (the index opened and its name automaton loaded) and kept: once per Dask worker."""
    global LOADS, _RESOURCES
    with _LOCK:
        if _RESOURCES is None:
            from gazetteer import default_gazetteer

            from .actors import load_actors
            from .events import load_vocabulary

            gaz = default_gazetteer()
            gaz.geoparse("Mosul")           # opens the index, loads the automaton
            _RESOURCES = (gaz, load_actors(), load_vocabulary())
            LOADS += 1
    return _RESOURCES


class _Memo:
    """The gazetteer with ``geoparse`` remembered per text for one batch: extraction (with
    and without standing facts) and the mentions table geoparse each text once."""

    def __init__(self, gazetteer):
        self._gaz = gazetteer
        self._seen: dict[str, list] = {}

    def geoparse(self, text: str) -> list:
        hit = self._seen.get(text)
        if hit is None:
            hit = self._seen[text] = self._gaz.geoparse(text)
        return hit

    def __getattr__(self, name):
        return getattr(self._gaz, name)


# -- one batch (runs on a worker) ---------------------------------------------------------------

def process_batch(items: list[dict]) -> dict:
    """Geoparse and extract the events of a batch of articles. Each item: ``sha1``, ``id``,
    ``path``, ``text`` (the file's text), ``meta`` (JSON of manifest metadata or None) and
    ``corpus`` (None in the first pass: an article with no date of its own is returned as
    pending; else the corpus dates, ISO strings, to date it with). Returns ``articles``,
    ``extracted`` and ``mentions`` Arrow tables (``geo.store`` schemas) and ``errors``,
    (path, message) for each item that could not be used. Never raises for one bad item."""
    from .mentions import mentions_frame

    gaz, actors, vocab = resources()
    memo = _Memo(gaz)
    art_rows, ev_rows, done, errors = [], [], [], []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    for it in items:
        try:
            article, row, rows = _process_one(it, memo, actors, vocab)
        except InputError as exc:
            errors.append((it["path"], str(exc).removeprefix(f"{it['path']}: ")))
            continue
        except Exception as exc:  # noqa: BLE001 - one article must not stop the ingest
            errors.append((it["path"], f"could not be processed ({type(exc).__name__}: "
                                       f"{exc})"))
            continue
        row["ingested_at"] = now
        art_rows.append(row)
        ev_rows += rows
        if article is not None:
            done.append((it["sha1"], article))
    frame = mentions_frame({a.id: a.text for _, a in done}, memo)
    by_id = {a.id: (sha1, a) for sha1, a in done}
    frame["sha1"] = [by_id[x][0] for x in frame["article"]]
    frame["title"] = [by_id[x][1].title for x in frame["article"]]
    frame["published"] = [by_id[x][1].published.isoformat() if by_id[x][1].published
                          else None for x in frame["article"]]
    counts = frame["sha1"].value_counts().to_dict()
    for row in art_rows:
        row["n_mentions"] = int(counts.get(row["sha1"], 0))
    names = [f.name for f in MENTION_SCHEMA if f.name != "geometry"]
    mentions = pa.Table.from_pandas(frame[names], preserve_index=False)
    mentions = mentions.append_column("geometry", pa.array(
        points_wkb(frame["lon"].tolist(), frame["lat"].tolist()), pa.binary()))
    return {"articles": pa.Table.from_pylist(art_rows, schema=ARTICLE_SCHEMA),
            "extracted": pa.Table.from_pylist(with_points(ev_rows), schema=EXTRACTED_SCHEMA),
            "mentions": mentions.cast(MENTION_SCHEMA), "errors": errors}


def _process_one(it: dict, gaz, actors, vocab):
    """(Article or None when pending, article row, extracted rows) of one item."""
    from .articles import article_from_text, date_dependency
    from .events import extract_events

    text, path, corpus = it["text"], it["path"], it["corpus"]
    meta = json.loads(it["meta"]) if it["meta"] else None
    article = article_from_text(text, path, meta, path=path, meta_source="manifest")
    dependent = article.date_source == "none"
    context = ""
    if dependent:
        if corpus is None:
            return None, _article_row(it, article, True, "pending", 0, 0), []
        days = [date.fromisoformat(d) for d in corpus]
        context = date_dependency(article.text, days)
        if days:
            article = article_from_text(text, path, meta, days, path=path,
                                        meta_source="manifest")
    article = replace(article, id=it["id"])
    control = extract_events(article, gaz, actors, vocab, situations=True)
    sha1 = it["sha1"]
    if any(e.modality == "situation" for e in control):
        # a standing fact can change what later sentences refer to: extract both ways
        plain = extract_events(article, gaz, actors, vocab)
        rows = [event_row(e, sha1=sha1, order=i, in_events=True, in_control=False,
                          dictionary=actors) for i, e in enumerate(plain)]
        rows += [event_row(e, sha1=sha1, order=len(plain) + i, in_events=False,
                           in_control=True, dictionary=actors) for i, e in enumerate(control)]
        n_events = len(plain)
    else:   # the same events either way
        rows = [event_row(e, sha1=sha1, order=i, in_events=True, in_control=True,
                          dictionary=actors) for i, e in enumerate(control)]
        n_events = len(control)
    return article, _article_row(it, article, dependent, context, n_events, len(control)), rows


def _article_row(it: dict, a, dependent: bool, context: str, n_events: int,
                 n_control: int) -> dict:
    window = a.date_window or (None, None)
    return {"sha1": it["sha1"], "article_id": it["id"], "path": it["path"], "title": a.title,
            "source": a.source, "url": a.url, "published": a.published,
            "date_source": a.date_source, "window_first": window[0],
            "window_last": window[1], "day_first": a.day_first, "dependent": dependent,
            "context": context, "n_bytes": len(it["text"].encode("utf-8", "surrogatepass")),
            "n_events": n_events, "n_control": n_control, "n_mentions": 0,
            "text": it["text"], "meta": it["meta"]}


# -- inputs -------------------------------------------------------------------------------

def iter_paths(args: Iterable[str], errors: list) -> Iterator[str]:
    """Files of ``args``: files, folders (their ``*.txt``/``*.md`` files, recursively,
    sorted, hidden ones left out) and glob patterns (``**`` allowed). A pattern matching
    nothing or a folder with no article adds (arg, message) to ``errors``."""
    for arg in args:
        if any(c in arg for c in "*?[") and not Path(arg).exists():
            found = sorted(glob.glob(arg, recursive=True))
            if not found:
                errors.append((arg, "no file matches this pattern"))
        else:
            found = [arg]
        for name in found:
            p = Path(name)
            if not p.is_dir():
                yield name
                continue
            files = sorted(f for f in p.rglob("*") if f.suffix.lower() in (".txt", ".md")
                           and f.is_file() and not any(part.startswith(".")
                                                       for part in f.relative_to(p).parts))
            if not files:
                errors.append((name, "no .txt or .md files in this directory"))
            yield from (str(f) for f in files)


def _chunks(items: Iterable, n: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(islice(it, n)):
        yield chunk


def _manifest_meta(rows, path: str) -> str | None:
    if not rows:
        return None
    from .articles import _manifest_row

    row = _manifest_row(rows, path)
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


class LocalEngine:
    """Batches processed one after the other in this process."""

    name = "local"

    def map(self, batches: Iterable[list[dict]]) -> Iterator[dict]:
        for batch in batches:
            yield process_batch(batch)

    def close(self) -> None:
        pass


def make_engine(engine: str, scheduler: str | None = None, workers: int = 2):
    if engine == "local":
        return LocalEngine()
    if engine == "dask":
        from .ingest_dask import DaskEngine

        return DaskEngine(scheduler, workers)
    raise InputError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINES)}")


def ingest(paths: Iterable[str], store: str | Path, *, engine: str = "local",
           scheduler: str | None = None, workers: int = 2, batch_size: int = DEFAULT_BATCH,
           manifest: str | None = None, encoding: str | None = None,
           max_bytes: int = DEFAULT_MAX_BYTES, undated: str = "store",
           log: Callable[[str], None] | None = None) -> IngestReport:
    """Ingest the articles of ``paths`` (files, folders, glob patterns) into the store at
    ``store`` (created when missing), skipping those already in it; then date the undated
    articles against the store (``undated``: one of ``UNDATED_POLICIES``) and recompute the
    merged events. ``log`` receives progress and skipped-input lines. Raises StoreError
    (store locked, damaged, not a store), ServiceError (Dask scheduler unreachable or
    failing), InputError (bad manifest, unknown policy)."""
    from .articles import _manifest

    t0 = time.perf_counter()
    log = log or (lambda line: None)
    if batch_size < 1:
        raise InputError(f"--batch-size must be at least 1, not {batch_size}")
    if undated not in UNDATED_POLICIES:
        raise InputError(f"unknown --undated policy {undated!r}: choose one of "
                         f"{', '.join(UNDATED_POLICIES)}")
    st = Store(store, create=True)
    report = IngestReport(str(store), engine)
    rows = _manifest(manifest) if manifest else None
    runner = make_engine(engine, scheduler, workers)
    try:
        with st.writing():
            known = st.read("articles", ["article_id"]).to_pydict()
            sha1s, taken = set(known["sha1"]), set(known["article_id"])
            errors: list = []
            items = _new_items(paths, sha1s, taken, rows, encoding, max_bytes, report,
                               errors, log)
            _run(st, runner, _chunks(items, batch_size), "ingest", report, log)
            report.redated = _redate(st, runner, batch_size, report, log, undated)
            snap = st.snapshot()
            if snap.merged() is None or snap.merged().get("fingerprint") != fingerprint():
                log("ingest: merging events across articles …")
                t1 = time.perf_counter()
                update = update_merged(st, snap, snap.manifest.get("merged"))
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


def _new_items(paths, sha1s: set, taken: set, rows, encoding, max_bytes: int,
               report: IngestReport, errors: list, log) -> Iterator[dict]:
    """Batch items of the inputs not yet in the store, read one at a time."""
    def skip(path: str, message: str) -> None:
        report.errors.append((path, message))
        log(f"conflictmap: skipped {path}: {message}")

    in_run: set[str] = set()
    for path in iter_paths(paths, errors):
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
               "meta": _manifest_meta(rows, path), "corpus": None}
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
    from .articles import dependency_now

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
    from .articles import article_from_text

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
