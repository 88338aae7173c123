"""The offline base map (``geo.web.basemap``): rivers and lakes from the vendored Natural
Earth 1:50m file, and labels for countries, towns and the events' places."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo.web import basemap
from geo.web import map as webmap

IRAQ_VIEW = box(38.0, 30.0, 48.0, 37.5)        # lon/lat
OCEAN_VIEW = box(-40.0, 20.0, -35.0, 25.0)     # mid-Atlantic


def located(rows):
    """Events at (lon, lat) with a location name."""
    return gpd.GeoDataFrame({"location": [r[2] for r in rows]},
                            geometry=[Point(r[0], r[1]) for r in rows], crs="EPSG:4326")


def test_rivers_and_lakes_of_the_view():
    data = json.loads(basemap.water_json(IRAQ_VIEW))
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert kinds == {"river", "lake"} and len(data["features"]) >= 5
    near_mosul = [f for f in data["features"] if f["properties"]["kind"] == "river"
                  and box(43.0, 36.2, 43.3, 36.5).intersects(
                      _shape(f))]
    assert near_mosul                                      # the Tigris at Mosul
    assert basemap.water_json(OCEAN_VIEW) is None


def _shape(feature):
    from shapely.geometry import shape

    return shape(feature["geometry"])


def test_country_town_and_place_labels():
    rows = basemap.map_labels(IRAQ_VIEW, located([(43.13, 36.34, "Mosul (old city)"),
                                                  (41.0, 34.4, "al-Qaim"),
                                                  (43.7, 33.2, "Iraq")]))
    by_kind = {}
    for lat, lon, text, kind, zoom in rows:
        assert -90 <= lat <= 90 and -180 <= lon <= 180 and isinstance(zoom, int)
        by_kind.setdefault(kind, {})[text] = (lat, lon, zoom)
    assert {"Iraq", "Syria", "Jordan"} <= set(by_kind["country"])
    assert by_kind["town"]["Baghdad"][2] == 5 < by_kind["town"]["Ramadi"][2]   # big first
    assert {"Mosul (old city)", "al-Qaim"} <= set(by_kind["place"])
    assert "Iraq" not in by_kind["place"]                 # the country's label says it
    # the town at the event's place is labelled once, by the place's name
    assert not [t for t, (lat, lon, _) in by_kind["town"].items()
                if abs(lat - 36.34) < 0.05 and abs(lon - 43.13) < 0.05]


@pytest.mark.parametrize("view, names, not_names", [
    (IRAQ_VIEW, {"Euphrates", "Tigris"}, set()),
    (box(28.0, 44.0, 40.0, 52.5), {"Dnieper"}, {"Euphrates"}),        # Ukraine
    (box(28.0, 3.0, 36.0, 16.0), {"White Nile"}, set()),               # South Sudan, Sudan
])
def test_rivers_and_lakes_drawn_are_named(view, names, not_names):
    """River and lake names (Natural Earth label points, the gazetteer's physical.csv) come
    with the drawn water of the view, and only where water is drawn."""
    rows = [r for r in basemap.map_labels(view) if r[3] == "water"]
    found = {r[2] for r in rows}
    assert names <= found and not (not_names & found)
    assert all(r[4] == basemap.WATER_ZOOM for r in rows) and len(rows) <= basemap.MAX_WATER
    drawn = gpd.GeoDataFrame.from_features(json.loads(basemap.water_json(view))["features"])
    for lat, lon, *_ in rows:                            # each on drawn water (~5 km)
        assert drawn.distance(Point(lon, lat)).min() < 0.1


@pytest.mark.parametrize("max_towns", [0, 3])
def test_town_labels_are_bounded(max_towns):
    rows = basemap.map_labels(IRAQ_VIEW, None, max_towns=max_towns)
    assert sum(r[3] == "town" for r in rows) == max_towns


def test_nothing_to_label_without_a_view():
    assert basemap.map_labels(None) == [] and basemap.water_json(None) is None


def test_the_page_has_labels_and_water_and_both_can_be_turned_off():
    from browser_util import synthetic_events

    m = webmap.build_map(synthetic_events(hostile=False))
    page = webmap.map_html(m)
    assert m.conflictmap_stats["labels"] > 10 and "cm.addLabels(" in page
    assert '"Rivers and lakes"' in page and '"Map labels"' in page
    off = webmap.build_map(synthetic_events(hostile=False),
                           layers=set(webmap.LAYERS) - {webmap.LABELS, webmap.WATER})
    page_off = webmap.map_html(off)
    assert off.conflictmap_stats["labels"] == 0 and "cm.addLabels(" not in page_off
    assert '"Rivers and lakes"' not in page_off
