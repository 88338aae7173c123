"""An event the text locates only in a province is coded at the province's seat, as ACLED
codes it (geo_precision 3), the province staying its place. Sentences written for this
test, across theatres."""

from __future__ import annotations

import pytest

from gazetteer.rank import km
from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.table import events_frame
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize("text, seat, point", [
    ("Soldiers raped two women during raids on villages in Sagaing Region last month.",
     "Monywa", (22.1086, 95.1358)),
    ("Militants attacked a convoy in Diyala province on Tuesday.", "Baqubah",
     (33.7466, 44.6437)),
    ("Taliban fighters clashed with police in Uruzgan province on Monday.", "Tarinkot",
     (32.6268, 65.8833)),
    ("Bandits abducted ten farmers in Zamfara state on Sunday.", "Gusau", (12.1704, 6.6641)),
])
def test_a_province_alone_is_coded_at_its_seat(gaz, actors, text, seat, point):
    article = article_from_text(f"Date: 2021-06-10\n\n{text}", "x", path="x.txt")
    row = events_frame(extract_events(article, gaz, actors)).iloc[0]
    assert row.geo_precision == 3
    assert km((row.latitude, row.longitude), point) < 10
    assert seat in row.located_as


def test_a_town_named_in_the_province_is_the_place(gaz, actors):
    article = article_from_text("Date: 2021-06-10\n\nMilitants attacked a convoy near "
                                "Muqdadiyah in Diyala province on Tuesday.", "x", path="x.txt")
    row = events_frame(extract_events(article, gaz, actors)).iloc[0]
    assert row.location.startswith("Al Miqd") or row.location.startswith("Muqdad")
    assert row.geo_precision in (1, 2)


def test_every_seat_is_a_town_of_its_country_in_the_index(gaz):
    """division_seats.csv: each row's town is a GeoNames town of the division's country."""
    import csv

    from gazetteer.datafiles import data_path

    with (data_path() / "division_seats.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) > 500
    for r in rows:
        town = gaz.index.place(f"geonames:{r['seat_geonameid']}")
        assert town is not None and town.feature_class == "P", r
        assert town.country_code == r["country_code"], r
