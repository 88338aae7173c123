"""Events, place mentions and borders on a Leaflet map (folium), with an in-page time filter.

Frames are EPSG:4326 GeoDataFrames with (lon, lat) geometry; folium and Leaflet take
(lat, lon). Distances are in km (``corridor_km``, ``uncertainty_km``), Leaflet circle radii in
metres. Article text is untrusted: every string that reaches the page is ``html.escape``d here
and handed to the page's script (``geo/static/conflictmap.js``) as JSON with ``<``, ``>`` and
``&`` written as ``\\u003c`` … so that no data can close a ``<script>`` element.

The page loads only Leaflet (``geo.assets``): from the CDN, or inlined by
``map_html(m, self_contained=True)`` so it opens with no network at all.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path

import folium
import geopandas as gpd
import shapely
from branca.element import MacroElement
from jinja2 import Template

from gazetteer.errors import InputError

from . import assets
from .boundaries import (
    border_line,
    corridor,
    countries,
    local_crs,
    map_countries,
    within_corridor,
)

EVENTS, MENTIONS, COUNTRIES, BORDER, CORRIDOR = (
    "Events", "Place mentions", "Country borders", "Iraq–Syria border", "Border corridor")
LAYERS = (EVENTS, MENTIONS, COUNTRIES, BORDER, CORRIDOR)
OSM = "OpenStreetMap tiles (online)"
SHAPES = {"Battles": "circle", "Explosions/Remote violence": "triangle",
          "Violence against civilians": "square", "Strategic developments": "diamond",
          "Protests": "pentagon", "Riots": "hexagon"}
PRECISION = {1: "day", 2: "week", 3: "month or wider"}
UNKNOWN_COLOR = "#9e9e9e"
_HIGHLIGHT_LIMIT = 20        # mentions listed in one place popup
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?|[a-zA-Z]{3,20}")


def _text(value) -> str:
    """A cell as text: '' for None/NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _e(value) -> str:
    return html.escape(_text(value), quote=True)


def _int(value, default: int = 0) -> int:
    try:
        return int(float(_text(value)))
    except ValueError:
        return default


def _true(value) -> bool:
    """A boolean cell (bool, numpy bool, 'True'/'1'); None and NaN are False."""
    return _text(value).strip().lower() in ("true", "1", "1.0")


def _color(value) -> str:
    """A CSS colour as ``#rgb``/``#rrggbb(aa)`` or a colour name, else the grey default (a
    colour goes into SVG markup unescaped by the page's script)."""
    text = _text(value).strip()
    return text if _COLOR.fullmatch(text) else UNKNOWN_COLOR


