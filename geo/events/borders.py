"""Countries' shapes and the borders two countries share (Natural Earth 10 m, through
``gazetteer.sources.natural_earth``), for events placed on a border.

Shapes and lines are (lon, lat) degrees; points returned as (lat, lon); distances km, measured
on the ellipsoid or in an azimuthal equidistant projection centred on the point they are
measured from, never in degrees.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import nearest_points

from gazetteer.sources.natural_earth import countries
from geo.geodesy import km

#: a border shorter than this (degrees of line, about 5 km) is a corner, not a shared border
MIN_BORDER_DEG = 0.05


@lru_cache(maxsize=1)
def country_shapes() -> dict:
    """ISO alpha-2 -> Natural Earth country polygon (lon, lat); empty if unavailable."""
    try:
        frame = countries()
    except Exception:       # noqa: BLE001 - borders are a refinement, never a failure
        return {}
    return {row.iso2: row.geometry for row in frame.itertuples() if row.geometry is not None}


@lru_cache(maxsize=512)
def shared_border(cc_a: str, cc_b: str) -> BaseGeometry | None:
    """The line (lon, lat) along which countries ``cc_a`` and ``cc_b`` meet, or None when they
    share no border."""
    shapes = country_shapes()
    a, b = shapes.get(cc_a), shapes.get(cc_b)
    if a is None or b is None:
        return None
    shared = a.buffer(0.02).intersection(b.boundary)
    if shared.is_empty or shared.length < MIN_BORDER_DEG:
        return None
    return shared


@lru_cache(maxsize=512)
def border_point(cc_a: str, cc_b: str) -> tuple[float, float, float] | None:
    """(lat, lon, radius km) of the middle of the border two countries share, the radius
    reaching its farthest point; None when they share none."""
    shared = shared_border(cc_a, cc_b)
    if shared is None:
        return None
    mid = nearest_points(shared, shared.centroid)[0]
    coords = [c for part in getattr(shared, "geoms", [shared])
              for c in getattr(part, "coords", [])]
    radius = max((km((mid.y, mid.x), (y, x)) for x, y in coords), default=0.0)
    return round(mid.y, 5), round(mid.x, 5), round(max(radius, 10.0), 1)


def nearest_on(geom: BaseGeometry, lat: float, lon: float) -> tuple[float, float, float]:
    """(lat, lon, km) of the point of ``geom`` (lon, lat) nearest to (lat, lon) and its
    distance, found in an azimuthal equidistant projection centred on (lat, lon), where
    distances from the centre are true."""
    aeqd = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84 +units=m")
    there = Transformer.from_crs("EPSG:4326", aeqd, always_xy=True)
    back = Transformer.from_crs(aeqd, "EPSG:4326", always_xy=True)
    projected = shapely.transform(
        geom, lambda xy: np.column_stack(there.transform(xy[:, 0], xy[:, 1])))
    near = nearest_points(projected, Point(0.0, 0.0))[0]
    x, y = back.transform(near.x, near.y)
    return round(y, 5), round(x, 5), km((lat, lon), (y, x))
