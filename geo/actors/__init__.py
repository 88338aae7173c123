"""Actors: the world actor dictionary (``data/actors.toml``) and finding actors in text.

* ``types``      value types: ``Bloc``, ``Actor``, ``Person``, ``ActorMention``
* ``file``       reading and validating the dictionary file
* ``tokens``     folded tokens and the case checks an alias carries
* ``matching``   candidate aliases in a text and the choice among them
* ``people``     named people linked to their organisation by role
* ``dictionary`` ``ActorDictionary`` and ``load_actors()``: the API the rest of ``geo`` uses

Depends on ``geo.text`` and the gazetteer's name normalisation only.
"""

from geo.actors.dictionary import ActorDictionary, load_actors
from geo.actors.file import DEFAULT_PATH, expand_braces
from geo.actors.types import Actor, ActorMention, Bloc, Person

__all__ = ["ActorDictionary", "load_actors", "DEFAULT_PATH", "expand_braces", "Actor",
           "ActorMention", "Bloc", "Person"]
