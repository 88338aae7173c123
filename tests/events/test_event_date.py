"""ACLED's event_date for what the text says of when: the day; the middle day of a span of
days (the Thursday of "last week"); the 15th of a month; the article's date when the text
gives none. The window (first_date .. last_date) stays for the map's time filter. Sentences
written for this test."""

from __future__ import annotations

import pytest

from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.table import events_frame
from geo.text.articles import article_from_text


@pytest.fixture(scope="module")
def actors():
    return load_actors()


@pytest.mark.parametrize("text, published, event_date, precision, window", [
    ("Militants attacked soldiers near Dori between 3 and 6 March 2021.", "2021-03-09",
     "2021-03-04", 2, ("2021-03-03", "2021-03-06")),
    ("Gunmen abducted two teachers near Kaduna on 17 and 18 August 2019.", "2019-08-20",
     "2019-08-17", 2, ("2019-08-17", "2019-08-18")),
    ("Soldiers raped three women in villages near Lashio in May 2022, a rights group said.",
     "2022-06-20", "2022-05-15", 3, ("2022-05-01", "2022-05-31")),
    # published on a Wednesday: last week is Monday 5 to Sunday 11 September
    ("Rebels attacked an army post near Rutshuru last week, residents said.", "2022-09-14",
     "2022-09-08", 2, ("2022-09-05", "2022-09-11")),
    ("Troops clashed with militants near Gao in the first week of April 2023.", "2023-04-20",
     "2023-04-04", 2, ("2023-04-01", "2023-04-07")),
    ("Militants shelled Kharkiv on Tuesday.", "2022-05-06", "2022-05-03", 1,
     ("2022-05-03", "2022-05-03")),
    # no date in the text: the article's own date, the week before it as the window
    ("Militants shelled Kharkiv, officials said.", "2022-05-06", "2022-05-06", 2,
     ("2022-04-30", "2022-05-06")),
])
def test_event_date_is_coded_as_acled_codes_it(gaz, actors, text, published, event_date,
                                               precision, window):
    article = article_from_text(f"Date: {published}\n\n{text}", "x", path="x.txt")
    row = events_frame(extract_events(article, gaz, actors)).iloc[0]
    assert (row.event_date, row.time_precision) == (event_date, precision)
    assert (row.first_date, row.last_date) == window
