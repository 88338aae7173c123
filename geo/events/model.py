"""The ``Event`` record: one event told by one sentence of one article, or (after merging)
by several. Coordinates are (lat, lon) degrees; distances km."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

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


def event_country(ev: Event) -> str:
    """ISO alpha-2 of where ``ev`` happened: its place's country, else its ``country``."""
    return ev.place.country_code if ev.place is not None else ev.country


def copy_event(ev: Event, **changes) -> Event:
    """A copy of ``ev`` (its lists copied too) with ``changes``."""
    return replace(ev, sources=list(ev.sources), disagreements=list(ev.disagreements),
                   **changes)
