"""Filtering the corpus's events and place mentions by time, actor, bloc and type; what a
click on the map names; the timeline and the metrics. ``EventIndex`` holds what does not
depend on the filters, computed once per corpus."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.events.table import cell_sources
from geo.text.dates import to_day
from geo.web.markers import cell_members, parse_ref

UNATTRIBUTED = "unattributed"      # the timeline's bloc for an event with no actor1 bloc
METRICS = ("events", "places", "sources", "unlocated places")


def _ordinals(values: pd.Series) -> pd.Series:
    """Dates (ISO text, date or Timestamp) as proleptic ordinals (``date.toordinal``, float;
    NaN when missing or not a date), each distinct value parsed once."""
    obj = values.astype(object)

    def one(value) -> float:
        try:
            day = to_day(value)
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
                               for s in cell_sources(v)} - {""}))
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
    bounds = date_bounds(events, spans=(first, last))
    return EventIndex(first, last, day, articles, place, places, has_point.astype(bool), bounds,
                      filter_options(events))

def date_bounds(events: pd.DataFrame, *, spans: tuple[pd.Series, pd.Series] | None = None
                ) -> tuple[date, date] | None:
    """(earliest first day, latest last day) of the dated events; None when none is dated.
    ``spans``: the events' (first, last) day ordinals, when already read."""
    if not len(events):
        return None
    first, last = _spans(events) if spans is None else spans
    first, last = first.dropna(), last.dropna()
    return (date.fromordinal(int(first.min())), date.fromordinal(int(last.max()))) \
        if len(first) and len(last) else None


def filter_events(events: gpd.GeoDataFrame, start=None, end=None, actors=None, blocs=None,
                  event_types=None, *, index: EventIndex | None = None) -> gpd.GeoDataFrame:
    """Events whose days (``first_date`` … ``last_date``, else ``event_date``) overlap
    ``start`` … ``end`` (inclusive; None leaves that side open; with a bound, undated events
    are left out) — the rule of the exported map's time slider (``geo.web.map``) —, with actor1
    or actor2 in ``actors`` (names), bloc1 or bloc2 in ``blocs`` (ids) and ``event_type`` in
    ``event_types``; None or an empty collection does not filter. ``index``
    (:func:`event_index` of these events or of a frame they are a subset of) saves reading
    their dates again."""
    keep = pd.Series(True, index=events.index)
    start, end = to_day(start), to_day(end)
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
    start, end = to_day(start), to_day(end)
    if not (start or end) or not len(mentions):
        return mentions
    days = mentions["published"].map(to_day)
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
    if not window or not bounds or (to_day(window[0]) <= bounds[0]
                                    and to_day(window[1]) >= bounds[1]):
        return None, None
    return to_day(window[0]), to_day(window[1])


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


def play_window(window: tuple[date, date], bounds: tuple[date, date], days: int = 1
                ) -> tuple[tuple[date, date], str]:
    """Where Play starts, and what to tell the user: ``window`` itself when it ends before
    the last day; from the end, the same width again from the first day; when it spans every
    day (nothing to step through), a window of ``days`` days from the first day, said so."""
    start, end = window
    first, last = bounds
    if end < last:
        return window, ""
    if start > first:
        return (first, min(first + (end - start), last)), ""
    width = timedelta(days=max(1, days) - 1)
    return (first, min(first + width, last)), (
        "The window spanned every day: playing from the first day, "
        f"{max(1, days)} day(s) at a time.")


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
                for s in cell_sources(v)}
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
    names: the event whose id the tooltip carries (``#e:<id>``, ``geo.web.markers.ref``), the
    events of the point or grid cell of a counted marker (``#c:<key>``), else the events at
    the clicked point (:func:`events_at`). Empty when nothing was clicked."""
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
