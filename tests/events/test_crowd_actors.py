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
