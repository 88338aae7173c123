"""conflictmap's gazetteer: place names in text to coordinates, offline, from GeoNames data.

Pipeline (CLAVIN/Mordecai split): find mentions → generate candidates → rank → output with a
confidence, or the "no match" outcome. Public API, geopy-shaped::

    from gazetteer import lookup, geocode, geoparse, resolve
"""

from .api import (
                  Gazetteer,
                  curated_places,
                  default_gazetteer,
                  geocode,
                  geoparse,
                  lookup,
                  region_codes,
                  resolve,
)
from .errors import GazetteerError, InputError, NotFound
from .types import Candidate, Mention, Place

__all__ = ["Gazetteer", "default_gazetteer", "lookup", "geocode", "geoparse", "resolve",
           "region_codes", "curated_places",
           "Place", "Mention", "Candidate", "GazetteerError", "InputError", "NotFound"]
