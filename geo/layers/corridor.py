"""A theatre's map facts as layers: borders of interest and their corridors, border
crossings, named zones, and the corridor questions (pure functions, GeoDataFrame →
GeoDataFrame, EPSG:4326, (lon, lat)). The facts come from the theatre files
(``geo.theatres``); nothing here knows one theatre from another.

* ``border_crossings(theatre)``: the theatre's crossings, each with its source and, for a
  derived point, ``uncertainty_km``.
* ``named_zones(theatre)``: each named zone as a geodesic circle (``pyproj.Geod.fwd`` from its
  centre every degree of azimuth on the WGS84 ellipsoid), flagged with its source.
* ``corridor_layers(events, at, theatre)``: for each border of interest, the border line and
  the corridor either side, and the crossings, events and control places inside
  (``geo.layers.boundaries``); the zones.
* ``land_corridor(areas, day, question=...)``: is there a connected path of ground held by
  the question's blocs along its anchors? See its docstring for the method.
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

from geo.actors import load_actors
from geo.geodesy import circle
from geo.layers.areas import projection_for, to_crs_values
from geo.layers.boundaries import (
    border_line,
    corridor,
    countries,
    country_name,
    within_corridor,
)
from geo.theatres import Question, Theatre

WGS84 = "EPSG:4326"
COMPLETE_GRAPH_MAX = 150    # up to this many nodes every pair is linked
CROSSING_COLUMNS = ["name", "country_code", "place_id", "source", "source_confidence",
                    "approximate", "uncertainty_km", "geometry"]
ZONE_COLUMNS = ["layer", "name", "bloc", "radius_km", "centre", "centre_lat", "centre_lon",
                "source", "theatre", "geometry"]


def no_rows() -> gpd.GeoDataFrame:
    """An empty layers frame (a ``layer`` column, EPSG:4326)."""
    return gpd.GeoDataFrame({"layer": []}, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)


def border_crossings(theatre: Theatre) -> gpd.GeoDataFrame:
    """The theatre's border crossings: name, country_code, place_id (the gazetteer overlay
    row, if any), source (where the point comes from), source_confidence, approximate and
    uncertainty_km (km; for derived points), geometry (Point, lon/lat)."""
    rows = [{"name": c.name, "country_code": c.country_code, "place_id": c.place_id,
             "source": c.source, "source_confidence": c.source_confidence,
             "approximate": c.uncertainty_km is not None, "uncertainty_km": c.uncertainty_km,
             "geometry": Point(c.lon, c.lat)} for c in theatre.crossings]
    return gpd.GeoDataFrame(rows, columns=CROSSING_COLUMNS, geometry="geometry", crs=WGS84)


def named_zones(theatre: Theatre) -> gpd.GeoDataFrame:
    """The theatre's named zones, one row each (layer "zone", name, bloc, radius_km, centre,
    centre_lat, centre_lon, source, theatre, geometry: the geodesic circle, lon/lat)."""
    return _named_zones(theatre).copy()


@lru_cache(maxsize=16)
def _named_zones(theatre: Theatre) -> gpd.GeoDataFrame:
    rows = [{"layer": "zone", "name": z.name, "bloc": z.bloc, "radius_km": z.radius_km,
             "centre": z.centre, "centre_lat": z.lat, "centre_lon": z.lon, "source": z.source,
             "theatre": theatre.id, "geometry": circle(z.lat, z.lon, z.radius_km)}
            for z in theatre.zones]
    return gpd.GeoDataFrame(rows, columns=ZONE_COLUMNS, geometry="geometry", crs=WGS84)


def corridor_layers(events: gpd.GeoDataFrame, at: gpd.GeoDataFrame | None = None,
                    theatre: Theatre | None = None, *, width_km: float | None = None
                    ) -> gpd.GeoDataFrame:
    """Rows of the layers ``border`` (each border of interest of ``theatre``), ``corridor``
    (its corridor_km either side, or ``width_km`` for every border when given),
    ``border_crossing``, ``corridor_event`` (located events inside a corridor, with their
    ids and sources), ``corridor_control`` (control places of ``at`` inside) and ``zone``.
    One frame, a ``layer`` column naming each row's layer and ``theatre`` its theatre; empty
    without a theatre."""
    if theatre is None:
        return no_rows()
    parts, areas = [], []
    for border in theatre.borders:
        width = float(border.corridor_km if width_km is None else width_km)
        line, zone, crossings, area = _corridor_parts(border.countries, width, theatre)
        parts += [line.assign(width_km=width), zone.assign(width_km=width),
                  crossings.assign(width_km=width)]
        areas.append(area)
    if not theatre.borders and theatre.crossings:
        parts.append(border_crossings(theatre).assign(layer="border_crossing"))
    if areas:
        area = shapely.union_all(areas) if len(areas) > 1 else areas[0]
        if events is not None and len(events):
            cols = [c for c in ("event_id_cnty", "event_date", "first_date", "event_type",
                                "sub_event_type", "actor1", "actor2", "bloc1", "bloc2",
                                "location", "control", "modality", "approximate",
                                "uncertainty_km", "sources", "sentences", "geometry")
                    if c in events.columns]
            inside = _inside(events[cols], area)
            parts.append(inside.rename(columns={"location": "name"})
                         .assign(layer="corridor_event"))
        if at is not None and len(at):
            inside = _inside(at, area)
            parts.append(inside.rename(columns={"location": "name"})
                         .assign(layer="corridor_control"))
    parts.append(named_zones(theatre))
    parts = [p if p.crs is not None and p.crs == WGS84 else p.to_crs(WGS84)
             for p in parts if len(p)]
    if not parts:
        return no_rows()
    out = pd.concat(parts, ignore_index=True)
    out["theatre"] = theatre.id
    front = ["layer", "name"]
    return gpd.GeoDataFrame(out[front + [c for c in out.columns if c not in front]],
                            geometry="geometry", crs=WGS84)


@lru_cache(maxsize=16)
def _corridor_parts(pair: tuple[str, str], width_km: float, theatre: Theatre):
    """The border line, the corridor and the theatre's crossings inside it (frames with
    their layer names) and the corridor polygon (lon/lat, prepared), computed once per
    border and width."""
    a, b = pair
    line = border_line(a, b)
    zone = corridor(line, width_km)
    crossings = within_corridor(border_crossings(theatre), zone) \
        .assign(layer="border_crossing")
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

def question_blocs(question: Question, actors=None) -> list[str]:
    """The blocs whose held ground counts for ``question``: its blocs and, when it says
    ``with_allies``, their declared allies (actors.toml)."""
    if actors is None:
        actors = load_actors()
    out = set(question.blocs)
    if question.with_allies:
        for bloc in question.blocs:
            out |= set(actors.bloc(bloc).allies)
    return sorted(out)


def _dijkstra(edges: dict[int, list[tuple[int, float]]], src: int, dst: int, n_anchors: int):
    dist, prev = {src: 0.0}, {}
    heap = [(0.0, src)]
    while heap:
        d, u = heapq.heappop(heap)
        if u == dst:
            break
        if d > dist.get(u, np.inf) or (u < n_anchors and u != src):
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


def _anchors_of(c: gpd.GeoDataFrame, question: Question):
    """(crs, anchors): a local equidistant projection (WKT, metres) and the question's
    anchors in it: a country's polygon within the question's window, or a point."""
    window = box(*question.window)
    geoms = []
    for a in question.anchors:
        if a.country:
            rows = c[(c.iso2 == a.country) | (c.iso3 == a.country)]
            if rows.empty:
                raise ValueError(f"anchor country {a.country!r} is not in Natural Earth")
            geoms.append(shapely.union_all(rows.geometry.values).intersection(window))
        else:
            geoms.append(Point(a.lon, a.lat))
    crs = projection_for(geoms)
    anchors = gpd.GeoSeries(geoms, crs=WGS84).to_crs(crs).values
    return crs, np.asarray(anchors, dtype=object)


@lru_cache(maxsize=16)
def _anchors(question: Question):
    """``_anchors_of`` for the Natural Earth countries (cached)."""
    return _anchors_of(countries(), question)


def anchor_label(question: Question, k: int) -> str:
    """How the answer names anchor ``k``: a point by its name, a country by its Natural
    Earth name ("Iran border" as the first anchor, where a path starts at its border)."""
    a = question.anchors[k]
    if not a.country:
        return a.name
    name = country_name(a.country) if a.name == a.country else a.name
    return f"{name} border" if k == 0 else name


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


LC_COLUMNS = ["layer", "kind", "name", "question", "connected", "answer", "gap_km",
              "total_gap_km", "n_gaps", "leg", "bloc", "area_id", "blocs", "event_ids",
              "source", "geometry"]


def land_corridor(areas: gpd.GeoDataFrame, day=None, *, question: Question, actors=None,
                  blocs: list[str] | None = None, tolerance_km: float = 5.0,
                  max_link_km: float = 150.0, countries: gpd.GeoDataFrame | None = None
                  ) -> gpd.GeoDataFrame:
    """Answer ``question`` (a theatre's corridor question) for the areas of one date
    (``geo.layers.areas.control_areas``): does ground held by its blocs (``blocs``, default
    :func:`question_blocs`) connect its anchors, in order (for the seeds' theatre: Iran's
    border → Damascus → Lebanon)?

    Method: in a local equidistant projection (metres), held areas of those blocs closer than
    ``tolerance_km`` are joined into pieces; the anchors are the countries' polygons (inside
    the question's window) and the points. A graph links every pair of pieces and anchors
    (over ``COMPLETE_GRAPH_MAX`` nodes: pairs closer than ``max_link_km`` and each node's
    nearest neighbour, the anchors always linked directly) with the gap between them in km
    as the weight (zero within the tolerance); no anchor but the start is passed through.
    The least total gap along each leg (one anchor to the next) is found (Dijkstra); the
    answer is yes when the total is zero. Rows: ``answer`` (one, at the first point anchor:
    connected, total_gap_km, n_gaps, the blocs, every event id on the path), ``path_area``
    (the held areas on the path, with their event ids) and ``gap`` (the shortest straight
    segment across each break, with its length in km); ``question`` names the question."""
    if blocs is None:
        blocs = question_blocs(question, actors)
    if countries is None:
        crs, anchors = _anchors(question)
    else:
        crs, anchors = _anchors_of(countries, question)
    n_anchors = len(anchors)
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
    nodes = [*anchors, *pieces]           # the anchors first, in order
    geoms = np.asarray(nodes, dtype=object)
    serials = [-(k + 1) for k in range(n_anchors)] + list(serials)
    if len(geoms) <= COMPLETE_GRAPH_MAX:
        iu, iv = np.triu_indices(len(geoms), 1)         # row by row, as two nested loops
        pairs = list(zip(iu[iv >= n_anchors].tolist(), iv[iv >= n_anchors].tolist(),
                         strict=True))
    else:       # many pieces: link those within max_link_km and each to its nearest other
        tree = shapely.STRtree(geoms)
        near = tree.query(geoms, predicate="dwithin", distance=link)
        nearest = tree.query_nearest(geoms, exclusive=True, all_matches=False)
        pairs = {(min(u, v), max(u, v)) for u, v in zip(*np.hstack([near, nearest]),
                                                         strict=True) if u != v}
        pairs = sorted((u, v) for u, v in pairs if v >= n_anchors)
    anchor_pairs = [(u, v) for u in range(n_anchors) for v in range(u + 1, n_anchors)]
    pairs = [*anchor_pairs, *pairs]
    us = np.fromiter((p[0] for p in pairs), dtype=int, count=len(pairs))
    vs = np.fromiter((p[1] for p in pairs), dtype=int, count=len(pairs))
    edges: dict[int, list[tuple[int, float]]] = {}
    for u, v, d in zip(us.tolist(), vs.tolist(), memo.distances(geoms, serials, us, vs),
                       strict=True):
        w = 0.0 if d <= tol else d / 1000.0
        edges.setdefault(u, []).append((v, w))
        edges.setdefault(v, []).append((u, w))
    names = {k: anchor_label(question, k) for k in range(n_anchors)}
    legs = [(f"{names[k]} → {anchor_label(question, k + 1).removesuffix(' border')}", k,
             k + 1) for k in range(n_anchors - 1)]
    rows, path_nodes, gaps = [], [], []
    for leg, s, t in legs:
        _, path = _dijkstra(edges, s, t, n_anchors)
        for u, v in zip(path, path[1:], strict=False):
            d = float(shapely.distance(geoms[u], geoms[v]))
            if d > tol:
                gaps.append((leg, u, v, d))
        path_nodes += [n for n in path if n >= n_anchors]
    on_path = [i for n in dict.fromkeys(path_nodes) for i in members[n - n_anchors]]
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
            h_id[i] for i in members[n - n_anchors])
        rows.append({"kind": "gap", "name": f"gap {label(u)} → {label(v)}", "leg": leg,
                     "gap_km": round(d / 1000.0, 1), "geometry": seg})
    total = round(sum(g[3] for g in gaps) / 1000.0, 1)
    connected = not gaps
    answer = "yes" if connected else "no"
    when = f" on {day}" if day else ""
    points = [k for k, a in enumerate(question.anchors) if not a.country]
    at = points[0] if points else n_anchors - 1
    sources = "; ".join(dict.fromkeys(
        f"{names[k]}: {a.source}" for k, a in enumerate(question.anchors)))
    rows.insert(0, {"kind": "answer", "connected": connected, "answer": answer,
                    "name": f"{question.name}{when}: "
                            f"{answer}" + ("" if connected else f" ({len(gaps)} gaps, "
                                                                 f"{total} km)"),
                    "total_gap_km": total, "n_gaps": len(gaps),
                    "event_ids": json.dumps(list(dict.fromkeys(event_ids))),
                    "source": f"{sources}; borders: Natural Earth 10 m",
                    "geometry": shapely.point_on_surface(anchors[at])})
    area_rows = [k for k, r in enumerate(rows) if "_area" in r]
    projected = gpd.GeoSeries([r["geometry"] for r in rows], crs=crs).to_crs(WGS84).values
    geoms_ll = np.asarray(projected, dtype=object)
    held_ll = held.geometry.values if len(held) else []
    for k in area_rows:
        geoms_ll[k] = held_ll[rows[k].pop("_area")]
    out = gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                           geometry=geoms_ll, crs=WGS84)
    out["layer"] = "land_corridor"
    out["question"] = question.name
    out["connected"], out["answer"] = connected, answer
    out["total_gap_km"], out["n_gaps"] = total, len(gaps)
    out["blocs"] = json.dumps(list(blocs))
    for col in LC_COLUMNS:
        if col not in out.columns:
            out[col] = None
    return out[LC_COLUMNS]


__all__ = ["border_crossings", "named_zones", "corridor_layers", "question_blocs",
           "anchor_label", "land_corridor"]
