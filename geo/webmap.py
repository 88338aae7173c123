"""Events, place mentions and borders on a Leaflet map (folium), with an in-page time filter.

Frames are EPSG:4326 GeoDataFrames with (lon, lat) geometry; folium and Leaflet take
(lat, lon). Distances are in km (``corridor_km``, ``uncertainty_km``), Leaflet circle radii in
metres. Article text is untrusted: every string that reaches the page is ``html.escape``d here
and handed to the page's script (``geo/static/conflictmap.js``) as JSON with ``<``, ``>`` and
``&`` written as ``\\u003c`` … so that no data can close a ``<script>`` element, and with a
``{`` that opens Jinja syntax written as ``\\u007b``; the page's own elements are put into the
page as rendered (:class:`_Raw`), never compiled as a template again (branca does that to
every macro's output: slow for megabytes of data, and it would evaluate ``{{ … }}`` found in
an article).

The exported page ships every event with its popup; the dashboard's map (``popups=False``)
ships compact records and, for many events, counted groups (``geo.markers``).

The page loads only Leaflet (``geo.assets``): from the CDN, or inlined by
``map_html(m, self_contained=True)`` so it opens with no network at all.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from gazetteer.errors import InputError

from . import assets, markers
from .boundaries import (
    border_line,
    corridor,
    countries,
    local_crs,
    map_countries,
)

EVENTS, MENTIONS, COUNTRIES, BORDER, CORRIDOR = (
    "Events", "Place mentions", "Country borders", "Iraq–Syria border", "Border corridor")
AREAS, FRONTLINES, CONTROL_PLACES, CROSSINGS, TANF_ZONE, LAND_CORRIDOR = (
    "Control areas", "Frontlines", "Control places", "Border crossings",
    "al-Tanf deconfliction zone", "Land corridor")
BASE_LAYERS = (EVENTS, MENTIONS, COUNTRIES, BORDER, CORRIDOR)
#: The territorial-control layers (``geo.layers``), drawn for the slider's end date.
CONTROL_LAYERS = (AREAS, FRONTLINES, CONTROL_PLACES, CROSSINGS, TANF_ZONE, LAND_CORRIDOR)
LAYERS = BASE_LAYERS + CONTROL_LAYERS
# control layer → the key of its features in the page's script (geo.map_layers.KEYS)
CONTROL_KEYS = {AREAS: "area", FRONTLINES: "front", CONTROL_PLACES: "place", CROSSINGS: "cross",
                TANF_ZONE: "zone", LAND_CORRIDOR: "path"}
CLUSTER_ABOVE = 2000     # more events than this: markers are grouped on a screen grid
OSM = "OpenStreetMap tiles (online)"
SHAPES = markers.SHAPES
PRECISION = {1: "day", 2: "week", 3: "month or wider"}
UNKNOWN_COLOR = markers.UNKNOWN_COLOR
_HIGHLIGHT_LIMIT = 20        # mentions listed in one place popup
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}(?:[0-9a-fA-F]{2})?|[a-zA-Z]{3,20}")


_text, _e = markers.cell_text, markers.escape_cell


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
    keep = keep.fillna(False).astype(bool)
    return events if keep.all() else events[keep]


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


def _event_records(events, styles, mentions, cache: dict | None = None) -> list[dict]:
    """One marker record per located event (lat, lon, dates, colour, shape, escaped popup and
    tooltip, ``fan``: its place among the events at the same point). ``cache`` (event id →
    record without ``fan``) is read and filled, so that a caller drawing the same events
    again does not rebuild their popups."""
    cache = {} if cache is None else cache
    triggers = None
    surfaces: dict[str, dict[str, set[str]]] = {}     # place name → article → surface forms
    if mentions is not None and len(mentions):
        for r in mentions.itertuples():
            surfaces.setdefault(_text(r.name), {}).setdefault(_text(r.article), set()).add(
                _text(r.text))
    records, stacks = [], {}
    ids = [_text(x) or None for x in events["event_id_cnty"]] \
        if "event_id_cnty" in events.columns else [None] * len(events)
    if len(set(ids)) < len(ids):         # ids missing or repeated: no cache
        ids = [None] * len(events)
    for key, (_, row) in zip(ids, events.iterrows(), strict=True):
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        if key is not None and key in cache:
            records.append(dict(cache[key]))
            stacks.setdefault((round(geom.y, 5), round(geom.x, 5)), []).append(records[-1])
            continue
        if triggers is None:
            triggers = _trigger_patterns()
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
        if key is not None:
            cache[key] = dict(records[-1])
        stacks.setdefault((round(geom.y, 5), round(geom.x, 5)), []).append(records[-1])
    for same in stacks.values():     # events at one point: fanned out around it on screen
        for k, rec in enumerate(same):
            rec["fan"] = [k, len(same)] if len(same) > 1 else None
    return records


def legend_html(styles, events: gpd.GeoDataFrame, notes: list[str],
                control: dict | None = None, control_layers: Iterable[str] = ()) -> str:
    """The legend's body: blocs present among the events' actor1, event types, the
    territorial-control symbols of ``control_layers`` (``control``: the page's control data,
    ``geo.map_layers.encode_snapshots``, whose ``blocs`` are listed), and notes. The
    land-corridor answer and the control day are filled in by the page's script."""
    used = pd.unique(events["bloc1"].astype(object)) if "bloc1" in events.columns else []
    present = [b for b in styles if b in set(used)]
    if any(_text(b) not in styles for b in used):
        styles = {**styles, "": ("no actor identified", UNKNOWN_COLOR)}
        present.append("")
    blocs = "".join(f'<li><span class="cm-swatch" style="background:{_e(styles[b][1])}">'
                    f"</span>{_e(styles[b][0])}</li>" for b in present)
    kinds = "".join(f'<li><span class="cm-glyph" data-shape="{s}"></span>{_e(t)}</li>'
                    for t, s in SHAPES.items())
    parts = [f"<h4>Blocs (actor 1)</h4><ul class=\"cm-cols\">{blocs}</ul>"
             f"<h4>Event types</h4><ul class=\"cm-cols\">{kinds}</ul>"]
    shown = set(control_layers)
    if control is not None and shown:
        items = []
        if AREAS in shown or CONTROL_PLACES in shown:
            blocs_table = control.get("blocs", [])
            items += [f'<li><span class="cm-swatch cm-area-swatch" style="background:'
                      f'{_e(_color(blocs_table[i][2]))}"></span>{blocs_table[i][1]}</li>'
                      for i in control.get("present", [])]
            items.append('<li><span class="cm-swatch cm-hatch-swatch"></span>contested or low '
                         'confidence (hatched, dashed)</li>')
        if CONTROL_PLACES in shown:
            items.append('<li><span class="cm-dot"></span>control place (opacity: '
                         'confidence)</li>')
        if FRONTLINES in shown:
            items.append('<li><span class="cm-line cm-line-front"></span>frontline</li>')
        if CROSSINGS in shown:
            items.append('<li><span class="cm-crossing-key"></span>border crossing</li>')
        if TANF_ZONE in shown:
            items.append('<li><span class="cm-line cm-line-zone"></span>al-Tanf '
                         'deconfliction zone</li>')
        if LAND_CORRIDOR in shown:
            items.append('<li><span class="cm-line cm-line-path"></span>land corridor: held '
                         'ground on the path</li><li><span class="cm-line cm-line-gap"></span>'
                         'land corridor: gap</li>')
        parts.append('<h4>Territorial control <small class="cm-control-day"></small></h4>'
                     + ('<div class="cm-answer"></div>' if LAND_CORRIDOR in shown else "")
                     + f'<ul class="cm-cols">{"".join(items)}</ul>')
    parts += [f'<div class="cm-note">{_e(n)}</div>' for n in notes]
    return "".join(parts)


