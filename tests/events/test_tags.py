"""ACLED's ``tags`` column: every demonstration (Protests, Riots) records its crowd size as the
report gives it, or "crowd size=no report"; other events carry none. Sentences written for
this test, across theatres."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.merge import merge_events
from geo.events.table import events_frame
from geo.events.vocabulary import load_vocabulary
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _frame(gaz, actors, text: str, merged: bool = False):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    events = extract_events(article, gaz, actors)
    return events_frame(merge_events(events) if merged else events)


@pytest.mark.parametrize("text, event_type, tag", [
    ("Hundreds of teachers protested in Kano on Monday demanding unpaid salaries.",
     "Protests", "crowd size=hundreds"),
    ("About 200 people demonstrated outside the governor's office in Bukavu on Tuesday.",
     "Protests", "crowd size=about 200"),
    ("A crowd of several thousand marched through Mandalay on Friday against the junta.",
     "Protests", "crowd size=several thousand"),
    ("Some fifty women staged a sit-in outside parliament in Tripoli on Sunday.",
     "Protests", "crowd size=some fifty"),
    ("Rioters torched a police station in Goma on Saturday after a small crowd gathered.",
     "Riots", "crowd size=small"),
    ("Protesters blocked the main road in Khartoum on Sunday.", "Protests",
     "crowd size=no report"),
])
def test_a_demonstration_is_tagged_with_its_crowd_size(gaz, actors, text, event_type, tag):
    row = _frame(gaz, actors, text).iloc[0]
    assert row.event_type == event_type and row.tags == tag


@pytest.mark.parametrize("text", [
    "Fighters attacked an army post near Gao on Monday, killing three soldiers.",
    "Hundreds of soldiers shelled rebel positions near Kharkiv on Tuesday.",
])
def test_other_events_have_no_tag(gaz, actors, text):
    row = _frame(gaz, actors, text).iloc[0]
    assert row.event_type not in ("Protests", "Riots") and row.tags == ""


def test_a_merged_demonstration_takes_the_size_any_source_reports(gaz, actors):
    """Two sentences of one protest, the second giving the size: the merged event has it."""
    frame = _frame(gaz, actors, "Protesters rallied in Bamako on Friday against the junta. "
                                "About 3,000 protesters rallied in Bamako on Friday.",
                   merged=True)
    protests = frame[frame.event_type == "Protests"]
    assert len(protests) == 1 and protests.iloc[0].tags == "crowd size=about 3,000"


def test_the_crowd_size_rule_is_data():
    vocab = load_vocabulary()
    assert set(vocab.crowd_types) == {"Protests", "Riots"}
    assert vocab.crowd_tag("Battles", ["Hundreds of people fled."]) == ""
    assert vocab.crowd_tag("Riots", ["Nothing about size."]) == "crowd size=no report"