def parse_day(value, what: str = "date") -> date | None:
    """``value`` (None, a date, a datetime or an ISO ``YYYY-MM-DD`` string) as a date.
    Raises InputError (exit code 3 in the CLI) for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InputError(f"bad {what} {str(value)[:40]!r}: use YYYY-MM-DD") from None


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
    return events[keep.fillna(False).astype(bool)]


def _dates(events, column):
    own = events[column] if column in events else events["event_date"]
    return own.where(own.notna(), events["event_date"]).astype("object")


def bloc_styles(blocs: dict | None = None) -> dict[str, tuple[str, str]]:
    """bloc id → (name, colour): ``geo/data/actors.toml`` [[bloc]] rows, updated by
    ``blocs`` (id → colour string or a ``geo.actors.Bloc``)."""
    from .actors import load_actors

    styles = {b.id: (b.name, b.color) for b in load_actors().blocs.values()}
    for key, val in (blocs or {}).items():
        name, color = (val.name, val.color) if hasattr(val, "color") else (
            styles.get(key, (key, ""))[0], str(val))
        styles[key] = (name, _color(color))
    return styles


# -- popups ------------------------------------------------------------------------------

def _trigger_patterns() -> dict[str, re.Pattern]:
    from .events import load_vocabulary

    return {r.name: r.pattern for r in load_vocabulary().rules}


def _place_spans(sentence: str, names: list[str]) -> list[tuple[int, int]]:
    """Where one of ``names`` (place names or their surface forms) occurs in ``sentence``:
    literally (ignoring case), else as a transliteration variant of a run of words."""
    from gazetteer.normalize import TOKEN_RE, variant_key

    low = sentence.lower()
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        at = low.find(name.lower())
        if at >= 0:
            return [(at, at + len(name))]
    words = list(TOKEN_RE.finditer(sentence))
    for name in (n for n in names if n and n.strip()):
        key, width = variant_key(name), len(name.split())
        for n in {width, width + 1, max(1, width - 1)}:
            for i in range(len(words) - n + 1):
                s, e = words[i].start(), words[i + n - 1].end()
                if key and variant_key(sentence[s:e]) == key:
                    return [(s, e)]
    return []


def highlight(sentence: str, spans: list[tuple[int, int, str]]) -> str:
    """``sentence`` escaped, with the (start, end, css class) spans wrapped in ``<mark>``;
    overlapping spans after the first are skipped."""
    out, at = [], 0
    for s, e, cls in sorted(spans):
        if s < at or e <= s:
            continue
        out += [html.escape(sentence[at:s]), f'<mark class="{cls}">',
                html.escape(sentence[s:e]), "</mark>"]
        at = e
    out.append(html.escape(sentence[at:]))
    return "".join(out)


def _sources(row) -> list[dict]:
    try:
        items = json.loads(_text(row.get("sources")) or "[]")
    except ValueError:
        items = []
    return [s for s in items if isinstance(s, dict)] or [
        {"title": "", "sentence": _text(row.get("notes"))}]


def event_popup(row, styles, triggers, surfaces: dict[str, set[str]] | None = None) -> str:
    """Popup HTML of one events_frame row: type, date and precision, actors, location, and
    each source's title, date and sentence with the trigger and place highlighted."""
    prec = PRECISION.get(_int(row.get("time_precision"), 3), "month or wider")
    d0, d1 = _text(row.get("first_date")), _text(row.get("last_date") or row.get("event_date"))
    when = d1 if not d0 or d0 == d1 else f"{d0} – {d1}"
    actors = " → ".join(
        f"{_e(row.get(a))} <small>({_e(styles.get(_text(row.get(b)), (row.get(b), ''))[0])})"
        "</small>" for a, b in (("actor1", "bloc1"), ("actor2", "bloc2")) if _text(row.get(a)))
    where = _e(row.get("location")) or "unknown"
    if _true(row.get("approximate")):
        unc = row.get("uncertainty_km")
        where += (f" (approximate, ± {float(unc):g} km)" if _text(unc) else " (approximate)")
    facts = [("Date", f"{_e(when)} <small>({_e(prec)} precision; date from "
                      f"{_e(row.get('date_source')) or '?'})</small>"),
             ("Actors", actors or "unidentified"), ("Location", where)]
    if _text(row.get("claimed_by")):
        facts.append(("Claimed by", _e(row.get("claimed_by"))))
    if _int(row.get("fatalities")):
        facts.append(("Fatalities", _e(row.get("fatalities"))))
    if _text(row.get("modality")) and row.get("modality") != "asserted":
        facts.append(("Modality", _e(row.get("modality"))))
    pattern = triggers.get(_text(row.get("rule")))
    items = []
    for src in _sources(row):
        sentence = _text(src.get("sentence"))
        spans = [(m.start(), m.end(), "cm-trigger")] if pattern and (
            m := pattern.search(sentence)) else []
        names = [_text(row.get("location")), *(surfaces or {}).get(_text(src.get("article")), ())]
        spans += [(s, e, "cm-place") for s, e in _place_spans(sentence, names)]
        meta = " · ".join(_e(src.get(k)) for k in ("source", "published") if _text(src.get(k)))
        items.append(f"<li><b>{_e(src.get('title')) or _e(src.get('article'))}</b>"
                     f"{' <small>' + meta + '</small>' if meta else ''}"
                     f"<blockquote>{highlight(sentence, spans)}</blockquote></li>")
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts)
    return (f"<h4>{_e(row.get('event_type'))} <small>{_e(row.get('sub_event_type'))}</small>"
            f"</h4><dl>{dl}</dl><b>Sources ({len(items)})</b><ol>{''.join(items)}</ol>")


