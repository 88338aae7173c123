"""The territorial-control layers encoded for the page's script (``cm.addControl`` in
``geo/web/static/conflictmap.js``): shared tables of geometries (GeoJSON, (lon, lat), rounded
to 5 decimals, simplified to ~100 m), evidence (escaped HTML) and features (one per distinct
layer, geometry and evidence), and per day the features shown with their confidence
(:func:`encode_snapshots`; the days' layers come from ``geo.layers.snapshots``).

Article text is untrusted: every string of a feature's popup is ``html.escape``d here (the
page's script only concatenates these pieces and numbers); the land-corridor answer and the
day are plain text that the script sets with ``textContent``. Coordinates (lon, lat) as in
GeoJSON; the page's script hands Leaflet (lat, lon).
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.events.table import json_list
from geo.layers.registry import (
    BLOC_COLOURED,
    BY_NAME,
    DRAWN,
    FEATURES,
    STATIC,
    Feature,
    dropped_note,
)
from geo.layers.snapshots import land_corridor_answer
from geo.web.html import cell_text, color, is_true

SIMPLIFY_DEG = 0.001           # ~100 m: polygons and lines are simplified this much
DECIMALS = 5
MAX_EVIDENCE = 5               # sources listed in one popup (the rest are counted)
MAX_PLACES = 12                # place names listed in one area popup
LOW_CONFIDENCE = 0.35          # below: dashed outline and hatched fill
_NO_WKB = object()             # "not given" (None is given: no geometry)


def _text(value) -> str:
    """``cell_text``, with a Timestamp as its ISO day."""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return cell_text(value)


def _e(value) -> str:
    return html.escape(_text(value), quote=True)


def geometry_texts(geoms, tolerance: float = SIMPLIFY_DEG, ndigits: int = DECIMALS
                   ) -> list[str | None]:
    """:func:`geometry_json` of each of ``geoms`` as GeoJSON text (the same text for equal
    geometries; None for a missing, empty or collection geometry), all at once: simplified,
    rounded (in numpy; 2-D, a z is dropped) and written by shapely's vectorised functions."""
    arr = np.asarray(list(geoms), dtype=object)
    out: list[str | None] = [None] * len(arr)
    present = np.array([g is not None for g in arr], dtype=bool)
    if not present.any():
        return out
    idx = np.flatnonzero(present)
    geo = arr[idx]
    keep = ~shapely.is_empty(geo)
    idx, geo = idx[keep], geo[keep]
    if tolerance:
        lines = ~np.isin(shapely.get_type_id(geo), (0, 4))        # not (multi)points
        if lines.any():
            simple = shapely.simplify(geo[lines], tolerance, preserve_topology=True)
            geo[lines] = np.where(shapely.is_empty(simple), geo[lines], simple)
    keep = shapely.get_type_id(geo) != 7                          # no collections
    idx, geo = idx[keep], geo[keep]
    if len(geo):
        rounded = shapely.transform(geo, lambda xy: np.round(xy, ndigits))
        for i, text in zip(idx.tolist(), shapely.to_geojson(rounded).tolist(), strict=True):
            out[i] = text
    return out


def geometry_text(geom, tolerance: float = SIMPLIFY_DEG, ndigits: int = DECIMALS
                  ) -> str | None:
    """:func:`geometry_json` as GeoJSON text (the same text for equal geometries)."""
    return geometry_texts([geom], tolerance, ndigits)[0]


def geometry_json(geom, tolerance: float = SIMPLIFY_DEG, ndigits: int = DECIMALS):
    """A shapely geometry as a GeoJSON geometry dict ((lon, lat), ``ndigits`` decimals), lines
    and polygons simplified by ``tolerance`` degrees (topology kept); None when empty."""
    text = geometry_text(geom, tolerance, ndigits)
    return None if text is None else json.loads(text)


