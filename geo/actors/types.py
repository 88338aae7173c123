"""The actor dictionary's value types: blocs, actors, listed people and mentions in text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bloc:
    """An alignment in the conflict. ``hostile`` and ``allies`` are symmetric (see
    :meth:`ActorDictionary.hostile`)."""

    id: str
    name: str
    color: str
    hostile: frozenset[str]
    allies: frozenset[str] = frozenset()
    #: its members are not allies of each other ("Other or unidentified")
    unaligned: bool = False


@dataclass(frozen=True)
class Actor:
    """An armed or political actor. ``inter`` is the ACLED interaction code (1 state forces …
    8 external forces); ``parent`` an organisational parent actor id ("" for none); ``generic``
    the descriptive aliases ("the regime")."""

    id: str
    name: str
    aliases: tuple[str, ...]
    bloc: str
    inter: int
    country: str
    parent: str
    wikidata: str
    kind: str
    generic: tuple[str, ...] = ()
    #: theatre ids where it operates, its home theatre first ("global": every theatre)
    theatres: tuple[str, ...] = ()
    #: (theatre, bloc) pairs where its bloc differs from ``bloc`` (its home-theatre bloc)
    theatre_blocs: tuple[tuple[str, str], ...] = ()
    #: ACLED inter code when a state force acts outside ``country`` (0: the same as ``inter``)
    inter_abroad: int = 0
    #: the period (inclusive) in which the name means this actor; None: open-ended
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date | None) -> bool:
        """Whether the actor row applies on ``day`` (any day when ``day`` is None)."""
        return day is None or ((self.valid_from is None or self.valid_from <= day)
                               and (self.valid_to is None or day <= self.valid_to))

    def bloc_in(self, theatre: str | None) -> str:
        """Its bloc in ``theatre`` (its home-theatre bloc where the file gives none)."""
        return dict(self.theatre_blocs).get(theatre, self.bloc) if theatre else self.bloc

    def inter_at(self, country: str) -> int:
        """Its ACLED inter code for an event in ``country`` (ISO alpha-2; "" unknown)."""
        if self.inter_abroad and self.country and country and country != self.country:
            return self.inter_abroad
        return self.inter


@dataclass(frozen=True)
class Theatre:
    """A conflict theatre of the actor file: the countries (ISO alpha-2) whose events belong
    to it; "global" has none and holds actors usable everywhere."""

    id: str
    name: str
    countries: frozenset[str]


@dataclass(frozen=True)
class Person:
    """A listed public figure linked to an actor."""

    name: str
    aliases: tuple[str, ...]
    actor: str
    role: str


@dataclass(frozen=True)
class ActorMention:
    """An actor named in text: ``text[start:end] == mention.text``. ``person`` is set when the
    mention is a named person linked to the actor; ``generic`` when it came from a descriptive
    alias ("the regime", "rebels", a country name) rather than a proper name."""

    text: str
    start: int
    end: int
    actor: Actor
    person: str | None = None
    generic: bool = False

