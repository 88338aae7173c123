"""Control areas and frontlines for one date (pure functions, GeoDataFrame → GeoDataFrame).

**Method (control areas).** Each located place of ``geo.layers.control.control_at`` gets its Voronoi
cell among all observed places (held, taken, contested and lost alike, so every observation
claims the ground nearest to it), cut to a disc of ``radius_km`` around the place and clipped
to the land of the country polygons (Natural Earth 10 m). All of it is computed in metres in a
local azimuthal equidistant projection centred on the places (``geo.layers.boundaries.local_crs``;
the centre rounded to half a degree so that successive dates share one projection). Places
far apart (``geo.layers.regions``: no chain of places under ``LINK_KM`` joins them, or a
region wider than ``MAX_REGION_KM`` split where places are over twice the radius apart) are
computed region by region, each in its own projection: a report from Missouri in an Iraqi
corpus gets its own area and does not bend Iraq's. Projected land is made valid before and
after its union. The cells
of places a bloc holds or took are dissolved per bloc (snapped to a ``GRID_M`` metre grid) and
split into connected areas; each area lists its places and event ids and carries
``confidence`` (the mean of its places' confidences; ``confidence_min`` the lowest) for
styling. Contested places give their cells as ``status`` "contested" areas with no bloc;
places whose last observation is a loss give no area (nobody is known to hold them). A place
farther than ``radius_km`` from every other observation therefore holds a disc of that radius:
the radius is the reach of one report. Approximate places (a relative location such as "west
of Mosul", a border village placed on its border; ``approximate`` True in ``control_at``, with
an uncertainty no larger than ``control_at`` admits) claim their cell like any place, and the
areas they are part of, and the frontlines of those areas, say so (``approximate`` True).

**Method (frontlines).** Where two areas of blocs that are hostile to each other
(``geo.actors.ActorDictionary.hostile``) share a boundary, that shared boundary is a
frontline, with the places and event ids of both sides. Areas that do not touch give no line:
no one reported the ground between them. Areas whose bounding boxes (grown by the tolerance)
do not meet, directly or through others, are handled group by group, each in its own
projection.

**How it stays fast.** The cells depend only on the set of located places (and the radius and
the land), not on who holds them, so they are computed once per set of places and reused
across dates (``CellSet``, a small cache; only the labels and confidences change from day to
day). A new place changes only the Voronoi cells around it (the others come out bit for bit
the same), so what follows from one cell (whether the disc or the coast cuts it, its cut cell,
a point inside it, the ridges it shares) is memoised by the cell's content — its point and
Voronoi polygon — and survives a new set of places (``_Memo``, bounded, per land and radius).
A bloc's cells are dissolved group by group, a group being cells that touch (share a Voronoi
vertex): groups never meet, so each group's dissolved parts, in metres and in lon/lat, are
memoised by its cells' keys and only the groups whose cells or holder changed are dissolved
again. The Voronoi cells form an exact coverage (neighbours share their vertices), so a
group's cells are dissolved with a coverage union, and only the cells that the disc or the
coast cuts are handled by polygon overlay (snapped to a ``GRID_M`` metre grid; per group, so
a cut edge may differ by a fraction of a metre from a dissolve of the whole bloc at once). The
neighbours of every cell and their shared edges (ridges, in metres) are read off the cells'
rings once per set; the frontlines of a date are the ridges between cells of hostile blocs,
clipped to the radius and the land, grouped per pair of areas and merged. Areas that this
module did not build in this process (read from a file, edited) take the general route: each
pair's shared boundary within ``tolerance_m`` metres by polygon intersection. Projections use
one cached always-xy ``pyproj`` transformer per pair of CRSs (``to_crs_values``), as
``GeoSeries.to_crs`` does. ``clear_cell_cache()`` forgets all of it.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.errors import GEOSException
from shapely.geometry import MultiPoint, Point, box

from geo.actors import load_actors
from geo.layers.boundaries import countries, local_crs
from geo.layers.regions import LINK_KM, linked_roots, region_labels

WGS84 = "EPSG:4326"
RADIUS_KM = 30.0
TOLERANCE_M = 100.0
GRID_M = 1.0            # cells are snapped to a 1 m grid when dissolved (no slivers)
QUAD_SEGS = 16          # a disc is a polygon of 4 * QUAD_SEGS sides
CELL_CACHE_SIZE = 8     # sets of places whose cells are kept (one per region and date)
AREA_COLUMNS = ["layer", "area_id", "bloc", "status", "n_places", "places", "place_keys",
                "event_ids", "confidence", "confidence_min", "since", "observed", "area_km2",
                "approximate", "geometry"]
FRONT_COLUMNS = ["layer", "front_id", "bloc_a", "bloc_b", "area_a", "area_b", "length_km",
                 "places_a", "places_b", "event_ids_a", "event_ids_b", "confidence",
                 "approximate", "geometry"]


def projection_for(geoms) -> str:
    """A local equidistant CRS (WKT) centred on ``geoms`` (lon/lat), centre rounded
    to half a degree."""
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    x0, y0 = np.nanmin(bounds[:, :2], axis=0)
    x1, y1 = np.nanmax(bounds[:, 2:], axis=0)
    return _crs_wkt(round((x0 + x1) / 2 * 2) / 2, round((y0 + y1) / 2 * 2) / 2)


@lru_cache(maxsize=64)
def _crs_wkt(lon: float, lat: float) -> str:
    return local_crs(Point(lon, lat)).to_wkt()


@lru_cache(maxsize=16)
def _land(crs: str, bounds: tuple[float, float, float, float]):
    """The union of the country polygons within ``bounds`` (lon/lat; longitudes may pass
    ±180°, the part beyond is taken from the other side), projected to ``crs`` (metres),
    prepared (cached per projection and rounded bounds)."""
    c = countries()
    pieces = []
    for rect in _world_boxes(bounds):
        hit = c[c.intersects(rect)]
        if not hit.empty:
            pieces.append(gpd.GeoSeries(hit.geometry.values, crs=WGS84).clip(rect)
                          .to_crs(crs).values)
    if not pieces:
        return None
    return _union_land(np.concatenate(pieces))


def _world_boxes(bounds: tuple[float, float, float, float]) -> list:
    """``bounds`` (lon/lat) as boxes within −180…180° of longitude: a box reaching past the
    antimeridian is cut there and the rest taken from the other side."""
    x0, y0, x1, y1 = bounds
    out = [box(max(x0, -180.0), y0, min(x1, 180.0), y1)]
    if x1 > 180.0:
        out.append(box(-180.0, y0, min(x1 - 360.0, 180.0), y1))
    if x0 < -180.0:
        out.append(box(max(x0 + 360.0, -180.0), y0, 180.0, y1))
    return out


def _union_land(projected) -> object:
    """The union of projected country polygons, made valid (projection can fold a ring), on
    a ``GRID_M`` metre grid when the exact union fails; prepared."""
    parts = shapely.make_valid(np.asarray(projected, dtype=object))
    try:
        land = shapely.union_all(parts)
    except GEOSException:
        land = shapely.union_all(parts, grid_size=GRID_M)
    land = _polygonal(shapely.make_valid(land))
    shapely.prepare(land)
    return land


def _land_for(countries_frame, crs: str, pts_ll: np.ndarray, radius_km: float):
    """The land (projected, prepared) within ``radius_km`` and half a degree of the points
    ``pts_ll`` ((lon, lat) degrees), across the antimeridian when they lie on both sides."""
    lon = pts_ll[:, 0].astype(float)
    if len(lon) and lon.max() - lon.min() > 180.0:      # places on both sides of 180°
        lon = np.where(lon < 0, lon + 360.0, lon)
    lat = pts_ll[:, 1].astype(float)
    top = min(float(np.abs(lat).max()) + radius_km / 111.0, 89.0)
    pad_lat = radius_km / 111.0 + 0.5                              # degrees
    pad_lon = radius_km / (111.0 * np.cos(np.radians(top))) + 0.5
    bounds = (float(np.floor(lon.min() - pad_lon)), float(np.floor(lat.min() - pad_lat)),
              float(np.ceil(lon.max() + pad_lon)), float(np.ceil(lat.max() + pad_lat)))
    if countries_frame is None:
        return _land(crs, bounds)
    pieces = [countries_frame[countries_frame.intersects(r)].clip(r).to_crs(crs).geometry.values
              for r in _world_boxes(bounds)]
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        return None
    return _union_land(np.concatenate(pieces))


def _polygonal(geom):
    """Only the polygon parts of ``geom`` (intersections may add slivers of lines)."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _clip_to_land(geoms: np.ndarray, land) -> np.ndarray:
    """``geoms`` (projected) intersected with ``land`` (prepared); only those not already
    inside it are overlaid, each with the land clipped to its bounding box first."""
    if land is None or not len(geoms):
        return geoms
    out = np.asarray(geoms, dtype=object).copy()
    todo = np.flatnonzero(~shapely.contains_properly(land, out) & ~shapely.is_empty(out))
    for i in todo:
        x0, y0, x1, y1 = shapely.bounds(out[i])         # a straight edge has no width
        near = shapely.clip_by_rect(land, x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0)
        out[i] = shapely.intersection(out[i], shapely.make_valid(near))
    return out


