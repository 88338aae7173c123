"""Date mentions: explicit and relative rules, precision codes, offsets, metadata dates."""

from __future__ import annotations

from datetime import date

import pytest

from geo.errors import InputError
from geo.text.dates import find_dates, find_dates_in_window, find_day_offsets, parse_date

THU = date(2017, 6, 1)      # a Thursday
SUN = date(2017, 6, 4)      # a Sunday


def only(text: str, reference: date | None, **kw):
    found = find_dates(text, reference, **kw)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(("text", "reference", "first", "last", "precision", "rule"), [
    ("He said on Monday that", THU, date(2017, 5, 29), None, "day", "weekday"),
    ("He said on Monday that", SUN, date(2017, 5, 29), None, "day", "weekday"),
    ("He said on Thursday that", THU, THU, None, "day", "weekday"),
    ("They met Wednesday.", THU, date(2017, 5, 31), None, "day", "weekday"),
    ("Last Saturday, the paper reported", THU, date(2017, 5, 27), None, "day", "last_weekday"),
    ("last Saturday", date(2017, 6, 3), date(2017, 5, 27), None, "day", "last_weekday"),
    ("this past Sunday", SUN, date(2017, 5, 28), None, "day", "last_weekday"),
    ("fighting yesterday", THU, date(2017, 5, 31), None, "day", "yesterday"),
    ("fighting last night", THU, date(2017, 5, 31), None, "day", "last_night"),
    ("the day before yesterday", THU, date(2017, 5, 30), None, "day", "day_before_yesterday"),
    ("clashes today", THU, THU, None, "day", "today"),
    ("Clashes this morning", THU, THU, None, "day", "today"),
    ("three days ago", THU, date(2017, 5, 29), None, "day", "days_ago"),
    ("2 days ago", THU, date(2017, 5, 30), None, "day", "days_ago"),
    ("this week pushed", THU, date(2017, 5, 26), THU, "week", "this_week"),
    # the Monday-Sunday week before the reference's (ACLED: coded to its Thursday)
    ("last week", THU, date(2017, 5, 22), date(2017, 5, 28), "week", "last_week"),
    ("last weekend", THU, date(2017, 5, 27), date(2017, 5, 28), "week", "last_weekend"),
    ("bombed earlier this month", SUN, THU, SUN, "month", "earlier_this_month"),
    ("last month", THU, date(2017, 5, 1), date(2017, 5, 31), "month", "last_month"),
    ("last year", THU, date(2016, 1, 1), date(2016, 12, 31), "year", "last_year"),
])
def test_relative(text, reference, first, last, precision, rule):
    m = only(text, reference)
    assert (m.first, m.last, m.precision, m.rule) == (first, last or first, precision, rule)


@pytest.mark.parametrize("text", [
    "the day before", "The next day, he spoke", "next Monday", "every Friday",
    "later this week", "the Sunday Times said", "most people may 18 times",
])
def test_not_resolved(text):
    assert find_dates(text, THU) == []


@pytest.mark.parametrize("text", ["on Monday", "yesterday", "this week", "May 18", "in May"])
def test_relative_and_yearless_need_a_reference(text):
    assert find_dates(text, None) == []


@pytest.mark.parametrize(("text", "reference", "first", "last", "precision"), [
    ("On May 18, a US airstrike", THU, date(2017, 5, 18), None, "day"),
    ("on May 29.", THU, date(2017, 5, 29), None, "day"),
    ("on 18 May the", THU, date(2017, 5, 18), None, "day"),
    ("on the 18th of May", THU, date(2017, 5, 18), None, "day"),
    ("May 18, 2016 was", THU, date(2016, 5, 18), None, "day"),
    ("18 May 2016", None, date(2016, 5, 18), None, "day"),
    ("Sept. 3, 2015", None, date(2015, 9, 3), None, "day"),
    ("on 2017-06-01", None, THU, None, "day"),
    ("in June 2017", None, THU, date(2017, 6, 30), "month"),
    ("in 2016 the", None, date(2016, 1, 1), date(2016, 12, 31), "year"),
    ("in May the", THU, date(2017, 5, 1), date(2017, 5, 31), "month"),
    ("Monday, May 29", THU, date(2017, 5, 29), None, "day"),
    # a year-less date more than ~2 months after the reference is last year's
    ("on September 3", THU, date(2016, 9, 3), None, "day"),
    ("on July 20", THU, date(2017, 7, 20), None, "day"),
    # across New Year, both ways
    ("on December 30", date(2018, 1, 3), date(2017, 12, 30), None, "day"),
    ("on January 2", date(2017, 12, 30), date(2018, 1, 2), None, "day"),
    ("in December", date(2018, 1, 3), date(2017, 12, 1), date(2017, 12, 31), "month"),
    # spans of days within one month
    ("between 3 and 6 March 2021", None, date(2021, 3, 3), date(2021, 3, 6), "week"),
    ("on 17 and 18 August 2019", None, date(2019, 8, 17), date(2019, 8, 18), "week"),
    ("from 2-4 May", THU, date(2017, 5, 2), date(2017, 5, 4), "week"),
    ("August 9-11, 2014", None, date(2014, 8, 9), date(2014, 8, 11), "week"),
    ("between 1 and 20 May 2016", None, date(2016, 5, 1), date(2016, 5, 20), "month"),
    ("in the second week of May 2016", None, date(2016, 5, 8), date(2016, 5, 14), "week"),
    ("during the last week of February 2020", None, date(2020, 2, 23), date(2020, 2, 29),
     "week"),
    ("the first week of May", THU, date(2017, 5, 1), date(2017, 5, 7), "week"),
    # holidays on a fixed day, with a year or the nearest one
    ("just after midnight on New Year's Day 2020", None, date(2020, 1, 1), None, "day"),
    ("on Christmas Eve the", date(2019, 1, 2), date(2018, 12, 24), None, "day"),
    ("late on New Year’s Eve", date(2020, 12, 31), date(2020, 12, 31), None, "day"),
])
def test_explicit(text, reference, first, last, precision):
    m = only(text, reference)
    assert (m.first, m.last, m.precision) == (first, last or first, precision)


