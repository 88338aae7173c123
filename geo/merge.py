"""The same event told by several articles (or sentences) merged into one, every source kept.

Two events are the same when they come from the same rule (so the same event type), have the
same modality and actor1 (and actor2 when both name one), lie at the same place or within
``SAME_PLACE_KM`` of each other (or both have none), and their date windows overlap (with a
day of tolerance). Groups are complete-linkage: an event joins a group only when it is the
same as every member, so events with missing fields cannot chain unrelated events together.
The merged event keeps the most precise location and date among its
members, lists every source (article and sentence) and flags where sources disagree (dates,
fatalities, places).
"""

from __future__ import annotations

from datetime import date, timedelta

from gazetteer.rank import km

from .events import Event

SAME_PLACE_KM = 25.0
_NEVER = date.max


def _actors(e: Event) -> set[str]:
    return {a.id for a in (e.actor1, e.actor2) if a is not None}


def same_event(a: Event, b: Event) -> bool:
    """Whether two extracted events describe the same happening (see module docstring)."""
    if a.event_type != b.event_type or a.rule != b.rule or a.modality != b.modality:
        return False
    if a.actor1 is None or b.actor1 is None or a.actor1.id != b.actor1.id:
        return False
    if a.actor2 is not None and b.actor2 is not None and a.actor2.id != b.actor2.id:
        return False
    if (a.place is None) != (b.place is None):
        return False
    if a.place is not None and b.place is not None and a.place.id != b.place.id and not (
            a.lat is not None and b.lat is not None
            and km((a.lat, a.lon), (b.lat, b.lon)) <= SAME_PLACE_KM):
        return False
    if a.first_date and b.first_date:
        day = timedelta(days=1)
        if a.first_date > b.last_date + day or b.first_date > a.last_date + day:
            return False
    return True


def _rank(e: Event) -> tuple:
    located = e.lat is not None
    prec = e.precision.acled if e.precision else 9
    span = (e.last_date - e.first_date).days if e.first_date and e.last_date else 999
    return (not located, e.approximate, prec, span, e.article_id, e.sentence_start)


def merge_events(events: list[Event]) -> list[Event]:
    """Groups of the same event (complete linkage), each as its most precise member with
    ``sources`` (one dict per member: article, title, source, url, published, sentence) and,
    in ``disagreements``, what the members disagree on."""
    groups: list[list[Event]] = []
    for ev in events:
        home = next((g for g in groups if all(same_event(ev, other) for other in g)), None)
        if home is None:
            groups.append([ev])
        else:
            home.append(ev)
    out = []
    for g in groups:
        best = min(g, key=_rank)
        best.sources = [{"article": e.article_id, "title": e.article_title,
                         "source": e.article_source, "url": e.article_url,
                         "published": e.published.isoformat() if e.published else None,
                         "sentence": e.sentence, "event_id": e.event_id}
                        for e in sorted(g, key=lambda e: (e.article_id, e.sentence_start))]
        best.disagreements = _disagreements(g)
        out.append(best)
    return sorted(out, key=lambda e: (e.first_date or e.published or _NEVER, e.event_id))


def _disagreements(g: list[Event]) -> list[str]:
    notes = []
    days = {e.first_date for e in g if e.date_precision == "day" and e.first_date}
    if len(days) > 1:
        notes.append("dates: " + ", ".join(sorted(d.isoformat() for d in days)))
    deaths = {e.fatalities for e in g if e.fatalities is not None}
    if len(deaths) > 1:
        notes.append("fatalities: " + ", ".join(str(n) for n in sorted(deaths)))
    places = {e.place.name for e in g if e.place is not None}
    if len(places) > 1:
        notes.append("places: " + ", ".join(sorted(places)))
    return notes

