"""Control areas and frontlines for one date (pure functions, GeoDataFrame → GeoDataFrame).

**Method (control areas).** Each located place of ``geo.control.control_at`` gets its Voronoi
cell among all observed places (held, taken, contested and lost alike, so every observation
claims the ground nearest to it), cut to a disc of ``radius_km`` around the place and clipped
to the land of the country polygons (Natural Earth 10 m). All of it is computed in metres in a
local azimuthal equidistant projection centred on the places (``geo.boundaries.local_crs``;
the centre rounded to half a degree so that successive dates share one projection). The cells
of places a bloc holds or took are dissolved per bloc and split into connected areas; each area
lists its places and event ids and carries ``confidence`` (the mean of its places'
confidences; ``confidence_min`` the lowest) for styling. Contested places give their cells as
``status`` "contested" areas with no bloc; places whose last observation is a loss give no
area (nobody is known to hold them). A place farther than ``radius_km`` from every other
observation therefore holds a disc of that radius: the radius is the reach of one report.

**Method (frontlines).** Where two areas of blocs that are hostile to each other
(``geo.actors.ActorDictionary.hostile``) share a boundary (within ``tolerance_m`` metres), that
shared boundary is a frontline, with the places and event ids of both sides. Areas that do not
touch (a gap wider than the tolerance) give no line: no one reported the ground between them.
"""

from __future__ import annotations

import json
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Point, box

from .boundaries import local_crs

WGS84 = "EPSG:4326"
RADIUS_KM = 30.0
TOLERANCE_M = 100.0
GRID_M = 1.0            # cells are snapped to a 1 m grid when dissolved (no slivers)
AREA_COLUMNS = ["layer", "area_id", "bloc", "status", "n_places", "places", "place_keys",
                "event_ids", "confidence", "confidence_min", "since", "observed", "area_km2",
                "geometry"]
FRONT_COLUMNS = ["layer", "front_id", "bloc_a", "bloc_b", "area_a", "area_b", "length_km",
                 "places_a", "places_b", "event_ids_a", "event_ids_b", "confidence", "geometry"]


def projection_for(geoms) -> str:
    """A local equidistant CRS (WKT) centred on ``geoms`` (lon/lat), centre rounded
    to half a degree."""
    c = shapely.union_all(np.asarray(geoms, dtype=object)).envelope.centroid
    return local_crs(Point(round(c.x * 2) / 2, round(c.y * 2) / 2)).to_wkt()


@lru_cache(maxsize=16)
def _land(crs: str, bounds: tuple[float, float, float, float]):
    """The union of the country polygons meeting ``bounds`` (lon/lat), projected to ``crs``,
    prepared (cached per projection and rounded bounds)."""
    from .boundaries import countries

    c = countries()
    hit = c[c.intersects(box(*bounds))]
    if hit.empty:
        return None
    land = shapely.union_all(gpd.GeoSeries(hit.geometry.values, crs=WGS84)
                             .clip(box(*bounds)).to_crs(crs).values)
    land = shapely.make_valid(land)
    shapely.prepare(land)
    return land


def _land_for(countries_frame, crs: str, pts_ll: np.ndarray, radius_km: float):
    pad = radius_km / 80.0 + 0.5                       # degrees; generous at these latitudes
    lon0, lat0 = np.floor(pts_ll.min(axis=0) - pad)
    lon1, lat1 = np.ceil(pts_ll.max(axis=0) + pad)
    bounds = (float(lon0), float(lat0), float(lon1), float(lat1))
    if countries_frame is None:
        return _land(crs, bounds)
    hit = countries_frame[countries_frame.intersects(box(*bounds))]
    if hit.empty:
        return None
    land = shapely.make_valid(shapely.union_all(hit.to_crs(crs).geometry.values))
    shapely.prepare(land)
    return land


def _cells(xy: np.ndarray, radius_m: float, land) -> np.ndarray:
    """The Voronoi cell of every point (projected), cut to a disc of ``radius_m`` and clipped
    to ``land``; one geometry per point, in the points' order (equal points share a cell)."""
    pts = shapely.points(xy)
    discs = shapely.buffer(pts, radius_m, quad_segs=16)
    uniq, inverse = np.unique(np.round(xy, 3), axis=0, return_inverse=True)
    inverse = np.asarray(inverse).reshape(-1)
    if len(uniq) == 1:
        cells = discs
    else:
        env = box(*uniq.min(axis=0), *uniq.max(axis=0)).buffer(2 * radius_m)
        vor = shapely.voronoi_polygons(MultiPoint(uniq), extend_to=env, ordered=True)
        cells = shapely.intersection(np.asarray(vor.geoms, dtype=object)[inverse], discs)
    if land is not None:
        inside = shapely.contains_properly(land, cells)
        cut = ~inside
        if cut.any():
            cells = cells.copy()
            cells[cut] = shapely.intersection(cells[cut], land)
    return cells


