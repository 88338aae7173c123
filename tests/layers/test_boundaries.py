"""Natural Earth borders: the Iraq–Syria border line, its corridor, points within it."""

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geo.layers.boundaries import border_line, corridor, countries, map_countries, within_corridor

AL_QAIM, ALBU_KAMAL = Point(41.05, 34.37), Point(40.92, 34.45)      # (lon, lat)
BAGHDAD = Point(44.36, 33.31)


@pytest.fixture(scope="module")
def line():
    return border_line("IQ", "SY")


def _area_km2(frame: gpd.GeoDataFrame) -> float:
    return float(frame.to_crs(frame.estimate_utm_crs()).area.sum()) / 1e6


def test_countries_columns():
    c = countries()
    assert {"iso2", "iso3", "name", "geometry"} <= set(c.columns)
    assert c.crs.to_epsg() == 4326
    iraq = c[c.iso2 == "IQ"].iloc[0]
    assert iraq.iso3 == "IRQ" and iraq["name"] == "Iraq"
    assert iraq.geometry.contains(BAGHDAD)


def test_iraq_syria_border_is_about_600_km(line):
    # The CIA World Factbook gives 599 km; Natural Earth 10 m measures 599.5 km geodesic.
    assert len(line) == 1 and line.crs.to_epsg() == 4326
    row = line.iloc[0]
    assert (row.a, row.b) == ("IQ", "SY")
    assert 570 <= row.length_km <= 630
    assert row.geometry.geom_type in ("LineString", "MultiLineString")
    minx, miny, maxx, maxy = row.geometry.bounds        # lon/lat: 38.8..42.4 E, 33.4..37.1 N
    assert 38 < minx < maxx < 43 and 33 < miny < maxy < 37.5


def test_border_line_accepts_alpha3_and_rejects_unknown_codes():
    assert border_line("IRQ", "SYR").length_km.iloc[0] == pytest.approx(599.5, abs=5)
    with pytest.raises(ValueError, match="unknown country"):
        border_line("IQ", "XX")
    with pytest.raises(ValueError, match="share no border"):
        border_line("IQ", "FR")


def test_corridor_area_scales_with_width(line):
    a10, a20, a40 = (_area_km2(corridor(line, w)) for w in (10, 20, 40))
    # about 2 × width × length (plus the round caps): 599.5 km × 20 km ≈ 12,000 km²
    assert a10 == pytest.approx(2 * 10 * 599.5 + 3.1416 * 10**2, rel=0.03)
    assert a20 / a10 == pytest.approx(2.0, rel=0.06)
    assert a40 / a20 == pytest.approx(2.0, rel=0.08)
    zone = corridor(line, 20)
    assert list(zone.columns) == ["width_km", "geometry"] and zone.width_km.iloc[0] == 20
    assert zone.crs.to_epsg() == 4326


def test_points_within_corridor(line):
    pts = gpd.GeoDataFrame({"name": ["al-Qaim", "Albu Kamal", "Baghdad", "nowhere"]},
                           geometry=[AL_QAIM, ALBU_KAMAL, BAGHDAD, None], crs="EPSG:4326")
    inside = within_corridor(pts, corridor(line, 20))
    assert list(inside.name) == ["al-Qaim", "Albu Kamal"]
    assert list(within_corridor(pts, corridor(line, 400)).name) == [
        "al-Qaim", "Albu Kamal", "Baghdad"]


@pytest.mark.parametrize("width", [0, -5, float("nan"), float("inf"), "wide", None])
def test_bad_width_raises(line, width):
    with pytest.raises(ValueError, match="corridor width"):
        corridor(line, width)


def test_map_countries_is_light_and_detailed_near_the_focus(line):
    focus = corridor(line, 50).geometry.iloc[0]
    light = map_countries(focus)
    assert len(light) >= 240 and len(light.to_json()) < 1_500_000
    iq = light[light.iso2 == "IQ"].geometry.iloc[0]
    fr = light[light.iso2 == "FR"].geometry.iloc[0]
    full = countries()
    assert iq.symmetric_difference(full[full.iso2 == "IQ"].geometry.iloc[0]).area < 0.05
    assert len(fr.exterior.coords if fr.geom_type == "Polygon" else
               max(fr.geoms, key=lambda p: p.area).exterior.coords) < 300