class GeoJSON(Mapping):
    """A GeoJSON geometry kept as its text (what the page needs), read as a mapping (parsed
    on access). The encoded data holds these rather than parsed dicts: a day's areas are
    some hundred thousand coordinate lists, which would be built only to be written out
    again, and, kept in the dashboard's caches, walked by every garbage collection.
    ``geo.web.map.safe_json`` writes one exactly as ``json.dumps`` writes the parsed dict
    (:meth:`raw_json`)."""

    __slots__ = ("text", "_spaced")

    def __init__(self, text: str):
        self.text = text
        self._spaced: str | None = None

    @property
    def value(self) -> dict:
        """The geometry as a new dict."""
        return json.loads(self.text)

    def raw_json(self, compact: bool = False) -> str:
        """``json.dumps`` of :attr:`value` (with ``separators=(",", ":")`` when
        ``compact``)."""
        if compact:
            return json.dumps(self.value, separators=(",", ":"))
        if self._spaced is None:
            self._spaced = json.dumps(self.value)
        return self._spaced

    def __getitem__(self, key):
        return self.value[key]

    def __iter__(self):
        return iter(self.value)

    def __len__(self) -> int:
        return len(self.value)

    def __repr__(self) -> str:
        return f"GeoJSON({self.text[:60]!r}…)" if len(self.text) > 60 else \
            f"GeoJSON({self.text!r})"


def evidence_lookup(events: pd.DataFrame | None) -> dict[str, list[dict]]:
    """event id (``event_id_cnty``) → its sources (dicts with title, article, source,
    published, sentence), read from an events frame's ``sources`` JSON."""
    out: dict[str, list[dict]] = {}
    if events is None or not len(events) or "event_id_cnty" not in events.columns:
        return out
    sources = events["sources"] if "sources" in events.columns else [None] * len(events)
    for eid, src in zip(events["event_id_cnty"], sources, strict=True):
        items = [s for s in json_list(src) if isinstance(s, dict)]
        if items:
            out.setdefault(_text(eid), []).extend(items)
    return out


def evidence_html(src: dict) -> str:
    """One source as an escaped ``<li>``: title (or article id), outlet and date, sentence."""
    title = _e(src.get("title")) or _e(src.get("article")) or "untitled"
    meta = " · ".join(_e(src.get(k)) for k in ("source", "published") if _text(src.get(k)))
    return (f"<li><b>{title}</b>{' <small>' + meta + '</small>' if meta else ''}"
            f"<blockquote>{_e(src.get('sentence'))}</blockquote></li>")


class EncodeMemo:
    """What encoding the control layers of one corpus computes that does not depend on the
    day: each geometry's simplified GeoJSON, each JSON list cell parsed, each source's
    escaped ``<li>``, and each (sources, event ids) cell's evidence items. Keep one per corpus
    and pass it with the corpus's :func:`evidence_lookup` to :func:`encode_snapshots` for
    every day (the dashboard does, one day per rerun): the output is the same as without it.

    The memo binds itself to the evidence lookup it is first used with and starts afresh when
    given another, so it never mixes corpora. Each table is cleared when it holds more than
    ``max_entries`` items (memory stays bounded for long sessions). What it hands out (parsed
    lists and geometries) is shared: read it, never change it."""

    def __init__(self, max_entries: int = 200_000):
        self.max_entries = max_entries
        self.lookup: dict | None = None
        self.clear()

    def clear(self) -> None:
        self.texts: dict[tuple[float, bytes], str | None] = {}
        self.geoms: dict[str, GeoJSON] = {}
        self.lists: dict[str, list] = {}
        self.html: dict[int, tuple[dict, str]] = {}
        self.refs: dict[tuple, tuple[tuple[str, ...], int]] = {}
        self.escaped: dict[str, str] = {}

    def bind(self, lookup: dict) -> None:
        """Use the memo for the corpus whose evidence lookup is ``lookup``."""
        if self.lookup is not lookup:
            self.clear()
            self.lookup = lookup

    def trim(self) -> None:
        """Start afresh each table grown over ``max_entries`` (replaced, not emptied in
        place, so an encoding running in another thread keeps reading its own)."""
        for name in ("texts", "geoms", "lists", "html", "refs", "escaped"):
            if len(getattr(self, name)) > self.max_entries:
                setattr(self, name, {})


