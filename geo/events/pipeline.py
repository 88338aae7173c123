"""Articles → events: the one place where events are extracted from articles and merged
across them. The command line, the dashboard and the store's ingest all call it.

* :func:`extract` — one article's events before merging, in both variants: ``events`` (what
  happened) and ``control`` (also standing facts such as "X is held by Y", for the
  territorial-control layers). The second extraction runs only for an article that tells a
  standing fact: otherwise both give the same events.
* :func:`main_event` — the one event a short report is about (the first told as done).
* :func:`merge` — events of many articles (in article order) merged across them, as a frame
  (``geo.events.table.events_frame``).
* :func:`article_events` / :func:`control_events` — merged events of articles.
* :func:`corpus_events` — everything a map of articles needs: both variants merged and the
  place mentions, each text geoparsed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd

from gazetteer import default_gazetteer
from geo.actors import load_actors
from geo.events.extract import extract_events
from geo.events.merge import merge_events
from geo.events.model import Event
from geo.events.table import events_frame
from geo.events.vocabulary import Vocabulary, load_vocabulary
from geo.text.mentions import mentions_frame


@dataclass(frozen=True)
class ArticleEvents:
    """One article's events before merging: ``events`` and ``control`` (with standing
    facts); the same list when the article tells no standing fact."""

    events: list[Event]
    control: list[Event]

    @property
    def same(self) -> bool:
        """Whether both variants are the same events."""
        return self.events is self.control


class GeoparseMemo:
    """A gazetteer whose ``geoparse`` is remembered per text: extracting both variants and
    listing the place mentions geoparse each text once. Everything else is the gazetteer's.
    With ``actors``, a text is geoparsed with the countries of the theatre its named actors
    point to as its region (``ActorDictionary.theatre_countries``), as ``extract_events``
    does, so the map's place mentions and the events agree."""

    def __init__(self, gazetteer, actors=None):
        self._gaz = gazetteer
        self._actors = actors
        self._seen: dict[tuple, list] = {}

    def geoparse(self, text: str, region=None) -> list:
        if region is None and self._actors is not None:
            region = self._actors.theatre_countries(text)
        key = (text, frozenset(region or ()))
        hit = self._seen.get(key)
        if hit is None:
            hit = self._seen[key] = self._gaz.geoparse(text, region=region or None)
        return hit

    def __getattr__(self, name):
        return getattr(self._gaz, name)


def resources(gazetteer=None, actors=None, vocabulary: Vocabulary | None = None) -> tuple:
    """(gazetteer, actor dictionary, vocabulary): those given, the defaults for the rest."""
    return (default_gazetteer() if gazetteer is None else gazetteer,
            load_actors() if actors is None else actors,
            load_vocabulary() if vocabulary is None else vocabulary)


def extract(article, gazetteer, actors, vocabulary: Vocabulary | None = None
            ) -> ArticleEvents:
    """Both variants of one article's events (``geo.text.articles.Article``)."""
    control = extract_events(article, gazetteer, actors, vocabulary, situations=True)
    if any(e.modality == "situation" for e in control):
        # a standing fact can change what later sentences refer to: extract again without
        return ArticleEvents(extract_events(article, gazetteer, actors, vocabulary), control)
    return ArticleEvents(control, control)


def main_event(events: Sequence[Event]) -> Event | None:
    """The event a report is about, as a coder codes one event per report: the first event
    the text tells as done (modality "asserted"), else the first event; None when none."""
    if not events:
        return None
    return next((e for e in events if e.modality == "asserted"), events[0])


def merge(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """``events`` (of many articles, in article order) merged across articles, as a frame.
    The events given are not changed."""
    return events_frame(merge_events(list(events)))


def article_events(articles: Iterable, gazetteer=None, actors=None, *,
                   situations: bool = False) -> list[Event]:
    """Events of every article, merged across articles; ``situations`` keeps standing facts
    (the control layers' input)."""
    gazetteer, actors, vocabulary = resources(gazetteer, actors)
    events: list[Event] = []
    for article in articles:
        events += extract_events(article, gazetteer, actors, vocabulary, situations=situations)
    return merge_events(events)


def control_events(articles: Iterable, gazetteer=None, actors=None) -> list[Event]:
    """``article_events`` keeping standing facts ("X is held by Y", modality
    "situation"): the events the territorial-control layers read."""
    return article_events(articles, gazetteer, actors, situations=True)


@dataclass(frozen=True)
class CorpusEvents:
    """The events of a set of articles: ``raw``/``control_raw`` before merging (in article
    order), ``events``/``control`` merged (frames), ``mentions`` their place mentions
    (``geo.text.mentions.mentions_frame``)."""

    raw: tuple[Event, ...]
    control_raw: tuple[Event, ...]
    events: gpd.GeoDataFrame
    control: gpd.GeoDataFrame
    mentions: gpd.GeoDataFrame


def corpus_events(articles: Sequence, gazetteer=None, actors=None) -> CorpusEvents:
    """Both variants of the events of ``articles``, merged, and their place mentions."""
    gazetteer, actors, vocabulary = resources(gazetteer, actors)
    memo = GeoparseMemo(gazetteer, actors)
    raw: list[Event] = []
    control: list[Event] = []
    for article in articles:
        found = extract(article, memo, actors, vocabulary)
        raw += found.events
        control += found.control
    return CorpusEvents(tuple(raw), tuple(control), merge(raw), merge(control),
                        mentions_frame({a.id: a.text for a in articles}, memo))