# -- memoised work, shared across sets of places and dates -----------------------------------

MEMO_SIZE = 20_000      # cells, groups of cells and ridges kept per (land, radius)
MEMO_SETS = 8           # (land, radius) pairs whose memos are kept (a land per region)


def _lru_put(cache: OrderedDict, key, value, size: int = MEMO_SIZE):
    cache[key] = value
    if len(cache) > size:
        for _ in range(len(cache) - size):
            cache.popitem(last=False)
    return value


def _lru_get(cache: OrderedDict, key):
    hit = cache.get(key)
    if hit is not None:
        cache.move_to_end(key)
    return hit


class _Memo:
    """What is known of single cells, groups of cells and ridges for one land polygon and
    radius, keyed by content (a cell's key: its point and Voronoi polygon, as bytes), so that
    it survives a new set of places: adding a place changes only the cells around it."""

    def __init__(self, land, radius_m: float):
        self.land = land
        self.radius_m = radius_m
        self.cells: OrderedDict = OrderedDict()     # cell key -> [whole, cut cell, probe]
        self.groups: OrderedDict = OrderedDict()    # (crs, cell keys) -> (parts m, lon/lat)
        self.ridges: OrderedDict = OrderedDict()    # (cell key, cell key) -> ridge line (m)


_MEMOS: OrderedDict = OrderedDict()


def _memo_for(land, radius_m: float) -> _Memo:
    key = (id(land), float(radius_m))
    hit = _MEMOS.get(key)
    if hit is not None and hit.land is land:
        _MEMOS.move_to_end(key)
        return hit
    return _lru_put(_MEMOS, key, _Memo(land, float(radius_m)), MEMO_SETS)


@lru_cache(maxsize=64)
def _transformer(crs_from: str, crs_to: str):
    return Transformer.from_crs(CRS.from_user_input(crs_from), CRS.from_user_input(crs_to),
                                always_xy=True)


def to_crs_values(geoms, crs_from: str, crs_to: str) -> np.ndarray:
    """``geoms`` (2-D shapely geometries) transformed from ``crs_from`` to ``crs_to`` point by
    point, as ``GeoSeries.to_crs`` does (the same always-xy transformer: (lon, lat) or (x, y)
    in metres), without building a GeoSeries; geometries with z go through geopandas. To
    EPSG:4326, a geometry across the antimeridian gets continuous longitudes (over 180°)."""
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return geoms.copy()
    if shapely.has_z(geoms).any():
        return np.asarray(gpd.GeoSeries(geoms, crs=crs_from).to_crs(crs_to).values,
                          dtype=object)
    coords, which = shapely.get_coordinates(geoms, return_index=True)
    x, y = _transformer(str(crs_from), str(crs_to)).transform(coords[:, 0], coords[:, 1])
    if str(crs_to) == WGS84 and len(x):
        # a shape across the antimeridian (−180°/180°) keeps its longitudes continuous
        # (179 … 181) rather than spanning the globe; Leaflet draws it where it is
        lo = np.full(len(geoms), np.inf)
        hi = np.full(len(geoms), -np.inf)
        np.minimum.at(lo, which, x)
        np.maximum.at(hi, which, x)
        wraps = (hi - lo > 180.0)[which]
        x = np.where(wraps & (x < 0), x + 360.0, x)
    return shapely.set_coordinates(geoms.copy(), np.column_stack([x, y]))


# -- cells, computed once per set of places ---------------------------------------------------

