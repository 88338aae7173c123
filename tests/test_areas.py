"""Control areas and frontlines on small constructed cases in the Syrian desert."""

from __future__ import annotations

import json

import geopandas as gpd
import shapely
from shapely.geometry import Point
from test_control import ev

from geo.areas import control_areas, frontlines
from geo.control import control_at, control_observations


def layers(rows, day, radius_km=30.0):
    obs = control_observations(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
    areas = control_areas(control_at(obs, day), radius_km=radius_km)
    return areas, frontlines(areas)


def two_sides(extra=()):
    """islamic_state at 40.0°E, iran_axis at 40.3°E (two places each, 34.0 and 34.2°N)."""
    rows = [ev(i, lon, lat, bloc, "holds", "2017-05-01", modality="situation")
            for i, (lon, lat, bloc) in enumerate([
                (40.0, 34.0, "islamic_state"), (40.0, 34.2, "islamic_state"),
                (40.3, 34.0, "iran_axis"), (40.3, 34.2, "iran_axis")], start=1)]
    return rows + list(extra)


def test_hostile_blocs_either_side_give_a_frontline_between_them():
    areas, fronts = layers(two_sides(), "2017-05-10")
    assert sorted(areas.bloc) == ["iran_axis", "islamic_state"]
    assert len(fronts) == 1
    f = fronts.iloc[0]
    assert {f.bloc_a, f.bloc_b} == {"iran_axis", "islamic_state"}
    xs = shapely.get_coordinates(f.geometry)[:, 0]
    assert abs(xs.mean() - 40.15) < 0.01 and xs.max() - xs.min() < 0.01
    assert f.length_km > 40
    assert set(json.loads(f.event_ids_a) + json.loads(f.event_ids_b)) == {"E1", "E2", "E3",
                                                                         "E4"}


def test_areas_are_clipped_by_the_radius_and_the_land():
    areas, _ = layers(two_sides(), "2017-05-10", radius_km=10)
    isis = shapely.union_all(areas[areas.bloc == "islamic_state"].geometry.values)
    assert len(areas[areas.bloc == "islamic_state"]) == 2     # 22 km apart: two discs
    assert not isis.covers(Point(40.15, 34.1))      # 13.9 km from the nearest place
    assert isis.covers(Point(40.05, 34.05))         # 7 km
    # a place on the Jordanian border: nothing outside the country polygons
    areas, _ = layers([ev(1, 38.79, 33.38, "us_coalition", "holds", "2017-05-01",
                          modality="situation")], "2017-05-02")
    from geo.boundaries import countries
    land = shapely.union_all(countries().geometry.values)
    assert areas.geometry.iloc[0].difference(land.buffer(1e-6)).area < 1e-9


def test_a_capture_moves_the_frontline():
    middle = ev(9, 40.2, 34.1, "iran_axis", "holds", "2017-05-01", modality="situation",
                place="M")
    capture = ev(10, 40.2, 34.1, "islamic_state", "captured", "2017-05-20",
                 bloc2="iran_axis", place="M")
    rows = two_sides([middle, capture])
    _, before = layers(rows, "2017-05-10")
    _, after = layers(rows, "2017-05-25")
    x_before = shapely.get_coordinates(before.geometry.iloc[0])[:, 0].mean()
    x_after = shapely.get_coordinates(after.geometry.iloc[0])[:, 0].mean()
    assert x_after > x_before + 0.03          # the line moved east, towards iran_axis
    assert "E10" in after.event_ids_a.iloc[0] + after.event_ids_b.iloc[0]


def test_a_contested_place_gives_no_clean_area():
    siege = ev(9, 40.15, 34.1, "iran_axis", "contested", "2017-05-05", bloc2="islamic_state",
               place="S")
    areas, _ = layers(two_sides([siege]), "2017-05-10")
    held = areas[areas.status == "held"]
    assert not any(g.covers(Point(40.15, 34.1)) for g in held.geometry)
    contested = areas[areas.status == "contested"]
    assert len(contested) == 1 and contested.bloc.iloc[0] == ""
    assert contested.geometry.iloc[0].covers(Point(40.15, 34.1))


def test_allied_blocs_give_no_frontline():
    rows = [ev(1, 40.0, 34.0, "iran_axis", "holds", "2017-05-01", modality="situation"),
            ev(2, 40.3, 34.0, "syrian_government", "holds", "2017-05-01",
               modality="situation")]
    areas, fronts = layers(rows, "2017-05-02")
    assert len(areas) == 2 and fronts.empty


def test_nothing_located_gives_empty_frames():
    areas, fronts = layers([ev(1, None, None, "iran_axis", "captured", "2017-05-01",
                               place="overlay:taru-iq")], "2017-05-02")
    assert areas.empty and fronts.empty
