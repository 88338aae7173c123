"""The optional online fallback: any geopy geocoder (Nominatim by default), off by default.

Nothing here runs unless a caller builds an :class:`OnlineSource` with a user agent that
identifies them (Nominatim's usage policy requires one). Calls are spaced by geopy's
``RateLimiter`` (at least ``min_delay_seconds`` seconds apart, default 1 s, Nominatim's
limit), and every answer, "no result" included, is kept in a SQLite cache so that a repeated
query never reaches the network. No pickle: cached answers are JSON text.

Coordinates are WGS84 decimal degrees in (lat, lon) order, as everywhere in the gazetteer.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geopy import exc as geopy_exc
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import get_geocoder_for_service

from ..errors import DataError, InputError, ServiceError
from ..types import Place
from .base import Record, Source, raw_json

MAX_QUERY_CHARS = 1000
MAX_LIMIT = 50
CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    service TEXT NOT NULL, endpoint TEXT NOT NULL, query TEXT NOT NULL, country TEXT NOT NULL,
    lim INTEGER NOT NULL, results TEXT NOT NULL, fetched_at TEXT NOT NULL,
    PRIMARY KEY (service, endpoint, query, country, lim));
"""
USER_AGENT_HELP = ("an online geocoder needs a user agent that identifies you, e.g. "
                   "--user-agent 'myorg-conflictmap/1.0 (me@example.org)'")

#: ``Place.source`` per service: the service and the licence of its data
SERVICE_CREDITS = {
    "nominatim": "OpenStreetMap Nominatim (ODbL)",
    "photon": "Photon, OpenStreetMap data (ODbL)",
    "geonames": "GeoNames web service (CC-BY 4.0)",
}

# Nominatim (class, type) -> GeoNames (feature class, feature code); (class, "*") is the class
# default. Populated places and administrative units are decided first, in _feature().
_FEATURES = {
    ("place", "suburb"): ("P", "PPLX"), ("place", "quarter"): ("P", "PPLX"),
    ("place", "neighbourhood"): ("P", "PPLX"), ("place", "isolated_dwelling"): ("P", "PPLL"),
    ("place", "locality"): ("L", "LCTY"), ("place", "region"): ("L", "RGN"),
    ("place", "island"): ("T", "ISL"), ("place", "islet"): ("T", "ISL"),
    ("place", "square"): ("S", "SQR"), ("place", "farm"): ("S", "FRM"),
    ("place", "sea"): ("H", "SEA"), ("place", "ocean"): ("H", "OCN"), ("place", "*"): ("L", "LCTY"),
    ("natural", "peak"): ("T", "PK"), ("natural", "volcano"): ("T", "VLC"),
    ("natural", "hill"): ("T", "HLL"), ("natural", "ridge"): ("T", "RDGE"),
    ("natural", "valley"): ("T", "VAL"), ("natural", "desert"): ("T", "DSRT"),
    ("natural", "cape"): ("T", "CAPE"), ("natural", "water"): ("H", "LK"),
    ("natural", "bay"): ("H", "BAY"), ("natural", "strait"): ("H", "STRT"),
    ("natural", "spring"): ("H", "SPNG"), ("natural", "wetland"): ("H", "MRSH"),
    ("natural", "*"): ("L", "AREA"),
    ("waterway", "wadi"): ("H", "WAD"), ("waterway", "canal"): ("H", "CNL"),
    ("waterway", "dam"): ("S", "DAM"), ("waterway", "*"): ("H", "STM"),
    ("highway", "*"): ("R", "RD"), ("railway", "station"): ("S", "RSTN"),
    ("railway", "halt"): ("S", "RSTP"), ("railway", "*"): ("R", "RR"),
    ("aeroway", "aerodrome"): ("S", "AIRP"), ("aeroway", "helipad"): ("S", "AIRH"),
    ("aeroway", "*"): ("S", "AIRF"),
    ("military", "*"): ("S", "MILB"), ("landuse", "military"): ("S", "MILB"),
    ("barrier", "border_control"): ("S", "PSTB"), ("amenity", "hospital"): ("S", "HSP"),
    ("amenity", "school"): ("S", "SCH"), ("amenity", "university"): ("S", "UNIV"),
    ("amenity", "place_of_worship"): ("S", "RLG"), ("amenity", "police"): ("S", "PP"),
    ("amenity", "prison"): ("S", "PRN"), ("amenity", "marketplace"): ("S", "MKT"),
    ("amenity", "bus_station"): ("S", "BUSTN"), ("amenity", "embassy"): ("S", "DIP"),
    ("historic", "castle"): ("S", "CSTL"), ("historic", "archaeological_site"): ("S", "ANS"),
    ("historic", "*"): ("S", "HSTS"), ("tourism", "hotel"): ("S", "HTL"),
    ("man_made", "bridge"): ("S", "BDG"), ("bridge", "*"): ("S", "BDG"),
    ("leisure", "park"): ("L", "PRK"), ("leisure", "*"): ("L", "PRK"),
    ("boundary", "national_park"): ("L", "RESN"), ("boundary", "protected_area"): ("L", "RESN"),
    ("landuse", "*"): ("L", "AREA"),
}
_POPULATED = {"city", "town", "village", "hamlet"}
_ADMIN_TYPES = {"country": "PCLI", "state": "ADM1", "province": "ADM1", "county": "ADM2",
                "district": "ADM2", "state_district": "ADM2", "municipality": "ADM3"}