class CellSet:
    """The Voronoi cells of distinct projected points ``xy`` (metres, shape (n, 2)), each cut
    to a disc of ``radius_m`` metres around its point and clipped to ``land`` (a projected
    polygon or None), in the points' order.

    ``vor``: the uncut Voronoi cells (an exact coverage); ``whole``: True where the cut cell is
    the Voronoi cell itself (inside its disc and the land); ``cells``: the cut cells;
    ``discs(idx)``: the discs of some points; ``ridges()`` every pair of neighbouring cells
    and ``ridge_lines`` their shared edges; ``keys``: each cell's content key (point and
    Voronoi polygon as bytes), under which ``memo`` keeps what follows from the cell;
    ``components``/``groups``: a bloc's cells in groups that touch and their memoised
    dissolved parts."""

    def __init__(self, xy: np.ndarray, radius_m: float, land):
        self.xy = np.asarray(xy, dtype=float)
        self.radius_m = float(radius_m)
        self.land = land
        n = len(self.xy)
        self._discs: dict[int, object] = {}
        env = box(*self.xy.min(axis=0), *self.xy.max(axis=0)).buffer(2 * self.radius_m)
        vor = None
        if n > 1:
            vor = np.asarray(shapely.voronoi_polygons(MultiPoint(self.xy), extend_to=env,
                                                      ordered=True).geoms, dtype=object)
        if vor is None or len(vor) != n:
            vor = np.asarray([env] * n, dtype=object) if n == 1 else \
                np.asarray([shapely.intersection(v, env) for v in self._slow_voronoi(env)],
                           dtype=object)
        self.vor = vor
        # each cell's key: its point and its Voronoi polygon (adding a place elsewhere leaves
        # them bit for bit the same); what a cell's key determines is memoised
        self.memo = _memo_for(land, self.radius_m)
        wkb = shapely.to_wkb(vor)
        self.keys = [p.tobytes() + w for p, w in zip(self.xy, wkb, strict=True)]
        known = self.memo.cells
        entries = [_lru_get(known, k) for k in self.keys]
        miss = np.asarray([i for i, e in enumerate(entries) if e is None], dtype=int)
        if len(miss):
            for i, e in zip(miss.tolist(), self._cut_cells(miss, n), strict=True):
                entries[i] = e
        self.whole = np.fromiter((e[0] for e in entries), dtype=bool, count=n)
        self.cells = np.empty(n, dtype=object)
        self.cells[:] = [e[1] for e in entries]
        self._outside: dict[int, object] = {}
        self._ridges = None
        self._touching = None

    def _cut_cells(self, idx: np.ndarray, n: int) -> list:
        """Whether cells ``idx`` are whole and their cut cells (memo entries, also stored)."""
        vor = self.vor[idx]
        # a (convex) cell lies in its disc when all its vertices lie within the radius of
        # the polygon inscribed in the circle (a little less than the radius)
        whole = np.zeros(len(idx), dtype=bool)
        if n > 1:
            coords, which = shapely.get_coordinates(vor, return_index=True)
            far = np.zeros(len(idx))
            np.maximum.at(far, which, np.hypot(*(coords - self.xy[idx][which]).T))
            whole = far < self.radius_m * np.cos(np.pi / (4 * QUAD_SEGS)) - 1.0
        if self.land is not None:
            whole[whole] = shapely.contains_properly(self.land, vor[whole])
        cells = vor.copy()
        cut = np.flatnonzero(~whole)
        if len(cut):
            cells[cut] = _clip_to_land(shapely.intersection(vor[cut], self.discs(idx[cut])),
                                       self.land)
        return [_lru_put(self.memo.cells, self.keys[i], [w, c, None])
                for i, w, c in zip(idx.tolist(), whole.tolist(), cells, strict=True)]

    def _slow_voronoi(self, env):
        """Cells in the points' order when GEOS cannot order them (old GEOS): matched by
        containment."""
        polys = list(shapely.voronoi_polygons(MultiPoint(self.xy), extend_to=env).geoms)
        tree = shapely.STRtree(np.asarray(polys, dtype=object))
        pts = shapely.points(self.xy)
        out = []
        for p in pts:
            hit = tree.query(p, predicate="intersects")
            out.append(polys[int(hit[0])] if len(hit) else shapely.Polygon())
        return out

    def discs(self, idx: np.ndarray) -> np.ndarray:
        """The discs (polygons of ``4 * QUAD_SEGS`` sides) of points ``idx``."""
        todo = [int(i) for i in idx if int(i) not in self._discs]
        if todo:
            made = shapely.buffer(shapely.points(self.xy[todo]), self.radius_m,
                                  quad_segs=QUAD_SEGS)
            self._discs.update(zip(todo, made, strict=True))
        return np.asarray([self._discs[int(i)] for i in idx], dtype=object)

    def outside(self, idx: np.ndarray) -> np.ndarray:
        """For cut cells ``idx``: the part of the Voronoi cell outside the cut cell."""
        todo = [int(i) for i in idx if int(i) not in self._outside]
        if todo:
            diff = shapely.difference(self.vor[todo], self.cells[todo])
            self._outside.update(zip(todo, diff, strict=True))
        return np.asarray([self._outside[int(i)] for i in idx], dtype=object)

    def dissolve(self, idx) -> object:
        """The union of the cut cells ``idx`` (indices into the points): a coverage union of
        their Voronoi cells less what the discs and the coast cut off (those parts snapped to
        a ``GRID_M`` metre grid)."""
        idx = np.unique(np.asarray(idx, dtype=int))
        try:
            merged = shapely.coverage_union_all(self.vor[idx])
            cut = idx[~self.whole[idx]]
            if len(cut):
                # only the connected parts that a cut cell belongs to are overlaid (on the
                # grid, so no slivers are left where two cut cells meet); the others are
                # exact unions of whole cells
                off = shapely.union_all(self.outside(cut))
                shapely.prepare(off)
                parts = shapely.get_parts(merged)
                hit = shapely.intersects(off, parts)
                if hit.any():
                    done = shapely.difference(shapely.multipolygons(parts[hit]), off,
                                              grid_size=GRID_M)
                    merged = shapely.multipolygons(
                        [*parts[~hit], *shapely.get_parts(_polygonal(done))])
        except GEOSException:           # a robustness failure: the plain (slower) union
            merged = shapely.union_all(self.cells[idx], grid_size=GRID_M)
        return _polygonal(merged)

    def ridges(self) -> np.ndarray:
        """Every pair of neighbouring cells (i < j, shape (m, 2)): Voronoi cells that share an
        edge (read off the cells' rings, whose shared vertices are identical). Cached; the
        edges themselves come from ``ridge_lines``."""
        if self._ridges is not None:
            return self._ridges[0]
        pairs, ends = np.zeros((0, 2), dtype=int), np.zeros((0, 2, 2))
        if len(self.vor) > 1:
            coords, ring = shapely.get_coordinates(shapely.get_exterior_ring(self.vor),
                                                   return_index=True)
            same = ring[1:] == ring[:-1]
            a, b, cell = coords[:-1][same], coords[1:][same], ring[:-1][same]
            nonzero = np.any(a != b, axis=1)
            a, b, cell = a[nonzero], b[nonzero], cell[nonzero]
            both = np.vstack([a, b])
            vid = pd.factorize(both[:, 0] + 1j * both[:, 1])[0].astype(np.int64)
            va, vb = vid[:len(a)], vid[len(a):]
            key = np.minimum(va, vb) * (int(vid.max()) + 1) + np.maximum(va, vb)
            order = np.argsort(key, kind="stable")
            dup = key[order][1:] == key[order][:-1]
            first, second = order[:-1][dup], order[1:][dup]
            ci, cj = cell[first], cell[second]
            keep = ci != cj
            first, ci, cj = first[keep], ci[keep], cj[keep]
            pairs = np.stack([np.minimum(ci, cj), np.maximum(ci, cj)], axis=1)
            ends = np.stack([a[first], b[first]], axis=1)
        self._ridges = (pairs, ends, {})
        return pairs

    def ridge_lines(self, ks: np.ndarray) -> np.ndarray:
        """The edges of ridges ``ks`` (indices into ``ridges()``) as LineStrings (metres), cut
        to the disc and the land where either cell is cut (then possibly empty or a
        MultiLineString). Cached per ridge."""
        pairs = self.ridges()
        _, ends, made = self._ridges
        ks = np.asarray(ks, dtype=int)
        todo = [k for k in ks.tolist() if k not in made]
        keys, memo = self.keys, self.memo.ridges
        if todo:            # ridges of the same two cells known from another set of places
            found = [(k, _lru_get(memo, (keys[pairs[k, 0]], keys[pairs[k, 1]]))) for k in todo]
            made.update((k, line) for k, line in found if line is not None)
            todo = [k for k, line in found if line is None]
        todo = np.asarray(todo, dtype=int)
        if len(todo):
            lines = shapely.linestrings(ends[todo])
            cut = ~(self.whole[pairs[todo, 0]] & self.whole[pairs[todo, 1]])
            if cut.any():
                lines[cut] = _clip_to_land(
                    shapely.intersection(lines[cut], self.discs(pairs[todo[cut], 0])),
                    self.land)
            made.update(zip(todo.tolist(), lines, strict=True))
            for k, line in zip(todo.tolist(), lines, strict=True):
                _lru_put(memo, (keys[pairs[k, 0]], keys[pairs[k, 1]]), line)
        return np.asarray([made[k] for k in ks.tolist()], dtype=object)

    def vertex_cells(self) -> tuple[np.ndarray, np.ndarray]:
        """(vertex, cell) pairs, sorted: every vertex of the Voronoi polygons (numbered) and
        each cell it belongs to (cells sharing a vertex meet there or along an edge). Cached."""
        if self._touching is None:
            n = len(self.vor)
            coords, cell = shapely.get_coordinates(self.vor, return_index=True)
            vid = pd.factorize(coords[:, 0] + 1j * coords[:, 1])[0].astype(np.int64)
            pv = np.unique(vid * n + cell)
            self._touching = (pv // n, pv % n)
        return self._touching

    def components(self, idx: np.ndarray) -> list[np.ndarray]:
        """The cells ``idx`` split into groups of cells that touch (share a vertex of their
        Voronoi polygons, directly or through other cells of ``idx``), each sorted, the groups
        ordered by their first cell: the union of one group never meets another's."""
        idx = np.unique(np.asarray(idx, dtype=int))
        if len(idx) < 2:
            return [idx] if len(idx) else []
        inside = np.zeros(len(self.vor), dtype=bool)
        inside[idx] = True
        v, c = self.vertex_cells()
        keep = inside[c]
        v, c = v[keep], c[keep]
        start = np.r_[True, v[1:] != v[:-1]]
        head = c[np.flatnonzero(start)[np.cumsum(start) - 1]]    # first cell at the vertex
        link = head != c
        parent = {int(i): int(i) for i in idx}

        def find(i):
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i
        for a, b in zip(head[link].tolist(), c[link].tolist(), strict=True):
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        roots = np.fromiter((find(int(i)) for i in idx), dtype=int, count=len(idx))
        order = np.lexsort((idx, roots))
        bounds = np.flatnonzero(np.r_[True, roots[order][1:] != roots[order][:-1]])
        return np.split(idx[order], bounds[1:])

    def groups(self, comps: list[np.ndarray], crs: str, tag: str = "") -> list[tuple]:
        """For each group of cells (``components``): the parts of its dissolved cells
        (``dissolve``; projected, metres) and the same parts in EPSG:4326 (lon, lat), memoised
        by the group's cell keys, ``crs`` (the projection of the points) and ``tag`` (the bloc:
        two blocs never share an area object)."""
        memo = self.memo.groups
        keys = [(crs, tag, tuple(self.keys[i] for i in c.tolist())) for c in comps]
        out = [_lru_get(memo, k) for k in keys]
        miss = [n for n, hit in enumerate(out) if hit is None]
        if miss:
            made = []
            for n in miss:
                parts = shapely.get_parts(self.dissolve(comps[n]))
                made.append(parts[~shapely.is_empty(parts)])
            flat = np.concatenate(made) if made else np.zeros(0, dtype=object)
            flat_ll = to_crs_values(flat, crs, WGS84)
            at = np.cumsum([0] + [len(m) for m in made])
            for j, n in enumerate(miss):
                out[n] = _lru_put(memo, keys[n], (made[j], flat_ll[at[j]:at[j + 1]]))
        return out

    def probes(self, idx: np.ndarray) -> np.ndarray:
        """A point inside each cut cell ``idx`` (its place when whole, else a point on its
        surface; empty when the cell is), memoised per cell."""
        idx = np.asarray(idx, dtype=int)
        out = shapely.points(self.xy[idx])
        cut = np.flatnonzero(~self.whole[idx])
        if len(cut):
            entries = [self.memo.cells.get(self.keys[i]) for i in idx[cut].tolist()]
            todo = [n for n, e in enumerate(entries) if e is None or e[2] is None]
            if todo:
                made = shapely.point_on_surface(self.cells[idx[cut[todo]]])
                for n, p in zip(todo, made, strict=True):
                    if entries[n] is not None:
                        entries[n][2] = p
                    else:
                        entries[n] = [None, None, p]
            out[cut] = [e[2] for e in entries]
        return out


_CELL_CACHE: OrderedDict = OrderedDict()


def cell_set(xy: np.ndarray, radius_m: float, land, crs: str = "") -> CellSet:
    """The ``CellSet`` of distinct projected points ``xy`` (metres), from a small cache keyed
    by the points, the radius, the land and the projection: a set of places seen on an earlier
    date reuses its cells."""
    xy = np.ascontiguousarray(xy, dtype=float)
    key = (hashlib.blake2b(xy.tobytes(), digest_size=16).hexdigest(), xy.shape,
           float(radius_m), id(land), crs)
    hit = _CELL_CACHE.get(key)
    if hit is not None and hit.land is land:
        _CELL_CACHE.move_to_end(key)
        return hit
    cells = CellSet(xy, radius_m, land)
    _CELL_CACHE[key] = cells
    while len(_CELL_CACHE) > CELL_CACHE_SIZE:
        _CELL_CACHE.popitem(last=False)
    return cells


def clear_cell_cache() -> None:
    """Forget every cached ``CellSet``, the memoised cells, groups and ridges, and the areas
    registered for fast frontlines."""
    _CELL_CACHE.clear()
    _MEMOS.clear()
    _AREAS.clear()
    _AREA_OF_GEOM.clear()


# -- control areas ----------------------------------------------------------------------------

@dataclass
class _AreaState:
    """What ``frontlines`` needs of one ``control_areas`` result: its projection, the
    projected area polygons, their blocs, the cells and which held area each cell is in."""

    crs: str
    geoms_ll: np.ndarray            # the frame's geometry objects (EPSG:4326), per area
    geoms_m: np.ndarray             # the same areas in ``crs`` (metres)
    blocs: list
    cells: CellSet
    cell_area: list = field(default_factory=list)    # (cell index, area position) pairs


_AREAS: OrderedDict = OrderedDict()     # token -> _AreaState (the last few results)
_AREA_OF_GEOM: dict = {}                # id(geometry object) -> {token: area position}
_AREA_REGISTRY_SIZE = 16
_TOKENS = iter(range(1 << 62))


def _register(state: _AreaState) -> None:
    """Remember ``state`` for ``frontlines``; an area's geometry object may stand in several
    results (memoised areas are shared across dates), so each maps to every token."""
    token = next(_TOKENS)
    _AREAS[token] = state
    for pos, g in enumerate(state.geoms_ll):
        _AREA_OF_GEOM.setdefault(id(g), {})[token] = pos
    while len(_AREAS) > _AREA_REGISTRY_SIZE:
        old_token, old = _AREAS.popitem(last=False)
        for g in old.geoms_ll:
            hits = _AREA_OF_GEOM.get(id(g))
            if hits is not None:
                hits.pop(old_token, None)
                if not hits:
                    del _AREA_OF_GEOM[id(g)]


def _located_rows(at: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if not len(at):
        return at
    return at[at.geometry.notna() & ~at.geometry.is_empty]


def control_areas(at: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None = None, *,
                  radius_km: float = RADIUS_KM, crs: str | None = None) -> gpd.GeoDataFrame:
    """Areas held per bloc (and contested areas) from ``geo.layers.control.control_at`` rows;
    see the module docstring. ``countries`` defaults to Natural Earth 10 m
    (``geo.layers.boundaries.countries``); ``crs`` to a local equidistant projection (metres);
    ``radius_km`` in km. Columns: ``AREA_COLUMNS`` (``area_km2`` in km²); geometry
    (Multi)Polygon, EPSG:4326 (lon, lat)."""
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, not {radius_km!r}")
    located = _located_rows(at)
    if located.empty:
        return gpd.GeoDataFrame(columns=AREA_COLUMNS, geometry="geometry", crs=WGS84)
    located = located.reset_index(drop=True)
    if crs is None:
        split = 2 * radius_km + 1.0     # km: places farther apart never share an edge
        labels = region_labels(shapely.get_coordinates(located.geometry.values),
                               split_km=split, link_km=max(LINK_KM, split))
        if labels.max() > 0:        # places far apart: each region in its own projection
            frames = [_region_areas(located[labels == g].reset_index(drop=True), countries,
                                    radius_km, None) for g in range(int(labels.max()) + 1)]
            return _joined(frames, AREA_COLUMNS, "area_id", "A")
    return _region_areas(located, countries, radius_km, crs)


def _joined(frames: list, columns: list[str], id_column: str, prefix: str
            ) -> gpd.GeoDataFrame:
    """The layer frames of several regions as one (EPSG:4326), ids renumbered ``prefix``1 …"""
    frames = [f for f in frames if len(f)]
    if not frames:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=WGS84)
    out = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry",
                           crs=WGS84)
    out[id_column] = [f"{prefix}{i + 1}" for i in range(len(out))]
    return out


