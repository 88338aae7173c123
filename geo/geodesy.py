"""Distances and geodesics, one helper for all of ``geo``: great-circle kilometres between
two (lat, lon) points (the gazetteer's ``km``, so places compare as the geoparser compares
them) and, on the WGS84 ellipsoid (``pyproj.Geod``), line lengths, destinations and circles.
Coordinates are (lat, lon) degrees unless a function says (lon, lat); distances km."""

from __future__ import annotations

import numpy as np
from pyproj import Geod
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from gazetteer.rank import km

GEOD = Geod(ellps="WGS84")

__all__ = ["km", "length_km", "destination", "circle"]


def length_km(geom: BaseGeometry) -> float:
    """Geodesic length of a (multi)line in (lon, lat), in km."""
    return GEOD.geometry_length(geom) / 1000.0


def destination(lat: float, lon: float, distance_km: float, bearing: float
                ) -> tuple[float, float]:
    """(lat, lon) reached from (lat, lon) along the geodesic of initial ``bearing`` (degrees
    from north) after ``distance_km``."""
    lon2, lat2, _ = GEOD.fwd(lon, lat, bearing, distance_km * 1000.0)
    return lat2, lon2


def circle(lat: float, lon: float, radius_km: float, n: int = 360) -> Polygon:
    """A polygon of ``n`` points each ``radius_km`` from (lat, lon) along the geodesic
    (azimuths 0°, 360/n° …), in (lon, lat)."""
    az = np.linspace(0.0, 360.0, n, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(n, lon), np.full(n, lat), az, np.full(n, radius_km * 1000.0))
    return Polygon(zip(lons, lats, strict=True))
