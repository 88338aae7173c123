"""Two sides named together. "A and B clashed" (or signed, or swapped prisoners): the first
named is actor 1 and the other actor 2, unless the sentence says the other began it ("…, as
B tried to encircle the town"). Nationals coordinated before a force ("Sudanese and
Chadian troops") are each a side. Sentences written for this test, across theatres."""

from __future__ import annotations

import pytest
from events_util import actor_names, events_in


@pytest.mark.parametrize("text, day, sides", [
    # nationals coordinated before a force are each a side; the first named is actor 1
    ("Ethiopian and Eritrean troops clashed near Humera on Monday.", "2022-11-10",
     ("Military Forces of Ethiopia", "Military Forces of Eritrea")),
    ("Malian and Burkinabe soldiers clashed near the border at Koro on Friday.", "2023-02-05",
     ("Military Forces of Mali", "Military Forces of Burkina Faso")),
    # unless the text says the other began it
    ("Russian and Ukrainian troops fought near Robotyne on Friday as Ukrainian forces pushed "
     "south.", "2023-08-20", ("Military Forces of Ukraine", "Military Forces of Russia")),
    ("Ethiopian and Eritrean troops fought near Zalambessa on Monday after Eritrean troops "
     "launched an offensive.", "2022-10-12",
     ("Military Forces of Eritrea", "Military Forces of Ethiopia")),
])
def test_two_sides_named_together_the_one_that_began_first(gaz, actors, text, day, sides):
    assert actor_names(events_in(gaz, actors, text, day)[0]) == sides


@pytest.mark.parametrize("text, day, sides", [
    ("Houthi forces and government troops swapped 40 prisoners near Marib on Sunday.",
     "2021-05-10", ("Houthi Movement", "Military Forces of Yemen")),
    ("M23 rebels and Congolese soldiers exchanged the bodies of fighters in Kibumba on "
     "Tuesday.", "2023-01-12",
     ("M23: March 23 Movement", "Military Forces of the Democratic Republic of Congo (FARDC)")),
    # "and a group of" still joins the two sides
    ("Soldiers and a group of PDF fighters agreed to a truce in Kawlin on Monday.",
     "2022-06-08", ("Military Forces of Myanmar", "PDF: People's Defence Force")),
])
def test_a_prisoner_swap_or_truce_has_both_sides(gaz, actors, text, day, sides):
    ev = events_in(gaz, actors, text, day)[0]
    assert ev.sub_event_type == "Agreement"
    assert actor_names(ev) == sides


@pytest.mark.parametrize("text, day, sub_type", [
    # a relative clause's verb is not the main event; the verb after the clause is
    ("Leaders of the two militias that clashed near Beni last month signed a truce in the "
     "town on Sunday.", "2023-06-13", "Agreement"),
    # "agreed to" a truce, a reopening, an exchange: an agreement
    ("Government and rebel delegates agreed on 3 May to reopen the road between Kalemie and "
     "Bendera.", "2023-05-04", "Agreement"),
    # triggers of one phrase share their clause: "after … days of air strikes and fighting"
    ("Army troops entered Anefis on Monday after the rebels withdrew following days of air "
     "strikes and fighting.", "2023-10-10", "Government regains territory"),
])
def test_the_main_clause_decides_the_event(gaz, actors, text, day, sub_type):
    assert events_in(gaz, actors, text, day)[0].sub_event_type == sub_type
