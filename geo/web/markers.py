"""Compact event markers for the dashboard's map, and their aggregation on a grid in metres.

The exported map ships every event with its popup (``geo.web.map``). The dashboard shows a
clicked event's sources beside the map instead, so its map needs per event only what draws
the marker and its tooltip:

* :func:`marker_table` — per event of a frame: position, colour, event type (shape), place
  name, dates, approximate-location ring and id, with every string HTML-escaped here (article
  text is untrusted). Filter-independent: the dashboard computes it once per corpus.
* :func:`payload` — the page's data for some rows of the table: one compact record per event
  or, above ``aggregate_above`` events, one counted marker per group of events at the same
  point or in the same grid cell (:func:`cell_keys`); every event is counted exactly once.
* :func:`ref` / :func:`parse_ref` / :func:`cell_members` — the text a marker's tooltip carries
  so that a click reported by the map (streamlit-folium reports the tooltip's text) names the
  event or the cell clicked, and the events of that cell.

Coordinates: latitude and longitude in degrees (WGS84); the payload's ``lat``/``lon`` give
Leaflet its (lat, lon). Grid cells are squares of ``cell_m`` metres on an azimuthal
equidistant projection centred on the events (rounded to 0.1°); a cell size of 0 groups the
events at the same point (to 1e-5°, about a metre). Days are counted from 1970-01-01 (UTC),
as the page's script counts them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.events.vocabulary import load_vocabulary
from geo.text.dates import to_day
from geo.web.html import cell_text, color, escape_cell

#: More located events than this on the dashboard's map: they are shipped as counted groups.
AGGREGATE_ABOVE = 20_000
#: At most this many markers (single events plus groups) in an aggregated payload.
MAX_MARKERS = 6_000
#: Cell sizes tried in turn (metres; 0: the same point), the first giving at most
#: ``MAX_MARKERS`` markers is used.
CELL_LADDER_M = (0, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000,
                 500_000, 1_000_000, 2_000_000, 5_000_000)
_EPOCH = date(1970, 1, 1).toordinal()
_POINT_DECIMALS = 5
_REF = re.compile(r"#(e|c):(\S+)\s*$")
_CELL = re.compile(r"g(\d+)@(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?):(-?\d+),(-?\d+)$")
_POINT = re.compile(r"p(-?\d+),(-?\d+)$")


_text, _e = cell_text, escape_cell


def _column(frame: pd.DataFrame, name: str, default=None) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index, dtype=object)


def _days(values: pd.Series) -> np.ndarray:
    """ISO dates (text, date or Timestamp) as days since 1970-01-01 (float; NaN when missing
    or not a date). Each distinct value is parsed once."""
    def one(value) -> float:
        try:
            day = to_day(value)
        except (TypeError, ValueError):
            return math.nan
        return math.nan if day is None else float(day.toordinal() - _EPOCH)

    obj = values.astype(object)
    uniques = pd.unique(obj)
    table = {u: one(u) for u in uniques}
    return np.array([table[v] for v in obj], dtype=float) if len(obj) else np.zeros(0)


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct texts) of a column read as text ('' for missing)."""
    texts = values.astype(object).map(_text)
    codes, uniques = pd.factorize(texts, sort=False)
    return codes.astype(np.int64), [str(u) for u in uniques]


@dataclass(frozen=True)
class MarkerTable:
    """What the dashboard's map draws of each event of a frame, aligned with its rows.

    ``lat``/``lon``: degrees (NaN: unlocated); ``color``/``kind``/``place``: indices into
    ``colors`` (CSS colours), ``types`` (escaped event types, ``shapes`` their marker
    shapes) and ``places`` (escaped location names); ``approx``: approximate location;
    ``radius``: its uncertainty radius in metres (0: none drawn); ``d0``/``d1``: first and
    last day (days since 1970-01-01, NaN: undated); ``ids``: the event ids (``event_id_cnty``,
    escaped; None for all when they are missing or repeated)."""

    index: pd.Index
    lat: np.ndarray
    lon: np.ndarray
    color: np.ndarray
    kind: np.ndarray
    place: np.ndarray
    approx: np.ndarray
    radius: np.ndarray
    d0: np.ndarray
    d1: np.ndarray
    ids: list | None
    colors: list[str]
    types: list[str]
    shapes: list[str]
    places: list[str]

    def __len__(self) -> int:
        return len(self.lat)

    def positions(self, frame: pd.DataFrame) -> np.ndarray | None:
        """Row positions in this table of the rows of ``frame`` (a subset of the frame the
        table was made from, by index label), None when they cannot be found."""
        if not self.index.is_unique:
            return None
        pos = self.index.get_indexer(frame.index)
        return None if (pos < 0).any() else pos.astype(np.int64)