def _region_areas(located: gpd.GeoDataFrame, countries, radius_km: float,
                  crs: str | None) -> gpd.GeoDataFrame:
    """``control_areas`` of located rows of one region (index 0..n-1), in ``crs`` or a
    local projection centred on them."""
    crs = crs or projection_for(located.geometry.values)
    ll = shapely.get_coordinates(located.geometry.values)
    if located.crs is None:
        proj = np.asarray(located.geometry.to_crs(crs).values, dtype=object)   # raises
    else:
        proj = to_crs_values(located.geometry.values, located.crs, crs)
    xy = shapely.get_coordinates(proj)
    land = _land_for(countries, crs, ll, radius_km)
    uniq, inverse = np.unique(np.round(xy, 3), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    cells = cell_set(uniq, radius_km * 1000.0, land, crs)

    status = located["status"].to_numpy(dtype=object)
    bloc = located["bloc"].fillna("").to_numpy(dtype=object)
    holding = np.isin(status, ["held", "taken"]) & (bloc != "")
    geoms, geoms_ll, area_bloc, area_status, members = [], [], [], [], []
    cell_area: list[tuple[int, int]] = []
    for b in sorted(set(bloc[holding])):
        rows = np.flatnonzero(holding & (bloc == b))
        # the bloc's cells dissolved group by group (cells that touch), each group's parts
        # memoised: a group no place of which changed hands is not dissolved again
        uc = np.unique(inverse[rows])
        done = cells.groups(cells.components(uc), crs, b)
        parts = np.concatenate([g[0] for g in done])
        parts_ll = np.concatenate([g[1] for g in done])
        if not len(parts):
            continue
        tree = shapely.STRtree(parts)
        hit_pt, hit_part = tree.query(proj[rows], predicate="intersects")
        part_rows: list[list[int]] = [[] for _ in parts]
        for i, p in zip(hit_pt.tolist(), hit_part.tolist(), strict=True):
            part_rows[p].append(int(rows[i]))
        _adopt_orphans(part_rows, parts, cells, uc, rows, inverse)
        # order the parts by their first place (the order of the control rows)
        bounds = shapely.bounds(parts).tolist()
        order = sorted(range(len(parts)), key=lambda k: (min(part_rows[k], default=1 << 62),
                                                           bounds[k]))
        base = len(geoms)
        pos_of = {k: base + n for n, k in enumerate(order)}
        for k in order:
            geoms.append(parts[k])
            geoms_ll.append(parts_ll[k])
            area_bloc.append(b)
            area_status.append("held")
            members.append(sorted(part_rows[k]))
        # which area each of the bloc's cells lies in (for frontlines)
        probes = cells.probes(uc)
        ok = ~shapely.is_empty(probes)
        c_hit, p_hit = tree.query(probes[ok], predicate="intersects")
        cell_area += [(int(uc[ok][c]), pos_of[int(p)]) for c, p in zip(c_hit, p_hit,
                                                                       strict=True)]
    contested = []
    for r in np.flatnonzero(status == "contested"):
        cell = _polygonal(cells.cells[inverse[r]])
        if cell is not None and not cell.is_empty:
            geoms.append(cell)
            contested.append(len(geoms_ll))
            geoms_ll.append(None)
            area_bloc.append("")
            area_status.append("contested")
            members.append([int(r)])
    if not geoms:
        return gpd.GeoDataFrame(columns=AREA_COLUMNS, geometry="geometry", crs=WGS84)
    geoms_ll = np.asarray(geoms_ll, dtype=object)
    if contested:
        geoms_ll[contested] = to_crs_values(np.asarray(geoms, dtype=object)[contested], crs,
                                            WGS84)
    out = _area_frame(located, geoms, area_bloc, area_status, members, crs, geoms_ll)
    _register(_AreaState(crs, np.asarray(out.geometry.values, dtype=object),
                         np.asarray(geoms, dtype=object), area_bloc, cells, cell_area))
    return out


def _adopt_orphans(part_rows: list[list[int]], parts: np.ndarray, cells: CellSet,
                   uc: np.ndarray, rows: np.ndarray, inverse: np.ndarray) -> None:
    """Give each part with no place in it (an island or a piece of coast cut off from its
    place's point, or a place the coarse coastline leaves in the sea) the places whose cells
    it lies in, so that every area names its evidence. ``uc``: the bloc's cells; ``rows``:
    its rows; ``inverse``: each row's cell."""
    lost = [k for k, r in enumerate(part_rows) if not r]
    if not lost:
        return
    probes = shapely.point_on_surface(parts[lost])
    cut = cells.cells[uc]
    for k, probe in zip(lost, probes, strict=True):
        inside = uc[shapely.intersects(cut, probe)]
        if not len(inside):           # on a cell's edge: the nearest cell
            inside = uc[[int(np.argmin(shapely.distance(cut, probe)))]]
        part_rows[k] = [int(r) for r in rows if inverse[r] in set(inside.tolist())]


def _area_frame(located: pd.DataFrame, geoms: list, blocs: list, statuses: list,
                members: list[list[int]], crs: str, geoms_ll=None) -> gpd.GeoDataFrame:
    """The areas (projected ``geoms`` in ``crs``; ``geoms_ll`` the same in EPSG:4326 when
    known) as an EPSG:4326 frame with AREA_COLUMNS; ``members`` the rows of ``located`` in
    each area."""
    location = located["location"].tolist()
    keys = located["place_key"].tolist()
    events = located["event_ids"].tolist()
    conf = located["confidence"].astype(float).tolist()
    since = located["since"].tolist()
    observed = located["observed"].tolist()
    rough = _approximate(located)
    cols: dict[str, list] = {c: [] for c in ("n_places", "places", "place_keys", "event_ids",
                                             "confidence", "confidence_min", "since",
                                             "observed", "approximate")}
    for m in members:
        c = [conf[i] for i in m]
        cols["n_places"].append(len(m))
        cols["places"].append(_names_json(tuple(location[i] for i in m)))
        cols["place_keys"].append(_keys_json(tuple(keys[i] for i in m)))
        cols["event_ids"].append(_event_ids([events[i] for i in m]))
        cols["confidence"].append(round(sum(c) / len(c), 4) if m else 0.0)
        cols["confidence_min"].append(round(min(c), 4) if m else 0.0)
        cols["since"].append(min(since[i] for i in m) if m else "")
        cols["observed"].append(max(observed[i] for i in m) if m else "")
        cols["approximate"].append(any(rough[i] for i in m))
    area_km2 = np.round(shapely.area(np.asarray(geoms, dtype=object)) / 1e6, 3)
    frame = pd.DataFrame({"bloc": blocs, "status": statuses, **cols, "area_km2": area_km2})
    return _layer_frame(frame, geoms, crs, "control_area", "area_id", "A", AREA_COLUMNS,
                        geoms_ll)


@lru_cache(maxsize=1 << 14)
def _names_json(names: tuple) -> str:
    return json.dumps(list(names), ensure_ascii=False)


@lru_cache(maxsize=1 << 14)
def _keys_json(keys: tuple) -> str:
    return json.dumps(list(keys))


@lru_cache(maxsize=1 << 16)
def _ids(text) -> tuple:
    """The ids of one JSON list of event ids (memoised: the same lists recur every day)."""
    return tuple(json.loads(text)) if isinstance(text, str) and text else ()


def _event_ids(texts: list) -> str:
    """Several JSON lists of event ids as one JSON list, first occurrences in order."""
    if len(texts) == 1:
        return _ids_json(_ids(texts[0]))
    return json.dumps(list(dict.fromkeys(e for t in texts for e in _ids(t))))


@lru_cache(maxsize=1 << 16)
def _ids_json(ids: tuple) -> str:
    return json.dumps(list(dict.fromkeys(ids)))


# -- frontlines -------------------------------------------------------------------------------

def _hostile(actors, a: str, b: str) -> bool:
    try:
        return bool(actors.hostile(a, b))
    except KeyError:
        return False


def frontlines(areas: gpd.GeoDataFrame, actors=None, *, tolerance_m: float = TOLERANCE_M,
               min_length_m: float = 500.0, crs: str | None = None) -> gpd.GeoDataFrame:
    """Lines where held areas of mutually hostile blocs meet (``actors``: an
    ``ActorDictionary``, default ``geo.actors.load_actors()``). One row per pair of areas:
    both blocs and area ids, ``length_km``, the places and event ids of both sides, and
    ``confidence`` (the lower of the two areas'). Lines shorter than ``min_length_m`` metres
    are left out. Areas built by ``control_areas`` in this process give the shared edges of
    their cells; other areas (and any ``crs`` given) the boundary of one area within
    ``tolerance_m`` metres of the other. Columns: ``FRONT_COLUMNS``; EPSG:4326 (lon, lat)."""
    held = areas[(areas["status"] == "held") & areas.geometry.notna()] if len(areas) else areas
    if len(held) < 2:
        return gpd.GeoDataFrame(columns=FRONT_COLUMNS, geometry="geometry", crs=WGS84)
    if actors is None:
        actors = load_actors()
    held = held.reset_index(drop=True)
    known = _known_areas(held) if crs is None else None
    if known is None and crs is None:
        groups = _touching_groups(held.geometry.values, tolerance_m)
        if len(groups) > 1:     # areas far apart: each group in its own projection
            frames = [_fronts_of(held.iloc[g].reset_index(drop=True), actors, tolerance_m,
                                 min_length_m) for g in groups]
            return _joined(frames, FRONT_COLUMNS, "front_id", "F")
    return _fronts_of(held, actors, tolerance_m, min_length_m, crs, known)


def _touching_groups(geoms, tolerance_m: float) -> list[np.ndarray]:
    """Positions of ``geoms`` (lon/lat) in groups whose bounding boxes, grown by more than
    ``tolerance_m`` metres, meet (directly or through others, and across the antimeridian):
    areas of different groups are farther apart than the tolerance. Groups in order of
    their first area."""
    bounds = shapely.bounds(np.asarray(geoms, dtype=object))
    pad_m = 2.0 * tolerance_m + 1.0
    lat = np.minimum(np.abs(bounds[:, [1, 3]]).max(axis=1), 89.0)
    pad_lat = pad_m / 111_000.0                                # degrees
    pad_lon = pad_lat / np.cos(np.radians(lat))
    bounds = bounds + np.column_stack([-pad_lon, np.full(len(lat), -pad_lat), pad_lon,
                                       np.full(len(lat), pad_lat)])
    boxes = shapely.box(*bounds.T)
    left, right = shapely.STRtree(boxes).query(boxes)
    west = np.flatnonzero(bounds[:, 0] < -180.0)      # reaching across 180° from the west
    if len(west):
        shifted = shapely.box(*(bounds[west] + [360.0, 0.0, 360.0, 0.0]).T)
        more_l, more_r = shapely.STRtree(boxes).query(shifted)
        left, right = np.r_[left, west[more_l]], np.r_[right, more_r]
    roots = linked_roots(len(bounds), zip(left.tolist(), right.tolist(), strict=True))
    return [np.flatnonzero(roots == r) for r in dict.fromkeys(roots.tolist())]


def _fronts_of(held: gpd.GeoDataFrame, actors, tolerance_m: float, min_length_m: float,
               crs: str | None = None, known=None) -> gpd.GeoDataFrame:
    """``frontlines`` of held areas (index 0..n-1) in one projection: the shared cell edges
    of one registered ``control_areas`` result, else polygon overlay."""
    if known is None and crs is None:
        known = _known_areas(held)
    if known is not None:
        rows, crs = _ridge_fronts(held, *known, actors, tolerance_m, min_length_m)
    else:
        rows, crs = _overlay_fronts(held, actors, tolerance_m, min_length_m, crs)
    if not rows:
        return gpd.GeoDataFrame(columns=FRONT_COLUMNS, geometry="geometry", crs=WGS84)
    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows])
    return _layer_frame(frame, [r["geometry"] for r in rows], crs, "frontline", "front_id",
                        "F", FRONT_COLUMNS)


