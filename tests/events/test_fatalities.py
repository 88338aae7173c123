"""Fatalities as a coder counts them (geo.events.fatalities). Sentences written for these
tests."""

from __future__ import annotations

import pytest

from geo.events.fatalities import count_fatalities


@pytest.mark.parametrize("text, deaths", [
    # numbers in words and digits, "at least"
    ("The blast killed seven people.", 7),
    ("At least 23 villagers were killed in the raid.", 23),
    ("Fourteen fighters died in the fighting.", 14),
    # both sides summed, one event
    ("Six policemen and nine attackers were killed.", 15),
    ("The strike killed at least 40 fighters and 3 civilians.", 43),
    ("Gunmen killed three guards; two assailants were also killed.", 5),
    # one person: "a", "the", a named person, a title
    ("A sniper shot dead a schoolteacher in the market.", 1),
    ("The mine blast killed the driver of the truck.", 1),
    ("A drone strike killed senior commander Ahmed Yusuf Omar near the town.", 1),
    ("The raid killed militia leader Juma Bakar and four bodyguards.", 5),
    ("A strike killed a local emir known as Abu Talha al-Libi and his deputy.", 2),
    ("A crowd beat a suspected thief to death.", 1),
    ("The group executed five hostages.", 5),
    # a subset is not added again
    ("The shelling killed twelve civilians, including four children.", 12),
    # conflicting figures: the lowest
    ("Officials put the death toll at 35, while residents said at least 50 were killed.", 35),
    # vague counts by ACLED's convention
    ("Dozens of soldiers were killed in the ambush.", 12),
    ("Several protesters were killed.", 10),
    ("Hundreds of people died in the massacre.", 100),
    ("The clashes left 8 dead.", 8),
    # dates, years, ages, distances are not people
    ("On 12 March 2021 the attackers killed 4 farmers.", 4),
    ("In 2019 the army killed 2 rebels 30 km north of the town.", 2),
    ("Gunmen shot dead a 45-year-old trader on June 3.", 1),
    ("The bomb went off at 9:30, killing 6 commuters.", 6),
    # "N of its fighters", deaths reported after the fact, two verbs
    ("The group said 9 of its members were killed in the raid.", 9),
    ("Army units held the bridge, officials said, reporting four attackers killed.", 4),
    ("A village chief was kidnapped and killed near Tillaberi.", 1),
    # deaths of other events in the same sentence: elsewhere, "more", a cause after "after"
    ("A drone hit a market in Sumy, killing three people; other attacks across the region "
     "killed nine more.", 3),
    ("Police shot dead two protesters in Kisumu, as unrest across the country left dozens "
     "dead.", 2),
])
def test_counts(text, deaths):
    assert count_fatalities(text) == deaths


@pytest.mark.parametrize("text", [
    "The attack wounded 17 people.",
    "Gunmen abducted 40 students from the school.",
    "Police arrested 200 protesters.",
    "The army said 2,000 troops took part in the operation in 2023.",
    "Fifteen missiles were fired at the city.",
    "Twenty houses were burned.",
    "Gunmen killed nobody, police said.",
    "Youths burned tyres in Goma after a motorcyclist was killed by a soldier.",
])
def test_no_deaths(text):
    assert count_fatalities(text) is None


def test_killed_not_wounded_in_one_sentence():
    assert count_fatalities("Three soldiers were killed and eleven were wounded.") == 3
