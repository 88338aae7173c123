"""What the Streamlit dashboard (``app.py``) shows, as pure functions: the corpus and adding an
article to it, filtering events by time, actor, bloc and type, the timeline, the metrics, the
events a click on the map names and their sources (HTML-escaped), the territorial-control
layers of a day and their summary, the step of the play control and the downloads. Nothing
here imports Streamlit, so every piece is tested without a browser.

What does not depend on the filters (each event's days, cited articles and place, the date
range, the filter options) is read once per corpus into an :class:`EventIndex`, which the app
caches by :func:`corpus_key`; the filters and metrics take it as ``index=``.

Dates are ``datetime.date``; an event's date is its ACLED ``event_date`` (ISO text in the
frame); coordinates are (lat, lon) degrees as folium reports a click.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from gazetteer.errors import InputError

from .articles import Article, article_from_text, bundled_seeds
from .event_table import events_frame
from .events import extract_events, load_vocabulary
from .inputs import DEFAULT_MAX_BYTES, decode
from .mentions import mentions_frame
from .merge import merge_events

UNATTRIBUTED = "unattributed"      # the timeline's bloc for an event with no actor1 bloc
METRICS = ("events", "places", "sources", "unlocated places")
_TEXT_CONTROLS = {9, 10, 12, 13}

#: How often each expensive resource was loaded in this process (the app's cache test).
LOADS: Counter = Counter()


def load_gazetteer():
    """The gazetteer with its Aho-Corasick automaton loaded (the app caches the result)."""
    from gazetteer import Gazetteer

    LOADS["gazetteer"] += 1
    gz = Gazetteer()
    _ = gz.index.automaton      # load it once now, not on the first geoparse
    return gz


def load_actor_dictionary():
    """The actor dictionary (blocs, actors, colours)."""
    from .actors import load_actors

    LOADS["actors"] += 1
    return load_actors()


# -- the corpus ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """The articles on the map, their events (``raw_events`` one per sentence, ``events``
    merged across articles, as ``geo.event_table.events_frame``) and their place mentions
    (``geo.mentions.mentions_frame`` plus the article's ``title`` and ``published`` date)."""

    articles: tuple[Article, ...] = ()
    raw_events: tuple = ()
    events: gpd.GeoDataFrame = field(default_factory=lambda: events_frame([]))
    mentions: gpd.GeoDataFrame = field(default_factory=lambda: _mentions([], None))
    #: events extracted keeping standing facts ("X is held by Y"), merged: the input of the
    #: territorial-control layers (``geo.control.control_events``)
    control_raw: tuple = ()
    control_events: gpd.GeoDataFrame = field(default_factory=lambda: events_frame([]))

    @property
    def key(self) -> str:
        """A fingerprint of the articles (their SHA-1s in order): what caches key on."""
        return hashlib.sha1("\n".join(a.sha1 for a in self.articles).encode()).hexdigest()


def build_corpus(articles: Sequence[Article], gazetteer, actors) -> Corpus:
    """Events, control events and place mentions of ``articles``."""
    raw: list = []
    control: list = []
    for article in articles:
        raw += extract_events(article, gazetteer, actors)
        control += extract_events(article, gazetteer, actors, situations=True)
    return Corpus(tuple(articles), tuple(raw), _merged(raw), _mentions(articles, gazetteer),
                  tuple(control), _merged(control))


def seed_corpus(gazetteer, actors) -> Corpus:
    """The corpus of the bundled ``seeds/`` articles."""
    return build_corpus(bundled_seeds(), gazetteer, actors)


def store_corpus(store: str | Path) -> Corpus:
    """The corpus of a store written by ``conflictmap ingest`` (``geo.store``): its articles,
    their stored per-sentence events and the merged frames, as stored — nothing is extracted
    again. Articles added in the dashboard join this corpus in the session only; ingest them
    to keep them. Raises ``geo.store.StoreError`` (a ``DataError``) when ``store`` is not a
    readable store."""
    from .store import Store, load_events, load_mentions, row_events

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
    from .store import Store

    return Store(store).snapshot().seq


def add_article(state: Corpus, data: bytes | str, name: str, gazetteer=None, actors=None, *,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Corpus:
    """A new corpus: ``state`` plus the article in ``data`` (uploaded bytes or pasted text)
    called ``name``. Raises InputError, with a message for the user, for an empty, binary,
    undecodable or too large input, an article already in the corpus, or one in which no
    place that can be mapped is found; ``state`` itself is never changed."""
    if gazetteer is None:
        from gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    if actors is None:
        from .actors import load_actors

        actors = load_actors()
    name = name.strip() or "pasted text"
    if isinstance(data, bytes | bytearray):
        if len(data) > max_bytes:
            raise InputError(f"{name}: too large ({len(data) / 1e6:.1f} MB; the limit is "
                             f"{max_bytes / 1e6:.1f} MB)")
        text = decode(bytes(data), name)
    else:
        text = str(data)
        if len(text.encode("utf-8", "surrogatepass")) > max_bytes:
            raise InputError(f"{name}: too large (the limit is {max_bytes / 1e6:.1f} MB)")
        if not text.strip():
            raise InputError(f"{name}: empty input")
        sample = text[:65536]
        controls = sum(1 for ch in sample if ord(ch) < 32 and ord(ch) not in _TEXT_CONTROLS)
        if "\x00" in sample or controls > max(8, len(sample) // 100):
            raise InputError(f"{name}: looks like binary data, not text")
    dated = [a.published for a in state.articles
             if a.published and a.date_source not in ("inferred", "none")]
    article = article_from_text(text, name, corpus_dates=dated)
    if any(a.sha1 == article.sha1 for a in state.articles):
        raise InputError(f"{name}: this article is already on the map")
    taken = {a.id for a in state.articles}
    if article.id in taken:
        article = replace(article, id=f"{article.id}-{len(taken)}")
    mentions = _mentions([article], gazetteer)
    if not mentions["located"].any():
        raise InputError(f"{name}: no places found that can be put on the map, so nothing "
                         "was added")
    raw = [*state.raw_events, *extract_events(article, gazetteer, actors)]
    control = [*state.control_raw,
               *extract_events(article, gazetteer, actors, situations=True)]
    all_mentions = pd.concat([state.mentions, mentions], ignore_index=True) \
        if len(state.mentions) else mentions
    return Corpus((*state.articles, article), tuple(raw), _merged(raw),
                  gpd.GeoDataFrame(all_mentions, geometry="geometry", crs="EPSG:4326"),
                  tuple(control), _merged(control))


def _merged(raw: Iterable) -> gpd.GeoDataFrame:
    # merge_events sets ``sources`` on the events it returns: merge copies, so that the
    # corpus's own events stay as extracted and a later merge starts afresh.
    return events_frame(merge_events([replace(ev) for ev in raw]))


def _mentions(articles: Sequence[Article], gazetteer) -> gpd.GeoDataFrame:
    frame = mentions_frame({a.id: a.text for a in articles}, gazetteer) if articles else \
        mentions_frame({}, gazetteer)
    by_id = {a.id: a for a in articles}
    frame["title"] = [by_id[x].title for x in frame["article"]]
    frame["published"] = [by_id[x].published.isoformat() if by_id[x].published else None
                          for x in frame["article"]]
    return frame


# -- filters ------------------------------------------------------------------------------


def _as_date(value) -> date | None:
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _ordinals(values: pd.Series) -> pd.Series:
    """Dates (ISO text, date or Timestamp) as proleptic ordinals (``date.toordinal``, float;
    NaN when missing or not a date), each distinct value parsed once."""
    obj = values.astype(object)

    def one(value) -> float:
        try:
            day = _as_date(value)
        except (TypeError, ValueError):
            return float("nan")
        return float(day.toordinal()) if day else float("nan")

    table = {v: one(v) for v in pd.unique(obj)}
    return pd.Series([table[v] for v in obj], index=values.index, dtype=float)


def _spans(events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Each event's (first, last) day as ordinals (float, NaN: undated): ``first_date`` /
    ``last_date``, else ``event_date``."""
    own = _ordinals(events["event_date"])

    def col(name):
        return _ordinals(events[name]).fillna(own) if name in events.columns else own

    return col("first_date"), col("last_date")


@dataclass(frozen=True)
class EventIndex:
    """What the filters and metrics read of a corpus's events, computed once (the app caches
    it by :func:`corpus_key`): each event's ``first``/``last`` day and ``day``
    (``event_date``; ordinals, NaN: undated), the ``articles`` its sources cite (a tuple
    each), its ``place`` (index into ``places``: place id, else its point to 1e-5°; -1 when
    neither) and whether it ``has_point``, the date ``bounds`` and the filter ``options``.
    Series are aligned with the events' index."""

    first: pd.Series
    last: pd.Series
    day: pd.Series
    articles: pd.Series
    place: pd.Series
    places: list[str]
    has_point: pd.Series
    bounds: tuple[date, date] | None
    options: dict[str, list[str]]

    def covers(self, events: pd.DataFrame) -> bool:
        """Whether ``events`` is a subset (by index label) of the indexed events."""
        return self.first.index.is_unique and events.index.isin(self.first.index).all()


def event_index(events: gpd.GeoDataFrame) -> EventIndex:
    """The :class:`EventIndex` of ``events``."""
    first, last = _spans(events) if len(events) else (pd.Series(dtype=float),) * 2
    day = _ordinals(events["event_date"]) if len(events) else pd.Series(dtype=float)
    sources = events["sources"] if "sources" in events.columns else \
        pd.Series("", index=events.index)
    parsed = {v: tuple(sorted({str(s.get("article") or s.get("title") or "")
                               for s in _source_list(v) if isinstance(s, dict)} - {""}))
              for v in pd.unique(sources.astype(object))}
    articles = pd.Series([parsed[v] for v in sources.astype(object)], index=events.index,
                         dtype=object)
    lat = pd.to_numeric(events["latitude"], errors="coerce") if len(events) else \
        pd.Series(dtype=float)
    lon = pd.to_numeric(events["longitude"], errors="coerce") if len(events) else \
        pd.Series(dtype=float)
    has_point = lat.notna() & lon.notna()
    pid = events["place_id"].astype(object).map(lambda v: v if isinstance(v, str) else "") \
        if len(events) else pd.Series(dtype=object)
    point = lat.map(lambda v: f"{v:.5f}") + "," + lon.map(lambda v: f"{v:.5f}")
    codes, places = pd.factorize(pid.where(pid != "", point.where(has_point, "")).astype(object))
    place = pd.Series(codes, index=events.index, dtype=np.int64)
    places = [str(p) for p in places]
    if "" in places:
        place[place == places.index("")] = -1
    dated_first, dated_last = first.dropna(), last.dropna()
    bounds = (date.fromordinal(int(dated_first.min())), date.fromordinal(int(dated_last.max()))
              ) if len(dated_first) and len(dated_last) else None
    return EventIndex(first, last, day, articles, place, places, has_point.astype(bool), bounds,
                      filter_options(events))


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


def date_bounds(events: pd.DataFrame) -> tuple[date, date] | None:
    """(earliest first day, latest last day) of the dated events; None when none is dated."""
    if not len(events):
        return None
    first, last = _spans(events)
    first, last = first.dropna(), last.dropna()
    return (date.fromordinal(int(first.min())), date.fromordinal(int(last.max()))) \
        if len(first) and len(last) else None


def filter_events(events: gpd.GeoDataFrame, start=None, end=None, actors=None, blocs=None,
                  event_types=None, *, index: EventIndex | None = None) -> gpd.GeoDataFrame:
    """Events whose days (``first_date`` … ``last_date``, else ``event_date``) overlap
    ``start`` … ``end`` (inclusive; None leaves that side open; with a bound, undated events
    are left out) — the rule of the exported map's time slider (``geo.webmap``) —, with actor1
    or actor2 in ``actors`` (names), bloc1 or bloc2 in ``blocs`` (ids) and ``event_type`` in
    ``event_types``; None or an empty collection does not filter. ``index``
    (:func:`event_index` of these events or of a frame they are a subset of) saves reading
    their dates again."""
    keep = pd.Series(True, index=events.index)
    start, end = _as_date(start), _as_date(end)
    if (start or end) and len(events):
        if index is not None and index.covers(events):
            first, last = index.first.reindex(events.index), index.last.reindex(events.index)
        else:
            first, last = _spans(events)
        ok = first.notna() & last.notna()
        if start is not None:
            ok &= last >= start.toordinal()
        if end is not None:
            ok &= first <= end.toordinal()
        keep &= ok
    if actors:
        names = set(actors)
        keep &= events["actor1"].isin(names) | events["actor2"].isin(names)
    if blocs:
        ids = set(blocs)
        keep &= events["bloc1"].isin(ids) | events["bloc2"].isin(ids)
    if event_types:
        keep &= events["event_type"].isin(set(event_types))
    return events if keep.all() else events[keep]


def filter_mentions(mentions: gpd.GeoDataFrame, start=None, end=None) -> gpd.GeoDataFrame:
    """Place mentions of the articles published ``start`` … ``end`` (inclusive); mentions of
    undated articles are always kept."""
    start, end = _as_date(start), _as_date(end)
    if not (start or end) or not len(mentions):
        return mentions
    days = mentions["published"].map(_as_date)
    keep = days.map(lambda d: d is None or ((start is None or d >= start)
                                            and (end is None or d <= end))).astype(bool)
    return mentions[keep]


def filter_options(events: pd.DataFrame) -> dict[str, list[str]]:
    """The values the sidebar offers: actor names, bloc ids and event types present."""
    def present(*cols):
        return sorted({v for c in cols for v in events[c] if isinstance(v, str) and v})

    return {"actors": present("actor1", "actor2"), "blocs": present("bloc1", "bloc2"),
            "event_types": present("event_type")}


def date_filter(window, bounds) -> tuple[date | None, date | None]:
    """The (start, end) to filter by for the slider's ``window``: (None, None) while it spans
    all of ``bounds``, so that undated events are shown too until the window is narrowed."""
    if not window or not bounds or (_as_date(window[0]) <= bounds[0]
                                    and _as_date(window[1]) >= bounds[1]):
        return None, None
    return _as_date(window[0]), _as_date(window[1])


def step_window(window: tuple[date, date], bounds: tuple[date, date], days: int = 1
                ) -> tuple[date, date] | None:
    """The play control's next window: ``window`` moved ``days`` later, keeping its width,
    its end clamped to the last day of ``bounds``; None when it already ends there."""
    start, end = window
    last = bounds[1]
    if end >= last:
        return None
    shift = min(timedelta(days=max(1, days)), last - end)
    return start + shift, end + shift


# -- what the dashboard shows -------------------------------------------------------------


def timeline(events: pd.DataFrame, *, index: EventIndex | None = None) -> pd.DataFrame:
    """Events per day by bloc (actor1's bloc, else ``unattributed``): columns ``date``
    (datetime64), ``bloc`` and ``events``, sorted; undated events are left out. ``index``
    (:func:`event_index`) saves reading the dates again."""
    if index is not None and index.covers(events):
        ords = index.day.reindex(events.index)
    else:
        ords = _ordinals(events["event_date"]) if len(events) else pd.Series(dtype=float)
    table = {o: date.fromordinal(int(o)) for o in pd.unique(ords.dropna())}
    days = ords.map(table) if len(events) else pd.Series(dtype=object)
    frame = pd.DataFrame({"date": days, "bloc": events["bloc1"] if len(events) else []})
    frame = frame[frame["date"].notna()]
    frame["bloc"] = frame["bloc"].fillna("").replace("", UNATTRIBUTED)
    out = frame.groupby(["date", "bloc"]).size().reset_index(name="events")
    out["date"] = pd.to_datetime(out["date"])
    return out.sort_values(["date", "bloc"], ignore_index=True)


def _source_list(value) -> list[dict]:
    if isinstance(value, list):
        return value
    if not isinstance(value, str) or not value:
        return []
    try:
        out = json.loads(value)
    except ValueError:
        return []
    return out if isinstance(out, list) else []


def metrics(events: pd.DataFrame, mentions: pd.DataFrame | None = None, *,
            index: EventIndex | None = None) -> dict[str, int]:
    """``events`` shown; ``places``: distinct located places of the events and mentions;
    ``sources``: distinct articles the events cite; ``unlocated places``: distinct places
    named but with no coordinates. ``index`` (:func:`event_index` of these events or of a
    frame they are a subset of) saves parsing their sources again."""
    if index is not None and index.covers(events):
        place = index.place.reindex(events.index).to_numpy()
        point = index.has_point.reindex(events.index).to_numpy(dtype=bool)
        located = {index.places[i] for i in np.unique(place[point & (place >= 0)])}
        unlocated = {index.places[i] for i in np.unique(place[~point & (place >= 0)])}
        if mentions is not None and len(mentions):
            ok = mentions["located"].astype(bool)
            located |= set(mentions["place_id"][ok])
            unlocated |= set(mentions["place_id"][~ok])
        articles = set().union(*index.articles.reindex(events.index)) if len(events) else set()
        return {"events": len(events), "places": len(located),
                "sources": len(articles - {None, ""}),
                "unlocated places": len(unlocated - located)}
    located, unlocated = set(), set()
    for row in events[["place_id", "latitude", "longitude"]].itertuples(index=False):
        has_point = row.latitude is not None and not pd.isna(row.latitude)
        key = row.place_id or (f"{row.latitude:.5f},{row.longitude:.5f}" if has_point else "")
        if key:
            (located if has_point else unlocated).add(key)
    if mentions is not None and len(mentions):
        for pid, ok in zip(mentions["place_id"], mentions["located"], strict=True):
            (located if ok else unlocated).add(pid)
    articles = {s.get("article") or s.get("title") for v in events["sources"]
                for s in _source_list(v)}
    return {"events": len(events), "places": len(located),
            "sources": len(articles - {None, ""}), "unlocated places": len(unlocated - located)}


def located(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows with a point (what the map can draw)."""
    geoms = frame.geometry
    return frame[(geoms.notna() & ~geoms.is_empty).astype(bool)]


def events_at(events: gpd.GeoDataFrame, lat: float, lon: float, tooltip: str | None = None,
              tol_deg: float = 1e-4) -> gpd.GeoDataFrame:
    """The events drawn at (lat, lon), where a click on a marker reports it. Several events at
    one place are fanned out around it on the map, so the clicked marker's ``tooltip`` text
    ("<event type>: <location> (<date>)") narrows them down when it names some of them."""
    lats = pd.to_numeric(events["latitude"], errors="coerce")
    lons = pd.to_numeric(events["longitude"], errors="coerce")
    here = events[((lats - lat).abs() <= tol_deg) & ((lons - lon).abs() <= tol_deg)]
    if tooltip and len(here) > 1:
        tip = " ".join(str(tooltip).split())
        named = [f"{t}: {loc}" in tip and (not d or str(d) in tip) for t, loc, d in
                 zip(here["event_type"], here["location"], here["event_date"], strict=True)]
        if any(named):
            return here[pd.Series(named, index=here.index, dtype=bool)]
    return here


#: At most this many events are listed beside the map for one click (a group of events).
MAX_LISTED = 25


def clicked_events(events: gpd.GeoDataFrame, clicked: dict | None) -> gpd.GeoDataFrame:
    """The events of ``events`` (those on the map) that a click reported by streamlit-folium
    (``{"last_object_clicked": {"lat", "lng"}, "last_object_clicked_tooltip": text}``)
    names: the event whose id the tooltip carries (``#e:<id>``, ``geo.markers.ref``), the
    events of the point or grid cell of a counted marker (``#c:<key>``), else the events at
    the clicked point (:func:`events_at`). Empty when nothing was clicked."""
    from .markers import cell_members, parse_ref

    point = (clicked or {}).get("last_object_clicked")
    tooltip = (clicked or {}).get("last_object_clicked_tooltip")
    ref = parse_ref(tooltip)
    if ref and ref[0] == "e" and "event_id_cnty" in events.columns:
        hit = events[events["event_id_cnty"].astype(str) == ref[1]]
        if len(hit):
            return hit
    if ref and ref[0] == "c":
        lat = pd.to_numeric(events["latitude"], errors="coerce").to_numpy(float)
        lon = pd.to_numeric(events["longitude"], errors="coerce").to_numpy(float)
        return events[cell_members(lat, lon, ref[1])]
    if not point:
        return events.iloc[:0]
    return events_at(events, point["lat"], point["lng"], tooltip)


def highlight(sentence: str, rule: str | None) -> str:
    """``sentence`` as HTML (escaped) with the trigger of event rule ``rule`` in ``<mark>``."""
    pattern = next((r.pattern for r in load_vocabulary().rules if r.name == rule), None)
    m = pattern.search(sentence) if pattern and sentence else None
    if not m or m.end() <= m.start():
        return html.escape(sentence or "")
    return (html.escape(sentence[:m.start()]) + "<mark>" + html.escape(m.group(0))
            + "</mark>" + html.escape(sentence[m.end():]))


def sources_html(event: dict | pd.Series) -> str:
    """An event's sources as HTML: per source the article title (a link when it has an
    http(s) URL), outlet and date, and the sentence with its trigger highlighted. All text
    from articles is escaped."""
    e = dict(event)
    head = " · ".join(html.escape(str(x)) for x in (
        e.get("event_date"), e.get("event_type"), e.get("sub_event_type"),
        " vs ".join(a for a in (e.get("actor1"), e.get("actor2")) if a),
        e.get("location") or "unlocated") if x)
    parts = [f"<div class='cm-sources'><p><b>{head}</b></p>"]
    if e.get("approximate"):
        radius = e.get("uncertainty_km")
        note = f" (± {float(radius):.0f} km)" if radius and not pd.isna(radius) else ""
        parts.append(f"<p><i>approximate location{note}</i></p>")
    if e.get("disagreements"):
        parts.append(f"<p><i>sources disagree: {html.escape(str(e['disagreements']))}</i></p>")
    parts.append("<ol>")
    for s in _source_list(e.get("sources")):
        title = html.escape(str(s.get("title") or s.get("article") or "untitled"))
        url = str(s.get("url") or "")
        if url.lower().startswith(("http://", "https://")):
            title = (f"<a href='{html.escape(url, quote=True)}' target='_blank' "
                     f"rel='noopener noreferrer'>{title}</a>")
        meta = ", ".join(html.escape(str(x)) for x in (s.get("source"), s.get("published"))
                         if x)
        parts.append(f"<li><b>{title}</b>{' — ' + meta if meta else ''}<br>"
                     f"<q>{highlight(str(s.get('sentence') or ''), e.get('rule'))}</q></li>")
    parts.append("</ol></div>")
    return "".join(parts)


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def plain_markdown(text: str) -> str:
    """``text`` with Markdown's special characters backslash-escaped, so that a message
    naming a file or quoting input shows as written in ``st.error``/``st.success``."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


TABLE_COLUMNS = ["event_date", "event_type", "sub_event_type", "actor1", "actor2", "bloc1",
                 "bloc2", "location", "country", "latitude", "longitude", "approximate",
                 "uncertainty_km", "fatalities", "n_sources", "source", "notes"]


def event_table(events: pd.DataFrame) -> pd.DataFrame:
    """The columns of the dashboard's event table (no geometry)."""
    return pd.DataFrame(events[[c for c in TABLE_COLUMNS if c in events.columns]]
                        ).reset_index(drop=True)


# -- territorial control ------------------------------------------------------------------


def control_day(window, bounds) -> date | None:
    """The day the control layers show: the end of the slider's ``window``, else the last day
    of ``bounds``; None when nothing is dated."""
    if window and window[1]:
        return _as_date(window[1])
    return bounds[1] if bounds else None


def control_layers(control_events: gpd.GeoDataFrame, day, *, observations=None,
                   corridor_km: float = 50.0, actors=None) -> gpd.GeoDataFrame:
    """Every control and corridor layer of ``day`` (``geo.layers.layers_for_date``) from the
    corpus's control events; pass ``observations`` (``geo.control.control_observations``) to
    reuse them across days."""
    from .map_layers import compute_snapshots

    LOADS["control layers"] += 1
    iso = _as_date(day).isoformat()
    return compute_snapshots(control_events, [iso], observations=observations,
                             corridor_km=corridor_km, actors=actors)[iso]


def control_summary(layers: gpd.GeoDataFrame, actors=None) -> dict:
    """What the day's layers say (``geo.map_layers.control_summary``), bloc names from
    ``actors`` (an ``ActorDictionary``) when given."""
    from .map_layers import control_summary as summary

    styles = {b.id: (b.name, b.color) for b in actors.blocs.values()} if actors else {}
    return summary(layers, styles)


def control_summary_markdown(summary: dict) -> str:
    """The summary as Markdown: the land-corridor answer in bold, then one bullet a line;
    every name is Markdown-escaped (``plain_markdown``)."""
    from .map_layers import summary_lines

    first, *rest = summary_lines(summary)
    return "\n".join([f"**{plain_markdown(first)}**", ""]
                     + [f"- {plain_markdown(line)}" for line in rest])


# -- the map's scripts and styles, served by the dashboard itself ------------------------


def serve_map_assets(files: dict[str, Path], dest: Path, url_base: str) -> dict[str, str]:
    """Copy ``files`` (relative path -> local file, as ``geo.assets.asset_paths()``) under
    ``dest`` keeping their relative paths (so a stylesheet's ``images/…`` still resolve),
    rewriting only files that are missing or differ, and return relative path -> URL
    (``url_base/relative path``). Raises OSError when ``dest`` cannot be written."""
    urls = {}
    for rel, src in files.items():
        target = dest / rel
        if not target.is_file() or target.stat().st_size != src.stat().st_size or \
                target.read_bytes() != src.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp")
            shutil.copyfile(src, tmp)
            os.replace(tmp, target)
        urls[rel] = f"{url_base.rstrip('/')}/{rel}"
    return urls


def publish_map_data(text: str, dest: Path, url_base: str, name: str = "data",
                     keep: int = 8) -> str:
    """Write ``text`` (JSON the map fetches, e.g. its country borders) to ``dest`` as
    ``<name>-<digest>.json`` unless it is there already, and return its URL
    (``url_base/<file>``): the name changes with the content, so a browser may cache it.
    Older files of that ``name`` beyond the ``keep`` most recent are removed. Raises OSError
    when ``dest`` cannot be written."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        raise ValueError(f"bad data name {name!r}")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    target = dest / f"{name}-{digest}.json"
    if not target.is_file():
        dest.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, target)
        old = sorted(dest.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
        for stale in old[keep:]:
            if stale != target:
                stale.unlink(missing_ok=True)
    return f"{url_base.rstrip('/')}/{target.name}"


# -- downloads ----------------------------------------------------------------------------


def events_csv(events: gpd.GeoDataFrame) -> bytes:
    """The events as CSV (UTF-8, latitude/longitude columns, no geometry), like
    ``conflictmap events --format csv``."""
    buf = io.StringIO()
    pd.DataFrame(events.drop(columns="geometry")).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def events_geojson(events: gpd.GeoDataFrame) -> bytes:
    """The events as an RFC 7946 GeoJSON FeatureCollection (lon, lat; unlocated events have
    a null geometry)."""
    frame = events.to_crs("EPSG:4326") if events.crs else events
    features = json.loads(frame.to_json(drop_id=True, na="null"))
    return json.dumps(features, ensure_ascii=False).encode("utf-8")
