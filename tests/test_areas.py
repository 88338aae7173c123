"""Control areas and frontlines on small constructed cases in the Syrian desert."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point
from test_control import ev

from geo.areas import (
    _CELL_CACHE,
    _cells,
    _land_for,
    clear_cell_cache,
    control_areas,
    frontlines,
    projection_for,
)
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


# -- cells computed once per set of places, frontlines from shared cell edges ---------------

BLOCS = ["islamic_state", "iran_axis", "syrian_government", "us_coalition", "kurdish_forces"]


def scattered(n=40, seed=3, day="2017-05-01", flip=()):
    """``n`` places in eastern Syria and western Iraq (39–42°E, 33.5–36°N), random blocs,
    a few contested; places in ``flip`` are captured by islamic_state on 2017-05-20."""
    rng = np.random.default_rng(seed)
    lon, lat = rng.uniform(39.0, 42.0, n), rng.uniform(33.5, 36.0, n)
    blocs = rng.choice(BLOCS, n)
    rows = []
    for i in range(n):
        kind = "contested" if i % 9 == 0 else "holds"
        rows.append(ev(i, float(lon[i]), float(lat[i]), str(blocs[i]), kind, day,
                       bloc2="islamic_state" if kind == "contested" else "",
                       modality="situation" if kind == "holds" else "asserted",
                       place=f"P{i}"))
    rows += [ev(100 + i, float(lon[i]), float(lat[i]), "islamic_state", "captured",
                "2017-05-20", bloc2=str(blocs[i]), place=f"P{i}") for i in flip]
    return rows


def at_for(rows, day):
    return control_at(control_observations(
        gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")), day)


def same_frames(a, b):
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert shapely.equals_exact(np.asarray(a.geometry.values), np.asarray(b.geometry.values),
                                tolerance=1e-9).all()


def test_cached_cells_give_the_same_areas_as_a_fresh_computation():
    rows = scattered(flip=(1, 2, 3, 5, 8))
    clear_cell_cache()
    first = control_areas(at_for(rows, "2017-05-10"))
    n_sets = len(_CELL_CACHE)
    # a later day: the same places, other holders -> the cells are reused, not recomputed
    later = control_areas(at_for(rows, "2017-05-25"))
    assert len(_CELL_CACHE) == n_sets
    clear_cell_cache()
    fresh = control_areas(at_for(rows, "2017-05-25"))
    same_frames(later, fresh)
    assert not later.drop(columns="geometry").equals(first.drop(columns="geometry"))
    clear_cell_cache()
    same_frames(first, control_areas(at_for(rows, "2017-05-10")))


def test_areas_are_the_union_of_the_cut_cells():
    """The coverage-union dissolve gives what a plain union of the cut cells gives."""
    at = at_for(scattered(60, seed=5), "2017-05-10")
    areas = control_areas(at)
    located = at.reset_index(drop=True)
    crs = projection_for(located.geometry.values)
    xy = shapely.get_coordinates(located.geometry.to_crs(crs).values)
    ll = shapely.get_coordinates(located.geometry.values)
    cells = _cells(xy, 30_000.0, _land_for(None, crs, ll, 30.0))
    for bloc in set(areas.bloc) - {""}:
        mine = shapely.union_all(areas[areas.bloc == bloc].to_crs(crs).geometry.values)
        held = (located.bloc == bloc).to_numpy() & located.status.isin(["held", "taken"])
        plain = shapely.union_all(cells[held.to_numpy()], grid_size=1.0)
        assert shapely.symmetric_difference(mine, plain).area < 1e-5 * plain.area + 1e4


def test_frontlines_from_cell_edges_match_the_polygon_method():
    at = at_for(scattered(60, seed=7), "2017-05-10")
    areas = control_areas(at)
    fast = frontlines(areas)
    # new geometry objects: not the registered areas, so the general route is taken
    copy = areas.set_geometry(shapely.from_wkb(shapely.to_wkb(areas.geometry.values)))
    slow = frontlines(copy)
    assert len(fast) >= 3
    assert list(fast.area_a + fast.area_b) == list(slow.area_a + slow.area_b)
    # the polygon method also keeps what lies within 100 m of the other side beyond the shared
    # edge's ends (about 0.1 km at each end, more where the areas meet at a shallow angle)
    extra = slow.length_km.to_numpy() - fast.length_km.to_numpy()
    assert np.all(extra > -0.01) and np.all(extra < 1.0) and np.median(extra) < 0.25
    crs = projection_for(areas.geometry.values)
    gap = shapely.hausdorff_distance(np.asarray(fast.to_crs(crs).geometry.values),
                                     np.asarray(slow.to_crs(crs).geometry.values))
    assert np.median(gap) < 150.0 and gap.max() < 600.0


def test_approximate_places_claim_no_cell():
    rough = ev(9, 40.15, 34.1, "us_coalition", "captured", "2017-05-05", bloc2="islamic_state",
               approximate=True, uncertainty_km=50.0)
    areas, _ = layers(two_sides([rough]), "2017-05-10")
    assert "us_coalition" not in set(areas.bloc)
    assert sorted(areas.bloc) == ["iran_axis", "islamic_state"]
