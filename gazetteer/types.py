"""Immutable result types.

Coordinates are WGS84 decimal degrees, in (lat, lon) order in these types (as in geopy and
folium). ``Place.lat``/``Place.lon`` are ``None`` for a place the gazetteer knows by name but
cannot locate: such a place is reported, never given an invented point.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .precision import Precision, precision_for


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry.

    ``id`` is ``"<source>:<key>"`` (``geonames:99072``, ``overlay:al-tanf-border-crossing``,
    ``uscensus:01029``). ``feature_class``/``feature_code`` follow GeoNames (P/PPL, A/ADM1,
    A/PCLI, S/PSTB …). ``raw`` is the source record as it was read (JSON text), ``source`` names
    the data source and its provenance (e.g. a citation for a curated row).
    """

    id: str
    name: str
    lat: float | None
    lon: float | None
    country_code: str = ""
    feature_class: str = ""
    feature_code: str = ""
    population: int = 0
    admin1: str = ""
    source: str = ""
    raw: str = field(default="{}", compare=False, repr=False)

    @property
    def located(self) -> bool:
        """True when the place has coordinates."""
        return self.lat is not None and self.lon is not None

    @property
    def point(self) -> tuple[float, float] | None:
        """(lat, lon) in degrees, or None when unlocated."""
        return (self.lat, self.lon) if self.located else None

    @property
    def precision(self) -> Precision:
        """ACLED geo_precision and UCDP where_prec implied by the feature type."""
        return precision_for(self.feature_class, self.feature_code)

    def raw_record(self) -> dict[str, Any]:
        """The source record as a dict."""
        return json.loads(self.raw)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON output (raw record left out)."""
        return {
            "id": self.id,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "country_code": self.country_code,
            "feature_class": self.feature_class,
            "feature_code": self.feature_code,
            "population": self.population,
            "admin1": self.admin1,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place that a mention may refer to, with the score the ranker gave it.

    ``match`` says how the name met the place: ``exact`` (the same surface form),
    ``variant`` (same transliteration-folded key), ``derived`` (a form of the name: "Gwinnett"
    for Gwinnett County, "Ontarians" for Ontario) or ``fuzzy`` (rapidfuzz, last resort).
    """

    place: Place
    match: str = "exact"
    score: float = 0.0
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Approximation:
    """Where the text says a place it names lies, when the place itself cannot be located:
    ``relation`` "in" ("the village of X in Y district", "X (Y)") or "near" ("X, near Y",
    "X, 20 km north of Y") the located ``anchor``, within ``uncertainty_km`` of its point.
    ``precision`` is the ACLED/UCDP precision of that approximate point (2 or 3)."""

    anchor: Place
    relation: str
    uncertainty_km: float
    precision: Precision

    def to_dict(self) -> dict[str, Any]:
        return {"anchor_id": self.anchor.id, "anchor_name": self.anchor.name,
                "relation": self.relation, "uncertainty_km": self.uncertainty_km}


@dataclass(frozen=True, slots=True)
class Mention:
    """A place name found in text. ``start``/``end`` are character offsets into the text
    (Python ``str`` indices, end exclusive). ``place`` is ``None`` for the "no match" outcome.
    ``rule`` names the rule that decided; ``confidence`` is in [0, 1]. ``approx`` is set when
    the place itself could not be located but the text says where it lies (``place`` is then
    None or an unlocated Place): the mention's point is the anchor's, approximately.
    """

    text: str
    start: int
    end: int
    place: Place | None = None
    confidence: float = 0.0
    rule: str = ""
    candidates: tuple[Candidate, ...] = field(default=(), compare=False, repr=False)
    approx: Approximation | None = None

    @property
    def precision(self) -> Precision | None:
        if self.approx is not None:
            return self.approx.precision
        return self.place.precision if self.place else None

    @property
    def point(self) -> tuple[float, float] | None:
        """(lat, lon) of the place, or of the anchor of an approximate mention, or None."""
        if self.place is not None and self.place.located:
            return self.place.point
        return self.approx.anchor.point if self.approx is not None else None

    def to_dict(self) -> dict[str, Any]:
        """The JSON-lines shape of ``conflictmap geoparse``; lat/lon are null when unlocated,
        the anchor's for an approximate mention (``approximate`` says which and how far)."""
        p = self.place
        prec = self.precision
        point = self.point
        out = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "name": p.name if p else None,
            "lat": point[0] if point else None,
            "lon": point[1] if point else None,
            "country_code": p.country_code if p else (
                self.approx.anchor.country_code if self.approx else None),
            "feature_code": p.feature_code if p else None,
            "id": p.id if p else None,
            "precision": prec.to_dict() if prec else None,
            "confidence": round(self.confidence, 3),
            "rule": self.rule,
        }
        if self.approx is not None:
            out["approximate"] = self.approx.to_dict()
        return out
