"""The curated regional overlay: a CSV in the repository (``gazetteer/data/places.csv``) of
features that city lists lack (border crossings, bases, squares, junctions, provinces).

Every row has a ``source``. A row may give coordinates, or an ``anchor`` (``Name|CC``: the
representative point is that GeoNames place, e.g. a province's capital, as ACLED codes
provinces), or neither: then the place is a known name that stays unlocated, never given an
invented point.

Columns: ``name, alt_names ('|'-separated), lat, lon, anchor, feature_class, feature_code,
country_code, admin1, population, source, confidence``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from ..datafiles import data_path
from ..errors import DataError
from ..types import Place
from .base import Record, Source, content_fingerprint, raw_json

REQUIRED = ("name", "lat", "lon", "feature_class", "feature_code", "country_code", "source")


def default_path() -> Path:
    return data_path("places.csv")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _coord(value: str, lo: float, hi: float, what: str, line: int) -> float | None:
    if not value.strip():
        return None
    try:
        x = float(value)
    except ValueError as exc:
        raise DataError(f"line {line}: {what} {value!r} is not a number") from exc
    if not lo <= x <= hi:
        raise DataError(f"line {line}: {what} {x} out of range [{lo}, {hi}]")
    return x


class OverlaySource(Source):
    """Curated places from a CSV file. ``resolve_anchor(name, cc)`` returns (lat, lon) of an
    anchor place or None; the index passes one that looks in the other sources."""

    name = "overlay"

    def __init__(self, path: Path | None = None,
                 resolve_anchor: Callable[[str, str], tuple[float, float] | None] | None = None):
        self.path = Path(path) if path else default_path()
        self.resolve_anchor = resolve_anchor

    def fingerprint(self) -> str:
        return "overlay:" + content_fingerprint([self.path])

    def records(self) -> Iterator[Record]:
        try:
            fh = self.path.open(encoding="utf-8", newline="")
        except OSError as exc:
            raise DataError(f"cannot read overlay {self.path}: {exc}") from exc
        with fh:
            reader = csv.DictReader(fh)
            missing = [c for c in REQUIRED if c not in (reader.fieldnames or ())]
            if missing:
                raise DataError(f"{self.path}: missing columns {', '.join(missing)}")
            seen: set[str] = set()
            for line, row in enumerate(reader, start=2):
                yield self._record(row, line, seen)

    def _record(self, row: dict, line: int, seen: set[str]) -> Record:
        name = (row.get("name") or "").strip()
        if not name or not (row.get("source") or "").strip():
            raise DataError(f"{self.path} line {line}: every row needs a name and a source")
        lat = _coord(row.get("lat") or "", -90, 90, "lat", line)
        lon = _coord(row.get("lon") or "", -180, 180, "lon", line)
        if (lat is None) != (lon is None):
            raise DataError(f"{self.path} line {line}: give both lat and lon, or neither")
        source = row["source"].strip()
        anchor = (row.get("anchor") or "").strip()
        if lat is None and anchor and self.resolve_anchor:
            anchor_name, _, anchor_cc = anchor.partition("|")
            point = self.resolve_anchor(anchor_name, anchor_cc)
            if point is not None:
                lat, lon = point
                source = f"{source}; point: {anchor_name} (GeoNames)"
        slug = _slug(f"{name}-{row['country_code']}")
        if slug in seen:
            raise DataError(f"{self.path} line {line}: duplicate place {name!r}")
        seen.add(slug)
        alts = [a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip()]
        place = Place(
            id=f"overlay:{slug}", name=name, lat=lat, lon=lon,
            country_code=row["country_code"].strip(),
            feature_class=row["feature_class"].strip(), feature_code=row["feature_code"].strip(),
            population=int(row.get("population") or 0), admin1=(row.get("admin1") or "").strip(),
            source=f"curated overlay: {source}", raw=raw_json(row),
        )
        return Record(place, (name, *alts))