def _polygonal(geom):
    """Only the polygon parts of ``geom`` (intersections may add slivers of lines)."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def control_areas(at: gpd.GeoDataFrame, countries: gpd.GeoDataFrame | None = None, *,
                  radius_km: float = RADIUS_KM, crs: str | None = None) -> gpd.GeoDataFrame:
    """Areas held per bloc (and contested areas) from ``geo.control.control_at`` rows; see the
    module docstring. ``countries`` defaults to Natural Earth 10 m
    (``geo.boundaries.countries``); ``crs`` to a local equidistant projection. Columns:
    ``AREA_COLUMNS``; geometry (Multi)Polygon, EPSG:4326."""
    if not radius_km > 0:
        raise ValueError(f"radius_km must be positive, not {radius_km!r}")
    located = at[at.geometry.notna() & ~at.geometry.is_empty] if len(at) else at
    if located.empty:
        return gpd.GeoDataFrame(columns=AREA_COLUMNS, geometry="geometry", crs=WGS84)
    located = located.reset_index(drop=True)
    crs = crs or projection_for(located.geometry.values)
    ll = shapely.get_coordinates(located.geometry.values)
    proj = located.geometry.to_crs(crs)
    xy = shapely.get_coordinates(proj.values)
    land = _land_for(countries, crs, ll, radius_km)
    cells = _cells(xy, radius_km * 1000.0, land)
    located = located.assign(_cell=list(cells), _pt=list(proj.values))
    rows = []
    holding = located[located.status.isin(["held", "taken"]) & (located.bloc != "")]
    for bloc, grp in holding.groupby("bloc", sort=True):
        merged = _polygonal(shapely.union_all(np.asarray(grp["_cell"].values, dtype=object),
                                              grid_size=GRID_M))
        parts = [p for p in getattr(merged, "geoms", [merged]) if not p.is_empty]
        tree = shapely.STRtree(np.asarray(grp["_pt"].values, dtype=object))
        for part in parts:
            idx = tree.query(part, predicate="intersects")
            members = grp.iloc[np.sort(idx)] if len(idx) else grp.iloc[:0]
            rows.append(_area_row(bloc, "held", part, members))
    for _, r in located[located.status == "contested"].iterrows():
        cell = _polygonal(r["_cell"])
        if cell is not None and not cell.is_empty:
            rows.append(_area_row("", "contested", cell, located.loc[[r.name]]))
    return _layer_frame(rows, crs, "control_area", "area_id", "A", AREA_COLUMNS)


def _area_row(bloc: str, status: str, geom, members: pd.DataFrame) -> dict:
    events: list[str] = []
    for e in members["event_ids"]:
        events += json.loads(e)
    conf = members["confidence"].astype(float)
    return {"bloc": bloc, "status": status, "n_places": len(members),
            "places": json.dumps(list(members["location"]), ensure_ascii=False),
            "place_keys": json.dumps(list(members["place_key"])),
            "event_ids": json.dumps(list(dict.fromkeys(events))),
            "confidence": round(float(conf.mean()), 4) if len(conf) else 0.0,
            "confidence_min": round(float(conf.min()), 4) if len(conf) else 0.0,
            "since": min(members["since"]) if len(members) else "",
            "observed": max(members["observed"]) if len(members) else "",
            "area_km2": round(geom.area / 1e6, 3), "geometry": geom}


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
    ``confidence`` (the lower of the two areas'). Columns: ``FRONT_COLUMNS``; EPSG:4326."""
    held = areas[(areas["status"] == "held") & areas.geometry.notna()] if len(areas) else areas
    if len(held) < 2:
        return gpd.GeoDataFrame(columns=FRONT_COLUMNS, geometry="geometry", crs=WGS84)
    if actors is None:
        from .actors import load_actors

        actors = load_actors()
    held = held.reset_index(drop=True)
    crs = crs or projection_for(held.geometry.values)
    geoms = held.geometry.to_crs(crs).values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
    rows = []
    for i, j in zip(left, right, strict=True):
        if i >= j:
            continue
        a, b = held.iloc[i], held.iloc[j]
        if a.bloc == b.bloc or not _hostile(actors, a.bloc, b.bloc):
            continue
        shared = shapely.intersection(geoms[i].boundary, geoms[j].buffer(tolerance_m))
        lines = [g for g in getattr(shared, "geoms", [shared])
                 if g.geom_type in ("LineString", "MultiLineString") and not g.is_empty]
        if not lines:
            continue
        line = shapely.line_merge(shapely.union_all(lines))
        if line.length < min_length_m:
            continue
        rows.append({"bloc_a": a.bloc, "bloc_b": b.bloc, "area_a": a.area_id,
                     "area_b": b.area_id, "length_km": round(line.length / 1000.0, 3),
                     "places_a": a.places, "places_b": b.places,
                     "event_ids_a": a.event_ids, "event_ids_b": b.event_ids,
                     "confidence": min(float(a.confidence), float(b.confidence)),
                     "geometry": line})
    return _layer_frame(rows, crs, "frontline", "front_id", "F", FRONT_COLUMNS)


def _layer_frame(rows: list[dict], crs, layer: str, id_column: str, prefix: str,
                 columns: list[str]) -> gpd.GeoDataFrame:
    """``rows`` (geometry in ``crs``, metres) as an EPSG:4326 frame named ``layer`` with ids
    ``prefix``1, ``prefix``2 …; an empty frame with ``columns`` when there are none."""
    if not rows:
        return gpd.GeoDataFrame(columns=columns, geometry="geometry", crs=WGS84)
    out = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs).to_crs(WGS84)
    out.insert(0, "layer", layer)
    out.insert(1, id_column, [f"{prefix}{i + 1}" for i in range(len(out))])
    return out[columns]
