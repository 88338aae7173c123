"""Who acted, read from the sentence's grammar rather than the nearest name: the attacker of
an attack that was repelled, the national before a weapon, the subject two verbs share, the
dead of a casualty phrase (never the doers), and a trigger inside the actor's own phrase
("a US drone strike"). Sentences written for this test, across theatres."""

from __future__ import annotations

import pytest
from events_util import actor_names, events_in


@pytest.mark.parametrize("text, day, actor1, actor2", [
    # the attack repelled names the attacker: actor 1; who repelled it: actor 2
    ("Soldiers repelled an ISWAP attack on Monguno on Friday.", "2022-03-06",
     "ISWAP: Islamic State West Africa Province", "Military Forces of Nigeria"),
    ("Police repelled an attack by gunmen on a station in Zamfara on Sunday.", "2022-03-07",
     "Unidentified Armed Group (Nigeria)", "Police Forces of Nigeria"),
    ("Ukrainian troops repelled Russian assaults near Vuhledar on Tuesday.", "2023-02-08",
     "Military Forces of Russia", "Military Forces of Ukraine"),
    # a national before a weapon, words between: that state's forces
    ("Two Russian cruise missiles hit a power plant in Ladyzhyn on Thursday.", "2024-04-12",
     "Military Forces of Russia", None),
    ("An Israeli guided bomb struck a house in Rafah on Monday, killing six people.",
     "2024-02-13", "Military Forces of Israel", "Civilians (Palestine)"),
    # the trigger inside the actor's phrase
    ("A Turkish drone strike hit a car near Qamishli on Tuesday, killing two SDF fighters.",
     "2023-05-10", "Military Forces of Turkey", "SDF: Syrian Democratic Forces"),
])
def test_who_acted(gaz, actors, text, day, actor1, actor2):
    ev = events_in(gaz, actors, text, day)[0]
    got1, got2 = actor_names(ev)
    assert got1 == actor1
    if actor2 is not None:                  # None: the target is not what the case is about
        assert got2 == actor2


@pytest.mark.parametrize("text, day, actor1", [
    # the dead named after the trigger are not who acted; the claim is
    ("A suicide bomber struck a market in Mogadishu on Sunday, killing nine civilians and two "
     "AMISOM soldiers; al-Shabaab claimed the attack.", "2019-06-10", "Al Shabaab"),
    # two verbs, one subject
    ("Russian soldiers detained the mayor of Kherson on Monday and took him to an unknown "
     "location, officials said, calling it a kidnapping.", "2023-08-08",
     "Military Forces of Russia"),
])
def test_the_doer_is_not_a_victim_and_is_shared_by_two_verbs(gaz, actors, text, day, actor1):
    assert actor_names(events_in(gaz, actors, text, day)[0])[0] == actor1
