"""Places no offline source locates, placed from what the text says about them: on a border
near the article's closest place, in a named district, or to one side of a town; and names
only the text knows, which wait behind every located place unless the text places them.
Sentences written for these rules (Sudan-Chad, Ukraine-Russia, Pakistan-Afghanistan,
Myanmar-Thailand …), none from the seeds."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.places import RELATIVE_OFFSET_KM
from geo.geodesy import km
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _events(gaz, actors, text: str):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    return extract_events(article, gaz, actors, situations=True)


def _first(gaz, actors, text: str):
    events = _events(gaz, actors, text)
    assert events, text
    return events[0]


@pytest.mark.parametrize("text, name, near, border, max_km", [
    # the neighbour named after the village; the article's town on the Sudanese side
    ("RSF fighters seized the border village of Um Dukhunayr, on the frontier with Chad, the "
     "Sudanese army said on Tuesday. The village lies west of El Geneina.",
     "Um Dukhunayr", (13.45, 22.45), "TD-SD", 60.0),
    # the province the text puts it in ("in the Sumy region") says where along the border
    ("Russian shelling hit the border village of Zelenyi Hai in the Sumy region on Monday, "
     "killing two civilians.", "Zelenyi Hai", (51.0, 34.0), "UA-RU", 80.0),
    # the neighbour only named in another sentence, with the article's town near the border
    ("Taliban fighters attacked the border town of Gharbi Mela on Monday, Pakistani officials "
     "said. Troops had moved to Parachinar near the Afghan frontier a week earlier.",
     "Gharbi Mela", (33.9, 70.1), "PK-AF", 80.0),
])
def test_a_border_village_is_placed_on_that_border_near_the_articles_place(
        gaz, actors, text, name, near, border, max_km):
    ev = _first(gaz, actors, text)
    assert ev.place is not None and ev.place.name == name and not ev.place.located
    assert ev.approximate and ev.lat is not None
    assert ev.precision.acled == 2 and ev.precision.ucdp == 5        # near a point, on a line
    assert 25.0 <= ev.uncertainty_km <= 2 * max_km
    assert km((ev.lat, ev.lon), near) <= max_km
    assert border in ev.location_text and name in ev.location_text


def test_a_border_village_with_no_neighbour_named_stays_unlocated(gaz, actors):
    ev = _first(gaz, actors, "Troops recaptured the border town of Zabrovka from the rebels.")
    assert ev.place is not None and ev.place.name == "Zabrovka"
    assert ev.lat is None and not ev.approximate


def test_with_no_place_near_the_border_the_middle_of_the_border_and_its_reach(gaz, actors):
    """Nothing the article names in either country: the middle of the shared border, with a
    radius reaching its ends (ACLED precision 3)."""
    ev = _first(gaz, actors, "Myanmar army troops shelled the border village of Kyaukhat, on "
                             "the Thai border, on Monday.")
    assert ev.place.name == "Kyaukhat" and ev.approximate
    assert ev.precision.acled == 3 and ev.uncertainty_km > 300
    assert "MM-TH" in ev.location_text


@pytest.mark.parametrize("text, name, anchor", [
    ("Gunmen attacked the village of Qaryat Zuwayr in Salah al-Din province on Monday, killing "
     "two farmers.", "Qaryat Zuwayr", (34.5, 43.6)),
    ("Armed men looted the village of Nyarkuach in Jonglei state on Sunday.", "Nyarkuach",
     None),
])
def test_a_name_only_the_text_knows_placed_in_a_province_takes_its_point(gaz, actors, text,
                                                                          name, anchor):
    """"The village of X in Y province" with X unknown: the event is X's (the finer place),
    at Y's point within the gazetteer's radius for the relation, and says so."""
    ev = _first(gaz, actors, text)
    assert ev.place.name == name and not ev.place.located
    assert ev.lat is not None and ev.approximate and ev.uncertainty_km >= 25
    assert f"{name} (in " in ev.location_text
    if anchor is not None:
        assert km((ev.lat, ev.lon), anchor) < 15.0                 # the province's point


@pytest.mark.parametrize("text, cc", [
    # nothing says where "Zabrovka" lies: the country the sentence names places the event
    ("Clashes erupted in the town of Zabrovka in eastern Ukraine on Monday.", "UA"),
    # a town named without a locative still beats an unknown name the text calls a place
    ("IS fighters seized Marawi on the island of Tambulig Nua on Friday.", "PH"),
])
def test_a_name_only_the_text_knows_yields_to_a_located_place(gaz, actors, text, cc):
    ev = _first(gaz, actors, text)
    assert ev.place is not None and ev.place.located and ev.place.country_code == cc


@pytest.mark.parametrize("text, town, bearing_check", [
    ("Government troops recaptured several villages west of Kherson on Tuesday.", "Kherson",
     lambda ev, p: ev.lon < p.lon - 0.15 and abs(ev.lat - p.lat) < 0.05),
    ("Al-Shabaab fighters overran an army base north of Baidoa on Monday.", "Baidoa",
     lambda ev, p: ev.lat > p.lat + 0.12 and abs(ev.lon - p.lon) < 0.05),
])
def test_a_bare_direction_moves_the_point_off_the_towns_own_ground(gaz, actors, text, town,
                                                                    bearing_check):
    """"West of X" with no distance: RELATIVE_OFFSET_KM to that side, within 50 km; the town
    itself may be held by the other side. The table says how it was placed."""
    from geo.events.table import events_frame

    ev = _first(gaz, actors, text)
    p = ev.place
    assert town in p.name and ev.approximate and ev.uncertainty_km == 50.0
    assert km((ev.lat, ev.lon), (p.lat, p.lon)) == pytest.approx(RELATIVE_OFFSET_KM, abs=0.5)
    assert bearing_check(ev, p)
    row = events_frame([ev]).iloc[0]
    assert row.located_as.endswith(town.split()[0]) and row.located_as.split()[1] == "of"


def test_merged_event_keeps_the_more_precise_of_two_approximate_places(gaz, actors):
    """Two sentences of one event, one on "the Chadian border" (a country's border, hundreds
    of km), one naming the border village: the merged event takes the village."""
    from geo.events.merge import merge_events

    events = _events(gaz, actors,
                     "RSF fighters clashed with army troops along the Chadian border on "
                     "Tuesday. The RSF fighters clashed with army troops at the border village "
                     "of Um Dukhunayr. Residents later reached El Geneina.")
    assert {e.place.name for e in events if e.event_type == "Battles"} == {"Chad",
                                                                          "Um Dukhunayr"}
    merged = merge_events(events)
    located = [e for e in merged if e.event_type == "Battles"]
    assert len(located) == 1 and located[0].place.name == "Um Dukhunayr"
    assert len(located[0].sources) == 2


@pytest.mark.parametrize("text, surface, town", [
    ("Clashes were reported in the Bayhan district on Sunday.", "Bayhan", "Bayḩān"),
    ("Troops entered the Mexmur district on Sunday.", "Mexmur", "Mexmur"),
])
def test_a_small_town_named_with_a_division_word_is_a_place(gaz, text, surface, town):
    """"the X district": the text calls X a place, so a small town of that name (no population
    figure, so no prior to carry it) is accepted."""
    found = {m.text: m for m in gaz.geoparse(text)}
    assert found[surface].place is not None and found[surface].place.name == town


@pytest.mark.parametrize("text, location", [
    ("Houthi fighters recaptured the Bayhan district of Shabwa on Sunday.", "Bayhan district"),
    ("Peshmerga forces clashed with IS fighters in the Mexmur district on Sunday.",
     "Mexmur district"),
])
def test_an_event_in_a_town_s_district_is_near_the_town(gaz, actors, text, location):
    """ACLED codes a district's event at its town, near it: precision 2, a radius."""
    ev = _first(gaz, actors, text)
    assert ev.location_text == location
    assert ev.precision.acled == 2 and ev.approximate and ev.uncertainty_km > 0
    assert (ev.lat, ev.lon) == (ev.place.lat, ev.place.lon)


@pytest.mark.parametrize("text, place", [
    ("Gunmen killed a teacher in Imam Sahib on Monday.", "Imām Şāḩib"),
    ("Police arrested two men in Farmers Branch on Monday.", "Farmers Branch"),
])
def test_a_common_noun_inside_a_place_name_leaves_the_place_whole(gaz, actors, text, place):
    """"Imam" (a cleric) and "Farmers" (civilians) inside a town's name are the town's."""
    assert _first(gaz, actors, text).place.name == place


def test_near_a_town_is_coded_at_the_town_with_precision_2(gaz, actors):
    ev = _first(gaz, actors, "Militants ambushed a convoy near Baiji on Monday.")
    assert (ev.location_text, ev.precision.acled, ev.uncertainty_km) == ("near Baiji", 2, 15.0)
    assert (ev.lat, ev.lon) == (ev.place.lat, ev.place.lon)
