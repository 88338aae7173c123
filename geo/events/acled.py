"""ACLED's export conventions kept as data (``data/acled.toml``): a country's ACLED region
(Natural Earth's subregion, with ACLED's own groupings as overrides) and an event's
``disorder_type``. A malformed file raises :class:`geo.errors.DataError`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from geo.errors import DataError

ACLED_DATA = resources.files("geo.events").joinpath("data", "acled.toml")


@dataclass(frozen=True)
class AcledConventions:
    """Regions by Natural Earth subregion and by country (ISO alpha-2), disorder types by
    event type and by sub-event type."""

    subregion_region: dict[str, str]
    country_region: dict[str, str]
    disorder_by_type: dict[str, str]
    disorder_by_sub_type: dict[str, str]

    def region(self, country_code: str, subregion: str) -> str:
        """ACLED's region of a country ("" when unknown)."""
        return self.country_region.get(country_code) or \
            self.subregion_region.get(subregion, "")

    def disorder(self, event_type: str, sub_event_type: str) -> str:
        """ACLED's ``disorder_type`` of an event ("" for an unknown type)."""
        return self.disorder_by_sub_type.get(sub_event_type) or \
            self.disorder_by_type.get(event_type, "")


@lru_cache(maxsize=1)
def acled_conventions() -> AcledConventions:
    """The conventions of ``data/acled.toml`` (cached)."""
    try:
        data = tomllib.loads(ACLED_DATA.read_text("utf-8"))
        tables = (data["region"]["subregion"], data["region"]["country"],
                  data["disorder"]["event_type"], data["disorder"]["sub_event_type"])
        if not all(isinstance(t, dict) and all(isinstance(v, str) for v in t.values())
                   for t in tables):
            raise ValueError("every table maps names to strings")
        return AcledConventions(*(dict(t) for t in tables))
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"ACLED conventions {ACLED_DATA}: {exc}") from exc