def _mention_points(mentions: gpd.GeoDataFrame) -> list[dict]:
    """One point per located place, its popup listing the mentions (escaped)."""
    located = mentions[mentions.geometry.notna() & ~mentions.geometry.is_empty]
    points = []
    for _, rows in located.groupby("place_id", sort=True):
        first = rows.iloc[0]
        lis = []
        for r in rows.head(_HIGHLIGHT_LIMIT).itertuples():
            at = _text(r.sentence).find(_text(r.text))
            spans = [(at, at + len(_text(r.text)), "cm-place")] if at >= 0 else []
            lis.append(f"<li><b>{_e(r.article)}</b><blockquote>"
                       f"{highlight(_text(r.sentence), spans)}</blockquote></li>")
        more = len(rows) - len(lis)
        popup = (f"<h4>{_e(first['name'])} <small>{_e(first.get('country_code'))} "
                 f"{_e(first.get('feature_code'))}</small></h4><b>{len(rows)} mention"
                 f"{'s' if len(rows) != 1 else ''} in {rows.article.nunique()} article(s)</b>"
                 f"<ol>{''.join(lis)}</ol>{f'<i>… and {more} more</i>' if more else ''}")
        points.append({"lat": first.geometry.y, "lon": first.geometry.x, "popup": popup,
                       "tip": f"{_e(first['name'])} ({len(rows)})"})
    return points


def _event_records(events, styles, mentions) -> list[dict]:
    triggers = _trigger_patterns()
    surfaces: dict[str, dict[str, set[str]]] = {}     # place name → article → surface forms
    if mentions is not None and len(mentions):
        for r in mentions.itertuples():
            surfaces.setdefault(_text(r.name), {}).setdefault(_text(r.article), set()).add(
                _text(r.text))
    records, stacks = [], {}
    for _, row in events.iterrows():
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        color = _color(styles.get(_text(row.get("bloc1")), ("", ""))[1])
        unc, approx = row.get("uncertainty_km"), _true(row.get("approximate"))
        radius = float(unc) * 1000 if approx and _text(unc) else None
        d0 = _text(row.get("first_date")) or _text(row.get("event_date"))
        d1 = _text(row.get("last_date")) or _text(row.get("event_date"))
        records.append({
            "lat": geom.y, "lon": geom.x, "d0": d0 or None, "d1": d1 or None,
            "color": color, "shape": SHAPES.get(_text(row.get("event_type")), "circle"),
            "approx": approx, "radius": radius,
            "popup": event_popup(row, styles, triggers,
                                 surfaces.get(_text(row.get("location")))),
            "tip": f"{_e(row.get('event_type'))}: {_e(row.get('location'))} ({_e(d1)})"})
        stacks.setdefault((round(geom.y, 5), round(geom.x, 5)), []).append(records[-1])
    for same in stacks.values():     # events at one point: fanned out around it on screen
        for k, rec in enumerate(same):
            rec["fan"] = [k, len(same)] if len(same) > 1 else None
    return records


def legend_html(styles, events: gpd.GeoDataFrame, notes: list[str]) -> str:
    """The legend: blocs present among the events' actor1, event types, and notes."""
    present = [b for b in styles if b in set(events.get("bloc1", []))]
    if any(_text(b) not in styles for b in events.get("bloc1", [])):
        styles = {**styles, "": ("no actor identified", UNKNOWN_COLOR)}
        present.append("")
    blocs = "".join(f'<li><span class="cm-swatch" style="background:{_e(styles[b][1])}">'
                    f"</span>{_e(styles[b][0])}</li>" for b in present)
    kinds = "".join(f'<li><span class="cm-glyph" data-shape="{s}"></span>{_e(t)}</li>'
                    for t, s in SHAPES.items())
    return (f"<details open><summary><b>Legend</b></summary><h4>Blocs (actor 1)</h4>"
            f"<ul>{blocs}</ul><h4>Event types</h4><ul>{kinds}</ul>"
            + "".join(f'<div class="cm-note">{_e(n)}</div>' for n in notes) + "</details>")


# -- the map -----------------------------------------------------------------------------

