/* conflictmap: event markers with an in-page time filter, place mentions, territorial-control
 * layers and a legend, on plain Leaflet (no other library). Coordinates are [lat, lon] as
 * Leaflet wants them (the control data's GeoJSON geometries are [lon, lat] and are swapped by
 * L.GeoJSON.coordsToLatLng); dates are ISO days (YYYY-MM-DD) counted in UTC. Popup and tooltip
 * strings arrive HTML-escaped by the Python side (geo/web/encode.py, geo/web/markers.py); this
 * script only joins those pieces with numbers, and sets plain text with textContent.
 *
 * window.conflictmap.maps[i] is the state of the i-th map on the page: total and shown
 * (events), drawn (markers and clusters on the map), clustered, groups (counted markers of
 * events grouped by the server), events (one Leaflet layer group per event; filled on
 * demand when clustered), setRange(startIso, endIso), play(), stop(), control (the control
 * layers: index, date, counts, layers by kind, show(i)).
 *
 * Events come as an array of records with their popups (the exported page), or in the
 * dashboard's compact form (geo/markers.py: columns of numbers indexing tables of escaped
 * strings, no popups, and optionally counted groups of events). In the compact form a click
 * on an event or a group is passed on to the events' layer, where streamlit-folium reports
 * it with the tooltip's text: its hidden tail (#e:<event id> or #c:<cell key>) names what
 * was clicked.
 */
