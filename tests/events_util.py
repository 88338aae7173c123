"""Helpers for the event tests: one dated article from sentences, through the extractor."""

from __future__ import annotations

from geo.events.extract import extract_events
from geo.text.articles import article_from_text


def events_in(gaz, actors, text: str, day: str) -> list:
    """The events ``extract_events`` finds in ``text`` as an article published on ``day``
    (ISO date), the article's main event first."""
    article = article_from_text(f"Date: {day}\n\n{text}", "x", path="x.txt")
    return extract_events(article, gaz, actors)


def actor_names(ev) -> tuple[str | None, str | None]:
    """(actor 1, actor 2) names of ``ev``, None for a missing actor."""
    return (getattr(ev.actor1, "name", None), getattr(ev.actor2, "name", None))