def marker_table(events: pd.DataFrame, styles: dict[str, tuple[str, str]]) -> MarkerTable:
    """The :class:`MarkerTable` of ``events`` (``geo.events.table.events_frame``; geometry
    points in (lon, lat)); ``styles``: bloc id → (name, CSS colour) as
    ``geo.web.map.bloc_styles``, the colour of an event being its actor 1's bloc's."""
    n = len(events)
    geoms = events.geometry if n else None
    if n:
        arr = np.asarray(geoms.values, dtype=object)
        ok = np.array([g is not None and not g.is_empty for g in arr], dtype=bool)
        lat = np.full(n, np.nan)
        lon = np.full(n, np.nan)
        if ok.any():
            lat[ok] = shapely.get_y(arr[ok])
            lon[ok] = shapely.get_x(arr[ok])
    else:
        lat = lon = np.zeros(0)
    bloc_codes, blocs = _factorize(_column(events, "bloc1"))
    colors = [color(styles.get(b, ("", ""))[1]) for b in blocs]
    kind, types = _factorize(_column(events, "event_type"))
    shapes = load_vocabulary().shapes
    place, places = _factorize(_column(events, "location"))
    approx = _column(events, "approximate").astype(object).map(
        lambda v: _text(v).strip().lower() in ("true", "1", "1.0")).to_numpy(dtype=bool)
    unc = pd.to_numeric(_column(events, "uncertainty_km"), errors="coerce").to_numpy(float)
    radius = np.where(approx & np.isfinite(unc), unc * 1000.0, 0.0)
    event_date = _column(events, "event_date")
    first = _column(events, "first_date").astype(object)
    last = _column(events, "last_date").astype(object)
    first = first.where(first.map(_text) != "", event_date)
    last = last.where(last.map(_text) != "", event_date)
    ids = None
    if "event_id_cnty" in events.columns:
        texts = [_text(x) for x in events["event_id_cnty"]]
        if all(texts) and len(set(texts)) == len(texts):
            ids = [_e(t) for t in texts]
    return MarkerTable(
        index=events.index, lat=lat, lon=lon, color=bloc_codes, kind=kind, place=place,
        approx=approx, radius=radius, d0=_days(first), d1=_days(last), ids=ids,
        colors=colors, types=[_e(t) for t in types],
        shapes=[shapes.get(t, "circle") for t in types], places=[_e(p) for p in places])


# -- references carried by the tooltips -------------------------------------------------

def ref(kind: str, value: str) -> str:
    """The hidden tail of a marker's tooltip: ``#e:<event id>`` or ``#c:<cell key>``
    (escaped HTML)."""
    return f'<span class="cm-ref" hidden> #{kind}:{_e(value)}</span>'


def parse_ref(tooltip: str | None) -> tuple[str, str] | None:
    """``("e", event id)`` or ``("c", cell key)`` from a clicked marker's tooltip text (as
    streamlit-folium reports it: the text content), None when it names neither."""
    m = _REF.search(str(tooltip or ""))
    return (m.group(1), m.group(2)) if m else None


# -- grid cells ---------------------------------------------------------------------------

def _centre(lat: np.ndarray, lon: np.ndarray) -> tuple[float, float]:
    """The projection centre for ``lat``/``lon``: their middle, rounded to 0.1°."""
    return (round(float((np.nanmin(lat) + np.nanmax(lat)) / 2), 1),
            round(float((np.nanmin(lon) + np.nanmax(lon)) / 2), 1))


