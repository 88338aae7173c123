"""Events, place mentions, borders and the territorial-control layers on a Leaflet map
(folium), with an in-page time filter: ``build_map``, ``map_html``, ``export_map``.

Frames are EPSG:4326 GeoDataFrames with (lon, lat) geometry; folium and Leaflet take
(lat, lon). Distances are in km (``corridor_km``, ``uncertainty_km``), Leaflet circle radii in
metres. Article text is untrusted: every string that reaches the page is escaped
(``geo.web.html``, ``geo.web.popups``) and handed to the page's script
(``geo/web/static/conflictmap.js``) as JSON safe inside ``<script>`` and never read as a
template; the page's own elements (``geo.web.elements``) are put into the page as rendered.

The exported page ships every event with its popup; the dashboard's map (``popups=False``)
ships compact records and, for many events, counted groups (``geo.web.markers``). The page
loads only Leaflet (``geo.web.assets``): from the CDN, or inlined by
``map_html(m, self_contained=True)`` so it opens with no network at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.actors import load_actors
from geo.errors import InputError
from geo.io import write_atomic
from geo.layers import snapshots as layer_snapshots
from geo.layers.boundaries import (
    border_line,
    corridor,
    countries,
    country_name,
    local_crs,
    map_countries,
)
from geo.layers.registry import MAP_LAYERS, theatres_for
from geo.text.dates import parse_day
from geo.web import assets, markers
from geo.web.basemap import map_labels, water_json
from geo.web.elements import GeoJsonLayer, Overlay, geojson_layer
from geo.web.encode import encode_snapshots
from geo.web.html import UNKNOWN_COLOR, SafeJson, color, geojson_text, safe_json
from geo.web.legend import legend_html
from geo.web.popups import event_records, mention_points

EVENTS, MENTIONS, COUNTRIES, BORDER, CORRIDOR, WATER, LABELS = (
    "Events", "Place mentions", "Country borders", "Borders of interest", "Border corridor",
    "Rivers and lakes", "Map labels")
BASE_LAYERS = (EVENTS, MENTIONS, COUNTRIES, WATER, LABELS, BORDER, CORRIDOR)
#: The territorial-control layers (``geo.layers.registry.MAP_LAYERS``), drawn for the
#: slider's end date: their titles in the layer menu, in order.
CONTROL_LAYERS = tuple(layer.title for layer in MAP_LAYERS)
LAYERS = BASE_LAYERS + CONTROL_LAYERS
#: control layer title → the key of its features in the page's script
CONTROL_KEYS = {layer.title: layer.key for layer in MAP_LAYERS}
CLUSTER_ABOVE = 2000     # more events than this: markers are grouped on a screen grid
OSM = "OpenStreetMap tiles (online)"
__all__ = ["UNKNOWN_COLOR", "build_map", "map_html", "export_map", "control_data",
           "view_bounds", "in_date_range", "bloc_styles", "parse_day", "safe_json"]


def in_date_range(events: gpd.GeoDataFrame, start=None, end=None) -> gpd.GeoDataFrame:
    """Events whose date range (``first_date``–``last_date``, else ``event_date``) overlaps
    [start, end] (inclusive days). Without bounds every event is kept; with a bound, undated
    events are dropped. Raises InputError for a bad date or start after end."""
    lo, hi = parse_day(start, "start date"), parse_day(end, "end date")
    if lo and hi and lo > hi:
        raise InputError(f"start date {lo} is after end date {hi}")
    if lo is None and hi is None:
        return events
    d0 = _dates(events, "first_date")
    d1 = _dates(events, "last_date")
    keep = d0.notna() & d1.notna()
    if lo is not None:
        keep &= d1 >= lo.isoformat()
    if hi is not None:
        keep &= d0 <= hi.isoformat()
    keep = keep.fillna(False).astype(bool)
    return events if keep.all() else events[keep]


def _dates(events, column):
    own = events[column] if column in events else events["event_date"]
    return own.where(own.notna(), events["event_date"]).astype("object")


def bloc_styles(blocs: dict | None = None) -> dict[str, tuple[str, str]]:
    """bloc id → (name, colour): ``geo/actors/data/actors.toml`` [[bloc]] rows, updated by
    ``blocs`` (id → colour string or a ``geo.actors.Bloc``)."""
    styles = {b.id: (b.name, b.color) for b in load_actors().blocs.values()}
    for key, val in (blocs or {}).items():
        name, colour = (val.name, val.color) if hasattr(val, "color") else (
            styles.get(key, (key, ""))[0], str(val))
        styles[key] = (name, color(colour))
    return styles


# -- the map -----------------------------------------------------------------------------

VIEW_KM = 400.0           # rivers, lakes and labels: within this distance of the events
MIN_VIEW_DEG = 4.0        # the initial view spans at least this many degrees each way
FOCUS_KM = 100.0          # countries are drawn in detail within this distance of the events
_COUNTRIES_JSON: dict[tuple, SafeJson] = {}
_LINES: dict[tuple, tuple] = {}


def _countries_json(focus) -> SafeJson:
    """GeoJSON text of ``geo.layers.boundaries.map_countries(focus)`` (name, geometry), cached by
    the set of countries ``focus`` meets (which is all that the result depends on), so that
    maps redrawn for another filter do not simplify the world again."""
    key = tuple(sorted(countries().sindex.query(focus, predicate="intersects").tolist()))
    text = _COUNTRIES_JSON.get(key)
    if text is None:
        text = geojson_text(map_countries(focus)[["name", "geometry"]].to_json(drop_id=True))
        if len(_COUNTRIES_JSON) >= 8:
            _COUNTRIES_JSON.clear()
        _COUNTRIES_JSON[key] = text
    return text


def _border_and_corridor(border: tuple[str, str], corridor_km: float):
    """(border line frame, its GeoJSON text, corridor frame, its GeoJSON text, the corridor
    as one prepared geometry) for two country codes and a width in km, computed once per
    arguments (do not modify them)."""
    try:
        key = (tuple(border), float(corridor_km))
    except (TypeError, ValueError):
        corridor(border_line(*border), corridor_km)      # raises its own ValueError
        raise
    hit = _LINES.get(key)
    if hit is None:
        line = border_line(*border)
        zone = corridor(line, corridor_km)
        area = shapely.union_all(zone.geometry.values)
        shapely.prepare(area)
        hit = (line, geojson_text(line.to_json(drop_id=True)), zone,
               geojson_text(zone.to_json(drop_id=True)), area)
        if len(_LINES) >= 32:
            _LINES.clear()
        _LINES[key] = hit
    return hit


def theatre_borders(theatres, corridor_km: float | None = None):
    """The borders of interest of ``theatres`` (a tuple of ``geo.theatres.Theatre``) as
    [(name, line frame, its GeoJSON text, corridor frame, its GeoJSON text, width km)] and
    the union of their corridors (a prepared lon/lat geometry, None without a border).
    ``corridor_km`` overrides every border's own width."""
    out, areas = [], []
    for t in theatres:
        for b in t.borders:
            width = b.corridor_km if corridor_km is None else corridor_km
            line, line_json, zone, zone_json, area = _border_and_corridor(b.countries, width)
            name = "–".join(country_name(c) for c in b.countries) + " border"
            out.append((name, line, line_json, zone, zone_json, float(width)))
            areas.append(area)
    if not areas:
        return out, None
    area = areas[0] if len(areas) == 1 else shapely.union_all(areas)
    shapely.prepare(area)
    return out, area