(function (L) {
  "use strict";
  if (window.conflictmap && window.conflictmap.addEvents) { return; }
  var cm = window.conflictmap = {maps: [], controls: []};
  var DAY = 86400000;
  var CELL_PX = 56;          /* clustering grid, screen pixels */
  var MAX_RING_M = 100000;   /* uncertainty rings wider than this show only on hover */
  var LOW = 0.35;            /* confidence below which areas are hatched (geo/web/encode.py LOW_CONFIDENCE) */
  /* the popup line of an area, frontline or place that rests on an approximate placement */
  var APPROX = "approximate: rests on a place the text only describes " +
    "(\u201cwest of X\u201d, \u201cthe border village of X\u201d); see the evidence";
  var SHAPES = {
    circle: '<circle cx="9" cy="9" r="6.5"/>',
    triangle: '<path d="M9 1.5 16.5 15.5H1.5Z"/>',
    square: '<path d="M2.5 2.5h13v13h-13Z"/>',
    diamond: '<path d="M9 1 17 9 9 17 1 9Z"/>',
    pentagon: '<path d="M9 1.5 16.6 7 13.7 16H4.3L1.4 7Z"/>',
    hexagon: '<path d="M5 1.8h8L17 9l-4 7.2H5L1 9Z"/>'
  };

  function day(iso) {
    if (!iso) { return null; }
    var p = iso.split("-");
    return Math.round(Date.UTC(+p[0], +p[1] - 1, +p[2]) / DAY);
  }
  function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }
  function afterPaint(fn) {
    if (window.requestAnimationFrame) {
      requestAnimationFrame(function () { setTimeout(fn, 0); });
    } else { setTimeout(fn, 0); }
  }

  cm.glyph = function (shape, color, approximate, size) {
    size = size || 18;
    var dash = approximate ? ' stroke-dasharray="2.5 2"' : "";
    return '<svg xmlns="http://www.w3.org/2000/svg" width="' + size + '" height="' + size +
      '" viewBox="0 0 18 18"><g fill="' + color + '" fill-opacity="0.9" stroke="' +
      (approximate ? "#000" : "#fff") + '" stroke-width="1.6"' + dash + ">" +
      (SHAPES[shape] || SHAPES.circle) + "</g></svg>";
  };

  /* Events at one point are fanned out on a ring around it (screen pixels), so each stays
   * visible and clickable; the point itself does not move. */
  function anchor(fan) {
    if (!fan) { return [9, 9]; }
    var r = 7 + 2.2 * Math.min(fan[1], 12), a = 2 * Math.PI * fan[0] / fan[1] - Math.PI / 2;
    return [9 - Math.round(r * Math.cos(a)), 9 - Math.round(r * Math.sin(a))];
  }

  function eventLayer(ev, report) {
    if (ev.n) { return groupLayer(ev, report); }
    var at = anchor(ev.fan), top = [9 - at[0], -at[1]];
    var marker = L.marker([ev.lat, ev.lon], {
      icon: L.divIcon({className: "cm-event cm-" + ev.shape, iconSize: [18, 18],
                       iconAnchor: at, popupAnchor: top, tooltipAnchor: top,
                       html: cm.glyph(ev.shape, ev.color, ev.approx)}),
      keyboard: true, riseOnHover: true
    });
    if (ev.popup) { marker.bindPopup(ev.popup, {maxWidth: 420, className: "cm-popup"}); }
    marker.bindTooltip(ev.tip, {direction: "top"});
    if (report) { marker.addEventParent(report); }
    var parts = [marker], ring = null;
    if (ev.radius) {
      ring = L.circle([ev.lat, ev.lon], {
        radius: ev.radius, color: ev.color, weight: 1.5, dashArray: "5 4",
        /* rings wider than 50 km (e.g. "on the border") are outlines only, so stacked
         * vague events do not paint a region that looks like territory */
        fill: ev.radius <= 50000, fillOpacity: 0.06, interactive: false,
        className: "cm-uncertainty"});
      if (ev.radius <= MAX_RING_M) { parts.unshift(ring); }
    }
    var group = L.layerGroup(parts);
    if (ring && ev.radius > MAX_RING_M) {     /* wider: drawn only while the event is pointed at */
      marker.on("mouseover popupopen", function () { group.addLayer(ring); });
      marker.on("mouseout popupclose", function () {
        if (!marker.isPopupOpen || !marker.isPopupOpen()) { group.removeLayer(ring); }
      });
    }
    group.marker = marker;
    return group;
  }

  function slider(cls, lo, hi, value) {
    var input = L.DomUtil.create("input", cls);
    input.type = "range"; input.min = lo; input.max = hi; input.step = 1; input.value = value;
    return input;
  }

  function timeControl(state, lo, hi) {
    var ctl = L.control({position: "bottomleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-time leaflet-bar");
      var title = L.DomUtil.create("div", "cm-time-title", box);
      title.textContent = "Time filter";
      var rowA = L.DomUtil.create("label", "cm-row", box);
      L.DomUtil.create("span", "cm-key", rowA).textContent = "from";
      state.startInput = slider("cm-start", lo, hi, lo); rowA.appendChild(state.startInput);
      var rowB = L.DomUtil.create("label", "cm-row", box);
      L.DomUtil.create("span", "cm-key", rowB).textContent = "to";
      state.endInput = slider("cm-end", lo, hi, hi); rowB.appendChild(state.endInput);
      var foot = L.DomUtil.create("div", "cm-row", box);
      state.playButton = L.DomUtil.create("button", "cm-play", foot);
      state.playButton.type = "button";
      state.playButton.textContent = "\u25B6 play";
      state.playButton.title = "Step through time";
      state.label = L.DomUtil.create("span", "cm-range", foot);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      L.DomEvent.on(state.startInput, "input", function () {
        if (+state.startInput.value > +state.endInput.value) {
          state.endInput.value = state.startInput.value;
        }
        state.apply();
      });
      L.DomEvent.on(state.endInput, "input", function () {
        if (+state.endInput.value < +state.startInput.value) {
          state.startInput.value = state.endInput.value;
        }
        state.apply();
      });
      L.DomEvent.on(state.playButton, "click", function () {
        if (state.timer) { state.stop(); } else { state.play(); }
      });
      state.box = box;
      return box;
    };
    return ctl;
  }

  /* -- the dashboard's compact events (geo/markers.py) ----------------------------------- */

  /* The hidden tail of a tooltip naming what it belongs to; ``value`` arrives escaped. */
  function ref(kind, value) {
    return value ? '<span class="cm-ref" hidden> #' + kind + ":" + value + "</span>" : "";
  }

  /* Records {lat, lon, color, shape, approx, radius, fan, tip, d0, d1 (days), n (groups)}
   * from the columns of the compact form. Strings (types, places, ids, keys) arrive
   * HTML-escaped; only fixed labels and numbers are added to them here. */
  function expand(data) {
    var out = [], e = data.events || {}, g = data.groups, colors = data.colors || [];
    var types = data.types || [], shapes = data.shapes || [], places = data.places || [];
    var i, n = (e.lat || []).length;
    for (i = 0; i < n; i += 1) {
      var d0 = e.d0[i], d1 = d0 === null ? null : d0 + (e.dd[i] || 0);
      out.push({lat: e.lat[i], lon: e.lon[i], color: colors[e.c[i]] || "#9e9e9e",
                shape: shapes[e.t[i]] || "circle", approx: !!e.ap[i],
                radius: e.r[i] || null, fan: e.fn[i] > 1 ? [e.fk[i], e.fn[i]] : null,
                tip: (types[e.t[i]] || "") + ": " + (places[e.p[i]] || "") + " (" +
                  (d1 === null ? "" : iso(d1)) + ")" + ref("e", e.id ? e.id[i] : ""),
                day0: d0, day1: d1});
    }
    var cell = data.cell_m ? (data.cell_m >= 1000 ? (data.cell_m / 1000) + " km" :
                              data.cell_m + " m") : "";
    for (i = 0; g && i < g.n.length; i += 1) {
      var box = g.box[i], point = box[0] === box[2] && box[1] === box[3];
      out.push({lat: g.lat[i], lon: g.lon[i], n: g.n[i], color: colors[g.c[i]] || "#9e9e9e",
                box: box, point: point, day0: g.d0[i], day1: g.d1[i],
                tip: g.n[i] + " events " + (point ? "at this point" : "in this " + cell +
                  " cell") + ": click to list them" + (point ? "" : " and zoom in") +
                  ref("c", g.key[i])});
    }
    return out;
  }

  /* A counted marker of events the server grouped (one point, or one grid cell): a click
   * zooms to its events (a cell) and is reported to the dashboard, which lists them. */
  function groupLayer(ev, report) {
    var marker = L.marker([ev.lat, ev.lon], {icon: clusterIcon(ev.n, ev.color, "cm-group"),
                                              keyboard: true});
    marker.bindTooltip(ev.tip, {direction: "top"});
    marker.on("click", function () {
      var map = marker._map, b = ev.box;
      if (map && !ev.point) {
        map.fitBounds([[b[0], b[1]], [b[2], b[3]]], {padding: [40, 40]});
      }
    });
    if (report) { marker.addEventParent(report); }
    marker.marker = marker;
    return marker;
  }

  /* -- clustering: a grid of CELL_PX screen pixels, recomputed on zoom, pan and filter ---- */

  function clusterIcon(n, color, extra) {
    var size = n < 10 ? 26 : n < 100 ? 32 : n < 1000 ? 38 : 44;
    var icon = L.divIcon({className: "cm-cluster" + (extra ? " " + extra : ""),
                          iconSize: [size, size], html: ""});
    icon.createIcon = function (old) {
      var div = L.DivIcon.prototype.createIcon.call(this, old);
      var inner = document.createElement("div");
      inner.style.background = color;
      inner.textContent = String(n);
      div.appendChild(inner);
      return div;
    };
    return icon;
  }

  function clusterLayer(members, map) {
    var lat = 0, lon = 0, colors = {}, best = null, south = 90, north = -90, west = 180,
      east = -180, n = 0;
    members.forEach(function (it) {
      var ev = it.ev, k = it.n, b = ev.box || [ev.lat, ev.lon, ev.lat, ev.lon];
      lat += ev.lat * k; lon += ev.lon * k; n += k;
      colors[ev.color] = (colors[ev.color] || 0) + k;
      if (best === null || colors[ev.color] > colors[best]) { best = ev.color; }
      south = Math.min(south, b[0]); north = Math.max(north, b[2]);
      west = Math.min(west, b[1]); east = Math.max(east, b[3]);
    });
    var marker = L.marker([lat / n, lon / n], {icon: clusterIcon(n, best), keyboard: true});
    marker.bindTooltip(n + " events (click to zoom in)", {direction: "top"});
    marker.on("click", function () {
      if (north - south < 1e-6 && east - west < 1e-6) {
        map.setView([south, west], Math.min(map.getMaxZoom(), map.getZoom() + 3));
      } else {
        map.fitBounds([[south, west], [north, east]], {padding: [40, 40]});
      }
    });
    return marker;
  }

  cm.addEvents = function (map, group, events, options) {
    options = options || {};
    var compact = !Array.isArray(events);
    var report = compact ? group : null;        /* clicks reported through the events' layer */
    var records = compact ? expand(events) : events;
    var clustered = records.length > (options.clusterAbove || Infinity);
    var total = 0, nGroups = 0;
    var items = records.map(function (ev) {
      var it = {ev: ev, layer: null, n: ev.n || 1, show: true,
                d0: compact ? ev.day0 : day(ev.d0),
                d1: compact ? ev.day1 : day(ev.d1 || ev.d0)};
      if (it.d1 === null || it.d1 === undefined) { it.d1 = it.d0; }
      total += it.n; nGroups += ev.n ? 1 : 0;
      if (clustered) {
        var p = map.project([ev.lat, ev.lon], 0);
        it.px = p.x; it.py = p.y;
      } else {
        it.layer = eventLayer(ev, report);
      }
      return it;
    });
    function layerOf(it) {
      if (!it.layer) { it.layer = eventLayer(it.ev, report); }
      return it.layer;
    }
    var lo = Infinity, hi = -Infinity, nDated = 0;
    items.forEach(function (it) {
      if (it.d0 !== null) { nDated += 1; lo = Math.min(lo, it.d0); hi = Math.max(hi, it.d1); }
    });
    var state = {map: map, group: group, total: total, shown: 0, drawn: 0, groups: nGroups,
                 clusters: 0, timer: null, clustered: clustered, listeners: [],
                 events: clustered ? [] : items.map(function (it) { return it.layer; }),
                 lo: lo, hi: hi};
    state.layerOf = function (i) { return layerOf(items[i]); };

    function render() {
      var t0 = window.performance ? performance.now() : 0;
      if (!clustered) {
        var drawn = 0;
        items.forEach(function (it) {
          if (it.show) { group.addLayer(it.layer); drawn += 1; } else {
            group.removeLayer(it.layer);
          }
        });
        state.drawn = drawn;
      } else {
        var z = map.getZoom(), scale = Math.pow(2, z), pb = map.getPixelBounds();
        var x0 = pb.min.x - CELL_PX, y0 = pb.min.y - CELL_PX;
        var x1 = pb.max.x + CELL_PX, y1 = pb.max.y + CELL_PX;
        var buckets = {}, order = [];
        for (var i = 0; i < items.length; i += 1) {
          var it = items[i];
          if (!it.show) { continue; }
          var x = it.px * scale, y = it.py * scale;
          if (x < x0 || x > x1 || y < y0 || y > y1) { continue; }
          var key = Math.floor(x / CELL_PX) + ":" + Math.floor(y / CELL_PX);
          var b = buckets[key];
          if (!b) { b = buckets[key] = []; order.push(key); }
          b.push(it);
        }
        var layers = [], clusters = 0, markers = 0, atMax = z >= map.getMaxZoom();
        order.forEach(function (key) {
          var b = buckets[key];
          if (b.length === 1 || atMax) {
            b.forEach(function (it) { layers.push(layerOf(it)); markers += 1; });
          } else {
            layers.push(clusterLayer(b, map)); clusters += 1;
          }
        });
        group.clearLayers();
        layers.forEach(function (layer) { group.addLayer(layer); });
        state.clusters = clusters;
        state.drawn = clusters + markers;
      }
      if (state.box) { state.box.setAttribute("data-drawn", String(state.drawn)); }
      state.renderMs = window.performance ? performance.now() - t0 : 0;
      afterPaint(function () {
        state.paintedAt = window.performance ? performance.now() : 0;
      });
    }
    var pending = false;
    if (clustered) {
      map.on("moveend", function () {
        if (pending) { return; }
        pending = true;
        afterPaint(function () { pending = false; render(); });
      });
    }

    state.apply = function () {
      var a = state.startInput ? +state.startInput.value : lo;
      var b = state.endInput ? +state.endInput.value : hi;
      var whole = a <= lo && b >= hi;
      state.shown = 0;
      items.forEach(function (it) {
        it.show = it.d0 === null ? whole : it.d0 <= b && it.d1 >= a;
        if (it.show) { state.shown += it.n; }
      });
      render();
      if (state.label) {
        state.label.textContent = (nDated ? iso(a) + " \u2013 " + iso(b) + ": " : "") +
          state.shown + " of " + state.total + " events";
      }
      if (state.box) { state.box.setAttribute("data-shown", String(state.shown)); }
      state.listeners.forEach(function (fn) { fn(a, b); });
      return state.shown;
    };
    state.setRange = function (a, b) {
      state.startInput.value = day(a); state.endInput.value = day(b);
      return state.apply();
    };
    state.stop = function () {
      clearInterval(state.timer); state.timer = null;
      if (state.playButton) { state.playButton.textContent = "\u25B6 play"; }
    };
    state.play = function () {
      var step = Math.max(1, Math.ceil((hi - lo) / 30));     /* about 30 frames */
      if (+state.endInput.value >= hi) { state.endInput.value = state.startInput.value; }
      state.apply();
      state.playButton.textContent = "\u275A\u275A pause";
      state.timer = setInterval(function () {
        var next = Math.min(hi, +state.endInput.value + step);
        state.endInput.value = next; state.apply();
        if (next >= hi) { state.stop(); }
      }, options.playMs || 400);
    };
    if (nDated && hi > lo && options.slider !== false) {
      timeControl(state, lo, hi).addTo(map);
    }
    state.apply();
    cm.maps.push(state);
    return state;
  };

  /* Labels [lat, lon, text, kind, minZoom] (plain text, set with textContent): country
   * names, towns, rivers and lakes, the events' places; each shown from its zoom on, so a wide view is not a
   * wall of names. */
  cm.addLabels = function (map, group, labels) {
    var items = labels.map(function (l) {
      var el = document.createElement("span");
      el.textContent = l[2];
      var marker = L.marker([l[0], l[1]], {
        icon: L.divIcon({className: "cm-label cm-label-" + l[3], html: el,
                         iconSize: null, iconAnchor: [0, 0]}),
        interactive: false, keyboard: false, pane: "cmLabels"});
      return {marker: marker, zoom: l[4]};
    });
    if (!map.getPane("cmLabels")) { map.createPane("cmLabels").style.zIndex = 450; }
    /* the events' places first, then countries, towns (biggest first), water: a label that
     * would overlap one already placed at this zoom is left out */
    var RANK = {place: 0, country: 1, town: 2, water: 3};
    items.forEach(function (it, i) { it.order = i; it.kind = labels[i][3];
                                     it.text = labels[i][2]; it.at = [labels[i][0], labels[i][1]]; });
    var ordered = items.slice().sort(function (a, b) {
      return (RANK[a.kind] - RANK[b.kind]) || (a.order - b.order); });
    function box(it) {
      var p = map.latLngToLayerPoint(it.at), w = 6.5 * it.text.length + 4, h = 14;
      var x0 = it.kind === "place" ? p.x + 6 : p.x - w / 2;
      return [x0, p.y - h / 2, x0 + w, p.y + h / 2];
    }
    function update() {
      var z = map.getZoom(), placed = [], shown = 0;
      ordered.forEach(function (it) {
        var on = z >= it.zoom, b = null;
        if (on) {
          b = box(it);
          on = !placed.some(function (q) {
            return b[0] < q[2] && q[0] < b[2] && b[1] < q[3] && q[1] < b[3]; });
        }
        if (on) { placed.push(b); shown += 1; }
        if (on && !group.hasLayer(it.marker)) { group.addLayer(it.marker); }
        if (!on && group.hasLayer(it.marker)) { group.removeLayer(it.marker); }
      });
      group.labelsShown = shown;
    }
    map.on("zoomend", update);
    map.whenReady(update);
    return items.length;
  };

  cm.addPoints = function (group, points) {
    points.forEach(function (p) {
      /* low: every mention below the confidence threshold (hollow, dashed);
         radius_km: an approximate point, its uncertainty drawn as a dashed ring */
      if (p.radius_km && p.radius_km * 1000 <= MAX_RING_M) {
        L.circle([p.lat, p.lon], {radius: p.radius_km * 1000, color: "#607d8b", weight: 1,
                                  dashArray: "3 4", fill: false, interactive: false,
                                  className: "cm-mention-ring"}).addTo(group);
      }
      L.circleMarker([p.lat, p.lon], {radius: 4, color: "#37474f", weight: 1,
                                      dashArray: p.low ? "2 2" : null,
                                      fillColor: "#fff", fillOpacity: p.low ? 0 : 0.9,
                                      className: p.low ? "cm-mention cm-low" : "cm-mention"})
        .bindPopup(p.popup, {maxWidth: 380, className: "cm-popup"})
        .bindTooltip(p.tip)
        .addTo(group);
    });
  };

  /* -- territorial control --------------------------------------------------------------- */

  var hatchSeq = 0;
  function hatcher(map) {
    var ns = "http://www.w3.org/2000/svg", ids = {};
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "0"); svg.setAttribute("height", "0");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "cm-defs");
    var defs = document.createElementNS(ns, "defs");
    svg.appendChild(defs);
    map.getContainer().appendChild(svg);
    return function (color) {
      if (!ids[color]) {
        hatchSeq += 1;
        ids[color] = "cm-hatch-" + hatchSeq;
        var p = document.createElementNS(ns, "pattern");
        p.setAttribute("id", ids[color]);
        p.setAttribute("patternUnits", "userSpaceOnUse");
        p.setAttribute("width", "8"); p.setAttribute("height", "8");
        p.setAttribute("patternTransform", "rotate(45)");
        var bg = document.createElementNS(ns, "rect");
        bg.setAttribute("width", "8"); bg.setAttribute("height", "8");
        bg.setAttribute("fill", color); bg.setAttribute("fill-opacity", "0.12");
        var line = document.createElementNS(ns, "rect");
        line.setAttribute("width", "2.5"); line.setAttribute("height", "8");
        line.setAttribute("fill", color); line.setAttribute("fill-opacity", "0.75");
        p.appendChild(bg); p.appendChild(line);
        defs.appendChild(p);
      }
      return "url(#" + ids[color] + ")";
    };
  }

  function pane(map, name, z) {
    if (!map.getPane(name)) {
      map.createPane(name, map.getPane("overlayPane")).style.zIndex = String(z);
    }
    return name;
  }

  function toLatLngs(geom) {
    var levels = {Polygon: 1, MultiPolygon: 2, LineString: 0, MultiLineString: 1}[geom.type];
    return L.GeoJSON.coordsToLatLngs(geom.coordinates, levels);
  }

  function thousands(x) {
    return String(Math.round(+x)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  /* Fill a template of geo/layers/registry.py (Draw) with a feature's properties, in one
   * pass: "{p}" the property, "{p|fmt}" or "{p|fmt|q}" formatted. Properties arrive
   * HTML-escaped (geo/web/encode.py); what is put in is never read as a template again. */
  function fill(template, f, fmt) {
    return (template || "").replace(/\{(\w+)(?:\|(\w+))?(?:\|(\w+))?\}/g,
      function (all, prop, how, arg) {
        var v = f[prop];
        if (how) { return fmt[how] ? fmt[how](v, f, arg) : ""; }
        return v === null || v === undefined ? "" : String(v);
      });
  }

  cm.addControl = function (map, state, groups, data) {
    var feats = data.features || [], geoms = data.geoms || [], evidence = data.evidence || [];
    var names = data.names || [], blocs = data.blocs || [], kinds = data.kinds || {};
    var snaps = data.snapshots || [], days = snaps.map(function (s) { return day(s.date); });
    var hatch = hatcher(map);
    var PANES = {areas: pane(map, "cm-areas", 210), lines: pane(map, "cm-lines", 220),
                 points: pane(map, "cm-points", 230)};
    var dynamic = {}, zero = {};
    Object.keys(kinds).forEach(function (key) {
      if (!kinds[key].static) { dynamic[kinds[key].group] = []; zero[key] = 0; }
    });
    var ctl = {index: -1, date: null, counts: {}, state: state, snapshots: snaps.length};

    /* Every string below from data is HTML-escaped by geo/web/encode.py; the rest are fixed
     * labels and numbers. */
    function blocName(i) { return i >= 0 && blocs[i] ? blocs[i][1] : "no bloc"; }
    function colorOf(f) {
      if (f.x || f.s === "lost" || !(f.b >= 0 && blocs[f.b])) { return "#9e9e9e"; }
      return blocs[f.b][2];
    }
    function nameList(list, more) {
      return (list || []).map(function (i) { return names[i]; }).join(", ") +
        (more ? " \u2026 and " + (+more) + " more" : "");
    }
    function given(v) { return v !== null && v !== undefined; }
    var FMT = {
      bloc: function (v) { return blocName(v); },
      blocs: function (v) { return (v || []).map(blocName).join(", "); },
      holder: function (v, f) {
        return f.x ? "contested" : f.s === "lost" ? "nobody known (lost)" : blocName(v); },
      status: function (v, f) { return f.x ? "contested" : f.s === "lost" ? "lost" : blocName(v); },
      name: function (v) { return given(v) && names[v] !== undefined ? names[v] : ""; },
      names: function (v, f, more) { return nameList(v, more ? f[more] : 0); },
      first3: function (v) {
        v = v || [];
        return nameList(v.slice(0, 3), v.length > 3 ? v.length - 3 : 0); },
      km: function (v) { return given(v) ? (+v).toFixed(1) + " km" : ""; },
      num: function (v) { return given(v) ? String(+v) : ""; },
      area: function (v) { return given(v) ? thousands(v) + " km\u00b2" : ""; },
      approx: function (v) { return v ? APPROX : ""; },
      declared: function (v) { return v >= 0 ? ", declared by " + blocName(v) : ""; }
    };
    function dl(rows) {
      return rows.length ? "<dl>" + rows.filter(function (r) { return r[1]; }).map(function (r) {
        return "<dt>" + r[0] + "</dt><dd>" + r[1] + "</dd>";
      }).join("") + "</dl>" : "";
    }
    function head(f, k) {
      return "<h4>" + fill(f.x && k.title_contested ? k.title_contested : k.title, f, FMT) +
        "</h4>" + dl((k.rows || []).map(function (r) {
          return [fill(r[0], f, FMT), fill(r[1], f, FMT)]; })) + fill(k.text, f, FMT);
    }
    function tip(f, k) { return fill(f.x && k.tip_contested ? k.tip_contested : k.tip, f, FMT); }

    function popupHtml(f, k, conf) {
      var parts = [head(f, k)];
      if (typeof conf === "number") {
        parts.push('<p class="cm-conf">confidence ' + conf.toFixed(2) +
                   (conf < LOW ? " (low)" : "") + "</p>");
      }
      if (f.ev && f.ev.length) {
        parts.push("<b>Evidence</b><ol>" + f.ev.map(function (i) {
          return evidence[i];
        }).join("") + "</ol>");
        if (f.more) { parts.push("<i>\u2026 and " + (+f.more) + " more sources</i>"); }
      }
      return parts.join("");
    }

    /* The Leaflet options of feature f drawn as kind k (see Draw in geo/layers/registry.py). */
    function options(f, k, conf) {
      var is = {low: typeof conf === "number" && conf < LOW, contested: !!f.x,
                approx: !!f.ap};
      var weak = (k.weak_when || []).some(function (w) { return is[w]; });
      var style = {}, c = colorOf(f), level = typeof conf === "number" ? conf : 0.6;
      [k.style || {}, weak ? k.weak || {} : {}].forEach(function (src) {
        Object.keys(src).forEach(function (key) { style[key] = src[key]; });
      });
      Object.keys(style).forEach(function (key) {
        var v = style[key];
        if (v === "bloc") { style[key] = c; }
        if (v === "hatch") { style[key] = hatch(c); }
        if (Array.isArray(v)) { style[key] = v[0] + v[1] * level; }
      });
      if (k.pane) { style.pane = PANES[k.pane]; }
      style.className = k.css + (k.flags || []).map(function (w) {
        return is[w] ? " cm-" + w : ""; }).join("");
      return style;
    }

    function build(fi, conf) {
      var f = feats[fi], g = geoms[f.g], k = kinds[f.l], layer = null;
      if (!g || !k) { return null; }
      var o = options(f, k, conf);
      if (k.figure === "polygon") {
        layer = L.polygon(toLatLngs(g), o);
      } else if (k.figure === "line") {
        layer = L.polyline(toLatLngs(g), o);
      } else if (k.figure === "dot") {
        o.radius = k.radius;
        layer = L.circleMarker(L.GeoJSON.coordsToLatLng(g.coordinates), o);
      } else if (k.figure === "icon") {
        layer = L.marker(L.GeoJSON.coordsToLatLng(g.coordinates), {
          icon: L.divIcon({className: o.className, iconSize: [k.radius, k.radius], html: ""}),
          keyboard: true});
      }
      if (layer) {
        layer.bindPopup(function () { return popupHtml(f, k, conf); },
                        {maxWidth: 420, className: "cm-popup"});
        layer.bindTooltip(function () { return tip(f, k); }, k.tip_options || {sticky: true});
      }
      return layer;
    }
    function groupOf(key) { return kinds[key] ? groups[kinds[key].group] || null : null; }

    (data.static || []).forEach(function (fi) {
      var target = groupOf(feats[fi].l), layer = target && build(fi, null);
      if (layer) { target.addLayer(layer); }
    });

    var legend = map.getContainer();
    function setText(sel, text, attr) {
      var el = legend.querySelector(sel);
      if (el) {
        el.textContent = text;
        if (attr !== undefined) { el.setAttribute("data-answer", attr); }
      }
    }

    ctl.show = function (i) {
      if (i === ctl.index) { return ctl.counts; }
      Object.keys(dynamic).forEach(function (key) {
        var target = groups[key];
        dynamic[key].forEach(function (layer) { if (target) { target.removeLayer(layer); } });
        dynamic[key] = [];
      });
      var counts = {};
      Object.keys(zero).forEach(function (key) { counts[key] = 0; });
      var snap = i >= 0 ? snaps[i] : null;
      if (snap) {
        snap.f.forEach(function (entry) {
          var f = feats[entry[0]], target = groupOf(f.l);
          if (!target) { return; }
          var layer = build(entry[0], entry[1]);
          if (!layer) { return; }
          target.addLayer(layer);
          dynamic[kinds[f.l].group].push(layer);
          counts[f.l] += 1;
        });
      }
      ctl.index = i; ctl.date = snap ? snap.date : null; ctl.counts = counts;
      ctl.layers = dynamic;
      setText(".cm-control-day", snap ? "on " + snap.date : "");
      setText(".cm-answer", snap ? (snap.text || "") :
              "Land corridor: no control reported yet", snap ? snap.answer : "");
      setText(".cm-not-drawn", snap && snap.note ? snap.note : "");
      map.getContainer().setAttribute("data-control-date", snap ? snap.date : "");
      return counts;
    };
    ctl.indexFor = function (endDay) {
      var at = -1;
      for (var i = 0; i < days.length; i += 1) { if (days[i] <= endDay) { at = i; } }
      return at;
    };
    ctl.update = function (a, b) {
      var slider = state && state.endInput;
      return ctl.show(slider ? ctl.indexFor(b) : snaps.length - 1);
    };
    if (state) {
      state.control = ctl;
      state.listeners.push(ctl.update);
    }
    cm.controls.push(ctl);
    ctl.update(null, state && state.endInput ? +state.endInput.value : null);
    return ctl;
  };

  /* -- legend: a toggle button over a compact body ------------------------------------- */

  cm.addLegend = function (map, html, options) {
    options = options || {};
    var ctl = L.control({position: "bottomright"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-legend leaflet-bar" +
                                 (options.collapsed ? " cm-collapsed" : ""));
      var button = L.DomUtil.create("button", "cm-legend-toggle", box);
      button.type = "button";
      button.title = "Show or hide the legend";
      var body = L.DomUtil.create("div", "cm-legend-body", box);
      body.innerHTML = html;   /* built and escaped in geo/web/legend.py */
      function label() {
        var open = !L.DomUtil.hasClass(box, "cm-collapsed");
        button.textContent = open ? "Legend \u25BE" : "Legend \u25B8";
        button.setAttribute("aria-expanded", open ? "true" : "false");
      }
      L.DomEvent.on(button, "click", function (e) {
        L.DomEvent.stop(e);
        if (L.DomUtil.hasClass(box, "cm-collapsed")) {
          L.DomUtil.removeClass(box, "cm-collapsed");
        } else {
          L.DomUtil.addClass(box, "cm-collapsed");
        }
        label();
      });
      label();
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    ctl.addTo(map);
  };
})(window.L);
