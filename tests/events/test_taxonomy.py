"""The ACLED event taxonomy through extraction: one case (or more) per sub-type, the crowd's
actors in protests and riots, the recodes that depend on the victims or the outcome, and
where the event is. Sentences written for these tests, across theatres."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.pipeline import extract, main_event
from geo.events.vocabulary import load_vocabulary
from geo.text.articles import article_from_text

BAT, ERV, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
SD, PRO, RIO = "Strategic developments", "Protests", "Riots"


@pytest.fixture(scope="module")
def gazetteer(gaz):
    return gaz


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def main_of(gazetteer, actors, text: str, day: str = "2022-05-20"):
    article = article_from_text(text, "t", {"title": "t", "date": day})
    return main_event(extract(article, gazetteer, actors, load_vocabulary()).events)


@pytest.mark.parametrize("text, etype, sub", [
    # Protests
    ("Thousands of teachers rallied outside parliament in Nairobi on Monday to demand unpaid "
     "wages.", PRO, "Peaceful protest"),
    ("Residents of Gao marched through the town centre on 3 May against rising insecurity.",
     PRO, "Peaceful protest"),
    ("Police fired tear gas to disperse students protesting against fuel prices in Kano on "
     "Tuesday.", PRO, "Protest with intervention"),
    ("Soldiers opened fire on demonstrators in Mandalay on 8 March, killing three protesters.",
     PRO, "Excessive force against protesters"),
    # Riots
    ("Angry youths burned tyres and threw stones at police in Goma on Friday.", RIO,
     "Violent demonstration"),
    ("Protesters stormed the governor's office in Basra and set fire to the building.", RIO,
     "Violent demonstration"),
    ("A mob in Bukavu lynched a man accused of theft on Sunday.", RIO, "Mob violence"),
    # Violence against civilians
    ("Gunmen shot dead three farmers near Bokkos on Saturday.", VAC, "Attack"),
    ("Armed men abducted 20 passengers on the Abuja-Kaduna road on 4 May.", VAC,
     "Abduction/forced disappearance"),
    ("Militants kidnapped two aid workers near Menaka and their bodies were found days later.",
     VAC, "Attack"),
    ("Fighters raped at least four women during a raid on a village near Tawila.", VAC,
     "Sexual violence"),
    # Explosions/Remote violence
    ("A man threw a hand grenade into a bar in Mogadishu on Friday night.", ERV, "Grenade"),
    ("Government forces used chlorine gas in an attack on Saraqib, a monitor said.", ERV,
     "Chemical weapon"),
    ("Houthi drones struck an oil terminal near Mukalla on 21 October.", ERV,
     "Air/drone strike"),
    ("A bomb exploded outside a market in Kabul on Thursday.", ERV,
     "Remote explosive/landmine/IED"),
    # Strategic developments
    ("Air defences intercepted two ballistic missiles over Riyadh on Sunday.", SD,
     "Disrupted weapons use"),
    ("Police defused a roadside bomb on the Baghdad airport road on Monday.", SD,
     "Disrupted weapons use"),
    ("Armed men looted shops and torched houses in Pinga on 2 March.", SD,
     "Looting/property destruction"),
    ("The army took control of the town of Kidal without a fight on 14 November.", SD,
     "Non-violent transfer of territory"),
    ("The militia handed the border crossing to government forces on 3 June.", SD,
     "Non-violent transfer of territory"),
    ("Turkish troops set up a new observation post near Saraqib on 3 February.", SD,
     "Headquarters or base established"),
    ("The two clans signed a peace pact in Beledweyne on 9 July.", SD, "Agreement"),
    # Battles
    ("Soldiers and militants exchanged heavy machine-gun fire near Diffa on Friday.", BAT,
     "Armed clash"),
    ("Gunmen shot dead two soldiers at a checkpoint near Tillaberi on Monday.", BAT,
     "Armed clash"),
])
def test_sub_event_types(gazetteer, actors, text, etype, sub):
    ev = main_of(gazetteer, actors, text)
    assert ev is not None, text
    assert (ev.event_type, ev.sub_event_type) == (etype, sub), text


@pytest.mark.parametrize("text, actor1, actor2", [
    ("Hundreds of women marched in Herat on Sunday to demand the right to work.",
     "Protesters (Afghanistan)", None),
    ("Police fired tear gas at protesters in Khartoum on Thursday.",
     "Protesters (Sudan)", "Police Forces of Sudan"),
    ("Security forces opened fire on protesters in Nasiriyah on Friday, killing four.",
     None, "Protesters (Iraq)"),
    ("Youths set fire to a police station in Uvira on 12 March.", "Rioters (Democratic "
     "Republic of Congo)", None),
    ("A crowd in Zinder beat two suspected thieves to death on Monday.", "Rioters (Niger)",
     "Civilians (Niger)"),
])
def test_the_crowd_takes_its_acled_role(gazetteer, actors, text, actor1, actor2):
    ev = main_of(gazetteer, actors, text)
    if actor1 is not None:
        assert ev.actor1.name == actor1
    else:                       # the force that fired is actor 1, whoever it is
        assert ev.actor1 is None or ev.actor1.inter not in (5, 6)
    assert (ev.actor2.name if ev.actor2 else None) == actor2 or actor2 is None


@pytest.mark.parametrize("text, place", [
    # "of X" names a place only after a place word, a direction, a distance or "control"
    ("Members of the Beja community clashed with rivals in Kassala on 3 May.", "Kassala"),
    ("Fighters took control of Laukkai, in northern Shan State, on 5 January.", "Laukkai"),
    ("A roadside bomb hit a patrol about 20 km north of Dori on 9 May.", "Dori"),
    ("Hundreds rallied on Independence Square in Kyiv on Sunday.", "Kyiv"),
])
def test_the_event_is_where_the_sentence_puts_it(gazetteer, actors, text, place):
    ev = main_of(gazetteer, actors, text)
    name = ev.place.name if ev.place is not None else ""
    anchor = getattr(ev, "location_text", "")
    assert place in (name, anchor) or name.startswith(place[:4]), (name, anchor)


@pytest.mark.parametrize("text", [
    "The war began when the regime crushed peaceful protests demanding reform.",
    "US jets this week dropped leaflets on the militia near Tanf.",
    "The minister had handed a contract to a foreign firm in Baghdad.",
    "Ten fighters were killed in the operation near Tal Afar, the group said.",
])
def test_words_that_do_not_make_the_event(gazetteer, actors, text):
    ev = main_of(gazetteer, actors, text)
    assert ev is None or ev.sub_event_type not in (
        "Peaceful protest", "Air/drone strike", "Non-violent transfer of territory", "Attack")


def test_every_crowd_names_a_dictionary_actor(actors):
    for crowd in load_vocabulary().crowds:
        assert crowd.actor in actors.actors
        assert not crowd.victims or crowd.victims in actors.actors


@pytest.mark.parametrize("text, actor1, actor2", [
    # "A and B clashed": the first named is actor 1, the other actor 2
    ("Army troops and rebel fighters clashed near Kidal on 3 May.", "Military Forces of Mali",
     None),
    ("M23 rebels and FARDC soldiers clashed near Rutshuru on Monday.",
     "M23: March 23 Movement", "Military Forces of the Democratic Republic of Congo (FARDC)"),
    # civilians are never the perpetrator of political violence
    ("A Turkish drone killed four civilians near Qamishli on 2 May.",
     "Military Forces of Turkey", "Civilians (Syria)"),
    ("Army warplanes bombed a market in El Fasher on Sunday, killing 12 civilians.",
     "Military Forces of Sudan", "Civilians (Sudan)"),
    # a nationality with a weapon's name between it and the weapon: that state's forces
    ("Russian Kalibr missiles hit a power plant in Odesa on 2 May.",
     "Military Forces of Russia", None),
    ("Two Israeli F-16 jets struck a depot near Homs on 4 May.", "Military Forces of Israel",
     None),
    # an unnamed perpetrator: ACLED's unidentified armed group of the event's country
    ("A roadside bomb killed five villagers near Gao on Friday.",
     "Unidentified Armed Group (Mali)", "Civilians (Mali)"),
])
def test_actor_roles(gazetteer, actors, text, actor1, actor2):
    ev = main_of(gazetteer, actors, text)
    assert ev.actor1 is not None and ev.actor1.name == actor1, text
    if actor2 is not None:
        assert ev.actor2 is not None and ev.actor2.name == actor2, text
