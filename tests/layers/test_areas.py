"""Control areas and frontlines on small constructed cases in the Syrian desert."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point
from test_control import ev

from geo.layers.areas import (
    _CELL_CACHE,
    _land_for,
    cell_set,
    clear_cell_cache,
    control_areas,
    frontlines,
    projection_for,
)
from geo.layers.control import control_at, control_observations
from geo.theatres import load_theatres

QUESTION = load_theatres()["iraq_syria"].questions[0]


def _cells(xy: np.ndarray, radius_m: float, land) -> np.ndarray:
    """The cut cell of every projected point (metres), in the points' order (equal points
    share a cell)."""
    uniq, inverse = np.unique(np.round(xy, 3), axis=0, return_inverse=True)
    return cell_set(uniq, radius_m, land).cells[np.asarray(inverse).reshape(-1)]

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
    from geo.layers.boundaries import countries
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


@pytest.mark.parametrize("lon, lat, front", [
    (40.45, 34.1, True),       # next to iran_axis's places: it meets them
    (39.85, 34.1, True),       # next to islamic_state's places
    (41.5, 34.1, False),       # 110 km from any place: a disc of its own, no front
])
def test_approximate_places_claim_a_cell_and_say_so(lon, lat, front):
    """An approximately placed capture ("west of X", ±50 km) claims its cell like any
    place; its area, and any frontline of that area, is marked approximate, the others not."""
    rough = ev(9, lon, lat, "us_coalition", "captured", "2017-05-05", bloc2="iran_axis",
               approximate=True, uncertainty_km=50.0)
    areas, fronts = layers(two_sides([rough]), "2017-05-10")
    assert sorted(areas.bloc) == ["iran_axis", "islamic_state", "us_coalition"]
    assert dict(zip(areas.bloc, areas.approximate, strict=True)) == {
        "iran_axis": False, "islamic_state": False, "us_coalition": True}
    rough_fronts = fronts[fronts.approximate.astype(bool)]
    assert all("us_coalition" in (f.bloc_a, f.bloc_b) for f in rough_fronts.itertuples())
    assert (len(rough_fronts) > 0) == front
    exact = fronts[~fronts.approximate.astype(bool)]
    assert {(f.bloc_a, f.bloc_b) for f in exact.itertuples()} <= {
        ("islamic_state", "iran_axis"), ("iran_axis", "islamic_state")}


# -- memoised work across dates equals a fresh computation ----------------------------------

def _same_layers(a, b):
    """Equal frames; geometries equal vertex for vertex (1e-9°)."""
    assert list(a.columns) == list(b.columns) and len(a) == len(b)
    pd.testing.assert_frame_equal(a.drop(columns="geometry").reset_index(drop=True),
                                  b.drop(columns="geometry").reset_index(drop=True))
    assert shapely.equals_exact(np.asarray(a.geometry.values), np.asarray(b.geometry.values),
                                tolerance=1e-9).all()


def test_memoised_dates_equal_fresh_computations_over_many_dates():
    """Areas, frontlines and the land corridor computed date after date (cells, groups of
    cells, ridges, projections and distances memoised from earlier dates, new places
    appearing) equal the same dates computed from empty caches."""
    from geo.actors import load_actors
    from geo.layers.corridor import clear_corridor_cache, land_corridor

    actors = load_actors()
    rng = np.random.default_rng(21)
    n = 80
    lon, lat = rng.uniform(38.5, 43.0, n), rng.uniform(33.0, 36.5, n)
    rows = []
    for i in range(300):
        p = int(rng.integers(0, n))
        b1, b2 = (str(x) for x in rng.choice(BLOCS + ["iraqi_government"], 2))
        kind = str(rng.choice(["captured", "holds", "reached", "contested"]))
        day = f"2017-{int(rng.integers(1, 4)):02d}-{int(rng.integers(1, 29)):02d}"
        rows.append(ev(i, float(lon[p]), float(lat[p]), b1, kind, day,
                       bloc2=b2 if b2 != b1 else "",
                       modality="situation" if kind == "holds" else "asserted",
                       place=f"P{p}"))
    obs = control_observations(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
    days = [f"2017-{m:02d}-{d:02d}" for m in (1, 2, 3) for d in range(1, 29, 3)]
    clear_cell_cache()
    clear_corridor_cache()
    warm = {}
    for day in days:                       # forward, then a few dates again out of order
        at = control_at(obs, day)
        areas = control_areas(at)
        warm[day] = (areas, frontlines(areas, actors),
                     land_corridor(areas, day, question=QUESTION, actors=actors))
    for day in days[::-4]:
        areas = control_areas(control_at(obs, day))
        _same_layers(areas, warm[day][0])
        _same_layers(frontlines(areas, actors), warm[day][1])
    assert sum(len(w[0]) for w in warm.values()) > 100
    assert sum(len(w[1]) for w in warm.values()) > 20
    for day in days:
        clear_cell_cache()
        clear_corridor_cache()
        areas = control_areas(control_at(obs, day))
        for got, want in zip((areas, frontlines(areas, actors),
                              land_corridor(areas, day, question=QUESTION, actors=actors)),
                             warm[day],
                             strict=True):
            _same_layers(got, want)


def test_groups_of_touching_cells_dissolve_as_the_whole_bloc():
    """A bloc's cells dissolved group by group (cells that touch) give the parts of the
    whole bloc dissolved at once, within the 1 m grid both snap the cut edges to."""
    at = at_for(scattered(70, seed=9), "2017-05-10").reset_index(drop=True)
    crs = projection_for(at.geometry.values)
    xy = shapely.get_coordinates(at.geometry.to_crs(crs).values)
    land = _land_for(None, crs, shapely.get_coordinates(at.geometry.values), 30.0)
    uniq, inverse = np.unique(np.round(xy, 3), axis=0, return_inverse=True)
    from geo.layers.areas import cell_set

    cells = cell_set(uniq, 30_000.0, land, crs)
    for bloc in sorted(set(at.bloc) - {""}):
        idx = np.unique(inverse.reshape(-1)[(at.bloc == bloc).to_numpy()])
        whole = shapely.get_parts(cells.dissolve(idx))
        groups = cells.components(idx)
        assert sorted(np.concatenate(groups).tolist()) == sorted(idx.tolist())
        parts = np.concatenate([shapely.get_parts(cells.dissolve(g)) for g in groups])
        assert len(parts) == len(whole)
        a, b = shapely.union_all(whole), shapely.union_all(parts)
        assert shapely.symmetric_difference(a, b).area < 1e-5 * a.area + 1e3
        assert shapely.hausdorff_distance(a, b) < 2.0          # metres
