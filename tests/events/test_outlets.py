"""ACLED's ``source_scale`` from the outlets data: the outlet's reach and home country against
the event's country, outlets combined as ACLED combines them, nothing for unknown outlets.
Outlets and sentences chosen for this test, across theatres."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.merge import merge_events
from geo.events.outlets import (
    SCALES,
    attributed_outlets,
    find_outlet,
    outlet_key,
    source_scale,
)
from geo.events.table import events_frame, regions_by_iso2
from geo.text.articles import article_from_text


def region(cc: str) -> str:
    return regions_by_iso2().get(cc, "")


@pytest.mark.parametrize("sources, country, scale", [
    (["Associated Press"], "ML", "International"),           # a wire, anywhere
    (["Premium Times"], "NG", "National"),                    # at home
    (["Premium Times"], "NE", "Regional"),                    # next door, same ACLED region
    (["Premium Times"], "UA", "International"),               # far away
    (["Radio Dabanga"], "SD", "Subnational"),                 # Darfur's radio, in Sudan
    (["Radio Dabanga", "Sudan Tribune"], "SD", "Subnational-National"),
    (["Ukrinform", "AFP"], "UA", "National-International"),
    (["Telegram"], "UA", "New media"),
    (["ACLED partner unknown", "Human Rights Watch"], "CD", "Other"),   # unknown: nothing
    (["Telegram", "Radio Okapi", "Reuters"], "CD", "New media-International"),
    (["Some Local Weekly"], "SO", ""),                        # not in the data: no scale
    (["Radio Okapi"], "", ""),                                # national, country unknown
])
def test_source_scale_follows_acled(sources, country, scale):
    assert source_scale(sources, country, region) == scale


@pytest.mark.parametrize("written, name", [
    ("the associated press", "Associated Press"),
    ("https://www.aljazeera.com/news/2023/3/1/story", "Al Jazeera"),
    ("  SANA ", "Syrian Arab News Agency"),
    ("K24", "Kurdistan24"),
])
def test_an_outlet_is_found_by_its_name_alias_or_address(written, name):
    found = find_outlet(written)
    assert found is not None and found.name.startswith(name)


def test_the_outlets_file_is_sourced_and_unambiguous():
    path = resources.files("geo.events") / "data" / "outlets.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 300
    seen: dict[str, str] = {}
    for r in rows:
        assert r["scale"] in ("international", "regional", "national", "subnational",
                              "new_media", "other"), r["name"]
        assert r["source"].startswith("https://"), r["name"]
        assert bool(r["area"]) == (r["scale"] == "subnational"), r["name"]
        assert r["country"] == "" or (len(r["country"]) == 2 and r["country"].isupper())
        for name in (r["name"], *filter(None, r["aliases"].split("|"))):
            assert seen.setdefault(outlet_key(name), r["name"]) == r["name"], name
    assert SCALES[0] == "Local partner" and SCALES[-1] == "International"


def _events(gaz, actors, source: str, text: str):
    article = article_from_text(f"Source: {source}\nDate: 2023-03-01\n\n{text}", source,
                                path="x.txt")
    return extract_events(article, gaz, actors)


@pytest.fixture(scope="module")
def actors():
    return load_actors()


def test_the_events_table_scales_each_event_by_its_outlets(gaz, actors):
    """One clash reported by a Somali outlet and a wire: merged, it is National-International;
    the Somali outlet's own report of an attack in Kenya is Regional."""
    clash = "Al-Shabaab fighters attacked an army base in Beledweyne on Monday."
    a = _events(gaz, actors, "Garowe Online", clash)
    b = _events(gaz, actors, "Reuters", clash)
    merged = events_frame(merge_events(a + b))
    assert list(merged.source_scale) == ["National-International"]
    abroad = events_frame(_events(gaz, actors, "Garowe Online",
                                  "Al-Shabaab fighters attacked a police post in Mandera on "
                                  "Monday."))
    assert list(abroad.country) == ["Kenya"] and list(abroad.source_scale) == ["Regional"]


@pytest.mark.parametrize("sentence, outlets", [
    ("Government forces retook the town on Wednesday, state news agency SANA reported.",
     ["Syrian Arab News Agency"]),
    ("Eleven soldiers were killed, according to the Syrian Observatory for Human Rights.",
     ["Syrian Observatory for Human Rights"]),
    ("A police spokesman told Reuters that five people died in Kano.", ["Reuters"]),
    ("Rudaw reported that Peshmerga forces repelled an attack near Makhmour.",
     ["Rudaw Media Network"]),
    # a word that is also an outlet's name, with no report attributed to it
    ("Fighters attacked at dawn near the Dawn village market.", []),
    ("Militants killed ten soldiers near Kidal.", []),
])
def test_an_outlet_the_sentence_names_as_its_source(sentence, outlets):
    assert attributed_outlets(sentence) == outlets


def test_the_metadata_s_outlet_comes_first_and_the_text_s_fills_in(gaz, actors):
    text = "Al-Shabaab fighters attacked a base in Beledweyne on Monday, a resident told " \
           "Garowe Online."
    assert list(events_frame(_events(gaz, actors, "Reuters", text)).source) == ["Reuters"]
    article = article_from_text(f"Date: 2023-03-01\n\n{text}", "x", path="x.txt")
    row = events_frame(extract_events(article, gaz, actors)).iloc[0]
    assert (row.source, row.source_scale) == ("Garowe Online", "National")
