"""Dates in news text, each with the period it stands for and its precision.

``find_dates`` finds explicit dates ("May 18", "18 May 2017", "2017-06-01", "June 2017",
"in 2016", "Sunday 04/06/2017") and, given the publication date as ``reference``, relative
ones ("on Monday", "last Saturday", "yesterday", "this week", "earlier this month", "three
days ago"). Expressions that need the date of another event ("the day before", "the next
day") and future ones ("next Monday", "later this week") are never resolved. Pure stdlib
regular expressions; the weekday and month names below are grammar, not data.
"""

from __future__ import annotations

import bisect
import calendar
import contextlib
import datetime as dt
import email.utils
import math
import re
from dataclasses import dataclass

from geo.errors import InputError

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
MONTHS |= {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
           "sept": 9, "oct": 10, "nov": 11, "dec": 12}
NUMBER_WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}
DAY = dt.timedelta(days=1)
_AHEAD = dt.timedelta(days=62)      # a year-less date this far past the reference: last year
_BEHIND = dt.timedelta(days=303)    # ... this far before it: next year (across New Year)
# rules of dates that carry their own year
EXPLICIT_RULES = frozenset({"explicit", "iso", "numeric", "numeric_day_first",
                            "numeric_month_first", "weekday_checked"})


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a text and the period it means (``first`` … ``last``)."""

    text: str
    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str      # "day" | "week" | "month" | "year"
    rule: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def acled_time_precision(self) -> int:
        """ACLED time_precision: 1 a day, 2 a week or a few days, 3 a month or longer."""
        if self.precision in ("month", "year") or self.days > 7:
            return 3
        return 1 if self.days == 1 else 2

    @property
    def ucdp_date_prec(self) -> int:
        """UCDP GED date_prec: 1 a day, 2 2-6 days, 3 a week, 4 a month, 5 a year or more."""
        if self.precision == "year" or self.days > 31:
            return 5
        if self.precision == "month" or self.days > 7:
            return 4
        return 1 if self.days == 1 else 2 if self.days < 7 else 3


_WD = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_PRE = rf"(?:{_WD},?\s+)?"
_MON = (r"(?P<mon>(?:January|February|March|April|May|June|July|August|September|October"
        r"|November|December)\b|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)")
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\b"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)\b"
_NUM = "one|two|three|four|five|six|seven|eight|nine|ten"
#: holidays on a fixed (month, day) of the Gregorian calendar
HOLIDAYS = {"new year's day": (1, 1), "new year's eve": (12, 31), "christmas day": (12, 25),
            "christmas eve": (12, 24)}
_PATTERNS = [(name, re.compile(rx)) for name, rx in [
    ("mdy", rf"\b{_WD_PRE}{_MON}\s+{_DAY}(?!:)(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    ("dmy", rf"\b{_WD_PRE}(?:the\s+)?{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    ("iso", rf"\b{_WD_PRE}(?P<year>\d{{4}})(?P<sep>[-/])(?P<a>\d\d)(?P=sep)(?P<b>\d\d)\b"),
    ("numeric", rf"\b{_WD_PRE}(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)"
                r"(?P<year>\d{4})\b(?![-/.]\d)"),
    # "between 20 and 24 October 2019", "12-13 January", "on 12 and 13 January 2023",
    # "October 20-24, 2019": the span of days
    ("day_range", rf"\b(?i:between\s+)?(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|\bto\b|\band\b)"
                  rf"\s*{_DAY}\s+(?:of\s+)?{_MON}(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    ("range_mdy", rf"\b{_MON}\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|\bto\b|\band\b)\s*"
                  rf"{_DAY}(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    # "the first week of April 2023", "the last week of March"
    ("week_of", rf"\b(?i:(?:the\s+)?(?P<nth>first|second|third|fourth|last|final)\s+week\s+of)"
                rf"\s+{_MON}(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    # "on New Year's Day 2023", "Christmas Eve": holidays on a fixed day of the calendar
    ("holiday", rf"\b(?P<hol>(?i:new\s+year[’']s\s+(?:day|eve)|christmas\s+(?:day|eve)))"
                rf"(?:,?\s+{_YEAR}(?![-/.]\d))?"),
    ("month_year", rf"\b{_MON},?\s+{_YEAR}(?![-/.]\d)"),
    ("month", rf"\b(?i:in\s+|during\s+|early\s+|late\s+|mid-?\s*){_MON}(?!\s*,?\s*\d)"),
    ("year", rf"\b(?i:in|during)\s+{_YEAR}(?![-/.,]\d|\s*[-–]\s*\d)"),
    ("weekday", rf"\b(?P<pre>(?i:on|last|this\s+past|past|this)\s+)?{_WD}\b"),
    ("future", rf"\b(?i:next|following|coming|every|each|that|this\s+coming)\s+{_WD}\b"
               r"|\b(?i:later\s+this\s+(?:week|month|year))"),
    ("phrase", r"\b(?i:the\s+day\s+before\s+yesterday|yesterday|last\s+night|today|tonight"
               r"|this\s+(?:morning|afternoon|evening)|(?:earlier\s+)?this\s+week|last\s+week"
               r"|(?:earlier\s+)?this\s+month|last\s+month|(?:earlier\s+)?this\s+year"
               r"|last\s+year|last\s+weekend)\b"),
    ("ago", rf"\b(?i:(?P<n>\d{{1,2}}|{_NUM}|a)\s+days?\s+ago)\b"),
]]


def find_dates(text: str, reference: dt.date | None, *,
               day_first: bool | None = None) -> list[DateMention]:
    """Date mentions of ``text``, sorted by start, none inside another. ``reference`` (the
    publication date) resolves relative dates and gives year-less dates their year; without it
    both are left out. Numeric dates whose day/month order is ambiguous ("04/06/2017") are kept
    only when a weekday beside them decides it, or when ``day_first`` says the order."""
    spans = []   # (start, end, mention or None): None blocks its span without a result
    for name, rx in _PATTERNS:
        for m in rx.finditer(text):
            if not _proper_noun(name, m, text):
                spans.append((m.start(), m.end(), _resolve(name, m, reference, day_first)))
    starts: list[int] = []      # the kept spans, longest first, sorted by start
    ends: list[int] = []
    kept = []
    for start, end, m in sorted(spans, key=lambda s: (s[0] - s[1], s[0])):
        i = bisect.bisect_right(starts, start)
        if (i and ends[i - 1] > start) or (i < len(starts) and starts[i] < end):
            continue
        starts.insert(i, start)
        ends.insert(i, end)
        kept.append(m)
    return sorted((m for m in kept if m is not None), key=lambda m: m.start)


def to_day(value) -> dt.date | None:
    """The one reader of a day in ``geo``: ``value`` (a date, a datetime or pandas Timestamp,
    an ISO ``YYYY-MM-DD`` string, possibly followed by a time) as a date; None for None, ""
    and NaN. Raises ValueError for anything else."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.datetime):              # pandas Timestamps too
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def parse_day(value, what: str = "date") -> dt.date | None:
    """:func:`to_day` for a value a user gave (an option, a form field): InputError, naming
    ``what``, instead of ValueError."""
    try:
        return to_day(value)
    except (TypeError, ValueError):
        raise InputError(f"bad {what} {str(value)[:40]!r}: use YYYY-MM-DD") from None


