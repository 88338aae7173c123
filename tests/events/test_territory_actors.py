"""Who lost the town, who held the base. A town taken with no loser named takes as actor 2 the
side the same sentence says withdrew; "army positions", "a military base" are the state's
forces; seizing goods takes no territory. Sentences written for this test, across theatres."""

from __future__ import annotations

import pytest
from events_util import actor_names, events_in


@pytest.mark.parametrize("text, day, actor1, actor2", [
    ("M23 rebels took control of Rubaya on Tuesday after FARDC soldiers withdrew from the "
     "town.", "2024-05-02", "M23: March 23 Movement",
     "Military Forces of the Democratic Republic of Congo (FARDC)"),
    ("The Arakan Army seized Paletwa on Sunday; junta troops retreated across the river.",
     "2024-01-16", "AA: Arakan Army", "Military Forces of Myanmar"),
    ("Al-Shabaab fighters captured Mahas after Somali soldiers pulled out overnight.",
     "2023-09-10", "Al Shabaab", "Military Forces of Somalia"),
])
def test_a_town_taken_takes_the_side_that_withdrew_as_actor_2(gaz, actors, text, day, actor1,
                                                              actor2):
    ev = events_in(gaz, actors, text, day)[0]
    assert ev.event_type == "Battles"
    assert actor_names(ev) == (actor1, actor2)


def test_a_withdrawal_with_no_town_taken_names_no_loser(gaz, actors):
    ev = events_in(gaz, actors, "JNIM fighters attacked Djibo on Sunday before army troops "
                 "withdrew to their base.", "2023-06-01")[0]
    assert ev.sub_event_type == "Armed clash"
    assert actor_names(ev)[0] == "JNIM: Group for Support of Islam and Muslims"


@pytest.mark.parametrize("text, day, actor2", [
    ("Al-Shabaab fighters attacked army positions near Jowhar on Monday.", "2023-03-08",
     "Military Forces of Somalia"),
    ("ISWAP fighters overran a military base in Gubio on Friday.", "2022-08-07",
     "Military Forces of Nigeria"),
    ("Houthi fighters shelled government positions near Marib on Tuesday.", "2021-03-04",
     "Military Forces of Yemen"),
])
def test_army_positions_and_bases_are_the_state_s_forces(gaz, actors, text, day, actor2):
    assert actor_names(events_in(gaz, actors, text, day)[0])[1] == actor2


@pytest.mark.parametrize("text, day, sub_type", [
    # goods seized in an attack take no territory: the attack is the event
    ("ISWAP fighters attacked a base in Monguno on Friday and seized ammunition before "
     "withdrawing.", "2022-03-06", "Armed clash"),
    ("Bandits raided Gusau on Monday and seized livestock.", "2022-03-09", None),
    # a town seized is still taken
    ("JNIM fighters seized the town of Boni on Sunday.", "2023-06-06",
     "Non-state actor overtakes territory"),
])
def test_seized_goods_are_not_territory(gaz, actors, text, day, sub_type):
    evs = events_in(gaz, actors, text, day)
    subs = [ev.sub_event_type for ev in evs]
    assert "Non-state actor overtakes territory" not in subs[1:]
    if sub_type is not None:
        assert subs[0] == sub_type
    else:
        assert "Non-state actor overtakes territory" not in subs


@pytest.mark.parametrize("text, day, sub_type", [
    # fire in a support phrase or after "following" is not the main event
    ("Government troops, backed by Russian air strikes, recaptured Maarat al-Numan on "
     "Tuesday.", "2020-01-29", "Government regains territory"),
    ("ISWAP fighters, supported by mortar fire, overran the town of Malam Fatori on "
     "Saturday.", "2024-03-10", "Non-state actor overtakes territory"),
    ("Malian troops entered Ber on Sunday after the rebels pulled out following two days of "
     "air strikes and fighting.", "2023-08-14", "Government regains territory"),
    # a cache seized is disrupted weapons use, not a town taken
    ("Soldiers seized a cache of rifles and mortar rounds in a raid near Kalemie on Friday.",
     "2023-05-07", "Disrupted weapons use"),
])
def test_support_fire_and_seized_caches_do_not_make_the_main_event(gaz, actors, text, day,
                                                                  sub_type):
    assert events_in(gaz, actors, text, day)[0].sub_event_type == sub_type
