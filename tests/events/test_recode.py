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
    ("Rebels attacked an army base near Goma on Monday.", BAT,
     "Military Forces of the Democratic Republic of Congo (FARDC)"),
    ("Militants attacked soldiers guarding a village near Kidal on Tuesday.", BAT,
     "Military Forces of Mali"),
])
def test_an_assault_on_a_place_of_civilians_is_violence_against_them(tools, sentence,
                                                                     event_type, actor2):
    ev = events_of(tools, sentence)[0]
    assert (ev.event_type, getattr(ev.actor2, "name", None)) == (event_type, actor2)


@pytest.mark.parametrize("sentence, event_type, sub_event_type", [
    # a town entered after the other side left, no fighting: a non-violent transfer
    ("Government troops entered Tessalit on 3 March 2020 after the rebels withdrew from the "
     "town overnight.", "Strategic developments", "Non-violent transfer of territory"),
    ("Rebel fighters moved into Kalehe on 3 March 2020 after the army pulled out; no "
     "fighting was reported.", "Strategic developments", "Non-violent transfer of territory"),
    # entered after fighting for it: territory taken, by who took it
    ("M23 rebels entered Rutshuru on 3 March 2020 after two days of fighting with the army.",
     BAT, "Non-state actor overtakes territory"),
    ("Army troops entered Palmyra on 3 March 2020 after weeks of air strikes and fighting "
     "with Islamic State militants.", BAT, "Government regains territory"),
    # a base or post overrun is a clash for a position ...
    ("Militants overran a police checkpoint near Tillaberi on 3 March 2020, killing four "
     "officers.", BAT, "Armed clash"),
    # ... unless a town is taken too
    ("Militants overran an army post and took control of Diapaga on 3 March 2020.", BAT,
     "Non-state actor overtakes territory"),
    # the weapon or the aircraft says the sub-type
    ("Air force strikes on rebel positions near Kalemie killed 12 fighters on 3 March 2020.",
     "Explosions/Remote violence", "Air/drone strike"),
    ("Turkish jets flying over northern Iraq fired missiles at a PKK camp near Amadiya on "
     "3 March 2020.", "Explosions/Remote violence", "Air/drone strike"),
    ("Rocket-propelled grenades fired by militants hit a market in Gao on 3 March 2020, "
     "killing four people.", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Tribal elders in Marib reached a settlement on 3 March 2020 ending a feud over land.",
     "Strategic developments", "Agreement"),
])
def test_what_the_sentence_says_recodes_the_event(tools, sentence, event_type,
                                                  sub_event_type):
    ev = events_of(tools, sentence)[0]
    assert (ev.event_type, ev.sub_event_type) == (event_type, sub_event_type)


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
