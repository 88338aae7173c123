"""An unlocated event's country, where the text leaves no doubt, with ACLED's country names
and numbering; none where it does not. Sentences written for this test, across theatres."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.table import events_frame
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def _unlocated(gaz, actors, text: str):
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    frame = events_frame(extract_events(article, gaz, actors))
    rows = frame[frame.location == ""]
    assert len(rows) == 1, frame[["event_type", "location"]]
    return rows.iloc[0]


@pytest.mark.parametrize("text, country, prefix", [
    # every place the article names lies in one country
    ("Fighting raged near Tal Afar on Monday. Later, militants attacked a checkpoint "
     "overnight.", "Iraq", "IRQ"),
    # no place at all: the one country the named armed group fights in
    ("Residents said M23 rebels seized a mining town on Friday.",
     "Democratic Republic of Congo", "COD"),            # ACLED's name, not Natural Earth's
    ("Al-Shabaab fighters attacked an army base overnight, Somali officials said.",
     "Somalia", "SOM"),
])
def test_an_unlocated_event_takes_the_country_the_text_leaves_no_doubt_about(
        gaz, actors, text, country, prefix):
    row = _unlocated(gaz, actors, text)
    assert row.country == country and row.event_id_cnty.startswith(prefix) and row.iso > 0


@pytest.mark.parametrize("text", [
    # a nationality says who, not where ("Ukrainian drones" may strike Russia)
    "Ukrainian drones struck an oil depot on Monday.",
    # an article across two countries: no guess
    "Clashes erupted in Mosul and in Raqqa on Monday. Later, militants attacked a checkpoint.",
])
def test_no_country_where_the_text_leaves_it_open(gaz, actors, text):
    row = _unlocated(gaz, actors, text)
    assert row.country == "" and row.event_id_cnty.startswith("XXX")