_ADMIN_LEVELS = {2: "PCLI", 3: "ADM1", 4: "ADM1", 5: "ADM2", 6: "ADM2", 7: "ADM3", 8: "ADM3",
                 9: "ADM4", 10: "ADM4"}
# geopy failures -> the reason given in the ServiceError (most specific first)
_REASONS = (
    (geopy_exc.GeocoderTimedOut, "timed out"),
    (geopy_exc.GeocoderRateLimited, "refused the request: rate limited"),
    (geopy_exc.GeocoderAuthenticationFailure, "refused the credentials"),
    (geopy_exc.GeocoderInsufficientPrivileges, "refused access"),
    (geopy_exc.GeocoderQueryError, "rejected the query"),
    (geopy_exc.GeocoderUnavailable, "is unreachable"),
    (geopy_exc.GeocoderParseError, "sent an unreadable answer"),
    (geopy_exc.GeocoderServiceError, "failed"),
    (OSError, "could not be reached"),
)


def _feature(raw: dict[str, Any]) -> tuple[str, str]:
    """GeoNames (feature class, feature code) for a Nominatim result; ("", "") when the result
    carries no OSM class (another service's shape), so its precision stays "unknown"."""
    cls, typ = raw.get("class") or raw.get("category") or "", raw.get("type") or ""
    addresstype = raw.get("addresstype") or ""
    if not cls:
        return "", ""
    if typ in _POPULATED or addresstype in _POPULATED:
        return "P", "PPL"
    if typ in _ADMIN_TYPES and cls == "place":
        return "A", _ADMIN_TYPES[typ]
    if cls == "boundary" and typ == "administrative":
        if addresstype in _ADMIN_TYPES:
            return "A", _ADMIN_TYPES[addresstype]
        level = str(raw.get("admin_level") or (raw.get("extratags") or {}).get("admin_level", ""))
        return "A", _ADMIN_LEVELS.get(int(level) if level.isdigit() else 0, "ADMD")
    return _FEATURES.get((cls, typ)) or _FEATURES.get((cls, "*")) or ("S", "BLDG")


def _country_code(raw: dict[str, Any]) -> str:
    """ISO 3166-1 alpha-2, upper case, from Nominatim's address details ("" when absent)."""
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    return str(address.get("country_code") or raw.get("country_code") or "").upper()