# -- the map -----------------------------------------------------------------------------

class SafeJson(str):
    """JSON text already made safe by :func:`safe_json` (passed through as it is)."""


_TEMPLATE_OPENER = re.compile(r"\{(?=[{%#])")


def safe_json(data, compact: bool = False) -> SafeJson:
    """``data`` as JSON that is also safe inside an HTML ``<script>`` element: ``<``, ``>``,
    ``&``, U+2028 and U+2029 are written as ``\\u`` escapes, and so is a ``{`` opening
    Jinja syntax (``{{``, ``{%``, ``{#``; in JSON it can only be inside a string), so that
    no data can close the element or be read as a template; ``compact``: no spaces after
    separators. Serialise a large payload once and pass the result (a :class:`SafeJson`) to
    :func:`build_map` again and again."""
    if isinstance(data, SafeJson):
        return data
    raws: list = []
    nonce = secrets.token_hex(8)

    def raw(obj):
        # an object that writes its own JSON (``geo.map_layers.GeoJSON``): a placeholder
        # now, its text below (the nonce: no data can forge a placeholder)
        if callable(getattr(obj, "raw_json", None)):
            raws.append(obj)
            return f"{nonce}:{len(raws) - 1}"
        raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")

    text = json.dumps(data, ensure_ascii=False, allow_nan=False, default=raw,
                      separators=(",", ":") if compact else None)
    if raws:
        text = re.sub(f'"{nonce}:(\\d+)"',
                      lambda m: raws[int(m.group(1))].raw_json(compact), text)
    text = (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    return SafeJson(_TEMPLATE_OPENER.sub(r"\\u007b", text))


_safe_json = safe_json


class _Raw(Element):
    """Text put into the page as it is. branca's ``MacroElement.render`` wraps each rendered
    macro in a new ``Element`` whose template *is* that text, which Jinja then compiles and
    renders again: slow for a large script (the lexer reads all of it), and anything in the
    data that looks like template syntax would be evaluated. This element is never a
    template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


def _render_raw(element: MacroElement, **kwargs) -> None:
    """``MacroElement.render`` for ``element``, its macros' output kept as :class:`_Raw`."""
    figure = element.get_root()
    module = element._template.module.__dict__
    for part, target in (("header", figure.header), ("html", figure.html),
                         ("script", figure.script)):
        macro = module.get(part)
        if macro is not None:
            target.add_child(_Raw(macro(element, kwargs)), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class _Overlay(MacroElement):
    """The page's own script and style: event markers with the time filter, place mentions,
    territorial-control layers, legend (``geo/static/conflictmap.js``/``.css``)."""

    _template = Template("""
{% macro header(this, kwargs) %}<link rel="icon" href="data:,">
<style>{{ this.css }}</style>{% endmacro %}
{% macro script(this, kwargs) %}
{{ this.library }}
(function (cm, map) {
  var state = null;
  {% if this.events_group %}state = cm.addEvents(map, {{ this.events_group.get_name() }},
    {{ this.events }}, {{ this.options }});{% endif %}
  {% if this.mentions_group %}cm.addPoints({{ this.mentions_group.get_name() }},
    {{ this.mentions }});{% endif %}
  cm.addLegend(map, {{ this.legend }}, {{ this.legend_options }});
  (function () {      /* the legend stays open or closed across reruns and reloads */
    var KEY = "conflictmap.legend", store = null;
    var box = map.getContainer().querySelector(".cm-legend");
    var button = box && box.querySelector(".cm-legend-toggle");
    try { store = window.localStorage; store.getItem(KEY); } catch (e) { store = null; }
    if (!button || !store) { return; }
    function isOpen() { return !L.DomUtil.hasClass(box, "cm-collapsed"); }
    var want = store.getItem(KEY);
    if ((want === "open" && !isOpen()) || (want === "closed" && isOpen())) { button.click(); }
    button.addEventListener("click", function () {
      try { store.setItem(KEY, isOpen() ? "open" : "closed"); } catch (e) { /* full */ }
    });
  })();
  {% if this.control_groups %}cm.addControl(map, state, {
    {%- for key, group in this.control_groups.items() %}
    "{{ key }}": {{ group.get_name() }},{% endfor %}
  }, {{ this.control }});{% endif %}
  document.querySelectorAll(".cm-legend .cm-glyph").forEach(function (el) {
    el.innerHTML = cm.glyph(el.getAttribute("data-shape"), "#888", false, 14);
  });
})(window.conflictmap, {{ this._parent.get_name() }});
{% endmacro %}""")

    def __init__(self, events_group, events, mentions_group, mentions, legend, options,
                 control_groups=None, control=None, legend_options=None):
        super().__init__()
        self._name = "ConflictmapOverlay"
        self.events_group, self.mentions_group = events_group, mentions_group
        # the dashboard's compact form (a dict of columns) without spaces: 18 % smaller
        self.events = _safe_json(events, compact=isinstance(events, dict))
        self.mentions = _safe_json(mentions)
        self.legend, self.options = _safe_json(legend), _safe_json(options)
        self.legend_options = _safe_json(legend_options or {})
        self.control_groups = control_groups or {}
        self.control = _safe_json(control or {})
        self.css = assets.own_asset("conflictmap.css").replace("</", "<\\/")
        self.library = assets.own_asset("conflictmap.js")

    def render(self, **kwargs):
        _render_raw(self, **kwargs)


def country_shape_name(code: str) -> str:
    """Natural Earth's name of a country by ISO code (the code itself if unknown)."""
    c = countries()
    rows = c[(c.iso2 == code.upper()) | (c.iso3 == code.upper())]
    return str(rows.name.iloc[0]) if len(rows) else code


class _GeoJsonLayer(Layer):
    """A GeoJSON overlay (``L.geoJSON``) with one style for all its features and an optional
    sticky tooltip, whose data is embedded as given: GeoJSON text, (lon, lat), serialised
    once by the caller (``folium.GeoJson`` parses and re-serialises it, and walks every
    coordinate for the map's bounds, on each render). With ``url``, the data is not in the
    page: the layer fetches it from there (the dashboard serves its country borders so, so
    that they are not sent again with every rerun), drawn in a pane below the overlays so
    that arriving late it still lies under them."""

    _template = Template("""
{% macro script(this, kwargs) %}
{% if this.url %}if (!{{ this._parent.get_name() }}.getPane("cmBase")) {
  {{ this._parent.get_name() }}.createPane("cmBase").style.zIndex = 350; }
var {{ this.get_name() }} = L.geoJSON(null, {
  style: function () { return {{ this.style }}; }, smoothFactor: 0.5, pane: "cmBase"});
fetch({{ this.url }}).then(function (r) {
  if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json();
}).then(function (d) { {{ this.get_name() }}.addData(d); }).catch(function (e) {
  console.warn("conflictmap: {{ this.what }} not loaded: " + e); });
{% else %}var {{ this.get_name() }} = L.geoJSON({{ this.data }}, {
  style: function () { return {{ this.style }}; }, smoothFactor: 0.5});
{% endif %}
{% if this.tooltip %}{{ this.get_name() }}.bindTooltip({{ this.tooltip }}, {sticky: true});
{% endif %}{% endmacro %}""")

    def __init__(self, data: str | None, name: str, style: dict, tooltip: str | None = None,
                 show: bool = True, url: str | None = None):
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "GeoJsonLayer"
        self.url = safe_json(str(url)) if url else None
        self.what = re.sub(r"[^A-Za-z ]", "", name).strip().lower() or "layer"
        self.data = None if url else (
            safe_json(json.loads(data)) if not isinstance(data, SafeJson) else data)
        self.style = safe_json(style)
        self.tooltip = safe_json(f"<div>{html.escape(tooltip)}</div>") if tooltip else None

    def render(self, **kwargs):
        if self.show:
            self.add_child(folium.map.ElementAddToElement(
                element_name=self.get_name(), element_parent_name=self._parent.get_name()),
                name=self.get_name() + "_add")
        _render_raw(self, **kwargs)


def _geojson(frame: gpd.GeoDataFrame | str, name: str, style: dict, tooltip: str | None,
             show: bool = True) -> _GeoJsonLayer:
    """An overlay of ``frame`` (or its GeoJSON text; a :class:`SafeJson` is embedded as it
    is) with one ``style`` (Leaflet path options) and a tooltip (plain text, escaped here)."""
    if isinstance(frame, SafeJson):
        data = frame
    else:
        data = _geojson_text(frame if isinstance(frame, str) else frame.to_json(drop_id=True))
    return _GeoJsonLayer(data, name, style, tooltip, show)


def _geojson_text(text: str) -> SafeJson:
    """GeoJSON text made safe for the page's script (``safe_json``) without parsing it
    again when it needs no escaping."""
    if not re.search(r"[<>&\u2028\u2029]|\{[{%#]", text):
        return SafeJson(text)
    return safe_json(json.loads(text))


FOCUS_KM = 100.0          # countries are drawn in detail within this distance of the events
_COUNTRIES_JSON: dict[tuple, SafeJson] = {}
_LINES: dict[tuple, tuple] = {}


def _countries_json(focus) -> SafeJson:
    """GeoJSON text of ``geo.boundaries.map_countries(focus)`` (name, geometry), cached by
    the set of countries ``focus`` meets (which is all that the result depends on), so that
    maps redrawn for another filter do not simplify the world again."""
    key = tuple(sorted(countries().sindex.query(focus, predicate="intersects").tolist()))
    text = _COUNTRIES_JSON.get(key)
    if text is None:
        text = _geojson_text(map_countries(focus)[["name", "geometry"]].to_json(drop_id=True))
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
        hit = (line, _geojson_text(line.to_json(drop_id=True)), zone,
               _geojson_text(zone.to_json(drop_id=True)), area)
        if len(_LINES) >= 32:
            _LINES.clear()
        _LINES[key] = hit
    return hit


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


def control_data(events: gpd.GeoDataFrame, *, start=None, end=None, corridor_km: float = 50,
                 styles: dict | None = None, control_events: gpd.GeoDataFrame | None = None,
                 snapshots: dict | None = None, max_dates: int | None = None,
                 observations=None, layers: Iterable[str] | None = None,
                 evidence: dict | None = None, memo=None) -> dict:
    """The page's territorial-control data (``geo.map_layers.encode_snapshots``): the layers
    of ``geo.layers.layers_for_date`` for each step date of the slider — the distinct event
    days of ``events`` in [start, end], a regular sample of ``max_dates`` (default
    ``geo.map_layers.MAX_DATES``) of them when there are more — computed from
    ``control_events`` (events extracted with standing facts, ``geo.control.control_events``;
    default ``events``) with every event up to each day, not only those in the range.
    ``snapshots`` (``{ISO day: layers frame}``) skips the computation; ``layers`` (among
    :data:`CONTROL_LAYERS`, default all) keeps only their features; ``evidence``
    (``geo.map_layers.evidence_lookup`` of the control events) saves reading their sources
    again, and ``memo`` (a ``geo.map_layers.EncodeMemo`` kept with it for the corpus) the
    encoding work that does not depend on the day (the dashboard's rerun for a new day)."""
    from . import map_layers

    source = events if control_events is None else control_events
    if snapshots is None:
        shown = in_date_range(events, start, end)
        dates = map_layers.step_dates(shown, start, end, map_layers.MAX_DATES
                                      if max_dates is None else max_dates)
        snapshots = map_layers.compute_snapshots(source, dates, observations=observations,
                                                 corridor_km=corridor_km)
    keys = None if layers is None else {CONTROL_KEYS[name] for name in layers}
    return map_layers.encode_snapshots(snapshots, styles or bloc_styles(), source, keys,
                                       evidence=evidence, memo=memo)


def build_map(events: gpd.GeoDataFrame, mentions: gpd.GeoDataFrame | None = None, *,
              start=None, end=None, corridor_km: float = 50, layers: set[str] | None = None,
              blocs: dict | None = None, border: tuple[str, str] = ("IQ", "SY"),
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
    """A folium map of ``events`` (``geo.event_table.events_frame``) and ``mentions``
    (``geo.mentions.mentions_frame``), restricted to events overlapping [start, end].

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
    ``leaflet.css`` URLs (default the CDN; see ``geo.assets``). ``record_cache`` (event id →
    marker record, filled here) lets a caller reuse the event popups across maps of the same
    events.

    ``popups=False`` is the dashboard's map: no popups (a click on an event is reported to
    the app by streamlit-folium with the marker's tooltip, which names the event: see
    ``geo.markers``), the events shipped in a compact form (``geo.markers.payload``), and
    above ``aggregate_above`` located events grouped by point or grid cell in metres into at
    most about ``max_markers`` counted markers. ``marker_table`` (``geo.markers.marker_table``
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
    line, line_json, zone, zone_json, zone_area = _border_and_corridor(border, corridor_km)
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
    around = located if detail_events is None else detail_events[
        detail_events.geometry.notna() & ~detail_events.geometry.is_empty]
    if len(around):
        focus = focus.union(_around(around.geometry, FOCUS_KM))
    if COUNTRIES in layers:
        borders = _countries_json(focus)
        url = data_url("countries", borders) if data_url is not None else None
        style = {"color": "#546e7a", "weight": 1, "fillColor": "#f7f5ef", "fillOpacity": 1}
        (_GeoJsonLayer(None, COUNTRIES, style, url=url) if url else
         _geojson(borders, COUNTRIES, style, None)).add_to(m)
    if CORRIDOR in layers:
        _geojson(zone_json, CORRIDOR, {"color": "#e65100", "weight": 1,
                                       "fillColor": "#ffb74d", "fillOpacity": 0.25,
                                       "dashArray": "4 3"},
                 f"within {float(corridor_km):g} km of the border").add_to(m)
    if BORDER in layers:
        km = line.length_km.iloc[0]
        _geojson(line_json, border_name, {"color": "#b71c1c", "weight": 3},
                 f"{border_name}: {km:.0f} km").add_to(m)
    control_layers = [name for name in CONTROL_LAYERS if name in layers]
    control, control_groups = None, {}
    if control_layers and control_payload is not None:
        control = control_payload
        control_groups = {CONTROL_KEYS[name]: folium.FeatureGroup(name).add_to(m)
                          for name in control_layers}
    elif control_layers:
        control = control_data(all_events, start=start, end=end, corridor_km=corridor_km,
                               styles=styles, control_events=control_events,
                               snapshots=control_snapshots, max_dates=max_control_dates,
                               observations=observations, layers=control_layers)
        control_groups = {CONTROL_KEYS[name]: folium.FeatureGroup(name).add_to(m)
                          for name in control_layers}
    mention_points = _mention_points(mentions) if (
        MENTIONS in layers and mentions is not None and len(mentions)) else []
    mentions_group = folium.FeatureGroup(MENTIONS).add_to(m) if MENTIONS in layers else None
    records: list | dict = []
    n_drawn = n_items = n_groups = 0
    cell_m = None
    if EVENTS in layers and popups:
        records = _event_records(located, styles, mentions, record_cache)
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
    # events in the corridor (on its edge counts), as geo.boundaries.within_corridor
    geoms = np.asarray(located.geometry.values, dtype=object)
    if len(geoms) and (shapely.get_type_id(geoms) == 0).all():       # points: once a place
        xy, counts = _distinct_points(located.geometry)
        n_zone = int(counts[shapely.covered_by(shapely.points(xy), zone_area)].sum())
    else:
        n_zone = int(shapely.covered_by(geoms, zone_area).sum()) if len(geoms) else 0
    notes = [f"{n_drawn} events drawn, {len(events) - len(located)} without a location "
             f"not drawn; {n_zone} within {float(corridor_km):g} km of the border.",
             "Dashed outline: approximate location; dashed circle: its uncertainty radius."]
    if n_groups:
        where = "at one point" if not cell_m else f"in cells of {cell_m / 1000:g} km"
        notes.append(f"Numbered squares: {n_groups} groups of events {where} "
                     f"({n_drawn - n_items + n_groups} events): click one to list them.")
    if n_items > cluster_above:
        notes.append("Numbered circles group nearby events: click one to zoom in.")
    if mention_points:
        notes.append(f"White dots: {len(mention_points)} places the articles mention.")
    if control:
        n = len(control["dates"])
        notes.append(
            f"Territorial control computed for {n} day{'s' if n != 1 else ''}"
            + (f" ({control['dates'][0]} … {control['dates'][-1]})" if n > 1 else "")
            + (": the map shows the latest not after the slider's end date." if time_slider
               and n > 1 else "."))
    _Overlay(events_group, records, mentions_group, mention_points,
             legend_html(styles, located, notes, control, control_layers),
             {"slider": bool(time_slider), "clusterAbove": int(cluster_above)},
             control_groups,
             control_json if control and isinstance(control_json, SafeJson) else control,
             {"collapsed": bool(compact)}).add_to(m)
    folium.LayerControl(collapsed=bool(compact)).add_to(m)
    m.fit_bounds(bounds or view_bounds(located, line), padding=(20, 20))
    m.conflictmap_stats = {"events": n_drawn, "unlocated": len(events) - len(located),
                           "mentions": len(mention_points), "in_corridor": n_zone,
                           "control_dates": len(control["dates"]) if control else 0,
                           "control_features": len(control["features"]) if control else 0}
    if not popups:
        m.conflictmap_stats |= {"markers": n_items, "groups": n_groups, "cell_m": cell_m}
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
