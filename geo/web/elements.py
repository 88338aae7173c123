"""The page's own folium elements, as folium's plugins write theirs: ``MacroElement``
subclasses, each with its own templates (one per part of the page: header, script).

Their output goes into the page as rendered (:class:`Raw`), never compiled as a template
again: ``MacroElement.render`` wraps each rendered macro in a new ``Element`` whose template
*is* that text, which Jinja then compiles and renders again — slow for megabytes of data, and
anything in an article that looks like template syntax (``{{ 6*7 }}``) would be evaluated. The
data in these elements is JSON made safe by ``geo.web.html.safe_json``. Their
``_template`` holds the same parts as macros, for folium-aware tools that read it
(streamlit-folium builds the dashboard's map script from it).
"""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from geo.web import assets
from geo.web.html import SafeJson, geojson_text, safe_json


class Raw(Element):
    """Text put into the page as it is; never a template."""

    def __init__(self, text: str):
        super().__init__()
        self.text = str(text)

    def render(self, **kwargs) -> str:
        return self.text


class RawMacroElement(MacroElement):
    """A ``MacroElement`` written as folium's plugins write theirs, with its own template:
    ``header_source`` and ``script_source`` (template text rendered with ``this`` and
    ``kwargs``) make its ``_template`` (``{% macro header %}``/``{% macro script %}``, what
    folium-aware tools such as streamlit-folium read), and :meth:`render` puts each part
    into the page as :class:`Raw` text, rendered once, never templated again. It has no
    children: what it adds to the page is in its own parts."""

    header_source: str | None = None
    script_source: str | None = None
    _template = Template("")
    _parts: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        parts = [(name, source) for name, source in (("header", cls.header_source),
                                                     ("script", cls.script_source)) if source]
        cls._template = Template("".join(f"{{% macro {name}(this, kwargs) %}}{source}"
                                         "{% endmacro %}" for name, source in parts))
        cls._parts = tuple((name, Template(source, keep_trailing_newline=True))
                           for name, source in parts)

    def render(self, **kwargs):
        figure = self.get_root()
        targets = {"header": figure.header, "script": figure.script}
        for name, template in self._parts:
            targets[name].add_child(Raw(template.render(this=self, kwargs=kwargs)),
                                    name=self.get_name())


class Overlay(RawMacroElement):
    """The page's own script and style: event markers with the time filter, place mentions,
    territorial-control layers, legend (``geo/web/static/conflictmap.js``/``.css``)."""

    header_source = """<link rel="icon" href="data:,">
<style>{{ this.css }}</style>"""
    script_source = """
{{ this.library }}
(function (cm, map) {
  var state = null;
  {% if this.events_group %}state = cm.addEvents(map, {{ this.events_group.get_name() }},
    {{ this.events }}, {{ this.options }});{% endif %}
  {% if this.mentions_group %}cm.addPoints({{ this.mentions_group.get_name() }},
    {{ this.mentions }});{% endif %}
  {% if this.labels_group %}cm.addLabels(map, {{ this.labels_group.get_name() }},
    {{ this.labels }});{% endif %}
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
"""

    def __init__(self, events_group, events, mentions_group, mentions, legend, options,
                 control_groups=None, control=None, legend_options=None, labels_group=None,
                 labels=None):
        super().__init__()
        self.labels_group, self.labels = labels_group, safe_json(labels or [])
        self._name = "ConflictmapOverlay"
        self.events_group, self.mentions_group = events_group, mentions_group
        # the dashboard's compact form (a dict of columns) without spaces: 18 % smaller
        self.events = safe_json(events, compact=isinstance(events, dict))
        self.mentions = safe_json(mentions)
        self.legend, self.options = safe_json(legend), safe_json(options)
        self.legend_options = safe_json(legend_options or {})
        self.control_groups = control_groups or {}
        self.control = safe_json(control or {})
        self.css = assets.own_asset("conflictmap.css").replace("</", "<\\/")
        self.library = assets.own_asset("conflictmap.js")


class GeoJsonLayer(RawMacroElement, Layer):
    """A GeoJSON overlay (``L.geoJSON``) with one style for all its features and an optional
    sticky tooltip, whose data is embedded as given: GeoJSON text, (lon, lat), serialised
    once by the caller (``folium.GeoJson`` parses and re-serialises it, and walks every
    coordinate for the map's bounds, on each render). With ``url``, the data is not in the
    page: the layer fetches it from there (the dashboard serves its country borders so, so
    that they are not sent again with every rerun), drawn in a pane below the overlays so
    that arriving late it still lies under them."""

    # the layer's own script, then the line adding it to the map when shown, as
    # folium.map.Layer's ElementAddToElement child would add it (its script and the page's
    # separator: the same page, byte for byte)
    script_source = """
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
{% endif %}{% if this.show %}
{{ "    " }}
            {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endif %}"""

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


def geojson_layer(frame: gpd.GeoDataFrame | str, name: str, style: dict,
                  tooltip: str | None, show: bool = True) -> GeoJsonLayer:
    """An overlay of ``frame`` (or its GeoJSON text; a :class:`SafeJson` is embedded as it
    is) with one ``style`` (Leaflet path options) and a tooltip (plain text, escaped here)."""
    if isinstance(frame, SafeJson):
        data = frame
    else:
        data = geojson_text(frame if isinstance(frame, str) else frame.to_json(drop_id=True))
    return GeoJsonLayer(data, name, style, tooltip, show)