class OnlineSource(Source):
    """An online geocoder behind the gazetteer's types, rate limited and cached.

    ``user_agent`` is required (it identifies you to the service). ``service`` is any name
    :func:`geopy.geocoders.get_geocoder_for_service` knows; ``timeout`` is in seconds per
    HTTP attempt (geopy's requests adapter itself retries a dropped connection twice);
    ``min_delay_seconds`` is the minimum spacing of network calls in seconds; failed calls
    are retried ``max_retries`` times, ``error_wait_seconds`` apart. ``geocoder_kwargs`` go
    to the geocoder (``domain="127.0.0.1:8080", scheme="http"`` for a local Nominatim,
    ``api_key=...`` for commercial services). ``cache_path`` defaults to
    ``cache_dir() / "online_cache.sqlite"``.
    """

    name = "online"

    def __init__(self, user_agent: str, service: str = "nominatim",
                 min_delay_seconds: float = 1.0, cache_path: Path | None = None,
                 timeout: float = 10, max_retries: int = 2, error_wait_seconds: float = 5.0,
                 **geocoder_kwargs: Any):
        if not user_agent or not user_agent.strip():
            raise InputError(USER_AGENT_HELP)
        self.service = service.strip().lower()
        try:
            geocoder_cls = get_geocoder_for_service(self.service)
            self.geocoder = geocoder_cls(user_agent=user_agent.strip(), timeout=timeout,
                                         **geocoder_kwargs)
        except (geopy_exc.GeopyError, TypeError) as exc:
            raise InputError(f"cannot set up online geocoder {service!r}: {exc}") from exc
        self.timeout = timeout
        domain = geocoder_kwargs.get("domain")
        self.endpoint = f"{geocoder_kwargs.get('scheme') or 'https'}://{domain}" if domain else ""
        if cache_path is None:
            from ..index import cache_dir

            cache_path = cache_dir() / "online_cache.sqlite"
        self.cache_path = Path(cache_path)
        self._geocode = RateLimiter(self.geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=max_retries,
                                    error_wait_seconds=error_wait_seconds,
                                    swallow_exceptions=False)
        self._accepts = set(inspect.signature(self.geocoder.geocode).parameters)
        credit = SERVICE_CREDITS.get(self.service, f"{self.service} online geocoder")
        self.credit = f"{credit} at {domain}" if domain else credit

    def fingerprint(self) -> str:
        """Constant per service: cached answers never force a rebuild of the offline index."""
        return f"online:{self.service}:1"

    def records(self) -> Iterator[Record]:
        """The places held in the cache for this service, named by their name and the query
        that found them. Nothing when the cache file does not exist yet."""
        if not self.cache_path.exists():
            return
        rows = self._db_read("SELECT query, country, results FROM answers "
                             "WHERE service = ? AND endpoint = ? ORDER BY fetched_at",
                             (self.service, self.endpoint))
        seen: set[str] = set()
        for query, country, results in rows:
            for place in self._places(query, country, json.loads(results)):
                if place.id not in seen:
                    seen.add(place.id)
                    yield Record(place, tuple(dict.fromkeys((place.name, query))))

    def search(self, query: str, country: str | None = None, limit: int = 5) -> list[Place]:
        """Places for ``query``, best first, at most ``limit``; ``country`` (ISO 3166-1
        alpha-2) restricts the answer. Served from the cache when this exact query (same
        country and limit) was asked before; otherwise one rate-limited network call."""
        query = " ".join((query or "").split())
        if not query:
            raise InputError("empty place name")
        if len(query) > MAX_QUERY_CHARS:
            raise InputError(f"place name longer than {MAX_QUERY_CHARS} characters")
        country = (country or "").strip().lower()
        if country and not (len(country) == 2 and country.isalpha()):
            raise InputError(f"country must be a two-letter ISO code, not {country!r}")
        if not 1 <= limit <= MAX_LIMIT:
            raise InputError(f"limit must be between 1 and {MAX_LIMIT}")
        key = (self.service, self.endpoint, query, country, limit)
        cached = self._db_read("SELECT results FROM answers WHERE service = ? AND endpoint = ? "
                               "AND query = ? AND country = ? AND lim = ?", key)
        if cached:
            results = json.loads(cached[0][0])
        else:
            results = self._fetch(query, country, limit)
            self._db_write("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?)",
                           (*key, json.dumps(results, ensure_ascii=False),
                            datetime.now(UTC).isoformat(timespec="seconds")))
        return self._places(query, country, results)[:limit]

    def _fetch(self, query: str, country: str, limit: int) -> list[dict[str, Any]]:
        """One network call; results as JSON-ready dicts (latitude, longitude, address, raw)."""
        wanted = {"exactly_one": False, "limit": limit, "addressdetails": True}
        if country:
            wanted["country_codes"] = country
        kwargs = {k: v for k, v in wanted.items() if k in self._accepts}
        try:
            locations = self._geocode(query, **kwargs)
        except (geopy_exc.GeocoderServiceError, OSError) as exc:
            reason = next(text for cls, text in _REASONS if isinstance(exc, cls))
            if isinstance(exc, geopy_exc.GeocoderTimedOut):
                reason += f" after {self.timeout:g} s"
            raise ServiceError(f"online geocoder {self.service!r} {reason}: {exc}") from exc
        if locations is None:
            locations = []
        elif not isinstance(locations, list):
            locations = [locations]
        return [{"latitude": loc.latitude, "longitude": loc.longitude, "address": loc.address,
                 "raw": loc.raw} for loc in locations]

    def _places(self, query: str, country: str, results: list[dict[str, Any]]) -> list[Place]:
        """Places for stored results, dropping any outside ``country`` (when one is given)."""
        places = []
        for result in results:
            raw = result.get("raw") or {}
            lat, lon = float(result["latitude"]), float(result["longitude"])
            cc = _country_code(raw)
            if country and cc.lower() != country:
                continue
            if raw.get("osm_type") and raw.get("osm_id") is not None:
                key = f"{raw['osm_type']}/{raw['osm_id']}"
            else:
                key = hashlib.sha256(f"{query}|{lat:.6f}|{lon:.6f}".encode()).hexdigest()[:16]
            feature_class, feature_code = _feature(raw)
            address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
            population = str((raw.get("extratags") or {}).get("population") or "")
            places.append(Place(
                id=f"online:{self.service}:{key}",
                name=raw.get("name") or (result.get("address") or query).split(",")[0].strip(),
                lat=lat, lon=lon, country_code=cc,
                feature_class=feature_class, feature_code=feature_code,
                population=int(population) if population.isdigit() else 0,
                admin1=address.get("ISO3166-2-lvl4", ""), source=self.credit, raw=raw_json(raw),
            ))
        return places

    def _db_read(self, sql: str, params: tuple) -> list[tuple]:
        try:
            db = self._connect()
            try:
                return db.execute(sql, params).fetchall()
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise DataError(f"online geocoder cache {self.cache_path}: {exc}") from exc

    def _db_write(self, sql: str, params: tuple) -> None:
        try:
            db = self._connect()
            try:
                with db:  # one transaction: committed whole or rolled back
                    db.execute(sql, params)
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise DataError(f"online geocoder cache {self.cache_path}: {exc}") from exc

    def _connect(self) -> sqlite3.Connection:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.cache_path, timeout=30)
        with db:
            db.executescript(CACHE_SCHEMA)
        return db
