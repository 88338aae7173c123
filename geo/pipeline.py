"""Articles → merged events, the one function the CLI, the dashboard and the store call."""

from __future__ import annotations

from collections.abc import Iterable

from .events import Event, extract_events
from .merge import merge_events


def article_events(articles: Iterable, gazetteer=None, actors=None) -> list[Event]:
    """Events of every article (``geo.articles.Article``), merged across articles."""
    if gazetteer is None:
        from gazetteer import default_gazetteer

        gazetteer = default_gazetteer()
    if actors is None:
        from .actors import load_actors

        actors = load_actors()
    events: list[Event] = []
    for article in articles:
        events += extract_events(article, gazetteer, actors)
    return merge_events(events)
