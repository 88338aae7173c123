"""One batch of an ingest: articles geoparsed and their events extracted (``geo.events.pipeline``)
into the store's tables, on a worker (this process, or a Dask worker). The gazetteer index,
the actor dictionary and the event vocabulary are loaded once per process
(:func:`resources`), never per article or batch."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import UTC, date, datetime

import pyarrow as pa

from geo.errors import InputError
from geo.events import pipeline
from geo.store.tables import (
    ARTICLE_SCHEMA,
    EXTRACTED_SCHEMA,
    MENTION_SCHEMA,
    event_row,
    points_wkb,
    with_points,
)
from geo.text.articles import article_from_text, date_dependency
from geo.text.mentions import mentions_frame

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
            gaz, actors, vocabulary = pipeline.resources()
            gaz.geoparse("Mosul")           # opens the index, loads the automaton
            _RESOURCES = (gaz, actors, vocabulary)
            LOADS += 1
    return _RESOURCES


def process_batch(items: list[dict]) -> dict:
    """Geoparse and extract the events of a batch of articles. Each item: ``sha1``, ``id``,
    ``path``, ``text`` (the file's text), ``meta`` (JSON of manifest metadata or None) and
    ``corpus`` (None in the first pass: an article with no date of its own is returned as
    pending; else the corpus dates, ISO strings, to date it with). Returns ``articles``,
    ``extracted`` and ``mentions`` Arrow tables (``geo.store.tables`` schemas) and ``errors``,
    (path, message) for each item that could not be used. Never raises for one bad item."""
    gaz, actors, vocab = resources()
    memo = pipeline.GeoparseMemo(gaz, actors)
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
    found = pipeline.extract(article, gaz, actors, vocab)
    control, plain, sha1 = found.control, found.events, it["sha1"]
    if not found.same:
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
