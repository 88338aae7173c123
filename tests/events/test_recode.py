"""The vocabulary's ``[[recode]]`` rules (ACLED codings that depend on the actors or the
wording): applied to extracted events, and checked when the file is read."""

from __future__ import annotations

import re

import pytest

from geo.errors import DataError
from geo.events import pipeline
from geo.events.vocabulary import VOCABULARY, load_vocabulary
from geo.text.articles import article_from_text

BAT, VAC = "Battles", "Violence against civilians"


@pytest.fixture(scope="module")
def tools():
    return pipeline.resources()


def events_of(tools, sentence: str):
    gaz, actors, vocabulary = tools
    article = article_from_text(f"Title: t\nDate: 2020-03-05\n\n{sentence}", "a.txt", None,
                                path="a.txt")
    return pipeline.extract(article, gaz, actors, vocabulary).events


@pytest.mark.slow
@pytest.mark.parametrize("sentence, event_type, sub_event_type", [
    # state forces (inter 1) taking ground back, in several theatres
    ("Iraqi security forces recaptured the town of Hit on 3 March 2020.", BAT,
     "Government regains territory"),
    ("Nigerian troops retook the town of Bama from Boko Haram on 3 March 2020.", BAT,
     "Government regains territory"),
    # a non-state actor taking ground
    ("Islamic State fighters seized the town of Hit on 3 March 2020.", BAT,
     "Non-state actor overtakes territory"),
    # a fight whose other side is civilians
    ("Islamic State militants attacked civilians in Hit on 3 March 2020.", VAC, "Attack"),
    # an advance against a hostile actor is fighting
    ("The Popular Mobilisation Units advanced against Islamic State militants near Hit on "
     "3 March 2020.", BAT, "Armed clash"),
])
def test_recodes_apply_to_extracted_events(tools, sentence, event_type, sub_event_type):
    events = events_of(tools, sentence)
    assert [(e.event_type, e.sub_event_type) for e in events][:1] == [(event_type,
                                                                      sub_event_type)]


@pytest.mark.parametrize("sentence, event_type, actor2", [
    # an armed assault on a place of civilians, no armed side named: violence against
    # civilians, with the civilians of the event's country as actor 2
    ("Gunmen attacked two villages in Zamfara on Sunday, killing 15 people.", VAC,
     "Civilians (Nigeria)"),
    ("ADF rebels raided a hospital in Beni territory on Friday, killing eight patients.", VAC,
     "Civilians (Democratic Republic of Congo)"),
    ("Militants stormed a camp for displaced people near Djibo on Monday, killing 12.", VAC,
     "Civilians (Burkina Faso)"),
    ("Gunmen on motorbikes attacked worshippers at a mosque in Tillaberi on Friday.", VAC,
     "Civilians (Niger)"),
    # an armed target, or armed defenders named, keep it a battle
    ("Rebels attacked an army base near Goma on Monday.", BAT, None),
    ("Militants attacked soldiers guarding a village near Kidal on Tuesday.", BAT,
     "Military Forces of Mali"),
])
def test_an_assault_on_a_place_of_civilians_is_violence_against_them(tools, sentence,
                                                                     event_type, actor2):
    ev = events_of(tools, sentence)[0]
    assert (ev.event_type, getattr(ev.actor2, "name", None)) == (event_type, actor2)


def _broken(tmp_path, old: str, new: str):
    text = VOCABULARY.read_text("utf-8")
    assert old in text
    path = tmp_path / "vocabulary.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize("old, new, message", [
    ("actor2_inter = 7}", "actor2_inter = 7, weather = 'rain'}", "unknown condition"),
    ('set = {event_type = "Violence against civilians", sub_event_type = "Attack"}',
     'set = {actor1 = "x"}', "unknown field"),
    ('set = {event_type = "Violence against civilians", sub_event_type = "Attack"}',
     'set = {event_type = "Massacres"}', "unknown event type"),
    ('when = {rule = "territory_taken"', 'when = {rule = "no_such_rule"', "unknown rule"),
    ("sentence = '\\bagainst\\b'", "sentence = '(unclosed'", "event vocabulary"),
    ('rule = ["armed_clash", "territory_taken"]', 'rule = ["armed_clash", "no_such_rule"]',
     "unknown rule 'no_such_rule'"),
    ("actor2_inter = [0, 7]", "actor2_inter = [0, 9]", "inter codes"),
    ('victims_of = ["Violence against civilians"]', 'victims_of = ["Massacres"]',
     "[perpetrator] victims_of: unknown type"),
    ('none_for = ["Peaceful protest",', 'none_for = ["Peaceful protests",',
     "[fatalities] none_for: unknown"),
])
def test_a_bad_recode_is_a_data_error(tmp_path, old, new, message):
    with pytest.raises(DataError, match=re.escape(message)):
        load_vocabulary(_broken(tmp_path, old, new))


@pytest.mark.parametrize("new", [
    'role = 1\nalone = true\ncounterpart = true', 'role = 1\nalone = "yes"',
    'role = 1\ncounterpart = 1',
])
def test_a_bad_crowd_entry_is_a_data_error(tmp_path, new):
    """A crowd acts alone or has a counterpart, never both; the flags are booleans."""
    old = 'sub_event_type = "Peaceful protest"\nactor = "protesters"\nrole = 1\nalone = true'
    with pytest.raises(DataError, match="crowd"):
        load_vocabulary(_broken(tmp_path, old, old.split("role = 1")[0] + new))


def test_the_file_gives_recodes_in_order():
    recodes = load_vocabulary().recodes
    assert len(recodes) >= 3 and all(r.note for r in recodes)
    notes = [r.note for r in recodes]
    # an advance against a hostile actor becomes a battle before a battle against civilians
    # becomes an attack on them
    assert notes.index("an advance against a hostile actor") < \
        notes.index("a battle whose other side is civilians")
    assert dict(recodes[notes.index("a battle whose other side is civilians")].set)[
        "event_type"] == VAC
