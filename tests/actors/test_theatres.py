"""Actors across theatres: one name read per theatre and per date, descriptions only in their
theatre, blocs per theatre, names and inter codes for the event's country, rule-based actors
for any country, and the loader's checks of the new keys. Sentences written for these tests."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from geo.actors import DEFAULT_PATH, load_actors
from geo.actors.dictionary import Setting
from geo.actors.rules import load_rules
from geo.errors import DataError


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def first(actors, text: str, theatre: str = "", day: date | None = None, country: str = ""):
    setting = Setting((theatre,) if theatre else (), day, (country,) if country else ())
    found = actors.find(text, setting)
    return found[0].actor if found else None


@pytest.mark.parametrize("text, theatre, actor_id", [
    ("SNA units shelled the village", "iraq_syria", "sna"),
    ("SNA units shelled the village", "somalia", "military_forces_of_somalia"),
    ("al-Qaeda fighters stormed the post", "yemen", "aqap"),
    ("al-Qaeda fighters stormed the post", "iraq_syria", "al_qaeda"),
    ("militants ambushed a convoy", "somalia", "al_shabaab"),
    ("militants ambushed a convoy", "mozambique", "is_mozambique"),
    ("ADF rebels raided the village", "dr_congo", "adf"),
])
def test_one_name_read_per_theatre(actors, text, theatre, actor_id):
    assert first(actors, text, theatre).id == actor_id


@pytest.mark.parametrize("text, theatre, found", [
    ("Gunmen opened fire in Radaa, killing two.", "libya", None),
    ("Gunmen opened fire in Radaa (al-Bayda), killing two.", "global", None),
    ("Shells fell near Fano (Marche) overnight.", "ethiopia", None),
    ("Radaa fighters detained three men in Tripoli.", "libya", "rada"),
    ("Fano militiamen clashed with soldiers near Gondar.", "ethiopia", "fano"),
    ("Fighters loyal to Fano, the militia, took the town.", "ethiopia", "fano"),
])
def test_a_group_named_like_a_town_is_the_town_after_in(actors, text, theatre, found):
    ids = [m.actor.id for m in actors.find(text, Setting((theatre,)))]
    named = [i for i in ids if i.startswith(("rada", "fano"))]
    assert named == ([] if found is None else [i for i in named if i.startswith(found)]) and \
        (found is None or named)


@pytest.mark.parametrize("text, theatre, day, actor_id, inter", [
    ("RSF troops deployed in the city", "sudan", date(2021, 5, 1), "rsf_state", 1),
    ("RSF troops deployed in the city", "sudan", date(2023, 5, 1), "rsf", 2),
    ("The Taliban seized the district", "afghanistan", date(2019, 3, 1), "taliban", 2),
    ("The Taliban seized the district", "afghanistan", date(2022, 3, 1),
     "taliban_gov_military", 1),
])
def test_a_name_that_changed_status_is_read_by_date(actors, text, theatre, day, actor_id,
                                                     inter):
    a = first(actors, text, theatre, day)
    assert (a.id, a.inter) == (actor_id, inter)
    assert a.valid_on(day)


@pytest.mark.parametrize("text, theatre", [
    ("soldiers opened fire", "nigeria"), ("soldiers opened fire", ""),
    ("the junta announced a curfew", "sahel"), ("the regime shelled the town", "ukraine"),
])
def test_descriptions_name_an_actor_only_in_its_theatre(actors, text, theatre):
    a = first(actors, text, theatre)
    assert a is None or a.theatres[:1] in (("global",), (theatre,))


@pytest.mark.parametrize("text, theatre, country, name", [
    ("the army attacked the camp", "sahel", "BF", "Military Forces of Burkina Faso"),
    ("the army attacked the camp", "sahel", "ML", "Military Forces of Mali"),
    ("the junta announced a curfew", "myanmar", "MM", "Military Forces of Myanmar"),
    ("soldiers opened fire", "dr_congo", "CD",
     "Military Forces of the Democratic Republic of Congo (FARDC)"),
])
def test_descriptions_in_their_theatre_follow_the_country(actors, text, theatre, country,
                                                          name):
    assert first(actors, text, theatre, country=country).name == name


@pytest.mark.parametrize("theatre, bloc", [
    ("libya", "libya_lna"), ("ukraine", "ua_russia"), ("sahel", "sahel_russia"),
])
def test_bloc_follows_the_theatre(actors, theatre, bloc):
    assert first(actors, "Wagner mercenaries arrived", theatre).bloc == bloc


@pytest.mark.parametrize("text, country, name, inter", [
    ("gunmen attacked the bus", "NG", "Unidentified Armed Group (Nigeria)", 3),
    ("gunmen attacked the bus", "", "Unidentified Armed Group", 3),
    ("soldiers opened fire", "", "Military Forces", 1),
    ("soldiers opened fire", "KE", "Military Forces of Kenya", 1),
    ("police fired tear gas", "US", "Police Forces of the United States", 1),
    ("villagers fled", "ML", "Civilians (Mali)", 7),
    ("protesters gathered", "CD", "Protesters (Democratic Republic of Congo)", 6),
    ("rioters burned tyres", "KE", "Rioters (Kenya)", 5),
    ("Fulani herders attacked farmers", "NG", "Fulani Ethnic Militia (Nigeria)", 4),
    ("Peul herders attacked farmers", "BF", "Fulani Ethnic Militia (Burkina Faso)", 4),
    ("clan militia fighters clashed", "SO", "Clan Militia (Somalia)", 4),
    ("clan militia fighters clashed", "YE", "Tribal Militia (Yemen)", 4),
    ("security guards fired on miners", "CD",
     "Private Security Forces (Democratic Republic of Congo)", 8),
])
def test_generic_actors_take_the_events_country(actors, text, country, name, inter):
    a = actors.localised(first(actors, text), country)
    assert (a.name, a.inter) == (name, inter)


def test_a_listed_actor_wins_over_a_rule(actors):
    # "militants" is a rule's phrase everywhere, but Al Shabaab's description in Somalia
    assert first(actors, "militants attacked", "somalia").id == "al_shabaab"
    assert first(actors, "militants attacked", "").id.startswith("rule:")


def test_setting_ranks_theatres_by_the_places_named(actors):
    s = actors.setting(Counter({"SD": 3, "TD": 1, "FR": 1}), date(2024, 1, 1))
    assert s.theatres[0] == "sudan" and s.countries[0] == "SD"
    assert actors.setting(Counter(), None) == Setting()


def test_every_country_name_template_is_filled():
    rules = load_rules()
    for code in ("SD", "ML", "UA", "MM", "CO", "MX", "PK", "ET", "MZ", "IL", "LB"):
        assert rules.country_name(code)
    for r in rules.rules:
        assert "<" not in rules.localised_name(r.actor.name, "NG")


_THEATRE = '\n[[theatre]]\nid = "t1"\nname = "T"\ncountries = ["ML"]\n'
_ACTOR = """
[[actor]]
id = "zz_test"
name = "ZZ"
aliases = ["Zorgan Test Front"]
bloc = "other"
inter = 2
country = ""
parent = ""
wikidata = ""
kind = "rebel_group"
theatres = ["t1"]
"""


@pytest.mark.parametrize("change, needle", [
    (('theatres = ["t1"]', 'theatres = ["nowhere"]'), "nowhere"),
    (('theatres = ["t1"]', 'theatres = ["t1"]\nvalid_from = 2020-01-01\nvalid_to = 2019-01-01'),
     "before"),
    (('theatres = ["t1"]', 'theatres = ["t1"]\nvalid_from = "soon"'), "ISO date"),
    (('theatres = ["t1"]', 'theatres = ["t1"]\nblocs = {t1 = "no_bloc"}'), "no_bloc"),
    (('theatres = ["t1"]', 'theatres = ["t1"]\ninter_abroad = 9'), "inter_abroad"),
])
def test_bad_theatre_keys_raise_data_error_naming_the_entry(tmp_path, change, needle):
    text = DEFAULT_PATH.read_text("utf-8").replace("\n[[theatre]]", _THEATRE + "\n[[theatre]]",
                                                   1)
    path = tmp_path / "actors.toml"
    path.write_text(text + _ACTOR.replace(*change), "utf-8")
    with pytest.raises(DataError) as err:
        load_actors(path)
    assert needle in str(err.value) and "zz_test" in str(err.value)


def test_the_extended_file_loads(tmp_path):
    text = DEFAULT_PATH.read_text("utf-8").replace("\n[[theatre]]", _THEATRE + "\n[[theatre]]",
                                                   1)
    path = tmp_path / "actors.toml"
    path.write_text(text + _ACTOR, "utf-8")
    d = load_actors(path)
    assert d.find("the Zorgan Test Front attacked", Setting(("t1",)))[0].actor.id == "zz_test"
