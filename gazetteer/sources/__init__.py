"""Data sources, one module each, behind :class:`~gazetteer.sources.base.Source`, and their
registry (as geopy's ``geocoders``): ``SOURCES`` maps a source's key to its class,
``get_source(key)`` finds one, ``embedded_sources()`` builds the offline default in index
order (a full GeoNames dump installed with ``conflictmap gazetteer download`` comes first, so
its records win; towns before the divisions that defer their bare names to them)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .airports import AirportsSource
from .base import Record, Source
from .geonames_cache import GeonamesCacheSource
from .geonames_dump import GeonamesDumpSource, installed_dump_sources
from .online import OnlineSource
from .overlay import OverlaySource
from .physical import PhysicalSource
from .us_census import USCensusSource
from .world_states import WorldStatesSource

__all__ = ["SOURCES", "EMBEDDED", "Record", "Source", "embedded_sources", "get_source"]

SOURCES: dict[str, type[Source]] = {
    "geonames_dump": GeonamesDumpSource,
    "geonames_cache": GeonamesCacheSource,
    "us_census": USCensusSource,
    "overlay": OverlaySource,
    "world_states": WorldStatesSource,
    "airports": AirportsSource,
    "physical": PhysicalSource,
    "online": OnlineSource,
}
#: the offline sources of the default index, in build order (after any installed dumps)
EMBEDDED = ("geonames_cache", "us_census", "overlay", "world_states", "airports", "physical")


def get_source(key: str) -> type[Source]:
    """The source class registered under ``key``; InputError names the known keys."""
    try:
        return SOURCES[key]
    except KeyError:
        raise InputError(f"unknown source {key!r}; known: {', '.join(sorted(SOURCES))}") \
            from None


def embedded_sources(dump_directory: Path | None = None) -> list[Source]:
    """The default index's sources: installed GeoNames dumps in ``dump_directory`` (if
    given), then every EMBEDDED source with its default settings."""
    sources: list[Source] = installed_dump_sources(dump_directory) if dump_directory else []
    return sources + [SOURCES[key]() for key in EMBEDDED]
