/* conflictmap: event markers with an in-page time filter, place mentions and a legend, on
 * plain Leaflet (no other library). Coordinates are [lat, lon] as Leaflet wants them; dates
 * are ISO days (YYYY-MM-DD) counted in UTC. Popup and tooltip strings arrive HTML-escaped by
 * the Python side (geo/webmap.py); everything built here uses textContent.
 *
 * window.conflictmap.maps[i] is the state of the i-th map on the page: total, shown,
 * events (one Leaflet layer group per event), setRange(startIso, endIso), play(), stop().
 */
(function (L) {
  "use strict";
  if (window.conflictmap && window.conflictmap.addEvents) { return; }
  var cm = window.conflictmap = {maps: []};
  var DAY = 86400000;
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

  function eventLayer(ev) {
    var at = anchor(ev.fan), top = [9 - at[0], -at[1]];
    var marker = L.marker([ev.lat, ev.lon], {
      icon: L.divIcon({className: "cm-event cm-" + ev.shape, iconSize: [18, 18],
                       iconAnchor: at, popupAnchor: top, tooltipAnchor: top,
                       html: cm.glyph(ev.shape, ev.color, ev.approx)}),
      keyboard: true, riseOnHover: true
    });
    marker.bindPopup(ev.popup, {maxWidth: 420, className: "cm-popup"});
    marker.bindTooltip(ev.tip, {direction: "top"});
    var parts = [marker];
    if (ev.radius) {
      parts.unshift(L.circle([ev.lat, ev.lon], {
        radius: ev.radius, color: ev.color, weight: 1.5, dashArray: "5 4",
        fillOpacity: 0.06, interactive: false, className: "cm-uncertainty"}));
    }
    var group = L.layerGroup(parts);
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

  cm.addEvents = function (map, group, events, options) {
    options = options || {};
    var items = events.map(function (ev) {
      return {layer: eventLayer(ev), d0: day(ev.d0), d1: day(ev.d1 || ev.d0)};
    });
    var dated = items.filter(function (it) { return it.d0 !== null; });
    var lo = Math.min.apply(null, dated.map(function (it) { return it.d0; }));
    var hi = Math.max.apply(null, dated.map(function (it) { return it.d1; }));
    var state = {map: map, group: group, total: items.length, shown: 0, timer: null,
                 events: items.map(function (it) { return it.layer; }), lo: lo, hi: hi};
    state.apply = function () {
      var a = state.startInput ? +state.startInput.value : lo;
      var b = state.endInput ? +state.endInput.value : hi;
      var whole = a <= lo && b >= hi;
      state.shown = 0;
      items.forEach(function (it) {
        var show = it.d0 === null ? whole : it.d0 <= b && it.d1 >= a;
        if (show) { state.shown += 1; group.addLayer(it.layer); } else { group.removeLayer(it.layer); }
      });
      if (state.label) {
        state.label.textContent = (dated.length ? iso(a) + " \u2013 " + iso(b) + ": " : "") +
          state.shown + " of " + state.total + " events";
      }
      if (state.box) { state.box.setAttribute("data-shown", String(state.shown)); }
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
    if (dated.length && hi > lo && options.slider !== false) {
      timeControl(state, lo, hi).addTo(map);
    }
    state.apply();
    cm.maps.push(state);
    return state;
  };

  cm.addPoints = function (group, points) {
    points.forEach(function (p) {
      L.circleMarker([p.lat, p.lon], {radius: 4, color: "#37474f", weight: 1,
                                      fillColor: "#fff", fillOpacity: 0.9,
                                      className: "cm-mention"})
        .bindPopup(p.popup, {maxWidth: 380, className: "cm-popup"})
        .bindTooltip(p.tip)
        .addTo(group);
    });
  };

  cm.addLegend = function (map, html) {
    var ctl = L.control({position: "bottomright"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-legend leaflet-bar");
      box.innerHTML = html;   /* built and escaped in geo/webmap.py */
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    ctl.addTo(map);
  };
})(window.L);
