"""The dashboard's corpus: the articles on the map, their events, control events and place
mentions (from the seeds, a store or added articles; extracted and merged by
``geo.events.pipeline``), and the resources it needs."""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import geopandas as gpd
import pandas as pd

from gazetteer import Gazetteer
from gazetteer.index import PROGRESS, index_exists, open_index
from geo.actors import load_actors
from geo.errors import InputError
from geo.events import pipeline
from geo.events.table import events_frame
from geo.store import Store, load_events, load_mentions, row_events
from geo.text.articles import Article, article_from_text, bundled_seeds
from geo.text.inputs import DEFAULT_MAX_BYTES, control_characters, decode
from geo.text.mentions import mentions_frame, with_articles

#: How often each expensive resource was loaded in this process (the app's cache test).
LOADS: Counter = Counter()


def load_gazetteer():
    """The gazetteer with its Aho-Corasick automaton loaded (the app caches the result)."""
    LOADS["gazetteer"] += 1
    gz = Gazetteer()
    _ = gz.index.automaton      # load it once now, not on the first geoparse
    return gz


def index_ready() -> bool:
    """Whether the gazetteer index is built (False: the first run builds it, minutes)."""
    return index_exists()


def build_index() -> None:
    """Build the gazetteer index if it is missing (reporting to ``build_progress``), and
    nothing else: call it outside any cached function, so that the page elements showing
    the progress are never part of a cached result (Streamlit would replay them)."""
    open_index().close()


@contextmanager
def build_progress(show: Callable[[str, float], None]):
    """While inside, ``show(stage, fraction)`` is called with the index build's progress
    (``gazetteer.index.PROGRESS``; fraction 0–1)."""
    handler = _Progress(show)
    PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        PROGRESS.removeHandler(handler)


class _Progress(logging.Handler):
    def __init__(self, show):
        super().__init__(logging.INFO)
        self.show = show

    def emit(self, record: logging.LogRecord) -> None:
        self.show(str(getattr(record, "stage", "")), float(getattr(record, "fraction", 0.0)))


def load_actor_dictionary():
    """The actor dictionary (blocs, actors, colours)."""
    LOADS["actors"] += 1
    return load_actors()


@dataclass(frozen=True)
class Corpus:
    """The articles on the map, their events (``raw_events`` one per sentence, ``events``
    merged across articles, as ``geo.events.table.events_frame``) and their place mentions
    (``geo.text.mentions.mentions_frame`` plus the article's ``title`` and ``published``
    date)."""

    articles: tuple[Article, ...] = ()
    raw_events: tuple = ()
    events: gpd.GeoDataFrame = field(default_factory=lambda: events_frame([]))
    mentions: gpd.GeoDataFrame = field(default_factory=lambda: corpus_mentions([], None))
    #: events extracted keeping standing facts ("X is held by Y"), merged: the input of the
    #: territorial-control layers (``geo.events.pipeline.control_events``)
    control_raw: tuple = ()
    control_events: gpd.GeoDataFrame = field(default_factory=lambda: events_frame([]))

    @property
    def key(self) -> str:
        """A fingerprint of the articles (their SHA-1s in order): what caches key on."""
        return hashlib.sha1("\n".join(a.sha1 for a in self.articles).encode()).hexdigest()


def build_corpus(articles: Sequence[Article], gazetteer, actors) -> Corpus:
    """Events, control events and place mentions of ``articles``."""
    found = pipeline.corpus_events(articles, gazetteer, actors)
    return Corpus(tuple(articles), found.raw, found.events,
                  with_articles(found.mentions, articles), found.control_raw, found.control)


def seed_corpus(gazetteer, actors) -> Corpus:
    """The corpus of the bundled ``seeds/`` articles."""
    return build_corpus(bundled_seeds(), gazetteer, actors)


def store_corpus(store: str | Path) -> Corpus:
    """The corpus of a store written by ``conflictmap ingest`` (``geo.store``): its articles,
    their stored per-sentence events and the merged frames, as stored — nothing is extracted
    again. Articles added in the dashboard join this corpus in the session only; ingest them
    to keep them. Raises ``geo.errors.StoreError`` when ``store`` is not a readable store."""
    st = Store(store)
    snap = st.snapshot()
    rows = sorted(st.read("articles", snap=snap).to_pylist(), key=lambda r: r["article_id"])
    articles = tuple(Article(
        id=r["article_id"], path=r["path"], title=r["title"] or "", source=r["source"] or "",
        url=r["url"] or "", text=r["text"], published=r["published"],
        date_source=r["date_source"] or "none",
        date_window=(r["window_first"], r["window_last"]) if r["window_first"] else None,
        sha1=r["sha1"], day_first=r["day_first"]) for r in rows)
    extracted = sorted(st.read("extracted", snap=snap).to_pylist(),
                       key=lambda r: (r["article_id"], r["order"]))
    raw = row_events(r for r in extracted if r["in_events"])
    control = row_events(r for r in extracted if r["in_control"])
    return Corpus(articles, tuple(raw), load_events(st), load_mentions(st), tuple(control),
                  load_events(st, control=True))