def _known_areas(held: gpd.GeoDataFrame):
    """(state, positions) when every held area is an unchanged area of one registered
    ``control_areas`` result (the latest such), else None."""
    geoms = np.asarray(held.geometry.values, dtype=object)     # the frame's own objects
    tokens = None
    for g in geoms:
        hits = _AREA_OF_GEOM.get(id(g))
        if not hits:
            return None
        tokens = set(hits) if tokens is None else tokens.intersection(hits)
        if not tokens:
            return None
    for token in sorted(tokens, reverse=True):
        state = _AREAS.get(token)
        if state is None:
            continue
        positions = [_AREA_OF_GEOM[id(g)][token] for g in geoms]
        if len(set(positions)) != len(positions) or \
                any(state.geoms_ll[p] is not g for p, g in zip(positions, geoms, strict=True)):
            continue
        if held["bloc"].tolist() != [state.blocs[p] for p in positions]:
            continue
        return state, positions
    return None


def _ridge_fronts(held: gpd.GeoDataFrame, state: _AreaState, positions: list, actors,
                  tolerance_m: float, min_length_m: float) -> tuple[list[dict], str]:
    """Frontlines from the shared edges of cells in hostile areas (see the module
    docstring); hostile areas that share no edge but come within ``tolerance_m`` metres of
    each other (at a corner) take the general route."""
    row_of = {p: i for i, p in enumerate(positions)}          # area position -> held row
    areas_of: dict[int, list[int]] = {}
    for cell, pos in state.cell_area:
        if pos in row_of:
            areas_of.setdefault(cell, []).append(row_of[pos])
    pairs = state.cells.ridges()
    if not len(pairs) or not areas_of:
        return [], state.crs
    blocs = held["bloc"].tolist()
    names = sorted(set(blocs))
    code = {b: k for k, b in enumerate(names)}
    hostile = np.array([[a != b and _hostile(actors, a, b) for b in names] for a in names],
                       dtype=bool).reshape(len(names), len(names))
    bloc_code = np.array([code[b] for b in blocs])
    single = np.full(len(state.cells.xy), -1)
    multi = []
    for cell, rows in areas_of.items():
        if len(rows) == 1:
            single[cell] = rows[0]
        else:
            multi.append(cell)
    ra, rb = single[pairs[:, 0]], single[pairs[:, 1]]
    sel = np.flatnonzero((ra >= 0) & (rb >= 0))
    sel = sel[hostile[bloc_code[ra[sel]], bloc_code[rb[sel]]]]
    ra, rb, ks = ra[sel].tolist(), rb[sel].tolist(), sel.tolist()
    if multi:                       # cells in several areas (places at one point)
        for k in np.flatnonzero(np.isin(pairs[:, 0], multi) | np.isin(pairs[:, 1], multi)):
            for a in areas_of.get(int(pairs[k, 0]), []):
                for b in areas_of.get(int(pairs[k, 1]), []):
                    if hostile[bloc_code[a], bloc_code[b]]:
                        ra.append(a)
                        rb.append(b)
                        ks.append(int(k))
    found: dict[tuple[int, int], object] = {}
    if ks:
        lo, hi = np.minimum(ra, rb), np.maximum(ra, rb)
        parts, which = shapely.get_parts(state.cells.ridge_lines(np.asarray(ks)),
                                         return_index=True)
        keep = (shapely.get_type_id(parts) == 1) & ~shapely.is_empty(parts)   # LineStrings
        parts, which = parts[keep], which[keep]
        if len(parts):
            key = lo[which].astype(np.int64) * len(blocs) + hi[which]
            groups, group_of = np.unique(key, return_inverse=True)
            order = np.argsort(group_of, kind="stable")
            merged = shapely.line_merge(shapely.multilinestrings(parts[order],
                                                                 indices=group_of[order]))
            found = {divmod(int(g), len(blocs)): line
                     for g, line in zip(groups.tolist(), merged, strict=True)}
    geoms = state.geoms_m[np.asarray(positions)]
    if tolerance_m > 0:             # corners: within the tolerance, no shared edge
        grow = np.array([-tolerance_m, -tolerance_m, tolerance_m, tolerance_m])
        boxes = shapely.box(*(shapely.bounds(geoms) + grow).T)
        left, right = shapely.STRtree(geoms).query(boxes)       # bounding boxes only
        keep = (left < right) & hostile[bloc_code[left], bloc_code[right]]
        left, right = left[keep], right[keep]
        if found:
            known_pairs = np.array(list(found), dtype=np.int64)
            keep = ~np.isin(left * len(blocs) + right,
                            known_pairs[:, 0] * len(blocs) + known_pairs[:, 1])
            left, right = left[keep], right[keep]
        near = shapely.dwithin(geoms[left], geoms[right], tolerance_m)
        for i, j in zip(left[near].tolist(), right[near].tolist(), strict=True):
            line = _shared_boundary(geoms[i], geoms[j], tolerance_m)
            if line is not None:
                found[(i, j)] = line
    cols = {c: held[c].tolist() for c in ("bloc", "area_id", "places", "event_ids")}
    conf = held["confidence"].astype(float).tolist()
    rough = _approximate(held)
    rows = []
    for (i, j) in sorted(found):
        line = found[(i, j)]
        if line.length < min_length_m and tolerance_m > 0:
            # a short shared edge: what lies within the tolerance may be long enough
            line = _shared_boundary(geoms[i], geoms[j], tolerance_m) or line
        n = line.length
        if n < min_length_m:
            continue
        rows.append({"bloc_a": cols["bloc"][i], "bloc_b": cols["bloc"][j],
                     "area_a": cols["area_id"][i], "area_b": cols["area_id"][j],
                     "length_km": round(n / 1000.0, 3), "places_a": cols["places"][i],
                     "places_b": cols["places"][j], "event_ids_a": cols["event_ids"][i],
                     "event_ids_b": cols["event_ids"][j], "confidence": min(conf[i], conf[j]),
                     "approximate": bool(rough[i] or rough[j]), "geometry": line})
    return rows, state.crs


