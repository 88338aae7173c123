"""The actor dictionary's value types: blocs, actors, listed people and mentions in text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bloc:
    """An alignment in the conflict. ``hostile`` and ``allies`` are symmetric (see
    :meth:`ActorDictionary.hostile`)."""

    id: str
    name: str
    color: str
    hostile: frozenset[str]
    allies: frozenset[str] = frozenset()


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

