"""What an article has told so far, for the sentences that refer back to it: the last named
subject ("They liberated …", "The group …"), the last speaker ("the official said"), the last
place ("inside the city"), the last dated event ("the next day") and the last border named
("reached the border"). Each reference reaches back a few sentences only."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

SUBJECT_BACK = 2        # sentences a pronoun subject may reach back
SPEAKER_BACK = 3
PLACE_BACK = 3
DAY_BACK = 3
_BORDER_AFTER = re.compile(r"^(?:\s*[-–]\s*[\w’'-]+)?\s+(?:side\s+of\s+the\s+)?borders?\b",
                           re.IGNORECASE)
_BORDER_BEFORE = re.compile(r"\bborders?\s+(?:with|of)\s+(?:the\s+)?$", re.IGNORECASE)
_TOWN_KINDS = frozenset({"city", "town", "village", "camp", "base", "crossing",
                         "border crossing"})


class Discourse:
    """Discourse state of one article, updated sentence by sentence (``observe``)."""

    def __init__(self, vocab, actors, seat_of=None):
        self.vocab = vocab
        self.actors = actors
        self._subject: tuple[int, object] | None = None
        self._speaker: tuple[int, tuple] | None = None
        self._event_place: tuple[int, object] | None = None   # last event with a place
        self._town: tuple[int, object] | None = None          # last town-like place named
        self._day: tuple[int, date] | None = None
        self.border = None                                     # gazetteer Place
        #: the seat of a first-order division (gazetteer ``division_seat``), when known
        self.seat_of = seat_of
        self._countries: Counter = Counter()
        self._located: dict[str, object] = {}                  # place id -> located Place

    def count_places(self, mentions) -> None:
        """Take in the article's place mentions (for ``countries``)."""
        self._countries.update(m.place.country_code for m in mentions
                               if m.place.country_code)
        for m in mentions:
            p = m.place
            if p.located and not p.feature_code.startswith("PCL") and p.country_code:
                self._located.setdefault(p.id, p)

    def located_in(self, cc: str) -> list:
        """The located places (not countries) the article names in country ``cc``, in the
        order first named."""
        return [p for p in self._located.values() if p.country_code == cc]

    def countries(self) -> list[str]:
        """The article's countries, most often named first (places in them count)."""
        return [cc for cc, _ in self._countries.most_common()]

    def subject(self, index: int):
        """The actor a pronoun subject in sentence ``index`` stands for, or None."""
        return _recent(self._subject, index, SUBJECT_BACK)

    def speaker(self, index: int):
        """(claimed_by, actor, person) of the last speaker, or None."""
        return _recent(self._speaker, index, SPEAKER_BACK)

    def day(self, index: int) -> date | None:
        """The day of the last event dated to the day by its text, or None."""
        return _recent(self._day, index, DAY_BACK)

    def place(self, index: int, kind: str):
        """(place, lat, lon, precision, approximate, uncertainty) for "the <kind>": the last
        event's place, or for a town-like kind the last town named; None when too far back."""
        ev = _recent(self._event_place, index, PLACE_BACK)
        town = _recent(self._town, index, PLACE_BACK)
        if ev is not None and (kind not in _TOWN_KINDS
                               or ev.place.feature_class in ("P", "S")):
            return (ev.place, ev.lat, ev.lon, ev.precision, ev.approximate, ev.uncertainty_km)
        if town is not None and kind in _TOWN_KINDS:
            return (town, town.lat, town.lon, town.precision, False, None)
        return None

    def observe(self, sent, speakers: list, events: list) -> None:
        """Take in sentence ``sent`` (see ``geo.events.extract``), its speaker mentions and
        events."""
        n, text, s = sent.index, sent.text, sent.start
        doer = next((e.actor1 for e in events if e.actor1 is not None), None)
        if doer is None:
            backing = self.actors.words("backing_words")
            for a in sent.actors:
                m = re.match(r"\s*[-‐–]\s*(\w+)", text[a.end - s:a.end - s + 20])
                if not (m and m.group(1).lower() in backing):
                    doer = a.actor
                    break
        if doer is not None:
            self._subject = (n, doer)
        claim = next(((e.claimed_by, e.claimant, e.claimant_person) for e in events
                      if e.claimant is not None), None)
        if claim is None and speakers:
            sp = speakers[0]
            claim = (sp.person or sp.actor.name, sp.actor, sp.person)
        if claim is not None:
            self._speaker = (n, claim)
        for e in events:
            if e.place is not None:
                self._event_place = (n, e)
            if e.date_precision == "day" and e.date_source.startswith("text") and e.first_date:
                self._day = (n, e.first_date)
        for m in sent.places:
            p = m.place
            if p.feature_class in ("P", "S"):
                self._town = (n, p)
            if p.feature_code.startswith("PCL") and (
                    _BORDER_AFTER.match(text[m.end - s:m.end - s + 40])
                    or _BORDER_BEFORE.search(text[max(0, m.start - s - 30):m.start - s])):
                self.border = p


def _recent(item, index: int, back: int):
    if item is None or index - item[0] > back:
        return None
    return item[1]
