"""Rules of the gazetteer that need no index: containment phrases, airport and river names,
division abbreviations, capitals, division points, decisions with place cues."""

import pytest

from gazetteer import cues as cues_mod
from gazetteer.api import _accept_marks
from gazetteer.coherence import _relation
from gazetteer.rank import Item, decide, prior
from gazetteer.sources.airports import airport_names
from gazetteer.sources.geonames_cache import _capital_ids, country_neighbours
from gazetteer.sources.physical import feature_names
from gazetteer.types import Place


@pytest.mark.parametrize("gap, relation", [
    (" in ", "in"), (" (", "in"), (", ", "in"), (" district, ", "in"),
    (", a village in ", "in"), (" in the area of ", "in"),
    (", 12 km north of ", "near"), (" near ", "near"), (" on the outskirts of ", "near"),
    (" cercle, in ", "in"),
])
def test_containment_phrases(gap, relation):
    assert _relation(gap) == relation


@pytest.mark.parametrize("gap", [
    " and ", " said that ", ". In ", " where militants attacked ", ", killing two in ",
    "; ", " to ", "",
])
def test_other_gaps_are_not_containment(gap):
    assert _relation(gap) is None


@pytest.mark.parametrize("name, city, military, expected", [
    ("Cape Town International Airport", "Cape Town", False,
     ("Cape Town International Airport",)),
    ("Paris Charles de Gaulle Airport", "Paris", False,
     ("Paris Charles de Gaulle Airport", "Charles de Gaulle Airport", "Charles de Gaulle")),
    ("Berlin Tegel Airport", "Berlin", False,
     ("Berlin Tegel Airport", "Tegel Airport", "Tegel")),
    ("Bagram Air Base", "", True, ("Bagram Air Base", "Bagram")),
    ("Denver Executive Airport", "Denver", False, ("Denver Executive Airport",)),
    ("Chicago Midway Airport", "Chicago", False,
     ("Chicago Midway Airport", "Midway Airport", "Midway")),
])
def test_airport_names(name, city, military, expected):
    assert airport_names(name, city, military) == expected


@pytest.mark.parametrize("name, code, bare, expected", [
    ("Euphrates", "STM", True, ("Euphrates River", "River Euphrates", "Euphrates")),
    ("Republican", "STM", False, ("Republican River", "River Republican")),
    ("Mt. Kenya", "MT", True, ("Mt. Kenya", "Mount Kenya")),
    ("Lake Tana", "LK", True, ("Lake Tana",)),
])
def test_physical_feature_names(name, code, bare, expected):
    assert feature_names(name, "", code, bare) == expected


@pytest.mark.parametrize("surface, ok", [
    ("B.C.", True), ("B.C", True), ("W. Va.", True), ("N.Y", True), ("Qld", True),
    ("Ky.", True), ("TX", True), ("W.Va.", True),
    ("bc", False), ("Tx", False), ("Man", False), ("Man.", True),
])
def test_division_abbreviations_as_written(surface, ok):
    assert cues_mod.load().written_as_abbreviation(surface) is ok


def test_one_capital_per_country_the_most_populous_of_its_name():
    cities = {1: {"geonameid": 1, "name": "Washington", "countrycode": "US", "population": 500},
              2: {"geonameid": 2, "name": "Washington", "countrycode": "US", "population": 700},
              3: {"geonameid": 3, "name": "Paris", "countrycode": "FR", "population": 9},
              4: {"geonameid": 4, "name": "Paris", "countrycode": "US", "population": 90}}
    countries = {"US": {"capital": "Washington"}, "FR": {"capital": "Paris"}}
    assert _capital_ids(cities, countries) == {2, 3}


def _place(code="PPL", pop=1000):
    return Place(f"t:{code}{pop}", "X", 1.0, 2.0, "IQ", "P", code, pop)


@pytest.mark.parametrize("marks, score, decided", [
    (set(), 1.0, False),                     # a lone one-word name needs 1.3
    ({"cue_locative"}, 1.0, True),           # "in X": the multi-word bar (0.5)
    ({"cue_place_word"}, 1.0, True),         # "the village of X"
    ({"cue_locative"}, 0.3, False),
])
def test_a_place_cue_lowers_the_bar_for_one_word_names(marks, score, decided):
    it = Item("Xyz", 0, 3, "xyz", [(_place(), True, "exact", 1.0)], set(marks),
              scores=[score], priors=[score], shares=[1.0], best=0)
    cand, _conf, rule = decide(it)
    assert (cand is not None) is decided
    assert decide(it, threshold=False)[0] is not None      # resolve() never abstains on this