def store_version(store: str | Path) -> int:
    """The store's last committed batch number (changes with every ingest)."""
    return Store(store).snapshot().seq


def add_article(state: Corpus, data: bytes | str, name: str, gazetteer=None, actors=None, *,
                max_bytes: int = DEFAULT_MAX_BYTES, encoding: str | None = None,
                one_story: bool = False) -> Corpus:
    """A new corpus: ``state`` plus the article in ``data`` (uploaded bytes, read as
    ``encoding``, default UTF-8, or pasted text) called ``name``. Its dates come from its own
    text; with ``one_story`` (the user says the articles tell one story), an article with no
    date of its own is dated from the corpus's publication dates, as ``--one-story`` does on
    the command line. Raises InputError, with a message for the user, for an empty, binary,
    undecodable (EncodingError) or too large input, an article already in the corpus, or one
    in which no place that can be mapped is found; ``state`` itself is never changed."""
    gazetteer, actors, vocabulary = pipeline.resources(gazetteer, actors)
    name = name.strip() or "pasted text"
    if isinstance(data, bytes | bytearray):
        if len(data) > max_bytes:
            raise InputError(f"{name}: too large ({len(data) / 1e6:.1f} MB; the limit is "
                             f"{max_bytes / 1e6:.1f} MB)")
        text = decode(bytes(data), name, encoding or None)
    else:
        text = str(data)
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(f"{name}: too large (the limit is {max_bytes / 1e6:.1f} MB)")
        if not text.strip():
            raise InputError(f"{name}: empty input")
        sample = text[:65536]
        if "\x00" in sample or control_characters(sample) > max(8, len(sample) // 100):
            raise InputError(f"{name}: looks like binary data, not text")
    story = [a.published for a in state.articles if a.published] if one_story else []
    article = article_from_text(text, name, corpus_dates=story)   # own dates unless one story
    if any(a.sha1 == article.sha1 for a in state.articles):
        raise InputError(f"{name}: this article is already on the map")
    taken = {a.id for a in state.articles}
    if article.id in taken:
        article = replace(article, id=f"{article.id}-{len(taken)}")
    memo = pipeline.GeoparseMemo(gazetteer, actors)
    mentions = corpus_mentions([article], memo)
    if not mentions["located"].any():
        raise InputError(f"{name}: no places found that can be put on the map, so nothing "
                         "was added")
    found = pipeline.extract(article, memo, actors, vocabulary)
    raw = [*state.raw_events, *found.events]
    control = [*state.control_raw, *found.control]
    all_mentions = pd.concat([state.mentions, mentions], ignore_index=True) \
        if len(state.mentions) else mentions
    return Corpus((*state.articles, article), tuple(raw), pipeline.merge(raw),
                  gpd.GeoDataFrame(all_mentions, geometry="geometry", crs="EPSG:4326"),
                  tuple(control), pipeline.merge(control))


def corpus_mentions(articles: Sequence[Article], gazetteer) -> gpd.GeoDataFrame:
    """The place mentions of ``articles`` with their article's title and date, each text
    geoparsed as the events pipeline geoparses it (with its actors' theatre as region)."""
    if gazetteer is not None and not isinstance(gazetteer, pipeline.GeoparseMemo):
        gazetteer = pipeline.GeoparseMemo(gazetteer, load_actors())
    return with_articles(mentions_frame({a.id: a.text for a in articles}, gazetteer),
                         articles)


def corpus_key(corpus: Corpus) -> str:
    """What the app's caches of a corpus key on: :attr:`Corpus.key` (its articles), and a
    digest of the events when it has no articles (a corpus built from events alone, as the
    benchmarks and tests do)."""
    if corpus.articles:
        return corpus.key
    ev = corpus.events
    cols = [c for c in ("event_id_cnty", "event_date", "latitude", "longitude", "bloc1",
                        "event_type") if c in ev.columns]
    digest = hashlib.sha1(str(len(ev)).encode())
    if len(ev):
        digest.update(pd.util.hash_pandas_object(pd.DataFrame(ev[cols]).astype(str),
                                                 index=True).to_numpy().tobytes())
    return "events:" + digest.hexdigest()
