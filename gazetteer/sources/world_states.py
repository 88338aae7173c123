"""First-order divisions of every country (provinces, states, governorates, oblasts …) from the
countries-states-cities database (ODbL 1.0), as shipped by the PyPI package
``country-state-city``: 4,871 divisions with a representative point (lat, lon).

US states come from ``us_census`` instead. A division's ``admin1`` is the GeoNames code of its
towns where ``admin_codes`` can establish it (so that division and towns support each other in
ranking), else the database's own ISO 3166-2 suffix; ``raw`` keeps the row as read.

Each division is indexed under its full name ("Nineveh Governorate", "Republic of Dagestan"),
its base name without the division words ("Nineveh", "Dagestan") and the base name with the
usual English qualifiers ("Nineveh province"). When the base name is also the name of a
populated place in the same country ("Raqqa", "Baghdad"), the index gives the bare name to the
town, as news text uses it, and the division keeps its qualified names
(``defer_bare_name_to_towns``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..errors import DataError
from ..types import Place
from .admin_codes import cities_file, geonames_admin1_codes, geonames_cities_file
from .base import Record, Source, content_fingerprint, file_fingerprint, raw_json

CREDIT = "countries-states-cities database (ODbL 1.0), via country-state-city"
DIVISION_WORDS = ("Governorate", "Province", "Region", "District", "Oblast", "State",
                  "Prefecture", "Department", "Municipality", "County", "Voivodeship", "Krai",
                  "Canton", "Division", "Republic", "Autonomous Region", "Territory")
QUALIFIERS = ("province", "governorate", "region", "state")
_SUFFIX = re.compile(r"\s+(?:" + "|".join(DIVISION_WORDS) + r")$", re.IGNORECASE)
# "Republic of Dagestan", "Autonomous Republic of Abkhazia", "Province of Cuneo": the division
# words before the name ("Isle of Wight", "Bay of Plenty" are names and keep their words).
_PREFIX = re.compile(r"^(?:Autonomous\s+|Metropolitan\s+)?(?:" + "|".join(DIVISION_WORDS)
                     + r"|City|Borough|London Borough|Royal Borough|Metropolitan Borough)"
                       r"\s+of\s+(?=\S)", re.IGNORECASE)


def _states_file() -> Path:
    try:
        return Path(str(resources.files("country_state_city") / "data" / "state.json"))
    except ModuleNotFoundError as exc:  # pragma: no cover - a declared dependency
        raise DataError("package country-state-city is not installed") from exc


def division_names(name: str) -> tuple[str, tuple[str, ...]]:
    """(base name, every name to index) for a division's full name. A base name that is only
    a compass word or a common English word ("Eastern Province", "Free State") is not indexed
    on its own."""
    from ..cues import load
    from ..find import MODIFIERS
    from ..normalize import match_key

    base = _PREFIX.sub("", _SUFFIX.sub("", name).strip()).strip() or name
    key = match_key(base)
    cues = load()
    plain = all(w in MODIFIERS or w in cues.common_words or w in cues.particles
                for w in key.split())
    names = [*(() if plain and " " not in name else (name,)),
             *(() if plain else (base,)), *(f"{base} {q}" for q in QUALIFIERS)]
    return base, tuple(dict.fromkeys(names))


class WorldStatesSource(Source):
    """First-order divisions worldwide (ADM1), except the United States."""

    name = "world_states"
    defer_bare_name_to_towns = True

    def fingerprint(self) -> str:
        from ..cues import DATA

        return ("world_states:" + file_fingerprint([_states_file(), cities_file(),
                                                    geonames_cities_file()])
                + content_fingerprint([DATA / "common_words.txt", DATA / "cues.toml"]))

    def records(self) -> Iterator[Record]:
        path = _states_file()
        try:
            states = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {path}: {exc}") from exc
        codes = geonames_admin1_codes()
        for row in states:
            cc = (row.get("countryCode") or "").upper()
            if cc == "US" or not row.get("name"):
                continue
            try:
                lat, lon = float(row["latitude"]), float(row["longitude"])
            except (KeyError, TypeError, ValueError):
                lat = lon = None
            _base, names = division_names(row["name"])
            yield Record(
                Place(id=f"csc:{cc}-{row.get('isoCode', '')}-{row['name']}", name=row["name"],
                      lat=lat, lon=lon, country_code=cc, feature_class="A",
                      feature_code="ADM1",
                      admin1=codes.get((cc, row.get("isoCode", "")), row.get("isoCode", "")),
                      source=CREDIT,
                      raw=raw_json(row)),
                names)