def iso_day(value) -> str | None:
    """:func:`to_day` as ISO text; None when ``value`` is missing or not a day."""
    try:
        day = to_day(value)
    except (TypeError, ValueError):
        return None
    return day.isoformat() if day else None


def parse_date(value: str) -> dt.date:
    """A metadata date: ISO ("2017-06-01", "2017-06-01T10:00:00Z"), RFC 2822
    ("Thu, 01 Jun 2017 10:00:00 GMT"), or one written-out full date ("1 June 2017",
    "June 1, 2017", "Sunday 04/06/2017"). Raises InputError("malformed date …") otherwise,
    including for numeric dates whose day/month order cannot be told."""
    s = str(value).strip()
    try:
        return dt.datetime.fromisoformat(s).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(s).date()
    except (TypeError, ValueError, IndexError):
        pass
    found = find_dates(s, None)
    if len(found) == 1 and found[0].text == s and found[0].precision == "day":
        return found[0].first
    hint = ("the day/month order is ambiguous; " if re.fullmatch(
        r"\w*,?\s*\d{1,2}[-/.]\d{1,2}[-/.]\d{4}", s) else "")
    raise InputError(f"malformed date {s!r} ({hint}use YYYY-MM-DD)")


def _proper_noun(name: str, m: re.Match, text: str) -> bool:
    """A bare weekday starting a name ("the Sunday Times") is not a date."""
    if name != "weekday" or m.group("pre"):
        return False
    nxt = re.match(r"\s+([A-Z][a-z]+)", text[m.end():])
    return bool(nxt) and nxt.group(1).lower() not in MONTHS