class _Tables:
    """Shared, deduplicated tables of the encoded data: geometries, evidence items, names
    (all escaped) and features. ``memo`` (:class:`EncodeMemo`) keeps the work that does not
    depend on the day across calls; the tables themselves are built afresh each call, so the
    output does not depend on what was encoded before."""

    def __init__(self, styles: dict, tolerance: float, memo: EncodeMemo | None = None):
        self.tolerance = tolerance
        self.geoms: list = []
        self.evidence: list[str] = []
        self.names: list[str] = []
        self.features: list[dict] = []
        self.blocs = [[b, html.escape(_text(n)), color(c)] for b, (n, c) in styles.items()]
        self._bloc = {b[0]: i for i, b in enumerate(self.blocs)}
        self._g: dict[str, int] = {}
        self._ev: dict[str, int] = {}
        self._n: dict[str, int] = {}
        self._f: dict[tuple, int] = {}
        self._geom_cache: dict[bytes, int | None] = {}
        memo = memo if memo is not None else EncodeMemo()
        self.memo = memo
        self._lists = memo.lists
        self._html = memo.html
        self._texts = memo.texts
        self._parsed = memo.geoms
        self._escaped = memo.escaped
        self._refs: dict[tuple, tuple[tuple[int, ...], int]] = {}

    def geom(self, geom, wkb: bytes | None = None) -> int | None:
        """Index in ``geoms`` of a geometry (``wkb``: its WKB, when known), None when it is
        missing or empty or has no GeoJSON form."""
        if geom is None:
            return None
        if wkb is None:
            if geom.is_empty:
                return None
            wkb = shapely.to_wkb(geom)
        if wkb in self._geom_cache:
            return self._geom_cache[wkb]
        key = (self.tolerance, wkb)
        text = self._texts.get(key, _NO_WKB)
        if text is _NO_WKB:
            text = None if geom.is_empty else geometry_text(geom, self.tolerance)
            self._texts[key] = text
        idx = None
        if text is not None:
            idx = self._g.get(text)
            if idx is None:
                idx = self._g[text] = len(self.geoms)
                parsed = self._parsed.get(text)
                if parsed is None:
                    parsed = self._parsed[text] = GeoJSON(text)
                self.geoms.append(parsed)
        self._geom_cache[wkb] = idx
        return idx

    def prepare(self, geoms) -> list[bytes | None]:
        """Simplify and write the not yet seen of ``geoms`` at once (vectorised), for
        :meth:`geom` to number as it meets them; returns each one's WKB (None when missing
        or empty)."""
        geoms = list(geoms)
        out: list[bytes | None] = [None] * len(geoms)
        at = [i for i, g in enumerate(geoms) if g is not None]
        if not at:
            return out
        arr = np.asarray([geoms[i] for i in at], dtype=object)
        empty = shapely.is_empty(arr)
        wkbs = shapely.to_wkb(arr).tolist()
        todo: dict[bytes, object] = {}
        for i, w, g, e in zip(at, wkbs, arr.tolist(), empty.tolist(), strict=True):
            if e:
                continue
            out[i] = w
            if w not in self._geom_cache and (self.tolerance, w) not in self._texts:
                todo[w] = g
        texts = geometry_texts(list(todo.values()), self.tolerance)
        self._texts.update(((self.tolerance, w), t) for w, t in zip(todo, texts, strict=True))
        return out

    def json_list(self, value) -> list:
        """``json_list(value)``, each distinct text parsed once (rows repeat across days);
        the list returned is shared: do not modify it."""
        return self._once(self._lists, json_list, value)

    def escaped(self, value) -> str:
        """``_e(value)``, once per distinct text."""
        return self._once(self._escaped, _e, value)

    @staticmethod
    def _once(table: dict, fn, value):
        """``fn(value)``, kept in ``table`` by text (values that are not text: computed)."""
        if not isinstance(value, str):
            return fn(value)
        out = table.get(value)
        if out is None:
            out = table[value] = fn(value)
        return out

    def bloc(self, bloc) -> int:
        """Index of a bloc id in ``blocs`` (added, named by its id, when unknown); -1 for
        none."""
        b = _text(bloc)
        if not b:
            return -1
        if b not in self._bloc:
            self._bloc[b] = len(self.blocs)
            self.blocs.append([b, html.escape(b), color("")])
        return self._bloc[b]

    def name(self, value) -> int:
        item = self.escaped(value)
        idx = self._n.get(item)
        if idx is None:
            idx = self._n[item] = len(self.names)
            self.names.append(item)
        return idx

    def name_list(self, values) -> tuple[tuple[int, ...], int]:
        names = [v for v in values if _text(v)]
        return (tuple([self.name(v) for v in names[:MAX_PLACES]]),
                max(0, len(names) - MAX_PLACES))

    def evidence_item(self, src: dict) -> str:
        """``evidence_html(src)``, once per source object (the same dicts of the evidence
        lookup are cited by many rows; the memo keeps them alive, so ids stay theirs)."""
        hit = self._html.get(id(src))
        if hit is None or hit[0] is not src:
            hit = self._html[id(src)] = (src, evidence_html(src))
        return hit[1]

    def source_items(self, items: list[dict]) -> tuple[tuple[str, ...], int]:
        """The evidence items (escaped ``<li>``) of ``items`` listed in a popup, the first
        ``MAX_EVIDENCE`` distinct ones, and how many more distinct ones there are."""
        seen, listed = set(), []
        for src in items:
            item = self.evidence_item(src)
            if item in seen:
                continue
            seen.add(item)
            if len(listed) < MAX_EVIDENCE:
                listed.append(item)
        return tuple(listed), len(seen) - len(listed)

    def evidence_refs(self, listed: Iterable[str]) -> tuple[int, ...]:
        """Indices in ``evidence`` of these items (added when new)."""
        refs = []
        for item in listed:
            idx = self._ev.get(item)
            if idx is None:
                idx = self._ev[item] = len(self.evidence)
                self.evidence.append(item)
            refs.append(idx)
        return tuple(refs)

    def sources(self, items: list[dict]) -> tuple[tuple[int, ...], int]:
        listed, more = self.source_items(items)
        return self.evidence_refs(listed), more

    def feature(self, props: dict) -> int:
        # in insertion order: ``_encode_row`` builds equal props in the same order (the
        # keys present decide the code path), so equal features get equal keys
        key = tuple([(k, tuple(v) if v.__class__ is list else v) for k, v in props.items()])
        idx = self._f.get(key)
        if idx is None:
            idx = self._f[key] = len(self.features)
            self.features.append(props)
        return idx


