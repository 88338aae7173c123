"""A theatre's map facts as immutable values (read from ``geo/theatres/data/*.toml``).

Coordinates are (lat, lon) in degrees, WGS84, as the files give them; distances and radii are
in km. The layers turn them into GeoDataFrames (EPSG:4326, shapely (lon, lat))."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Border:
    """A border of interest: the Natural Earth line between ``countries`` (ISO alpha-2) and a
    corridor of ``corridor_km`` either side."""

    countries: tuple[str, str]
    corridor_km: float
    source: str
    note: str = ""

    @property
    def label(self) -> str:
        return "–".join(self.countries)


@dataclass(frozen=True)
class Crossing:
    """A border crossing: its point, the country it lies in, where the point comes from, and
    ``uncertainty_km`` (km) when it is approximate. ``place_id``: the gazetteer overlay row
    it was read from, if any."""

    name: str
    lat: float
    lon: float
    country_code: str
    source: str
    source_confidence: str = ""
    uncertainty_km: float | None = None
    place_id: str = ""


@dataclass(frozen=True)
class Zone:
    """A named zone: a geodesic circle of ``radius_km`` around (lat, lon); ``centre`` names
    the point; ``bloc`` whose zone it is ('' when none)."""

    name: str
    centre: str
    lat: float
    lon: float
    radius_km: float
    source: str
    bloc: str = ""


@dataclass(frozen=True)
class Anchor:
    """One end or waypoint of a corridor question: a country (ISO alpha-2, its polygon) or a
    point (lat, lon)."""

    name: str
    source: str
    country: str = ""
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Question:
    """A corridor question: is ground held by ``blocs`` (and their declared allies when
    ``with_allies``) connected along ``anchors``, in order? ``window`` (lon_min, lat_min,
    lon_max, lat_max, degrees) clips the anchor countries."""

    name: str
    blocs: tuple[str, ...]
    with_allies: bool
    window: tuple[float, float, float, float]
    anchors: tuple[Anchor, ...]
    source: str


@dataclass(frozen=True)
class Theatre:
    """A theatre: its id and name and countries (from the actor file's theatre of the same
    id), how long a control claim lasts (``control_max_age_days``, days), and its borders,
    crossings, zones and corridor questions. ``path``: the data file."""

    id: str
    name: str
    countries: frozenset[str]
    control_max_age_days: float
    control_max_age_source: str
    borders: tuple[Border, ...] = ()
    crossings: tuple[Crossing, ...] = ()
    zones: tuple[Zone, ...] = ()
    questions: tuple[Question, ...] = ()
    path: str = ""