def _resolve(name: str, m: re.Match, ref: dt.date | None,
             day_first: bool | None) -> DateMention | None:
    g = m.groupdict()

    def mention(first: dt.date, last: dt.date, precision: str, rule: str) -> DateMention:
        return DateMention(m.group(0), m.start(), m.end(), first, last, precision, rule)

    try:
        if name in ("mdy", "dmy"):
            month, day = MONTHS[g["mon"].rstrip(".").lower()], int(g["day"])
            if g["year"]:
                d = dt.date(int(g["year"]), month, day)
                return mention(d, d, "day", "explicit")
            d = _year_for(month, day, ref)
            return mention(d, d, "day", "explicit_no_year") if d else None
        if name == "holiday":
            month, day = HOLIDAYS[" ".join(g["hol"].lower().replace("’", "'").split())]
            d = dt.date(int(g["year"]), month, day) if g["year"] else _year_for(month, day, ref)
            return mention(d, d, "day", "holiday") if d else None
        if name == "iso":
            d = dt.date(int(g["year"]), int(g["a"]), int(g["b"]))
            return mention(d, d, "day", "iso")
        if name == "numeric":
            return _numeric(g, day_first, mention)
        if name in ("day_range", "range_mdy", "week_of"):
            return _span(name, g, ref, mention)
        if name == "month_year":
            first = dt.date(int(g["year"]), MONTHS[g["mon"].rstrip(".").lower()], 1)
            return mention(first, _month_end(first), "month", "explicit")
        if name == "month":
            month = MONTHS[g["mon"].rstrip(".").lower()]
            first = _year_for(month, 1, ref) if ref else None
            return mention(first, _month_end(first), "month", "explicit_no_year") if first \
                else None
        if name == "year":
            year = int(g["year"])
            return mention(dt.date(year, 1, 1), dt.date(year, 12, 31), "year", "explicit")
    except ValueError:      # 31 June, month 13
        return None
    if ref is None or name == "future":
        return None
    if name == "weekday":
        wd = WEEKDAYS.index(g["wd"])
        pre = (g["pre"] or "").lower().split()
        last = "last" in pre or "past" in pre
        back = (ref.weekday() - wd) % 7 or (7 if last else 0)
        d = ref - back * DAY
        return mention(d, d, "day", "last_weekday" if last else "weekday")
    if name == "ago":
        n = g["n"].lower()
        d = ref - int(NUMBER_WORDS.get(n, n) if not n.isdigit() else n) * DAY
        return mention(d, d, "day", "days_ago")
    return _phrase(" ".join(m.group(0).lower().split()), ref, mention)


def _phrase(p: str, ref: dt.date, mention) -> DateMention:
    month1 = ref.replace(day=1)
    if p == "the day before yesterday":
        return mention(ref - 2 * DAY, ref - 2 * DAY, "day", "day_before_yesterday")
    if p in ("yesterday", "last night"):
        return mention(ref - DAY, ref - DAY, "day", p.replace(" ", "_"))
    if p.endswith("this week"):
        return mention(ref - 6 * DAY, ref, "week", "this_week")
    if p == "last week":                        # the Monday-Sunday week before ref's
        monday = ref - (ref.weekday() + 7) * DAY
        return mention(monday, monday + 6 * DAY, "week", "last_week")
    if p == "last weekend":
        sat = ref - ((ref.weekday() - 5) % 7 or 7) * DAY
        sat = sat if sat + DAY < ref else sat - 7 * DAY
        return mention(sat, sat + DAY, "week", "last_weekend")
    if p.endswith("this month"):
        return mention(month1, ref, "month", p.replace(" ", "_"))
    if p == "last month":
        end = month1 - DAY
        return mention(end.replace(day=1), end, "month", "last_month")
    if p.endswith("this year"):
        return mention(ref.replace(month=1, day=1), ref, "year", p.replace(" ", "_"))
    if p == "last year":
        return mention(dt.date(ref.year - 1, 1, 1), dt.date(ref.year - 1, 12, 31), "year",
                       "last_year")
    return mention(ref, ref, "day", "today")    # today, tonight, this morning/afternoon/evening


#: the days of "the <nth> week of <month>" (the last runs to the month's end)
_WEEK_OF = {"first": (1, 7), "second": (8, 14), "third": (15, 21), "fourth": (22, 28),
            "last": (-7, 0), "final": (-7, 0)}


def _span(name: str, g: dict, ref: dt.date | None, mention) -> DateMention | None:
    """A span of days of one month ("between 20 and 24 October 2019", "the first week of
    April"); the month's year from the text, else the one before ``ref``. None when the
    year is unknown or the span is reversed. Precision "week" up to seven days, else
    "month"."""
    month = MONTHS[g["mon"].rstrip(".").lower()]
    if g.get("year"):
        year = int(g["year"])
    elif ref is not None and (d := _year_for(month, 1, ref)) is not None:
        year = d.year
    else:
        return None
    end = _month_end(dt.date(year, month, 1)).day
    if name == "week_of":
        lo, hi = _WEEK_OF[g["nth"].lower()]
        lo, hi = (end + lo + 1, end) if lo < 0 else (lo, min(hi, end))
    else:
        lo, hi = int(g["d1"]), int(g["day"])
    if not 1 <= lo < hi <= end:
        return None
    first, last = dt.date(year, month, lo), dt.date(year, month, hi)
    return mention(first, last, "week" if hi - lo < 7 else "month", name)