def _row_sources(row, lookup: dict[str, list[dict]], id_columns: tuple[str, ...],
                 tables: _Tables | None = None) -> list[dict]:
    parse = tables.json_list if tables is not None else json_list
    items = [s for s in parse(row.get("sources")) if isinstance(s, dict)]
    if items:
        return items
    for col in id_columns:
        for eid in parse(row.get(col)):
            items += lookup.get(_text(eid), [])
    return items


def _source_refs(row, lookup, id_columns: tuple[str, ...], tables: _Tables
                 ) -> tuple[tuple[int, ...], int]:
    """``tables.sources`` of a row's sources, once per distinct (sources, event ids) text:
    the same area or place is reported on many days (and, with a memo, on many calls)."""
    key: list = []
    for cell in (row.get("sources"), *(row.get(col) for col in id_columns)):
        if isinstance(cell, str) or cell is None:
            key.append(cell)
        elif isinstance(cell, float) and math.isnan(cell):
            key.append(None)
        else:                                           # lists or arrays: not memoised
            return tables.sources(_row_sources(row, lookup, id_columns, tables))
    key = (id_columns, *key)
    hit = tables._refs.get(key)
    if hit is None:
        items = tables.memo.refs.get(key)
        if items is None:
            items = tables.memo.refs[key] = tables.source_items(
                _row_sources(row, lookup, id_columns, tables))
        hit = tables._refs[key] = (tables.evidence_refs(items[0]), items[1])
    return hit