def _approximate(frame: pd.DataFrame) -> list[bool]:
    """Per row, whether it rests on an approximately placed place (column ``approximate``;
    False where the column is missing, as in areas read from an older file)."""
    if "approximate" not in frame.columns:
        return [False] * len(frame)
    return frame["approximate"].fillna(False).astype(bool).tolist()


def _shared_boundary(a, b, tolerance_m: float):
    """The boundary of ``a`` within ``tolerance_m`` of ``b`` (projected, metres), merged, or
    None."""
    shared = shapely.intersection(a.boundary, b.buffer(tolerance_m))
    lines = [g for g in getattr(shared, "geoms", [shared])
             if g.geom_type in ("LineString", "MultiLineString") and not g.is_empty]
    return shapely.line_merge(shapely.union_all(lines)) if lines else None


def _overlay_fronts(held: gpd.GeoDataFrame, actors, tolerance_m: float, min_length_m: float,
                    crs: str | None) -> tuple[list[dict], str]:
    """Frontlines of any areas: the boundary of one area within ``tolerance_m`` of the
    other, per pair of hostile areas closer than the tolerance."""
    crs = crs or projection_for(held.geometry.values)
    geoms = held.geometry.to_crs(crs).values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
    rough = _approximate(held)
    rows = []
    for i, j in sorted(zip(left.tolist(), right.tolist(), strict=True)):
        if i >= j:
            continue
        a, b = held.iloc[i], held.iloc[j]
        if a.bloc == b.bloc or not _hostile(actors, a.bloc, b.bloc):
            continue
        line = _shared_boundary(geoms[i], geoms[j], tolerance_m)
        if line is None or line.length < min_length_m:
            continue
        rows.append({"bloc_a": a.bloc, "bloc_b": b.bloc, "area_a": a.area_id,
                     "area_b": b.area_id, "length_km": round(line.length / 1000.0, 3),
                     "places_a": a.places, "places_b": b.places,
                     "event_ids_a": a.event_ids, "event_ids_b": b.event_ids,
                     "confidence": min(float(a.confidence), float(b.confidence)),
                     "approximate": bool(rough[i] or rough[j]), "geometry": line})
    return rows, crs


def _layer_frame(frame: pd.DataFrame, geoms: list, crs, layer: str, id_column: str,
                 prefix: str, columns: list[str], geoms_ll=None) -> gpd.GeoDataFrame:
    """``frame`` with ``geoms`` (in ``crs``, metres; ``geoms_ll`` the same in EPSG:4326 when
    known) as an EPSG:4326 frame named ``layer`` with ids ``prefix``1, ``prefix``2 …"""
    if geoms_ll is None:
        geoms_ll = to_crs_values(np.asarray(geoms, dtype=object), crs, WGS84)
    out = gpd.GeoDataFrame(frame.reset_index(drop=True),
                           geometry=gpd.array.from_shapely(geoms_ll, crs=WGS84), crs=WGS84)
    out.insert(0, "layer", layer)
    out.insert(1, id_column, [f"{prefix}{i + 1}" for i in range(len(out))])
    return out[columns]
