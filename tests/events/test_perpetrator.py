"""Who did it. Attacks told with the weapon as subject ("a roadside bomb struck a convoy"): a
remote explosive whatever else the sentence says, the struck side as actor 2, and as actor 1
the one the sentence says claimed it or blames. An unnamed perpetrator is the group the text
says claimed the attack (in its sentence or the next). Generic state forces take the
dictionary's regime-dated name, and the country of the armed group they fight when no place
says it. Sentences written for this test, across theatres."""

from __future__ import annotations

from datetime import date

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.text.articles import article_from_text

IED = "Remote explosive/landmine/IED"


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _main(gaz, actors, text: str, day: str = "2022-05-01"):
    article = article_from_text(f"Date: {day}\n\n{text}", "x", path="x.txt")
    return extract_events(article, gaz, actors)[0]


@pytest.mark.parametrize("text, actor1, actor2", [
    ("A roadside bomb hit an army patrol near Kidal on Friday, killing four soldiers; JNIM "
     "claimed the attack.", "JNIM: Group for Support of Islam and Muslims",
     "Military Forces of Mali"),
    ("A landmine struck a police vehicle near Kismayo on Monday; al-Shabaab said it had "
     "planted the device.", "Al Shabaab", "Police Forces of Somalia"),
    ("A minibus hit an IED near Ghazni on Sunday, killing six passengers; officials blamed "
     "the Taliban.", "Taliban", "Civilians (Afghanistan)"),
    ("A tractor hit an anti-tank mine left by Russian forces near Izium on Tuesday, killing "
     "the driver.", "Military Forces of Russia", "Civilians (Ukraine)"),
    # no one named as its author: unidentified
    ("A roadside bomb struck a police vehicle in Mosul on Tuesday.",
     "Unidentified Armed Group (Iraq)", "Police Forces of Iraq"),
])
def test_a_device_that_struck_is_a_remote_explosive_by_whoever_is_said_to_own_it(
        gaz, actors, text, actor1, actor2):
    ev = _main(gaz, actors, text, "2021-05-02" if "Izium" not in text else "2023-05-02")
    assert ev.sub_event_type == IED
    assert (ev.actor1.name, getattr(ev.actor2, "name", None)) == (actor1, actor2)


@pytest.mark.parametrize("text, sub_type", [
    # the device makes the type even beside "struck" or a killing
    ("A car bomb exploded near a market in Mogadishu on Monday, killing nine people.", IED),
    ("Two bombs planted on a bus exploded in Quetta on Friday, killing five passengers.", IED),
    # bombs dropped from the air stay an air strike
    ("Guided aerial bombs struck a shopping centre in Kharkiv on Saturday, killing 12.",
     "Air/drone strike"),
])
def test_the_weapon_decides_the_sub_type(gaz, actors, text, sub_type):
    assert _main(gaz, actors, text).sub_event_type == sub_type


@pytest.mark.parametrize("name, day, dated", [
    ("Military Forces of Afghanistan", date(2019, 6, 1),
     "Military Forces of Afghanistan (Islamic Republic)"),
    ("Police Forces of Afghanistan", date(2022, 6, 1),
     "Police Forces of Afghanistan (Taliban government)"),
    ("Military Forces of Syria", date(2025, 3, 1),
     "Military Forces of Syria (Transitional government)"),
    # the dictionary has the plain name valid that day: the generic actor is right
    ("Military Forces of Syria", date(2020, 3, 1), None),
    ("Military Forces of Sudan", date(2020, 3, 1), None),
    # no regime-dated actor extends it
    ("Military Forces of Mali", date(2020, 3, 1), None),
    # none is dated, one undated actor extends it: the dictionary's own form
    ("Military Forces of the Democratic Republic of Congo", date(2022, 3, 1),
     "Military Forces of the Democratic Republic of Congo (FARDC)"),
])
def test_a_generic_state_force_takes_the_dictionary_s_regime_dated_name(actors, name, day,
                                                                      dated):
    got = actors.dated_form(name, day)
    assert (got.name if got else None) == dated


def test_afghan_soldiers_before_and_after_august_2021(gaz, actors):
    text = "Afghan soldiers clashed with ISKP militants in Jalalabad on Monday."
    before = _main(gaz, actors, text, "2020-04-07")
    after = _main(gaz, actors, text, "2023-04-07")
    assert before.actor1.name == "Military Forces of Afghanistan (Islamic Republic)"
    assert after.actor1.name == "Military Forces of Afghanistan (Taliban government)"


