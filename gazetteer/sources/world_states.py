"""First-order divisions of every country (provinces, states, governorates, oblasts …).

The backbone is GeoNames' ADM1 records with GeoNames points (``geonames_admin1``); the
countries-states-cities database (ODbL 1.0, PyPI ``country-state-city``, 4,871 divisions)
adds the English names news uses ("Nineveh Governorate" for GeoNames' "Nineveh", "Salah
al-Din" for "Salah ad Din") to the GeoNames division its towns map to (``admin_codes``), and
its own divisions where GeoNames has none with that code. A database point that lies outside
its country is replaced by the division's largest GeoNames town, or dropped
(``checked_points``).

US states come from ``us_census`` instead. A division's ``admin1`` is its GeoNames code (the
database's own ISO 3166-2 suffix where no GeoNames code could be established), so division
and towns support each other in ranking; ``raw`` keeps the row as read.

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
from .geonames_admin1 import CREDIT as ADMIN1_CREDIT
from .geonames_admin1 import admin1_file, admin1_names, admin1_rows

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


def states_file() -> Path:
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

        return ("world_states:" + file_fingerprint([states_file(), cities_file(),
                                                    geonames_cities_file(), admin1_file()])
                + content_fingerprint([DATA / "common_words.txt", DATA / "cues.toml"]))

    def records(self) -> Iterator[Record]:
        path = states_file()
        try:
            states = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {path}: {exc}") from exc
        codes = geonames_admin1_codes()
        geonames = {k: v for k, v in admin1_rows().items() if k[0] != "US"}
        extra: dict[tuple[str, str], list[str]] = {}      # GeoNames ADM1 -> database names
        rows = []
        for r in states:
            cc = (r.get("countryCode") or "").upper()
            if not r.get("name") or cc in ("", "US"):
                continue
            key = (cc, codes.get((cc, r.get("isoCode", "")), ""))
            if key in geonames:
                extra.setdefault(key, []).append(r["name"])
            else:
                rows.append(r)
        for key, row in geonames.items():
            names = [n for name in [*admin1_names(row), *extra.get(key, ())]
                     for n in division_names(name)[1]]
            yield Record(
                Place(id=f"geonames:{row['geonameid']}", name=row["name"], lat=row["lat"],
                      lon=row["lon"], country_code=key[0], feature_class="A",
                      feature_code="ADM1", admin1=key[1], source=ADMIN1_CREDIT,
                      raw=raw_json(row)),
                tuple(dict.fromkeys(names)))
        points = checked_points(rows, codes)
        for row, (lat, lon, point_source) in zip(rows, points, strict=True):
            cc = row["countryCode"].upper()
            _base, names = division_names(row["name"])
            admin1 = codes.get((cc, row.get("isoCode", "")), row.get("isoCode", ""))
            yield Record(
                Place(id=f"csc:{cc}-{row.get('isoCode', '')}-{row['name']}", name=row["name"],
                      lat=lat, lon=lon, country_code=cc, feature_class="A",
                      feature_code="ADM1", admin1=admin1,
                      source=CREDIT + (f"; point: {point_source}" if point_source else ""),
                      raw=raw_json({**row, "point_source": point_source or "database"})),
                names)


#: a division's point further than this from its country's polygon is a geocoding error of
#: the database (Sheffield's at Sheffield, North Carolina; Hunan's in Oklahoma)
MAX_OUTSIDE_KM = 50.0


def checked_points(rows: list[dict], codes: dict) -> list[tuple[float | None, float | None,
                                                                str]]:
    """Per division row: (lat, lon, note). A point that lies outside its country (Natural
    Earth admin-0, more than MAX_OUTSIDE_KM away) is replaced by the point of the most
    populous GeoNames town of that division ("most populous GeoNames town" in the note), or
    dropped (None, None) when the division's towns are not known: never a point abroad."""
    import numpy as np
    import shapely

    from . import natural_earth

    ne = natural_earth.countries()
    shapes = {iso: shapely.union_all(ne.geometry[ne["iso2"] == iso].values)
              for iso in set(ne["iso2"])}
    towns = _largest_towns()
    out: list = []
    for row in rows:
        try:
            out.append((float(row["latitude"]), float(row["longitude"]), ""))
        except (KeyError, TypeError, ValueError):
            out.append((None, None, ""))
    by_country: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if out[i][0] is not None and row["countryCode"].upper() in shapes:
            by_country.setdefault(row["countryCode"].upper(), []).append(i)
    for cc, idx in by_country.items():
        shape = shapes[cc]
        shapely.prepare(shape)
        inside = shapely.contains_xy(shape, np.array([out[i][1] for i in idx]),
                                     np.array([out[i][0] for i in idx]))
        for i, ok in zip(idx, inside, strict=True):
            if ok or _km_outside(shape, out[i][1], out[i][0], np) <= MAX_OUTSIDE_KM:
                continue
            row = rows[i]
            town = towns.get((cc, codes.get((cc, row.get("isoCode", "")), "")))
            out[i] = ((town[0], town[1], f"most populous GeoNames town ({town[2]}); the "
                       f"database's point lay outside the country") if town else
                      (None, None, "unlocated: the database's point lay outside the country"))
    return out


def _km_outside(shape, lon: float, lat: float, np) -> float:
    """Great-circle km from (lon, lat) to the nearest point of ``shape`` (0 inside)."""
    import shapely

    point = shapely.Point(lon, lat)
    near = shapely.ops.nearest_points(shape, point)[0]
    la1, lo1, la2, lo2 = map(np.radians, (lat, lon, near.y, near.x))
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(min(1.0, np.sqrt(h))))


def _largest_towns() -> dict[tuple[str, str], tuple[float, float, str]]:
    """(country, GeoNames admin1 code) -> (lat, lon, name) of its most populous town."""
    best: dict[tuple[str, str], tuple[int, float, float, str]] = {}
    for row in json.loads(geonames_cities_file().read_text("utf-8")).values():
        key = (row["countrycode"], row.get("admin1code") or "")
        pop = int(row.get("population") or 0)
        if key[1] and (key not in best or pop > best[key][0]):
            best[key] = (pop, float(row["latitude"]), float(row["longitude"]), row["name"])
    return {k: (v[1], v[2], v[3]) for k, v in best.items()}