@pytest.mark.parametrize("score, beside, decided", [
    (1.5, 0.0, True),                        # over the 1.3 bar on its own
    (1.5, 0.4, False),                       # over it only through a neighbouring country
    (1.9, 0.4, True),
])
def test_neighbouring_countries_order_candidates_but_never_make_a_word_a_place(
        score, beside, decided):
    it = Item("Xyz", 0, 3, "xyz", [(_place(), True, "exact", 1.0)], set(),
              scores=[score], priors=[1.0], shares=[1.0], best=0, beside=[beside])
    assert (decide(it)[0] is not None) is decided


@pytest.mark.parametrize("beside, kept", [(0.0, True), (0.5, False)])
def test_a_neighbouring_country_is_no_support_for_a_given_name(beside, kept):
    """"Angus cattle" in a text about the United States is no Canadian town: support that
    only a neighbouring country gives never keeps a given name as a place."""
    place = _place(pop=1000)
    it = Item("Angus", 0, 5, "angus", [(place, True, "exact", 1.0)], {"lone_given_name"},
              scores=[3.0], priors=[1.3], shares=[1.0], best=0, beside=[beside])
    assert _accept_marks(it, place, "Angus cattle sold well.", cues_mod.load()) is kept


@pytest.mark.parametrize("primary, capital_bonus", [(True, True), (False, False)])
def test_a_capital_keeps_its_bonus_only_under_its_own_name(primary, capital_bonus):
    capital, town = _place("PPLC", 500_000), _place("PPL", 500_000)
    gap = prior(capital, primary, "exact") - prior(town, primary, "exact")
    assert (gap > 0.5) is capital_bonus and gap >= 0


def test_country_neighbours_are_geonames_land_borders_both_ways():
    nb = country_neighbours()
    assert {"IL", "EG", "JO"} <= nb["PS"] and "PS" in nb["IL"]
    assert {"UG", "ET", "KE", "SD"} <= nb["SS"]
    assert "US" not in nb.get("GB", set()) and all(cc in nb[o] for cc in nb for o in nb[cc])


def test_division_points_outside_their_country_are_replaced_or_dropped():
    from gazetteer.sources.world_states import checked_points

    rows = [  # a Nigerian state placed in Nigeria, one placed in Oklahoma, one unknown code
        {"name": "Kano", "isoCode": "KN", "countryCode": "NG", "latitude": "11.7",
         "longitude": "8.5"},
        {"name": "Borno", "isoCode": "BO", "countryCode": "NG", "latitude": "35.5",
         "longitude": "-97.5"},
        {"name": "Nowhere", "isoCode": "ZZ", "countryCode": "NG", "latitude": "35.5",
         "longitude": "-97.5"},
    ]
    codes = {("NG", "BO"): "27"}
    (lat0, lon0, note0), (lat1, lon1, note1), (lat2, lon2, note2) = checked_points(rows, codes)
    assert (lat0, lon0, note0) == (11.7, 8.5, "")
    assert 9 < lat1 < 14 and 11 < lon1 < 15 and "most populous GeoNames town" in note1
    assert lat2 is None and lon2 is None and "unlocated" in note2


def _town(name: str, population: int, cc: str = "XX") -> Place:
    return Place(f"test:{name}:{population}", name, 10.0, 10.0, cc, "P", "PPL", population)


@pytest.mark.parametrize("own_pop, alt_pop, city_wins", [
    (3_000, 100_000, True),      # a village's own name, a city's common name: the city
    (9_000, 400_000, True),
    (30_000, 2_000_000, False),  # a town keeps its own name against a city's former name
    (900, 40_000, False),        # the other is no city
    (9_000, 120_000, False),     # not enough larger
])
def test_a_village_s_own_name_yields_to_a_city_commonly_called_by_it(own_pop, alt_pop,
                                                                     city_wins):
    from gazetteer.rank import by_prior

    village, city = _town("Qarat", own_pop, "RO"), _town("Al Qarat", alt_pop, "LY")
    cands, _ = by_prior([(village, True, "exact", 1.0), (city, False, "exact", 1.0)])
    assert (cands[0][0] is city) == city_wins


@pytest.mark.parametrize("written, place, country", [
    # the place of its inhabitants before any spelling variant or fuzzy match of the word
    ("Kansans", "Kansas", "US"),
    ("Albertans", "Alberta", "CA"),
    # a place-type phrase written with the name: the name's place
    ("City of Kirkuk", "Kirkuk", "IQ"),
    ("Town of Sinjar", "Sinjār", "IQ"),
    # a compass point abbreviated
    ("S. Kordofan", "Southern Kordofan", "SD"),
    ("E. Ghouta", "Ghouta", "SY"),
])
def test_candidates_of_derived_and_abbreviated_names(gaz, written, place, country):
    first = gaz.candidates(written)[0][0]
    assert (first.name, first.country_code) == (place, country)