def _safe_json(data) -> str:
    """JSON that is also safe inside an HTML ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class _Overlay(MacroElement):
    """The page's own script and style: event markers with the time filter, place mentions,
    legend (``geo/static/conflictmap.js``/``.css``)."""

    _template = Template("""
{% macro header(this, kwargs) %}<link rel="icon" href="data:,">
<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.library }}
(function (cm, map) {
  {% if this.events_group %}cm.addEvents(map, {{ this.events_group.get_name() }},
    {{ this.events }}, {{ this.options }});{% endif %}
  {% if this.mentions_group %}cm.addPoints({{ this.mentions_group.get_name() }},
    {{ this.mentions }});{% endif %}
  cm.addLegend(map, {{ this.legend }});
  document.querySelectorAll(".cm-legend .cm-glyph").forEach(function (el) {
    el.innerHTML = cm.glyph(el.getAttribute("data-shape"), "#888", false, 14);
  });
})(window.conflictmap, {{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, events_group, events, mentions_group, mentions, legend, options):
        super().__init__()
        self._name = "ConflictmapOverlay"
        self.events_group, self.mentions_group = events_group, mentions_group
        self.events, self.mentions = _safe_json(events), _safe_json(mentions)
        self.legend, self.options = _safe_json(legend), _safe_json(options)
        self.css = assets.own_asset("conflictmap.css").replace("</", "<\\/")
        self.library = assets.own_asset("conflictmap.js")


def country_shape_name(code: str) -> str:
    """Natural Earth's name of a country by ISO code (the code itself if unknown)."""
    c = countries()
    rows = c[(c.iso2 == code.upper()) | (c.iso3 == code.upper())]
    return str(rows.name.iloc[0]) if len(rows) else code


def _geojson(frame: gpd.GeoDataFrame, name: str, style: dict, tooltip: str | None,
             show: bool = True) -> folium.GeoJson:
    return folium.GeoJson(frame.to_json(drop_id=True), name=name, show=show,
                          style_function=lambda _f, s=style: s, smooth_factor=0.5,
                          tooltip=html.escape(tooltip) if tooltip else None)


FOCUS_KM = 100.0          # countries are drawn in detail within this distance of the events


def _around(points: gpd.GeoSeries, km: float):
    """The convex hull of ``points`` (lon, lat) grown by ``km`` kilometres, buffered in metres
    in a local equidistant projection; a polygon in lon/lat. One hull, not one buffer per
    point, so 10,000 events cost no more than ten."""
    hull = shapely.MultiPoint(list(points)).convex_hull
    crs = local_crs(hull)
    grown = gpd.GeoSeries([hull], crs="EPSG:4326").to_crs(crs).buffer(km * 1000.0)
    return grown.to_crs("EPSG:4326").iloc[0]


def build_map(events: gpd.GeoDataFrame, mentions: gpd.GeoDataFrame | None = None, *,
              start=None, end=None, corridor_km: float = 50, layers: set[str] | None = None,
              blocs: dict | None = None, border: tuple[str, str] = ("IQ", "SY"),
              time_slider: bool = True, asset_urls: dict[str, str] | None = None,
              osm_tiles: bool = True) -> folium.Map:
    """A folium map of ``events`` (``geo.event_table.events_frame``) and ``mentions``
    (``geo.mentions.mentions_frame``), restricted to events overlapping [start, end].

    ``layers`` picks among :data:`LAYERS` (default all). Events are coloured by actor1's bloc
    (``blocs`` overrides colours), shaped by event type, outlined dashed when approximate,
    with a dashed circle of ``uncertainty_km`` (in metres on the map). ``time_slider`` adds the
    in-page date range slider and play button. ``asset_urls`` gives ``leaflet.js`` /
    ``leaflet.css`` URLs (default the CDN; see ``geo.assets``). ``m.conflictmap_stats`` counts
    what was drawn. Raises InputError for bad dates, ValueError for a bad layer or width."""
    layers = set(LAYERS if layers is None else layers)
    if unknown := layers - set(LAYERS):
        raise ValueError(f"unknown layer(s) {sorted(unknown)}: choose among {list(LAYERS)}")
    events = in_date_range(events, start, end)
    styles = bloc_styles(blocs)
    line = border_line(*border)
    zone = corridor(line, corridor_km)
    located = events[events.geometry.notna() & ~events.geometry.is_empty]
    border_name = BORDER if tuple(border) == ("IQ", "SY") else "–".join(
        country_shape_name(c) for c in border) + " border"

    m = folium.Map(location=(34.5, 41.0), zoom_start=6, tiles=None, control_scale=True)
    urls = asset_urls or assets.cdn_urls()
    m.default_js = [("leaflet", urls[assets.SCRIPT])]
    m.default_css = [("leaflet_css", urls[assets.STYLE])]
    if osm_tiles:
        folium.TileLayer("OpenStreetMap", name=OSM, overlay=True, show=False).add_to(m)
    focus = zone.geometry.iloc[0]         # countries drawn in detail: around it and the events
    if len(located):
        focus = focus.union(_around(located.geometry, FOCUS_KM))
    if COUNTRIES in layers:
        _geojson(map_countries(focus)[["name", "geometry"]], COUNTRIES,
                 {"color": "#546e7a", "weight": 1, "fillColor": "#f7f5ef", "fillOpacity": 1},
                 None).add_to(m)
    if CORRIDOR in layers:
        _geojson(zone, CORRIDOR, {"color": "#e65100", "weight": 1, "fillColor": "#ffb74d",
                                  "fillOpacity": 0.25, "dashArray": "4 3"},
                 f"within {float(corridor_km):g} km of the border").add_to(m)
    if BORDER in layers:
        km = line.length_km.iloc[0]
        _geojson(line, border_name, {"color": "#b71c1c", "weight": 3},
                 f"{border_name}: {km:.0f} km").add_to(m)
    mention_points = _mention_points(mentions) if (
        MENTIONS in layers and mentions is not None and len(mentions)) else []
    mentions_group = folium.FeatureGroup(MENTIONS).add_to(m) if MENTIONS in layers else None
    records = _event_records(located, styles, mentions) if EVENTS in layers else []
    events_group = folium.FeatureGroup(EVENTS).add_to(m) if EVENTS in layers else None
    n_zone = len(within_corridor(located, zone))
    notes = [f"{len(records)} events drawn, {len(events) - len(located)} without a location "
             f"not drawn; {n_zone} within {float(corridor_km):g} km of the border.",
             "Dashed outline: approximate location; dashed circle: its uncertainty radius."]
    if mention_points:
        notes.append(f"White dots: {len(mention_points)} places the articles mention.")
    _Overlay(events_group, records, mentions_group, mention_points,
             legend_html(styles, located, notes),
             {"slider": bool(time_slider)}).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    m.fit_bounds(view_bounds(located, line), padding=(20, 20))
    m.conflictmap_stats = {"events": len(records), "unlocated": len(events) - len(located),
                           "mentions": len(mention_points), "in_corridor": n_zone}
    return m


def view_bounds(located: gpd.GeoDataFrame, line: gpd.GeoDataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] (lat, lon) around the border line and the middle 90 %
    of the located events in each direction, so that one far-off event (a mis-located
    "Washington") does not zoom the map out to the world."""
    w, s, e, n = line.total_bounds
    if len(located):
        x, y = located.geometry.x, located.geometry.y
        q = (0.05, 0.95) if len(located) >= 20 else (0.0, 1.0)
        w, e = min(w, x.quantile(q[0])), max(e, x.quantile(q[1]))
        s, n = min(s, y.quantile(q[0])), max(n, y.quantile(q[1]))
    return [[float(s), float(w)], [float(n), float(e)]]


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


def write_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder renamed
    into place, so a failure never leaves a partial file."""
    path = Path(path)
    if not path.parent.exists():
        raise InputError(f"output folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def export_map(events: gpd.GeoDataFrame, mentions: gpd.GeoDataFrame | None,
               out_path: str | Path, *, self_contained: bool = True, start=None, end=None,
               corridor_km: float = 50, **kwargs) -> Path:
    """Build the map (``build_map``; extra keyword arguments go to it) and write it as an HTML
    page, atomically. Returns the path written."""
    m = build_map(events, mentions, start=start, end=end, corridor_km=corridor_km, **kwargs)
    return write_atomic(out_path, map_html(m, self_contained))
