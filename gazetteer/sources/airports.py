"""Airports and air bases from the PyPI package ``airportsdata`` (MIT; compiled from public
aviation sources, updated monthly): 28,000 airports and strips with ICAO/IATA codes, name,
city, country and (lat, lon).

Kept: airports with an IATA code (scheduled or public service, about 7,900) and military
air fields ("Air Base", "AFB", "Air Station" … in the name; feature code ``MILB``); the
thousands of private strips without an IATA code are left out (their names would only add
homonyms). Each airport is indexed under its name ("London Heathrow Airport"), the name
without its leading city ("Heathrow Airport") and, when one distinctive word remains that is
not the city's own name, that word ("Heathrow"). Codes are not indexed (three capitals in text
are far more often something else).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..cues import load as load_cues
from ..errors import DataError
from ..types import Place
from .base import Record, Source, file_fingerprint, raw_json

#: words of airport names that never stand alone for the airport
GENERIC_WORDS = frozenset((
    "airport", "international", "regional", "municipal", "executive", "memorial", "county",
    "city", "army", "military", "national", "domestic", "industrial", "field", "camp",
    "community", "state", "town", "new", "air", "airfield", "naval", "base", "station",
    "heliport", "metropolitan", "downtown", "central", "north", "south", "east", "west",
    "northern", "southern", "eastern", "western", "upper", "lower", "great", "greater",
    "valley", "lake", "river", "island", "airstrip", "strip", "park", "port", "bay", "coast",
    "mountain", "hill", "hills", "springs", "beach", "landing", "ranch", "farm",
))
#: lower-case words inside an airport's distinctive name ("Charles de Gaulle", "Al Udeid")
NAME_PARTICLES = frozenset(("de", "du", "des", "la", "le", "von", "van", "der", "da", "do",
                            "al", "el", "bin", "ibn"))
CREDIT = "airportsdata (MIT), via the PyPI package airportsdata"
_MILITARY = re.compile(r"\b(?:Air Base|Airbase|AFB|Air Force Base|Air Station|Naval Air|"
                       r"Army Air|Military|Air Field)\b", re.IGNORECASE)
_AIRPORT_WORDS = re.compile(r"\s+(?:International\s+|Regional\s+|Municipal\s+|Domestic\s+)?"
                            r"(?:Airport|Airfield|Aerodrome|Air Base|Airbase|AFB|Air Station)$",
                            re.IGNORECASE)


def _csv_path() -> Path:
    try:
        return Path(str(resources.files("airportsdata") / "airports.csv"))
    except ModuleNotFoundError as exc:  # pragma: no cover - a declared dependency
        raise DataError("package airportsdata is not installed") from exc


def airport_names(name: str, city: str, military: bool = False) -> tuple[str, ...]:
    """Every name an airport is indexed under: its name; the name without a leading city
    ("Heathrow Airport"); the distinctive core without the airport words ("Heathrow", "Al
    Udeid") when a city prefix was removed or the field is military (an air base is named
    for its site), unless the core is generic, a given name or the city itself."""
    names = [name]
    rest = name
    if city and name.lower().startswith(city.lower() + " "):
        rest = name[len(city) + 1:]
        if not _generic(rest):
            names.append(rest)
    core = _AIRPORT_WORDS.sub("", rest).strip()
    words = core.split()
    if core and core != rest and (rest != name or military) and 1 <= len(words) <= 4 \
            and core.lower() != city.lower() and not _generic(core) \
            and all(w[0].isupper() or w.lower() in NAME_PARTICLES
                    or w.lower().startswith(("al-", "el-")) for w in words) \
            and not (len(words) == 1 and load_cues().is_given_name(core)):
        names.append(core)           # "Heathrow", "Al Udeid"; not "Executive" or "Logan"
    return tuple(dict.fromkeys(names))


def _generic(text: str) -> bool:
    return all(w.lower() in GENERIC_WORDS for w in _AIRPORT_WORDS.sub("", text).split()) or \
        all(w.lower() in GENERIC_WORDS for w in text.split())


class AirportsSource(Source):
    """Airports with an IATA code and military air fields (``airportsdata``)."""

    name = "airports"

    def fingerprint(self) -> str:
        return "airports:" + file_fingerprint([_csv_path()])

    def records(self) -> Iterator[Record]:
        path = _csv_path()
        try:
            fh = path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise DataError(f"cannot read {path}: {exc}") from exc
        with fh:
            for row in csv.DictReader(fh):
                military = bool(_MILITARY.search(row["name"]))
                if not (row.get("iata") or military):
                    continue
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except (TypeError, ValueError):
                    continue
                yield Record(
                    Place(id=f"airports:{row['icao']}", name=row["name"], lat=lat, lon=lon,
                          country_code=(row.get("country") or "").upper(),
                          feature_class="S", feature_code="MILB" if military else "AIRP",
                          source=CREDIT, raw=raw_json(row)),
                    airport_names(row["name"], row.get("city") or "", military))