@pytest.mark.parametrize(("text", "day_first", "expected", "rule"), [
    ("Sunday 04/06/2017", None, SUN, "weekday_checked"),       # not Thursday 6 April
    ("Thursday 04/06/2017", None, date(2017, 4, 6), "weekday_checked"),
    ("04/06/2017", None, None, None),                          # ambiguous: ignored
    ("04/06/2017", True, SUN, "numeric_day_first"),
    ("04/06/2017", False, date(2017, 4, 6), "numeric_month_first"),
    ("13/06/2017", None, date(2017, 6, 13), "numeric"),
    ("06/13/2017", None, date(2017, 6, 13), "numeric"),
    ("Monday 04/06/2017", None, None, None),                   # the weekday fits neither
])
def test_numeric(text, day_first, expected, rule):
    found = find_dates(text, None, day_first=day_first)
    assert [(m.first, m.rule) for m in found] == ([(expected, rule)] if expected else [])


@pytest.mark.parametrize(("text", "reference", "acled", "ucdp"), [
    ("May 18, 2017", None, 1, 1),
    ("last weekend", THU, 2, 2),
    ("this week", THU, 2, 3),
    ("last month", THU, 3, 4),
    ("June 2017", None, 3, 4),
    ("earlier this month", THU, 3, 4),
    ("in 2016", None, 3, 5),
])
def test_precision_codes(text, reference, acled, ucdp):
    m = only(text, reference)
    assert (m.acled_time_precision, m.ucdp_date_prec) == (acled, ucdp)


def test_offsets_match_the_surface_and_are_sorted(seed_texts):
    for name, text in seed_texts.items():
        found = find_dates(text, THU)
        assert found, name
        for m in found:
            assert text[m.start:m.end] == m.text
        assert [m.start for m in found] == sorted(m.start for m in found)
        assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))


def test_no_mention_inside_a_longer_one():
    text = "On Monday, May 29, and Sunday 04/06/2017 and the day before yesterday"
    assert [m.text for m in find_dates(text, THU)] == [
        "Monday, May 29", "Sunday 04/06/2017", "the day before yesterday"]


def test_seed_003_relative_dates(seed_texts):
    text = seed_texts["003_5f672df0e83d452c.txt"]
    got = {(m.text, m.first) for m in find_dates(text, THU)}
    assert {("yesterday", date(2017, 5, 31)), ("Last Saturday", date(2017, 5, 27)),
            ("in 2015", date(2015, 1, 1))} <= got
    assert not any("next day" in m.text for m in find_dates(text, THU))


@pytest.mark.parametrize("text", ["", "No dates here at all.", "88,733 fighters in 12 towns",
                                  "The Mayor of Mosul met the March organisers."])
def test_no_dates(text):
    assert find_dates(text, THU) == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2017-06-01", THU), (" 2017-06-01 ", THU), ("2017-06-01T23:10:00Z", THU),
    ("2017-06-01T10:00:00+03:00", THU), ("Thu, 01 Jun 2017 10:00:00 GMT", THU),
    ("1 June 2017", THU), ("June 1, 2017", THU), ("Sunday 04/06/2017", SUN),
    ("13/06/2017", date(2017, 6, 13)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2017-13-01", "2017-02-30", "June 2017",
                                   "04/06/2017", "1 June", "soon after 1 June 2017"])
def test_parse_date_rejects(value):
    with pytest.raises(InputError, match="malformed date"):
        parse_date(value)


# -- an undated article: relative dates across its inferred window ---------------------------

@pytest.mark.parametrize(("text", "first", "last", "precision", "rule"), [
    ("reached the border on Monday", date(2017, 5, 29), None, "day", "weekday"),
    ("pushed south yesterday", date(2017, 5, 31), date(2017, 6, 3), "week", "yesterday@window"),
    ("Last Saturday, the paper", date(2017, 5, 27), date(2017, 6, 3), "month",
     "last_weekday@window"),
    ("bombed earlier this month", THU, SUN, "month", "earlier_this_month@window"),
    ("On May 18, a strike", date(2017, 5, 18), None, "day", "explicit_no_year"),
    ("in 2015", date(2015, 1, 1), date(2015, 12, 31), "year", "explicit"),
])
def test_window_resolution(text, first, last, precision, rule):
    (m,) = find_dates_in_window(text, THU, SUN)
    assert (m.first, m.last, m.precision, m.rule) == (first, last or first, precision, rule)


def test_window_of_one_day_is_find_dates():
    text = "On Monday and yesterday, this week"
    assert find_dates_in_window(text, THU, THU) == find_dates(text, THU)


@pytest.mark.parametrize(("text", "days"), [
    ("The next day, he said", 1), ("the following day", 1), ("a day later", 1),
    ("two days later", 2), ("3 days later", 3), ("the day before, they", -1),
    ("the previous day", -1),
])
def test_day_offsets(text, days):
    (m,) = find_day_offsets(text)
    assert m.days == days and text[m.start:m.end] == m.text


@pytest.mark.parametrize("text", ["the day before yesterday", "next day delivery",
                                  "every day", "days later"])
def test_no_day_offsets(text):
    assert find_day_offsets(text) == []
