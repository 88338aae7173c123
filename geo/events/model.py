"""The ``Event`` record: one event told by one sentence of one article, or (after merging)
by several. Coordinates are (lat, lon) degrees; distances km."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from gazetteer.precision import Precision
from gazetteer.types import Place

#: modalities of what is said rather than done (Strategic developments)
SPEECH = ("planned", "statement")


@dataclass
class Event:
    """One event told by one sentence of one article (before merging across articles)."""

    event_id: str
    article_id: str
    article_title: str
    article_source: str
    article_url: str
    published: date | None
    sentence: str
    sentence_start: int
    trigger: str
    rule: str
    event_type: str
    sub_event_type: str
    control: str | None
    modality: str                       # "asserted" | "planned" | "statement" | "situation"
    actor1: object | None = None        # geo.actors.Actor
    actor2: object | None = None
    assoc_actor_1: tuple = ()
    assoc_actor_2: tuple = ()
    claimed_by: str | None = None
    place: Place | None = None
    location_text: str = ""
    lat: float | None = None
    lon: float | None = None
    approximate: bool = False
    uncertainty_km: float | None = None
    precision: Precision | None = None
    first_date: date | None = None
    last_date: date | None = None
    date_precision: str = "week"
    date_source: str = ""
    fatalities: int | None = None
    sources: list[dict] = field(default_factory=list)   # filled by merge
    disagreements: list[str] = field(default_factory=list)
    family: str = ""                    # the rule's merge family
    claimant: object | None = None      # the speaker's actor (geo.actors.Actor)
    claimant_person: str | None = None  # the speaker's name when a person is named
    actor1_text: str = ""               # how actor1 was found: the mention, or "they" …
    sentence_index: int = -1            # the sentence's number in the article
    #: ISO alpha-2 of where it happened: its place's country, else (unlocated) the
    #: article's country when the text tells it (``geo.events.extract.article_country``)
    country: str = ""


def coded_date(ev: Event) -> date | None:
    """ACLED's ``event_date`` for the event's window (``first_date`` .. ``last_date``): the
    day itself; a span of days the text gives ("between 20 and 24 October", "last week"),
    its middle day (the first of the two middle days of an even span; the Thursday of a
    Monday-Sunday week); a month, its 15th (at most its last day known); a window taken
    from the article's date (the text gives none), the article's date (``last_date``)."""
    first, last = ev.first_date, ev.last_date
    if first is None or last is None or first >= last or \
            not ev.date_source.startswith("text") or ev.date_precision == "year":
        return last
    if ev.date_precision == "month" and first.day == 1:
        return min(first.replace(day=15), last)
    return first + timedelta(days=((last - first).days) // 2)


def event_country(ev: Event) -> str:
    """ISO alpha-2 of where ``ev`` happened: its place's country, else its ``country``."""
    return ev.place.country_code if ev.place is not None else ev.country


def copy_event(ev: Event, **changes) -> Event:
    """A copy of ``ev`` (its lists copied too) with ``changes``."""
    return replace(ev, sources=list(ev.sources), disagreements=list(ev.disagreements),
                   **changes)