def _num(value, ndigits: int = 1) -> float | None:
    try:
        out = round(float(_text(value)), ndigits)
    except ValueError:
        return None
    return None if math.isnan(out) else out


def _encode_row(row, feature: Feature, tables: _Tables, lookup, wkb=_NO_WKB
                ) -> tuple[int, float | None] | None:
    """The feature index and confidence of one layers row, encoded as its layer's
    ``feature`` declares (``geo.layers.registry``), None when it has no geometry (``wkb``:
    its geometry's WKB from ``tables.prepare``, None when missing or empty). Text is escaped
    (names, dates, sources); see ``encode_snapshots``."""
    if wkb is None:
        return None
    g = tables.geom(row.get("geometry"), None if wkb is _NO_WKB else wkb)
    if g is None:
        return None
    props: dict = {"l": feature.key, "g": g}
    more: dict = {}
    for f in feature.fields:
        if f.kind == "names":
            props[f.prop], more[f.more] = tables.name_list(tables.json_list(row.get(f.column)))
        else:
            props[f.prop] = _encode_value(f.kind, row.get(f.column), tables)
    if any(more.values()):
        props |= more
    if feature.evidence:
        refs, extra = _source_refs(row, lookup, feature.evidence, tables)
        props["ev"] = refs
        if extra:
            props["more"] = extra
    return tables.feature(props), _num(row.get("confidence"), 2)


def _encode_value(kind: str, value, tables: _Tables):
    """One property of a feature (``geo.layers.registry.Field`` kinds but "names")."""
    if kind == "bloc":
        return tables.bloc(value)
    if kind == "name":
        return tables.name(value)
    if kind == "text":
        return tables.escaped(value)
    if kind == "flag":
        return int(is_true(value))
    if kind == "km":
        return _num(value, 1)
    if kind == "count":
        return _num(value, 0)
    if kind == "blocs":
        return tuple([tables.bloc(b) for b in tables.json_list(value)])
    if kind.startswith("is:"):
        return int(_text(value) == kind[3:])
    raise ValueError(f"unknown field kind {kind!r}")


def _records(frame: pd.DataFrame) -> list[dict]:
    """``frame.to_dict("records")``, read column by column (much faster for pyarrow-backed
    text columns; missing values as None or NaN, as there)."""
    cols = list(frame.columns)
    values = [frame[c].tolist() for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*values, strict=True)]


def _feature(row) -> tuple[str, Feature] | None:
    """The layer key (the map's layer menu entry: ``path`` for the land corridor's held
    areas and gaps alike) and the :class:`Feature` a layers row is drawn as, None for rows
    the map does not draw."""
    layer = _text(row.get("layer"))
    features = FEATURES.get(layer)
    if not features:
        return None
    feature = features.get(_text(row.get("kind"))) or features.get("")
    return (BY_NAME[layer].key, feature) if feature is not None else None