def _distinct_points(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (lon, lat) of ``points`` (non-empty points) and how many of them are at
    each: events are often many at few places, so per-place work is done once."""
    xy = shapely.get_coordinates(np.asarray(points.values, dtype=object))
    if not len(xy):
        return xy, np.zeros(0, dtype=np.int64)
    codes, uniques = pd.factorize(xy[:, 0] + 1j * xy[:, 1], sort=False)
    return np.column_stack([uniques.real, uniques.imag]), np.bincount(codes)


def _around(points: gpd.GeoSeries, km: float):
    """The convex hull of ``points`` (lon, lat) grown by ``km`` kilometres, buffered in metres
    in a local equidistant projection; a polygon in lon/lat. One hull, not one buffer per
    point, so 10,000 events cost no more than ten."""
    coords, _ = _distinct_points(points)
    hull = shapely.convex_hull(shapely.multipoints(coords))
    crs = local_crs(hull)
    grown = gpd.GeoSeries([hull], crs="EPSG:4326").to_crs(crs).buffer(km * 1000.0)
    return grown.to_crs("EPSG:4326").iloc[0]


def control_data(events: gpd.GeoDataFrame, *, start=None, end=None,
                 corridor_km: float | None = None,
                 styles: dict | None = None, control_events: gpd.GeoDataFrame | None = None,
                 snapshots: dict | None = None, max_dates: int | None = None,
                 observations=None, layers: Iterable[str] | None = None,
                 evidence: dict | None = None, memo=None, theatres=None) -> dict:
    """The page's territorial-control data (``geo.web.encode.encode_snapshots``): the layers
    of ``geo.layers.registry.layers_for_date`` for each step date of the slider — the distinct event
    days of ``events`` in [start, end], a regular sample of ``max_dates`` (default
    ``geo.layers.snapshots.MAX_DATES``) of them when there are more — computed from
    ``control_events`` (events extracted with standing facts,
    ``geo.events.pipeline.control_events``; default ``events``) with every event up to
    each day, not only those in the range.
    ``snapshots`` (``{ISO day: layers frame}``) skips the computation; ``layers`` (among
    :data:`CONTROL_LAYERS`, default all) keeps only their features; ``evidence``
    (``geo.web.encode.evidence_lookup`` of the control events) saves reading their sources
    again, and ``memo`` (a ``geo.web.encode.EncodeMemo`` kept with it for the corpus) the
    encoding work that does not depend on the day (the dashboard's rerun for a new day)."""
    source = events if control_events is None else control_events
    if snapshots is None:
        shown = in_date_range(events, start, end)
        dates = layer_snapshots.step_dates(shown, start, end, layer_snapshots.MAX_DATES
                                      if max_dates is None else max_dates)
        snapshots = layer_snapshots.compute_snapshots(source, dates, observations=observations,
                                                      corridor_km=corridor_km,
                                                      theatres=theatres)
    keys = None if layers is None else {CONTROL_KEYS[name] for name in layers}
    return encode_snapshots(snapshots, styles or bloc_styles(), source, keys,
                                       evidence=evidence, memo=memo)


def build_map(events: gpd.GeoDataFrame, mentions: gpd.GeoDataFrame | None = None, *,
              start=None, end=None, corridor_km: float | None = None,
              layers: set[str] | None = None, blocs: dict | None = None, theatres=None,
              time_slider: bool = True, asset_urls: dict[str, str] | None = None,
              osm_tiles: bool = True, control_events: gpd.GeoDataFrame | None = None,
              control_snapshots: dict | None = None, max_control_dates: int | None = None,
              observations=None, control_payload: dict | None = None, compact: bool = False,
              cluster_above: int = CLUSTER_ABOVE, record_cache: dict | None = None,
              popups: bool = True, marker_table: markers.MarkerTable | None = None,
              aggregate_above: int = markers.AGGREGATE_ABOVE,
              max_markers: int = markers.MAX_MARKERS, control_json: SafeJson | None = None,
              bounds: list[list[float]] | None = None,
              data_url: Callable[[str, str], str | None] | None = None,
              detail_events: gpd.GeoDataFrame | None = None) -> folium.Map:
    """A folium map of ``events`` (``geo.events.table.events_frame``) and ``mentions``
    (``geo.text.mentions.mentions_frame``), restricted to events overlapping [start, end].

    ``layers`` picks among :data:`LAYERS` (default all). Events are coloured by actor1's bloc
    (``blocs`` overrides colours), shaped by event type, outlined dashed when approximate,
    with a dashed circle of ``uncertainty_km`` (in metres on the map); above
    ``cluster_above`` events the page groups them on a screen grid. ``time_slider`` adds the
    in-page date range slider and play button. The :data:`CONTROL_LAYERS` show, for the
    slider's end date, the territorial-control snapshot of the latest step date not after it
    (see :func:`control_data`; ``control_events``, ``control_snapshots``,
    ``max_control_dates`` and ``observations`` go to it, or ``control_payload`` is its
    result, computed before); without a slider, the last snapshot. ``compact`` starts the
    legend and layer menu collapsed (the dashboard). ``asset_urls`` gives ``leaflet.js`` /
    ``leaflet.css`` URLs (default the CDN; see ``geo.web.assets``). ``record_cache`` (event id →
    marker record, filled here) lets a caller reuse the event popups across maps of the same
    events.

    ``popups=False`` is the dashboard's map: no popups (a click on an event is reported to
    the app by streamlit-folium with the marker's tooltip, which names the event: see
    ``geo.web.markers``), the events shipped in a compact form (``geo.web.markers.payload``), and
    above ``aggregate_above`` located events grouped by point or grid cell in metres into at
    most about ``max_markers`` counted markers. ``marker_table`` (``geo.web.markers.marker_table``
    of a frame that ``events`` is a subset of, by index label, made with the same bloc
    colours) saves building it; ``control_json`` (``safe_json(control_payload)``) saves
    serialising the control data again; ``bounds`` ([[south, west], [north, east]], lat/lon)
    is the view the map opens on (default :func:`view_bounds` of the events shown).
    ``data_url(name, json_text)`` may publish the country borders (the largest part of the
    page that never changes with the filters) and return the URL the page fetches them
    from (same origin, or allowing it), or None to embed them; see ``app.py``. The borders
    are drawn in detail around the events shown, or those of ``detail_events`` (the
    dashboard's whole corpus: the same borders, so the same file, for every filter).
    ``m.conflictmap_stats`` counts what was drawn. Raises InputError for bad dates,
    ValueError for a bad layer or width."""
    layers = set(LAYERS if layers is None else layers)
    if unknown := layers - set(LAYERS):
        raise ValueError(f"unknown layer(s) {sorted(unknown)}: choose among {list(LAYERS)}")
    all_events = events
    events = in_date_range(events, start, end)
    styles = bloc_styles(blocs)
    source = all_events if control_events is None else control_events
    chosen = theatres_for(source, theatres)
    interest, zone_area = theatre_borders(chosen, corridor_km)
    located = events[events.geometry.notna() & ~events.geometry.is_empty]

    m = folium.Map(location=(34.5, 41.0), zoom_start=6, tiles=None, control_scale=True)
    urls = asset_urls or assets.cdn_urls()
    m.default_js = [("leaflet", urls[assets.SCRIPT])]
    m.default_css = [("leaflet_css", urls[assets.STYLE])]
    if osm_tiles:
        folium.TileLayer("OpenStreetMap", name=OSM, overlay=True, show=False).add_to(m)
    # countries drawn in detail: around the corridors and the events
    focus = shapely.union_all([b[3].geometry.iloc[0] for b in interest]) if interest else \
        shapely.Polygon()
    around = located if detail_events is None else detail_events[
        detail_events.geometry.notna() & ~detail_events.geometry.is_empty]
    if len(around):
        focus = focus.union(_around(around.geometry, FOCUS_KM))
    if COUNTRIES in layers:
        borders = _countries_json(focus)
        url = data_url("countries", borders) if data_url is not None else None
        style = {"color": "#546e7a", "weight": 1, "fillColor": "#f7f5ef", "fillOpacity": 1}
        (GeoJsonLayer(None, COUNTRIES, style, url=url) if url else
         geojson_layer(borders, COUNTRIES, style, None)).add_to(m)
    view = None                           # rivers, lakes and labels: around the events
    if WATER in layers or LABELS in layers:
        view = _around(around.geometry, VIEW_KM) if len(around) else focus
    if WATER in layers and (water := water_json(view)) is not None:
        geojson_layer(water, WATER, {"color": "#5b9bd5", "weight": 1, "fillColor": "#d4e6f6",
                                     "fillOpacity": 1, "interactive": False}, None).add_to(m)
    for name, line, line_json, _, zone_json, width in interest:
        if CORRIDOR in layers:
            geojson_layer(zone_json, f"{name} corridor",
                          {"color": "#e65100", "weight": 1, "fillColor": "#ffb74d",
                           "fillOpacity": 0.25, "dashArray": "4 3"},
                          f"within {width:g} km of the {name}").add_to(m)
        if BORDER in layers:
            km = line.length_km.iloc[0]
            geojson_layer(line_json, name, {"color": "#b71c1c", "weight": 3},
                          f"{name}: {km:.0f} km").add_to(m)
    control_layers = [name for name in CONTROL_LAYERS if name in layers]
    control, control_groups = None, {}
    if control_layers and control_payload is not None:
        control = control_payload
        control_groups = {CONTROL_KEYS[name]: folium.FeatureGroup(name).add_to(m)
                          for name in control_layers}
    elif control_layers:
        control = control_data(all_events, start=start, end=end, corridor_km=corridor_km,
                               theatres=chosen,
                               styles=styles, control_events=control_events,
                               snapshots=control_snapshots, max_dates=max_control_dates,
                               observations=observations, layers=control_layers)
        control_groups = {CONTROL_KEYS[name]: folium.FeatureGroup(name).add_to(m)
                          for name in control_layers}
    points = mention_points(mentions) if (
        MENTIONS in layers and mentions is not None and len(mentions)) else []
    mentions_group = folium.FeatureGroup(MENTIONS).add_to(m) if MENTIONS in layers else None
    records: list | dict = []
    n_drawn = n_items = n_groups = 0
    cell_m = None
    if EVENTS in layers and popups:
        records = event_records(located, styles, mentions, record_cache)
        n_drawn = n_items = len(records)
    elif EVENTS in layers:
        table = marker_table
        pos = table.positions(located) if table is not None else None
        if pos is None:
            table = markers.marker_table(located, styles)
        records = markers.payload(table, pos, aggregate_above=aggregate_above,
                                  max_markers=max_markers)
        groups = records["groups"] or {"n": []}
        n_drawn, n_groups, cell_m = records["total"], len(groups["n"]), records["cell_m"]
        n_items = len(records["events"]["lat"]) + n_groups
    events_group = folium.FeatureGroup(EVENTS).add_to(m) if EVENTS in layers else None
    labels = map_labels(view, located) if LABELS in layers else []
    labels_group = folium.FeatureGroup(LABELS).add_to(m) if LABELS in layers else None
    # events in the corridor (on its edge counts), as geo.layers.boundaries.within_corridor
    geoms = np.asarray(located.geometry.values, dtype=object)
    if zone_area is None:
        n_zone = 0
    elif len(geoms) and (shapely.get_type_id(geoms) == 0).all():     # points: once a place
        xy, counts = _distinct_points(located.geometry)
        n_zone = int(counts[shapely.covered_by(shapely.points(xy), zone_area)].sum())
    else:
        n_zone = int(shapely.covered_by(geoms, zone_area).sum()) if len(geoms) else 0
    where = "; ".join(f"{b[5]:g} km of the {b[0]}" for b in interest)
    notes = [f"{n_drawn} events drawn, {len(events) - len(located)} without a location "
             f"not drawn" + (f"; {n_zone} within {where}." if interest else "."),
             "Dashed outline: approximate location; dashed circle: its uncertainty radius."]
    if chosen:
        notes.append("Theatre: " + ", ".join(t.name for t in chosen) + ".")
    if n_groups:
        where = "at one point" if not cell_m else f"in cells of {cell_m / 1000:g} km"
        notes.append(f"Numbered squares: {n_groups} groups of events {where} "
                     f"({n_drawn - n_items + n_groups} events): click one to list them.")
    if n_items > cluster_above:
        notes.append("Numbered circles group nearby events: click one to zoom in.")
    if points:
        notes.append(f"White dots: {len(points)} places the articles mention.")
    if control:
        n = len(control["dates"])
        notes.append(
            f"Territorial control computed for {n} day{'s' if n != 1 else ''}"
            + (f" ({control['dates'][0]} … {control['dates'][-1]})" if n > 1 else "")
            + (": the map shows the latest not after the slider's end date." if time_slider
               and n > 1 else "."))
    Overlay(events_group, records, mentions_group, points,
             legend_html(styles, located, notes, control, control_layers),
             {"slider": bool(time_slider), "clusterAbove": int(cluster_above)},
             control_groups,
             control_json if control and isinstance(control_json, SafeJson) else control,
             {"collapsed": bool(compact)}, labels_group, labels).add_to(m)
    folium.LayerControl(collapsed=bool(compact)).add_to(m)
    m.fit_bounds(bounds or view_bounds(located, [b[1] for b in interest]), padding=(20, 20))
    m.conflictmap_stats = {"events": n_drawn, "unlocated": len(events) - len(located),
                           "labels": len(labels),
                           "mentions": len(points), "in_corridor": n_zone,
                           "control_dates": len(control["dates"]) if control else 0,
                           "control_features": len(control["features"]) if control else 0,
                           "not_drawn": {s["date"]: s["note"] for s in
                                         (control or {}).get("snapshots", []) if s.get("note")}}
    if not popups:
        m.conflictmap_stats |= {"markers": n_items, "groups": n_groups, "cell_m": cell_m}
    return m


def view_bounds(located: gpd.GeoDataFrame, lines=()) -> list[list[float]]:
    """[[south, west], [north, east]] (lat, lon) around the middle 90 % of the located events
    in each direction, so that one far-off event (a mis-located "Washington") does not zoom
    the map out to the world. ``lines`` (border line frames) count only when there are no
    located events (the view then shows the theatre's borders; else the world)."""
    lines = [lines] if isinstance(lines, gpd.GeoDataFrame) else list(lines)
    if not len(located):
        if not lines:
            return [[-60.0, -170.0], [75.0, 170.0]]
        w, s, e, n = np.array([f.total_bounds for f in lines]).T
        return [[float(s.min()), float(w.min())], [float(n.max()), float(e.max())]]
    x, y = located.geometry.x, located.geometry.y
    q = (0.05, 0.95) if len(located) >= 20 else (0.0, 1.0)
    w, e = float(x.quantile(q[0])), float(x.quantile(q[1]))
    s, n = float(y.quantile(q[0])), float(y.quantile(q[1]))
    pad = MIN_VIEW_DEG / 2          # one place: a view of a region around it, not of a street
    if e - w < MIN_VIEW_DEG:
        w, e = (w + e) / 2 - pad, (w + e) / 2 + pad
    if n - s < MIN_VIEW_DEG:
        s, n = (s + n) / 2 - pad, (s + n) / 2 + pad
    return [[s, w], [n, e]]


def map_html(m: folium.Map, self_contained: bool = True) -> str:
    """The map as a complete HTML page. Self-contained: Leaflet's script and stylesheet (with
    its images) are inlined, and the data is already in the page, so it opens with no network;
    otherwise the page references the URLs the map was built with (the CDN by default)."""
    page = m.get_root().render()
    if not self_contained:
        return page
    urls = {assets.SCRIPT: dict(m.default_js)["leaflet"],
            assets.STYLE: dict(m.default_css)["leaflet_css"]}
    return assets.inline_assets(page, urls)


def export_map(events: gpd.GeoDataFrame, mentions: gpd.GeoDataFrame | None,
               out_path: str | Path, *, self_contained: bool = True, start=None, end=None,
               corridor_km: float | None = None, stats: dict | None = None, **kwargs
               ) -> Path:
    """Build the map (``build_map``; extra keyword arguments go to it) and write it as an HTML
    page, atomically (``geo.io.write_atomic``). Returns the path written; ``stats``, when
    given, is updated with the map's ``conflictmap_stats``."""
    m = build_map(events, mentions, start=start, end=end, corridor_km=corridor_km, **kwargs)
    if stats is not None:
        stats.update(m.conflictmap_stats)
    return write_atomic(out_path, map_html(m, self_contained))