@pytest.mark.parametrize("text, actor1", [
    # "gunmen" are unidentified until the sentence names who claimed the attack
    ("Gunmen opened fire on worshippers at a mosque in Kabul on Friday, killing seven; ISKP "
     "claimed the attack.", "ISKP: Islamic State Khorasan Province"),
    # the claim in the next sentence, with an aside between the group and its claim
    ("A car bomb exploded outside a hotel in Mogadishu on Sunday, killing nine people. "
     "Al-Shabaab, which has waged an insurgency since 2007, claimed responsibility.",
     "Al Shabaab"),
    ("Two suicide bombers blew themselves up at a market in Maiduguri on Tuesday, killing 12. "
     "Boko Haram claimed the attack the next day.", "Boko Haram (JAS)"),
    # a device planted by a named group
    ("An explosive device planted by Islamic State militants exploded near an army patrol "
     "in Tarmiyah on Monday, killing two soldiers.", "Islamic State"),
])
def test_the_group_said_to_have_claimed_or_planted_it_is_actor_1(gaz, actors, text, actor1):
    assert _main(gaz, actors, text).actor1.name == actor1


def test_a_named_perpetrator_is_not_replaced_by_a_claim(gaz, actors):
    ev = _main(gaz, actors, "Soldiers shot dead two farmers near Djibo on Monday; the army "
               "claimed the attack targeted militants.")
    assert ev.actor1.name == "Military Forces of Burkina Faso"


@pytest.mark.parametrize("text, actor1", [
    ("Soldiers clashed with JNIM fighters on Monday.", "Military Forces of Mali"),
    ("Troops repelled an al-Shabaab attack on Tuesday.", "Military Forces of Somalia"),
])
def test_state_forces_without_a_place_are_named_for_their_enemy_s_country(gaz, actors, text,
                                                                          actor1):
    ev = _main(gaz, actors, text)
    assert ev.place is None and actor1 in (ev.actor1.name, ev.actor2.name)


@pytest.mark.parametrize("text, actor1, actor2", [
    ("Russian infantry attacked Ukrainian positions near Chasiv Yar on Monday.",
     "Military Forces of Russia", "Military Forces of Ukraine"),
    ("Sudanese paratroopers clashed with RSF fighters near Omdurman on Monday.",
     "Military Forces of Sudan", "RSF: Rapid Support Forces"),
])
def test_more_nouns_make_a_state_force(gaz, actors, text, actor1, actor2):
    ev = _main(gaz, actors, text, "2024-05-08")
    assert (ev.actor1.name, ev.actor2.name) == (actor1, actor2)


@pytest.mark.parametrize("text, actor2", [
    # remote violence on civilian people or places, no target actor named: the civilians
    ("A rocket hit a crowded bus station in Donetsk on Sunday, killing seven people.",
     "Civilians (Ukraine)"),
    ("Shells fired by RSF fighters landed on a market in El Fasher on Tuesday, wounding "
     "twelve traders and a child.", "Civilians (Sudan)"),
    ("A drone strike hit a wedding party near Sa'dah on Friday, killing eleven guests.",
     "Civilians (Yemen)"),
    ("A bomb went off outside a mosque in Peshawar on Friday, wounding worshippers.",
     "Civilians (Pakistan)"),
    # looting and arrests of civilians
    ("ADF fighters looted shops and a pharmacy in Oicha on Saturday.",
     "Civilians (Democratic Republic of Congo)"),
    ("Police in Maiduguri arrested two men on Thursday.", "Civilians (Nigeria)"),
    # an armed target, a military object, or nothing about the target: no civilians
    ("A drone strike hit a militia checkpoint near Sa'dah on Friday, killing two guards.",
     None),
    ("Rockets struck an army base in Kidal on Monday, killing a soldier and a driver.", None),
    ("Artillery shelled the outskirts of Bakhmut on Monday.", None),
    # "home to" is not a home
    ("Two rockets landed in Baghdad's Green Zone, home to several embassies, on Monday; "
     "nobody was hurt.", None),
])
def test_an_unnamed_civilian_target_is_the_civilians(gaz, actors, text, actor2):
    day = "2023-05-02" if "Donetsk" in text or "Bakhmut" in text else "2022-05-01"
    assert getattr(_main(gaz, actors, text, day).actor2, "name", None) == actor2


@pytest.mark.parametrize("text", [
    # a group named beside the victims describes them: the target is still civilian
    "Gunmen abducted three relatives of a PDF commander in Monywa on Monday.",
    "Militants shot dead a junta-appointed village administrator near Mandalay on Friday.",
    "Unknown gunmen killed a Taliban-appointed district official's brother in Jalalabad on "
    "Sunday.",
])
def test_the_target_of_violence_against_civilians_is_civilian(gaz, actors, text):
    ev = _main(gaz, actors, text)
    assert ev.event_type == "Violence against civilians"
    assert ev.actor2 is not None and ev.actor2.inter == 7
