"""Who a crowd is: the associated actors of Protesters and Rioters, as ACLED codes them, from
the crowd's own phrase (identity groups of the event country) and the parties and movements
the dictionary names. Sentences written for this test, across theatres."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.table import events_frame
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _first(gaz, actors, text: str):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    return events_frame(extract_events(article, gaz, actors)).iloc[0]


@pytest.mark.parametrize("text, actor1, assoc", [
    ("Hundreds of teachers protested in Kano on Monday demanding unpaid salaries.",
     "Protesters (Nigeria)", "Teachers (Nigeria)"),
    ("Members of the Nigeria Labour Congress marched in Abuja on Tuesday against fuel prices.",
     "Protesters (Nigeria)", "Labor Group (Nigeria)"),
    ("Residents held a protest by taxi drivers in Bukavu on Monday.",
     "Protesters (Democratic Republic of Congo)",
     "Taxi Drivers (Democratic Republic of Congo)"),
    ("Hundreds of people, including students and teachers, rallied in Mandalay on Friday.",
     "Protesters (Myanmar)", "Students (Myanmar); Teachers (Myanmar)"),
    ("Women's rights activists held a sit-in in Kabul on Saturday.",
     "Protesters (Afghanistan)", "Women (Afghanistan)"),
    # a movement the dictionary knows is the crowd's associate, not actor 1
    ("Members of the Islamic Movement in Nigeria protested in Abuja on Monday.",
     "Protesters (Nigeria)", "IMN: Islamic Movement in Nigeria"),
])
def test_the_crowd_s_groups_are_its_associated_actors(gaz, actors, text, actor1, assoc):
    row = _first(gaz, actors, text)
    assert (row.actor1, row.assoc_actor_1) == (actor1, assoc)


@pytest.mark.parametrize("text, absent", [
    # what the crowd wants or mourns is not who it is
    ("Hundreds of people protested the killing of two journalists in Mogadishu on Monday.",
     "Journalists"),
    ("After police detained two journalists, nurses staged a protest in Goma on Monday.",
     "Journalists"),
    # generic civilians and crowds are never an associate of the crowd
    ("Villagers and protesters blocked the road in Kasese on Monday.", "Civilians"),
])
def test_only_the_crowd_s_own_phrase_names_its_groups(gaz, actors, text, absent):
    row = _first(gaz, actors, text)
    assert row.event_type in ("Protests", "Riots") and absent not in row.assoc_actor_1


@pytest.mark.parametrize("text, sub_type, actor2, assoc2", [
    # the crowd as actor 2: who it is goes to assoc_actor_2
    ("Police fired live rounds at striking teachers in Harare on Monday, killing two.",
     "Excessive force against protesters", "Protesters (Zimbabwe)", "Teachers (Zimbabwe)"),
    ("Soldiers opened fire on students protesting in Mandalay on Sunday, killing three.",
     "Excessive force against protesters", "Protesters (Myanmar)", "Students (Myanmar)"),
])
def test_a_crowd_fired_on_keeps_its_groups_as_actor_2_s_associates(
        gaz, actors, text, sub_type, actor2, assoc2):
    row = _first(gaz, actors, text)
    assert (row.sub_event_type, row.actor2, row.assoc_actor_2) == (sub_type, actor2, assoc2)


def test_a_strike_fired_on_is_a_demonstration(gaz, actors):
    """"striking doctors" are a crowd: police firing tear gas at them is a protest with
    intervention, not an attack on civilians."""
    row = _first(gaz, actors, "Police fired tear gas at striking doctors in Lagos on Tuesday.")
    assert (row.event_type, row.sub_event_type, row.assoc_actor_1) == (
        "Protests", "Protest with intervention", "Health Workers (Nigeria)")


def _all(gaz, actors, text: str):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    return events_frame(extract_events(article, gaz, actors))


@pytest.mark.parametrize("text, sub_type, actor1, actor2", [
    # the force that met the crowd is the other actor, even when the crowd is the nearer
    # subject of the protest verb
    ("Police fired tear gas at nurses protesting over unpaid wages in Nairobi on Monday.",
     "Protest with intervention", "Protesters (Kenya)", "Police Forces of Kenya"),
    ("Riot police used water cannon against teachers demonstrating in Harare on Friday.",
     "Protest with intervention", "Protesters (Zimbabwe)", "Police Forces of Zimbabwe"),
    ("Soldiers opened fire on traders protesting new taxes in Kano, killing two.",
     "Excessive force against protesters", "Military Forces of Nigeria",
     "Protesters (Nigeria)"),
    ("Students protesting fuel prices in Mandalay were shot dead by soldiers on Sunday.",
     "Excessive force against protesters", "Military Forces of Myanmar",
     "Protesters (Myanmar)"),
])
def test_force_used_on_a_crowd_is_one_event_with_both_sides(gaz, actors, text, sub_type,
                                                             actor1, actor2):
    """ACLED codes the police who dispersed a protest, or the soldiers who fired on it, as
    the other actor of one demonstration event; the shooting is not a second event (an
    attack on civilians) beside it."""
    frame = _all(gaz, actors, text)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert (row.sub_event_type, row.actor1, row.actor2) == (sub_type, actor1, actor2)


@pytest.mark.parametrize("text, types", [
    # force in another clause, or a violent main event beside a gathering, stays its own event
    ("Teachers protested in Harare over pay; soldiers later shot dead two farmers in Mutare.",
     {"Protests", "Violence against civilians"}),
    ("A drone strike hit militants gathered in Jilib on Monday, killing nine.",
     {"Explosions/Remote violence"}),
])
def test_violence_in_another_clause_is_not_folded_into_a_protest(gaz, actors, text, types):
    frame = _all(gaz, actors, text)
    assert types <= set(frame.event_type)


def test_a_counterpart_is_taken_from_the_crowd_s_own_clause_only(gaz, actors):
    """Soldiers deployed in another clause did not disperse the teachers."""
    frame = _all(gaz, actors, "Soldiers were deployed in Harare on Monday; teachers "
                 "demonstrating outside parliament were dispersed with tear gas.")
    row = frame[frame.event_type == "Protests"].iloc[0]
    assert (row.sub_event_type, row.actor1) == ("Protest with intervention",
                                                "Protesters (Zimbabwe)")
    assert not row.actor2


def test_a_peaceful_protest_takes_no_counterpart(gaz, actors):
    """A peaceful protest has no other side: police named as the protest's object are not
    one ("against police brutality")."""
    row = _first(gaz, actors, "Hundreds of students marched in Lagos on Monday against "
                 "police brutality.")
    assert (row.sub_event_type, row.actor1) == ("Peaceful protest", "Protesters (Nigeria)")
    assert not row.actor2


@pytest.mark.parametrize("text, crowd_sub_type, other_type, other_deaths", [
    # the force and the dead of another actor's clause are that event's, not the crowd's
    ("Hundreds of farmers marched in Kaduna on Monday while bandits attacked a village "
     "nearby, killing four.", "Peaceful protest", "Violence against civilians", 4),
    ("Women rallied in Herat on Saturday; gunmen later shot dead three shopkeepers in the "
     "city.", "Peaceful protest", "Violence against civilians", 3),
])
def test_another_clause_s_violence_does_not_recode_or_count_for_the_crowd(
        gaz, actors, text, crowd_sub_type, other_type, other_deaths):
    frame = _all(gaz, actors, text)
    crowd = frame[frame.event_type == "Protests"].iloc[0]
    other = frame[frame.event_type == other_type].iloc[0]
    assert (crowd.sub_event_type, crowd.fatalities) == (crowd_sub_type, 0)
    assert other.fatalities == other_deaths


@pytest.mark.parametrize("text, sub_type", [
    ("Police arrested 12 protesters in Lusaka on Friday after clashes that killed two "
     "people elsewhere in the city.", "Arrests"),
    ("Riot police dispersed traders protesting in Kampala on Monday with tear gas; two "
     "people died in a stampede.", "Protest with intervention"),
])
def test_sub_types_that_record_no_deaths_have_none(gaz, actors, text, sub_type):
    """ACLED's codebook: arrests and protests met with non-lethal force record no deaths
    (a protester killed makes excessive force, a detainee killed an attack)."""
    frame = _all(gaz, actors, text)
    row = frame[frame.sub_event_type == sub_type].iloc[0]
    assert row.fatalities == 0


@pytest.mark.parametrize("text, sub_type, actor1", [
    # communities or crowds fighting each other with sticks and blades: rioters, not a battle
    ("Members of the Hausa and Fulani communities clashed with machetes in Jos on Monday, "
     "killing three people.", "Mob violence", "Rioters (Nigeria)"),
    ("Rival crowds of Christian and Muslim youths clashed in Bangui on Sunday.",
     "Mob violence", "Rioters (Central African Republic)"),
    # a group the victim is said to work with is not who lynched him
    ("An angry crowd in Beni lynched a man suspected of collaborating with the ADF on "
     "Tuesday.", "Mob violence", "Rioters (Democratic Republic of Congo)"),
    # a hashtag in the crowd's name
    ("Police fired live rounds at #FeesMustFall protesters in Durban on Monday, killing one.",
     "Excessive force against protesters", "Police Forces of South Africa"),
])
def test_crowds_fighting_and_lynching_are_mob_violence(gaz, actors, text, sub_type, actor1):
    row = _first(gaz, actors, text)
    assert (row.sub_event_type, row.actor1) == (sub_type, actor1)
