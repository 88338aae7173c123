"""Events from the seed articles against hand-coded gold, and the merge and output rules.

The gold is this project's own coding of the five seeds (what an ACLED-style coder would
record); it measures precision and recall of event type, actor, date and location. The seeds
are the first corpus, not the test of generality: these figures are reported, with floors the
tests hold, and the rules stay general.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from geo.articles import bundled_seeds
from geo.event_table import ACLED_COLUMNS, events_frame
from geo.events import extract_events
from geo.merge import merge_events

pytestmark = pytest.mark.slow

# (article prefix, sentence fragment, event_type, actor1 id, location fragment or None for
#  unlocated/none, first date or None)
GOLD = [
    ("000", "pushed IS militants out of the border village of Umm Jrais", "Battles", "pmf",
     "Umm Jrais", None),
    ("000", "a US airstrike hit pro-Syrian government forces", "Explosions/Remote violence",
     "us_forces", None, date(2017, 5, 18)),
    ("001", "on Monday reached the Syrian border", "Strategic developments", "pmf", "Syria",
     date(2017, 5, 29)),
    ("001", "pushed ISIS militants out of the border village of Umm Jrais", "Battles", "pmf",
     "Umm Jrais", None),
    ("001", "imposed a siege on ISIS militants", "Battles", "sdf", None, None),
    ("001", "Wadi al-Midar and Taru villages", "Battles", "pmf", "Wadi al-Midar", None),
    ("001", "locked in fierce fighting against ISIS", "Battles", "pmf", None, None),
    ("002", "Wadi al-Midar and Taru villages", "Battles", "pmf", "Wadi al-Midar", None),
    ("002", "dropped leaflets on pro-government forces", "Strategic developments", "us_forces",
     "Tanf", None),
    ("003", "surrounded the Isis-occupied border village of Jayar Ghalfas", "Battles", "pmf",
     "Jayar Ghalfas", None),
    ("003", "liberated the village of al-Khibrah", "Battles", "pmf", "al-Khibrah", None),
    ("003", "reached the border on Monday", "Strategic developments", "pmf", None, None),
    ("003", "seize the eastern city of Deir Ezzor", "Battles", "fsa", "Deir", None),
    ("004", "captured several villages from the Islamic State", "Battles", "pmf", "Mosul", None),
]


@pytest.fixture(scope="module")
def seed_events(gaz):
    from geo.actors import load_actors

    actors = load_actors()
    return {a.id: extract_events(a, gaz, actors) for a in bundled_seeds()}


def _find(seed_events, prefix, fragment):
    for aid, events in seed_events.items():
        if aid.startswith(prefix):
            return next((e for e in events if fragment in e.sentence), None), aid
    raise AssertionError(prefix)


def test_gold_recall_and_field_accuracy(seed_events):
    found = typed = actor_ok = place_ok = date_ok = dated = 0
    for prefix, fragment, etype, actor, place, day in GOLD:
        ev, _ = _find(seed_events, prefix, fragment)
        if ev is None:
            continue
        found += 1
        typed += ev.event_type == etype
        actor_ok += getattr(ev.actor1, "id", None) == actor
        place_ok += (place is None) or (ev.place is not None and place in ev.place.name)
        if day is not None:
            dated += 1
            date_ok += ev.first_date == day
    n = len(GOLD)
    recall, type_acc, actor_acc, place_acc = found / n, typed / n, actor_ok / n, place_ok / n
    # Floors held by the suite (figures reported in the issue notes and README).
    assert recall >= 0.9, recall
    assert type_acc >= 0.85, type_acc
    assert actor_acc >= 0.75, actor_acc
    assert place_acc >= 0.8, place_acc
    assert date_ok == dated


@pytest.mark.parametrize("prefix, fragment", [
    ("003", "had not retreated from the Damascus-Baghdad road"),     # negated
    ("004", "liberated areas of Nineveh province"),                  # adjective, not an event
])
def test_non_events(seed_events, prefix, fragment):
    ev, _ = _find(seed_events, prefix, fragment)
    assert ev is None or ev.rule not in ("territory_taken", "troop_movement")


def test_claims_fatalities_and_unlocated_places(seed_events):
    ev, _ = _find(seed_events, "001", "Wadi al-Midar and Taru villages")
    assert ev.fatalities == 21
    assert ev.claimed_by and "Popular Mobilization" in ev.claimed_by
    assert ev.actor2.id == "islamic_state"
    assert ev.place is not None and not ev.place.located and ev.lat is None


def test_relative_location_is_approximate(seed_events):
    ev, _ = _find(seed_events, "004", "captured several villages from the Islamic State")
    assert ev.approximate and ev.uncertainty_km and ev.uncertainty_km >= 25


def test_planned_actions_are_statements(seed_events):
    ev, _ = _find(seed_events, "000", "plan to erect a dirt barricade")
    assert ev is not None and ev.modality == "planned"
    assert ev.event_type == "Strategic developments"


def test_merge_keeps_every_source(seed_events):
    merged = merge_events([e for evs in seed_events.values() for e in evs])
    umm = [e for e in merged if e.place is not None and e.place.name == "Umm Jrais"
           and e.rule == "territory_taken"]
    assert len(umm) == 1
    articles = {s["article"] for s in umm[0].sources}
    assert len(articles) >= 2 and all(s["sentence"] for s in umm[0].sources)
    wadi = [e for e in merged if e.place is not None and e.place.name == "Wadi al-Midar"]
    assert len(wadi) == 1 and len(wadi[0].sources) == 2


def test_frame_has_acled_columns_and_provenance(seed_events):
    merged = merge_events([e for evs in seed_events.values() for e in evs])
    frame = events_frame(merged)
    assert set(ACLED_COLUMNS) <= set(frame.columns)
    assert frame.crs.to_epsg() == 4326
    located = frame[frame.geometry.notna()]
    assert (located.geometry.x == located.longitude).all()
    for row in frame.itertuples():
        sources = json.loads(row.sources)
        assert sources and all(s["article"] and s["sentence"] for s in sources)
        assert row.n_sources == len(sources)
    assert set(frame.time_precision) <= {1, 2, 3}