def _project(lat: np.ndarray, lon: np.ndarray, centre: tuple[float, float]
             ) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) in metres on the azimuthal equidistant projection centred on ``centre``
    (lat, lon)."""
    tr = Transformer.from_crs("EPSG:4326", f"+proj=aeqd +lat_0={centre[0]} "
                              f"+lon_0={centre[1]} +datum=WGS84 +units=m +no_defs",
                              always_xy=True)
    x, y = tr.transform(lon, lat)
    return np.asarray(x, dtype=float), np.asarray(y, dtype=float)


def cell_keys(lat: np.ndarray, lon: np.ndarray, cell_m: float,
              centre: tuple[float, float] | None = None) -> np.ndarray:
    """The key of the cell of each point (degrees): ``p<lat>,<lon>`` (the point in units of
    1e-5°) when ``cell_m`` is 0, else ``g<cell_m>@<lat0>,<lon0>:<ix>,<iy>``, a square of ``cell_m``
    metres on the azimuthal equidistant projection centred on (lat0, lon0) (default: the
    points' middle, rounded to 0.1°). A key names its cell completely: see
    :func:`cell_members`."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    if not len(lat):
        return np.zeros(0, dtype=object)
    if not cell_m:
        a, b = _point_ints(lat, lon)
        return np.array([f"p{x},{y}" for x, y in zip(a.tolist(), b.tolist(), strict=True)],
                        dtype=object)
    c = centre or _centre(lat, lon)
    ix, iy = _cell_index(lat, lon, int(cell_m), c)
    head = f"g{int(cell_m)}@{c[0]:.1f},{c[1]:.1f}:"
    return np.array([f"{head}{a},{b}" for a, b in zip(ix, iy, strict=True)], dtype=object)


def _point_ints(lat, lon) -> tuple[np.ndarray, np.ndarray]:
    """Latitude and longitude in whole units of 1e-5° (about a metre)."""
    scale = 10 ** _POINT_DECIMALS
    return (np.round(np.asarray(lat) * scale).astype(np.int64),
            np.round(np.asarray(lon) * scale).astype(np.int64))


def _cell_index(lat, lon, cell_m: int, centre) -> tuple[np.ndarray, np.ndarray]:
    x, y = _project(lat, lon, centre)
    return (np.floor(x / cell_m).astype(np.int64), np.floor(y / cell_m).astype(np.int64))


def _group_codes(lat: np.ndarray, lon: np.ndarray, cell_m: int,
                 centre: tuple[float, float]) -> np.ndarray:
    """Group number of each point (first appearance order) for a cell size."""
    if not cell_m:
        a, b = _point_ints(lat, lon)
    else:
        a, b = _cell_index(lat, lon, cell_m, centre)
    return _pair_codes(a, b)


def _pair_codes(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Group number (order of first appearance) of each pair of 32-bit integers."""
    off = np.int64(2 ** 31)
    key = ((a.astype(np.int64) + off).astype(np.uint64) << np.uint64(32)) | \
        (b.astype(np.int64) + off).astype(np.uint64)
    codes, _ = pd.factorize(key, sort=False)
    return codes


def cell_members(lat, lon, key: str) -> np.ndarray:
    """Boolean mask of the points (degrees) that lie in the cell ``key`` (as made by
    :func:`cell_keys`); all False for a key that is not one."""
    lat, lon = np.asarray(lat, dtype=float), np.asarray(lon, dtype=float)
    if m := _POINT.fullmatch(key):
        ok = np.isfinite(lat) & np.isfinite(lon)
        a, b = _point_ints(np.where(ok, lat, 0.0), np.where(ok, lon, 0.0))
        return ok & (a == int(m.group(1))) & (b == int(m.group(2)))
    if (m := _CELL.fullmatch(key)) and len(lat):
        cell_m, centre = int(m.group(1)), (float(m.group(2)), float(m.group(3)))
        ok = np.isfinite(lat) & np.isfinite(lon)
        out = np.zeros(len(lat), dtype=bool)
        if cell_m > 0 and ok.any():
            ix, iy = _cell_index(lat[ok], lon[ok], cell_m, centre)
            out[ok] = (ix == int(m.group(4))) & (iy == int(m.group(5)))
        return out
    return np.zeros(len(lat), dtype=bool)


def choose_cell(lat: np.ndarray, lon: np.ndarray, max_markers: int = MAX_MARKERS
                ) -> tuple[int, tuple[float, float], np.ndarray]:
    """The first cell size of :data:`CELL_LADDER_M` whose groups of the points number at
    most ``max_markers`` (else the largest), the projection centre and the group codes."""
    centre = _centre(lat, lon)
    for cell_m in CELL_LADDER_M:
        codes = _group_codes(lat, lon, cell_m, centre)
        if (codes.max() + 1 if len(codes) else 0) <= max_markers:
            break
    return cell_m, centre, codes


# -- the page's data ----------------------------------------------------------------------

def _fans(lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point's place among the points at the same spot (to 1e-5°) and their number."""
    if not len(lat):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    codes = _group_codes(lat, lon, 0, (0.0, 0.0))
    grouped = pd.Series(codes).groupby(codes, sort=False)
    return grouped.cumcount().to_numpy(), grouped.transform("size").to_numpy()


def _round(values: np.ndarray, ndigits: int = _POINT_DECIMALS) -> list:
    return np.round(np.asarray(values, dtype=float), ndigits).tolist()


def _days_list(values: np.ndarray) -> list:
    return [None if math.isnan(v) else int(v) for v in values.tolist()]


def _events_part(t: MarkerTable, pos: np.ndarray, places: dict[int, int]) -> dict:
    lat, lon = t.lat[pos], t.lon[pos]
    k, n = _fans(lat, lon)
    d0, d1 = t.d0[pos], t.d1[pos]
    span = np.where(np.isnan(d0) | np.isnan(d1), 0, d1 - d0)
    return {"lat": _round(lat), "lon": _round(lon), "c": t.color[pos].tolist(),
            "t": t.kind[pos].tolist(), "p": [places[p] for p in t.place[pos].tolist()],
            "d0": _days_list(d0), "dd": [int(v) for v in span.tolist()],
            "ap": t.approx[pos].astype(int).tolist(),
            "r": [round(v) for v in t.radius[pos].tolist()],
            "fk": k.tolist(), "fn": n.tolist(),
            "id": [t.ids[i] for i in pos.tolist()] if t.ids is not None else None}


def _groups_part(t: MarkerTable, pos: np.ndarray, codes: np.ndarray, keys: list[str]
                 ) -> dict:
    """Per group of ``codes`` (0..k-1, order of first appearance): mean position, count,
    most frequent colour, bounds, dates and cell key."""
    frame = pd.DataFrame({"g": codes, "lat": t.lat[pos], "lon": t.lon[pos],
                          "c": t.color[pos], "d0": t.d0[pos],
                          "d1": np.where(np.isnan(t.d1[pos]), t.d0[pos], t.d1[pos])})
    grouped = frame.groupby("g", sort=True)
    stats = grouped.agg(lat=("lat", "mean"), lon=("lon", "mean"), n=("lat", "size"),
                        s=("lat", "min"), w=("lon", "min"), no=("lat", "max"),
                        e=("lon", "max"), d0=("d0", "min"), d1=("d1", "max"))
    colour = (frame.groupby(["g", "c"], sort=True).size().reset_index(name="k")
              .sort_values(["g", "k", "c"], ascending=[True, False, True])
              .drop_duplicates("g").set_index("g")["c"])
    return {"lat": _round(stats["lat"].to_numpy()), "lon": _round(stats["lon"].to_numpy()),
            "n": stats["n"].astype(int).tolist(), "c": colour.reindex(stats.index)
            .astype(int).tolist(),
            "box": np.round(stats[["s", "w", "no", "e"]].to_numpy(float), 5).tolist(),
            "d0": _days_list(stats["d0"].to_numpy()), "d1": _days_list(stats["d1"].to_numpy()),
            "key": [_e(k) for k in keys]}


def payload(table: MarkerTable, positions: np.ndarray | None = None, *,
            aggregate_above: int = AGGREGATE_ABOVE, max_markers: int = MAX_MARKERS) -> dict:
    """The page's data (``cm.addEvents`` in ``geo/web/static/conflictmap.js``) for the rows
    ``positions`` of ``table`` (default all); unlocated rows are left out::

        {"colors": [CSS colour, ...], "types": [escaped event type, ...],
         "shapes": [shape of each type, ...], "places": [escaped location, ...],
         "events": {"lat": [...], "lon": [...],        # degrees, 5 decimals
                    "c": [colour index], "t": [type index], "p": [place index],
                    "d0": [first day or null], "dd": [last day - first day],
                    "ap": [1: approximate], "r": [uncertainty radius, m; 0: none],
                    "fk"/"fn": [place among the events at the same point, their number],
                    "id": [escaped event id] or null},
         "groups": {"lat"/"lon": [mean position], "n": [events], "c": [main colour],
                    "box": [[south, west, north, east]], "d0"/"d1": [day span],
                    "key": [cell key, see cell_keys]} or null,
         "total": located events, "cell_m": cell size (metres, 0: same point) or null}

    Up to ``aggregate_above`` located events each get a record; above it the events are
    grouped by point, or by the smallest grid cell of :data:`CELL_LADDER_M` that gives at
    most ``max_markers`` markers: a group of one stays an event record, the others become
    counted markers. Every event is counted once: ``sum(groups.n) + len(events.lat)``."""
    pos = np.arange(len(table), dtype=np.int64) if positions is None else \
        np.asarray(positions, dtype=np.int64)
    pos = pos[np.isfinite(table.lat[pos]) & np.isfinite(table.lon[pos])]
    groups, cell_m = None, None
    singles = pos
    if len(pos) > aggregate_above:
        lat, lon = table.lat[pos], table.lon[pos]
        cell_m, centre, codes = choose_cell(lat, lon, max_markers)
        sizes = np.bincount(codes)
        many = sizes[codes] > 1
        singles = pos[~many]
        if many.any():
            gcodes, _ = pd.factorize(codes[many], sort=False)
            first = pd.Series(np.arange(many.sum())).groupby(gcodes, sort=True).first()
            sample = first.to_numpy()
            keys = cell_keys(lat[many][sample], lon[many][sample], cell_m, centre).tolist()
            groups = _groups_part(table, pos[many], gcodes, keys)
    used = sorted(set(table.place[singles].tolist()))
    remap = {p: i for i, p in enumerate(used)}
    return {"colors": table.colors, "types": table.types, "shapes": table.shapes,
            "places": [table.places[p] for p in used],
            "events": _events_part(table, singles, remap), "groups": groups,
            "total": int(len(pos)), "cell_m": cell_m}


def records(data: dict) -> list[dict]:
    """The markers of a :func:`payload` as one dict each, as the page's script reads them:
    events ``{"lat", "lon", "color", "shape", "approx", "radius" (m or None), "d0", "d1"
    (ISO days or None), "place", "type" (escaped), "id", "n": 1}`` then groups ``{"lat",
    "lon", "color", "n", "box", "d0", "d1", "key"}`` (for tests and tools)."""
    def iso(day):
        return None if day is None else date.fromordinal(int(day) + _EPOCH).isoformat()

    ev, out = data["events"], []
    for i in range(len(ev["lat"])):
        d0 = ev["d0"][i]
        out.append({"lat": ev["lat"][i], "lon": ev["lon"][i],
                    "color": data["colors"][ev["c"][i]], "shape": data["shapes"][ev["t"][i]],
                    "type": data["types"][ev["t"][i]], "place": data["places"][ev["p"][i]],
                    "approx": bool(ev["ap"][i]), "radius": ev["r"][i] or None, "d0": iso(d0),
                    "d1": iso(None if d0 is None else d0 + ev["dd"][i]),
                    "id": ev["id"][i] if ev["id"] else None, "n": 1})
    groups = data.get("groups") or {"n": []}
    for i in range(len(groups["n"])):
        out.append({"lat": groups["lat"][i], "lon": groups["lon"][i],
                    "color": data["colors"][groups["c"][i]], "n": groups["n"][i],
                    "box": groups["box"][i], "d0": iso(groups["d0"][i]),
                    "d1": iso(groups["d1"][i]), "key": groups["key"][i]})
    return out
