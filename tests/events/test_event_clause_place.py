"""The event's place is where it happened, not where the speaker was or where the actors came
from: places of the reporting clause ("officials in X said", "said in X that", "…, the
mayor said from X", "according to police in X,") and "from X" before the verb yield to the
event clause's own places, and are kept only when it names none. Sentences written for this
test, across theatres."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.places import speech_frames
from geo.events.vocabulary import load_vocabulary
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _place(gaz, actors, text: str) -> str | None:
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    events = extract_events(article, gaz, actors)
    assert events, text
    return events[0].place.name if events[0].place is not None else None


@pytest.mark.parametrize("text, place", [
    ("Officials in Kyiv said Russian shelling hit Kharkiv on Monday, killing three people.",
     "Kharkiv"),
    ("The army said in Khartoum that RSF fighters shelled El Fasher on Monday.", "El Fasher"),
    ("Police in Abuja said gunmen abducted 20 villagers from Kajuru on Sunday.", "Kajuru"),
    ("According to police in Kano, bandits attacked Kankara on Friday.", "Kankara"),
    ("Jihadists ambushed a patrol near Djibo on Monday, a security source in Ouagadougou said.",
     "Djibo"),
    ("Fighters from Tal Afar attacked Sinjar on Monday.", "Sinjār"),
    ("Militiamen from Bunia attacked Djugu on Saturday.", "Djugu"),
])
def test_the_event_clause_s_place_wins(gaz, actors, text, place):
    assert _place(gaz, actors, text) == place


@pytest.mark.parametrize("text, place", [
    # the only place named is the speaker's: kept, the event is reported from there
    ("Officials in Mogadishu said al-Shabaab fighters attacked a checkpoint on Monday.",
     "Mogadishu"),
    # passive "was reported in X" is no speaker
    ("Heavy fighting was reported in Marib on Sunday, officials in Aden said.", "Ma'rib"),
])
def test_a_speaker_s_place_is_kept_when_the_event_names_none(gaz, actors, text, place):
    assert _place(gaz, actors, text) == place


@pytest.mark.parametrize("text, trigger, framed, free", [
    ("Officials in Kyiv said shelling hit Kharkiv.", "shelling", "Kyiv", "Kharkiv"),
    ("Shelling hit Kharkiv, officials in Kyiv said.", "Shelling", "Kyiv", "Kharkiv"),
    ("Fighting was reported in Marib, aid workers in Aden said.", "Fighting", "Aden", "Marib"),
])
def test_speech_frames_cover_the_reporting_clause(text, trigger, framed, free):
    frames = speech_frames(text, text.index(trigger), load_vocabulary().speech_frame)

    def inside(word):
        return any(a <= text.index(word) < b for a, b in frames)

    assert inside(framed) and not inside(free)


@pytest.mark.parametrize("text, place, fatalities", [
    # the ends of a stretch are one event, placed by the more precise description if any
    ("A landmine hit a truck on the road between Kidal and Gao, about 30 km south of Kidal, "
     "on Monday, killing four passengers.", "Kidal", 4),
    ("Gunmen ambushed a convoy on the highway between Maiduguri and Damboa on Monday, killing "
     "six soldiers.", None, 6),
])
def test_a_stretch_between_two_places_is_one_event(gaz, actors, text, place, fatalities):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    events = extract_events(article, gaz, actors)
    assert len(events) == 1 and events[0].fatalities == fatalities
    assert place is None or events[0].place.name == place


@pytest.mark.parametrize("text, place", [
    # the verb's object is where it happened, before a wider place the sentence adds
    ("RSF fighters entered Singa, the capital of Sennar state in south-eastern Sudan, on "
     "Saturday.", "Singa"),
    ("Russian forces shelled Kupiansk, a rail hub in eastern Ukraine, on Monday.", "Kupyansk"),
    ("Government troops retook the town of Saraqib in northern Syria on Monday.", "Saraqib"),
])
def test_the_place_the_verb_acts_on_comes_before_a_wider_place(gaz, actors, text, place):
    assert _place(gaz, actors, text) == place