def _numeric(g: dict, day_first: bool | None, mention) -> DateMention | None:
    """dd/mm/yyyy or mm/dd/yyyy: the reading that is a valid date (and, with a weekday beside
    it, falls on that weekday); an ambiguous one only as ``day_first`` says."""
    a, b, year = int(g["a"]), int(g["b"]), int(g["year"])
    readings = {}
    for order, (day, month) in (("dmy", (a, b)), ("mdy", (b, a))):
        with contextlib.suppress(ValueError):
            readings[order] = dt.date(year, month, day)
    if g["wd"]:
        fits = {d for d in readings.values() if d.weekday() == WEEKDAYS.index(g["wd"])}
        if len(fits) == 1:
            d = fits.pop()
            return mention(d, d, "day", "weekday_checked")
        if not fits:
            return None
    dates = set(readings.values())
    if len(dates) == 1:
        d = dates.pop()
        return mention(d, d, "day", "numeric")
    if len(dates) == 2 and day_first is not None:
        d = readings["dmy" if day_first else "mdy"]
        return mention(d, d, "day", "numeric_day_first" if day_first else "numeric_month_first")
    return None


def _year_for(month: int, day: int, ref: dt.date | None) -> dt.date | None:
    """The year-less date nearest the reference: the reference year, the one before when that
    would be more than ~2 months after it, the one after when ~10 months before."""
    if ref is None:
        return None
    d = dt.date(ref.year, month, day) if (month, day) != (2, 29) else None
    if d is None:   # 29 February: the nearest leap year on or before the reference
        year = ref.year
        while not calendar.isleap(year) or dt.date(year, 2, 29) > ref + _AHEAD:
            year -= 1
        return dt.date(year, 2, 29)
    if d > ref + _AHEAD:
        return d.replace(year=ref.year - 1)
    if d < ref - _BEHIND:
        return d.replace(year=ref.year + 1)
    return d


def _month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


RELATIVE_RULES = frozenset({"weekday", "last_weekday", "days_ago", "day_before_yesterday",
                            "yesterday", "last_night", "this_week", "last_week", "last_weekend",
                            "earlier_this_month", "this_month", "last_month",
                            "earlier_this_year", "this_year", "last_year", "today",
                            "explicit_no_year"})


def find_dates_in_window(text: str, first: dt.date, last: dt.date, *,
                         day_first: bool | None = None) -> list[DateMention]:
    """Date mentions of a text published on an unknown day between ``first`` and ``last``:
    a relative date ("on Monday", "yesterday") stands for every day it could mean across the
    window (resolved against both ends, which bound it because resolution is monotonic in the
    reference), with the precision that span allows ("day" when both ends agree); the rule
    gets the suffix ``@window``. With ``first == last`` this is ``find_dates``."""
    early = find_dates(text, first, day_first=day_first)
    if first == last:
        return early
    late = {(m.start, m.end): m for m in find_dates(text, last, day_first=day_first)}
    out = []
    for m in early:
        other = late.get((m.start, m.end))
        if other is None or m.rule not in RELATIVE_RULES:
            out.append(m)
            continue
        lo, hi = min(m.first, other.first), max(m.last, other.last)
        if (lo, hi) == (m.first, m.last):
            out.append(m)
            continue
        span = (hi - lo).days + 1
        precision = m.precision if m.precision in ("month", "year") else \
            "day" if span == 1 else "week" if span <= 7 else "month"
        out.append(DateMention(m.text, m.start, m.end, lo, hi, precision, f"{m.rule}@window"))
    return out


_OFFSET_NUM = rf"(?P<n>\d{{1,2}}|{_NUM}|a)"
_OFFSETS = re.compile(
    rf"\b(?i:(?P<next>the\s+(?:next|following)\s+day|the\s+day\s+after|a\s+day\s+later"
    rf"|{_OFFSET_NUM}\s+days?\s+later)|(?P<prev>the\s+(?:previous|preceding)\s+day"
    rf"|the\s+day\s+before(?!\s+yesterday)|a\s+day\s+(?:earlier|before)))\b")


@dataclass(frozen=True, slots=True)
class DayOffset:
    """An expression dating something from another event's day: "the next day" (+1),
    "two days later" (+2), "the day before" (-1)."""

    text: str
    start: int
    end: int
    days: int


def find_day_offsets(text: str) -> list[DayOffset]:
    """Expressions that date relative to an earlier-told event ("the next day"), which
    ``find_dates`` leaves out; the caller supplies the day they count from."""
    out = []
    for m in _OFFSETS.finditer(text):
        if m.group("next"):
            n = (m.group("n") or "1").lower()
            days = int(n) if n.isdigit() else NUMBER_WORDS.get(n, 1)
        else:
            days = -1
        out.append(DayOffset(m.group(0), m.start(), m.end(), days))
    return out