def encode_snapshots(snapshots: dict[str, gpd.GeoDataFrame], styles: dict,
                     events: pd.DataFrame | None = None, keys: Iterable[str] | None = None,
                     tolerance: float | None = None,
                     evidence: dict[str, list[dict]] | None = None,
                     memo: EncodeMemo | None = None) -> dict:
    """The page's control data for ``snapshots`` (``{ISO day: layers frame}``; ``styles``:
    bloc id → (name, colour) as ``geo.web.map.bloc_styles``; ``events``: the events frame the
    layers came from, whose sources are the evidence of areas and frontlines; ``keys``: the
    layer keys to keep, among ``area front place cross zone path``, default all;
    ``tolerance``: simplification in degrees, default ``SIMPLIFY_DEG``, doubled above 2,000
    features a day; ``evidence``: ``evidence_lookup(events)``, computed before; ``memo``: an
    :class:`EncodeMemo` kept for the corpus across calls, with ``evidence``)::

        {"dates": [day, ...],                   # ascending
         "geoms": [GeoJSON geometry, ...],      # shared; (lon, lat), 5 decimals; each a
                                                # GeoJSON mapping (serialise with
                                                # geo.web.map.safe_json)
         "evidence": [escaped <li> HTML, ...],  # one per source: title, outlet, sentence
         "names": [escaped place name, ...],
         "blocs": [[bloc id, escaped name, colour], ...],
         "features": [{"l": area|front|place|cross|zone|path|gap, "g": geometry index,
                       "b": bloc index (-1 none), "x": contested, "p": [name indices],
                       "si"/"o": since/last report day, "ev": [evidence indices],
                       "more": sources not listed, ...}, ...],
         "static": [feature index, ...],        # the same every day (crossings, zone)
         "snapshots": [{"date": day, "f": [[feature index, confidence or null], ...],
                        "answer": "yes"|"no"|"", "text": plain-text answer line,
                        "note": plain text, the layers not computed (only when some)}, ...],
         "present": [bloc index, ...],          # blocs holding ground on some day (legend)
         "kinds": {feature key: how the page draws it}}   # ``registry.DRAWN``

    Every string but ``text`` and ``note`` is HTML-escaped; the page's script joins them
    into popups with fixed labels and numbers only, and sets ``text`` and ``note`` with
    ``textContent``. Lists of numbers (the ``f`` pairs, ``p``, ``ev``, ``bs``) are tuples
    here (the garbage collector can leave them alone), arrays in the JSON; serialise with
    ``geo.web.map.safe_json``."""
    wanted = None if keys is None else set(keys)
    if tolerance is None:
        most = max((len(f) for f in snapshots.values()), default=0)
        tolerance = SIMPLIFY_DEG * (2 if most > 2000 else 1)
    lookup = evidence_lookup(events) if evidence is None else evidence
    if memo is not None:
        memo.bind(lookup)
        memo.trim()
    tables = _Tables(styles, tolerance, memo)
    out_snaps, static, present = [], {}, set()
    for day in sorted(snapshots):
        frame = snapshots[day]
        entries = []
        if len(frame):
            rows = _records(frame)
            # the land corridor's held areas are drawn with their area's geometry
            area_geom = {_text(r.get("area_id")): r.get("geometry") for r in rows
                         if _text(r.get("layer")) == "control_area"}
            todo = []
            for row in rows:
                drawn = _feature(row)
                if drawn is None or (wanted is not None and drawn[0] not in wanted):
                    continue
                feature = drawn[1]
                if feature.key == "path" and _text(row.get("area_id")) in area_geom:
                    row = {**row, "geometry": area_geom[_text(row.get("area_id"))]}
                todo.append((row, feature))
            wkbs = tables.prepare(row.get("geometry") for row, _ in todo)
            for (row, feature), wkb in zip(todo, wkbs, strict=True):
                enc = _encode_row(row, feature, tables, lookup, wkb)
                if enc is None:
                    continue
                if _text(row.get("layer")) in STATIC:
                    static[enc[0]] = True
                    continue
                entries.append((enc[0], enc[1]))
                if _text(row.get("layer")) in BLOC_COLOURED and _text(row.get("bloc")):
                    present.add(tables.bloc(row.get("bloc")))
        snap = {"date": day, "f": entries, **land_corridor_answer(frame)}
        if note := dropped_note(frame):
            snap["note"] = note
        out_snaps.append(snap)
    return {"dates": [s["date"] for s in out_snaps], "geoms": tables.geoms,
            "evidence": tables.evidence, "names": tables.names, "blocs": tables.blocs,
            "features": tables.features, "static": list(static), "snapshots": out_snaps,
            "present": sorted(present), "kinds": DRAWN}
