"""Control areas and frontlines when the control places lie far apart (several theatres in one
corpus, a place resolved to another continent): each region is computed in a projection of
its own, a failing layer is dropped with a reason, and the commands still write their
output."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_control import ev

from geo.actors import load_actors
from geo.layers.areas import clear_cell_cache, control_areas, frontlines
from geo.layers.control import control_at, control_observations
from geo.layers.regions import region_labels
from geo.layers.registry import dropped_layers, dropped_note, layers_for_date

DAY = "2020-05-10"
# inland pairs of places, about 30 km apart, held by two hostile blocs
THEATRES = {
    "syrian desert": [(40.0, 34.0), (40.3, 34.0)],
    "donbas": [(37.8, 48.0), (38.15, 48.0)],
    "central mali": [(-2.0, 15.0), (-1.7, 15.0)],
    "missouri": [(-91.8, 39.8), (-91.45, 39.8)],
    "chukotka, across 180°": [(179.85, 66.3), (-179.85, 66.3)],
    "mongolia": [(103.0, 47.0), (103.4, 47.0)],
}
BLOCS = ("islamic_state", "iran_axis")


def rows_for(names, start=1):
    rows, i = [], start
    for name in names:
        for (lon, lat), bloc in zip(THEATRES[name], BLOCS, strict=True):
            rows.append(ev(i, lon, lat, bloc, "holds", "2020-05-01", modality="situation",
                           place=f"{name} {bloc}"))
            i += 1
    return rows


def areas_of(rows):
    obs = control_observations(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
    return control_areas(control_at(obs, DAY))


def by_place(areas):
    return {tuple(json.loads(a.places)): a.geometry for a in areas.itertuples()}


@pytest.mark.parametrize("near, far", [
    ("syrian desert", "missouri"), ("donbas", "central mali"), ("mongolia", "missouri"),
    ("chukotka, across 180°", "syrian desert"), ("central mali", "donbas"),
])
def test_a_far_theatre_changes_nothing_in_another(near, far):
    clear_cell_cache()
    alone = by_place(areas_of(rows_for([near])))
    clear_cell_cache()
    both = areas_of(rows_for([near, far]))
    together = by_place(both)
    assert set(alone) <= set(together)
    for place, geom in alone.items():
        diff = shapely.symmetric_difference(geom, together[place]).area / max(geom.area, 1e-12)
        assert diff < 1e-6, place
    assert len(both) == len(alone) + len(by_place(areas_of(rows_for([far]))))
    assert list(both.area_id) == [f"A{i + 1}" for i in range(len(both))]


@pytest.mark.parametrize("names", [
    ["syrian desert", "missouri"], ["donbas", "central mali", "mongolia"],
    ["chukotka, across 180°", "missouri", "syrian desert"],
])
def test_each_theatre_keeps_its_frontline(names):
    clear_cell_cache()
    areas = areas_of(rows_for(names))
    fronts = frontlines(areas, load_actors())
    assert len(fronts) == len(names)
    for f in fronts.itertuples():
        a, b = json.loads(f.places_a)[0], json.loads(f.places_b)[0]
        assert a.rsplit(" ", 1)[0] == b.rsplit(" ", 1)[0]       # both sides in one theatre
        assert 10 < f.length_km < 80
        xs = shapely.get_coordinates(f.geometry)[:, 0]
        assert xs.max() - xs.min() < 1.0


@pytest.mark.parametrize("lon", [179.9, -179.9])
def test_an_area_across_the_antimeridian_keeps_continuous_longitudes(lon):
    clear_cell_cache()
    areas = areas_of([ev(1, lon, 66.3, "islamic_state", "holds", "2020-05-01",
                         modality="situation", place="near 180")])
    assert len(areas) == 1
    x0, _, x1, _ = areas.geometry.iloc[0].bounds
    assert x1 - x0 < 2.0 and x0 > 178 and x1 < 182           # not a band round the globe
    assert 2000 < areas.area_km2.iloc[0] < 2830               # the whole disc, on land


@pytest.mark.parametrize("lonlat, groups", [
    ([(40, 34), (40.5, 34), (41, 34.2)], 1),                       # one theatre
    ([(40, 34), (-91, 39)], 2),                                    # two continents
    ([(179.9, 66), (-179.9, 66)], 1),                              # across 180°
    ([(0, 0), (3, 0), (6, 0), (9, 0)], 1),                          # a chain under 500 km
    ([(0, 0), (10, 0)], 2),                                        # 1,100 km apart
])
def test_region_labels(lonlat, groups):
    labels = region_labels(np.array(lonlat, dtype=float), split_km=61.0)
    assert labels.max() + 1 == groups
    assert labels[0] == 0


def test_a_wide_chain_of_places_is_split_where_places_cannot_interact():
    # a place every 300 km along the equator for 6,000 km: linked (< 500 km), too wide,
    # split at 61 km (the places are farther apart): every place its own region
    chain = np.array([(k * 2.7, 0.0) for k in range(21)])
    assert len(set(region_labels(chain, split_km=61.0).tolist())) == 21
    # the same chain with neighbours 50 km apart stays one region when split at 61 km
    dense = np.array([(k * 0.45, 0.0) for k in range(121)])
    assert len(set(region_labels(dense, split_km=61.0).tolist())) == 1


def test_every_area_names_its_places_even_on_islands():
    # a place on Spitsbergen whose disc covers bits of other islands and the coast
    clear_cell_cache()
    rows = [ev(1, 15.63, 78.22, "islamic_state", "holds", "2020-05-01", modality="situation",
               place="Longyearbyen")]
    areas = areas_of(rows)
    assert len(areas) > 1
    assert all(json.loads(p) == ["Longyearbyen"] for p in areas.places)
    assert all(json.loads(e) == ["E1"] for e in areas.event_ids)


class HostilityFails:
    """An actor dictionary whose hostility lookup fails (a damaged data file, say)."""

    def __init__(self):
        self._real = load_actors()
        self.blocs = self._real.blocs

    def hostile(self, a, b):
        raise RuntimeError("blocs file unreadable")

    def __getattr__(self, name):
        return getattr(self._real, name)


def test_a_layer_that_fails_is_dropped_with_its_reason_and_the_rest_drawn():
    clear_cell_cache()
    events = gpd.GeoDataFrame(rows_for(["syrian desert", "missouri"]), geometry="geometry",
                              crs="EPSG:4326")
    for col in ("event_type", "sub_event_type", "actor1", "actor2", "confidence"):
        events[col] = "" if col != "confidence" else 0.8
    good = layers_for_date(events, DAY)
    assert dropped_layers(good) == {} and dropped_note(good) == ""
    assert (good.layer == "frontline").sum() == 2
    bad = layers_for_date(events, DAY, actors=HostilityFails())
    dropped = dropped_layers(bad)
    assert "frontline" in dropped and "blocs file unreadable" in dropped["frontline"]
    assert "control_area" not in dropped
    assert (bad.layer == "control_area").sum() == (good.layer == "control_area").sum() == 4
    assert (bad.layer == "frontline").sum() == 0
    assert "Frontlines" in dropped_note(bad)


def test_the_map_data_names_the_layer_not_drawn():
    from geo.web.encode import encode_snapshots
    from geo.web.map import bloc_styles

    clear_cell_cache()
    events = gpd.GeoDataFrame(rows_for(["donbas"]), geometry="geometry", crs="EPSG:4326")
    for col in ("event_type", "sub_event_type", "actor1", "actor2", "confidence"):
        events[col] = "" if col != "confidence" else 0.8
    snaps = {DAY: layers_for_date(events, DAY, actors=HostilityFails()),
             "2020-05-11": layers_for_date(events, "2020-05-11")}
    data = encode_snapshots(snaps, bloc_styles(), events)
    notes = {s["date"]: s.get("note", "") for s in data["snapshots"]}
    assert "Frontlines" in notes[DAY] and "blocs file unreadable" in notes[DAY]
    assert notes["2020-05-11"] == ""
