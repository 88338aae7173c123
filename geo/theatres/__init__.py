"""Theatres as data: the map facts of a conflict theatre (borders of interest and their
corridors, border crossings, named zones, corridor questions, how long control claims last),
one TOML file per theatre in ``data/``, and the choice of theatres for a corpus.

* ``load_theatres()`` — every theatre with a file, by id (``files``)
* ``select_theatres(spec, events)`` — "auto" (from the events' countries), "none" or ids
  (``choose``)
* the value types: ``Theatre``, ``Border``, ``Crossing``, ``Zone``, ``Question``, ``Anchor``
"""

from geo.theatres.choose import (
    AUTO,
    NONE,
    auto_theatres,
    focus_countries,
    select_theatres,
    theatre_choices,
)
from geo.theatres.files import load_theatres, read_theatre
from geo.theatres.model import Anchor, Border, Crossing, Question, Theatre, Zone

__all__ = ["AUTO", "NONE", "Anchor", "Border", "Crossing", "Question", "Theatre", "Zone",
           "auto_theatres", "focus_countries", "load_theatres", "read_theatre",
           "select_theatres", "theatre_choices"]
