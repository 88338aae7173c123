"""Writing tables atomically: to a temporary file beside the target, renamed into place only
when complete, so a crash or a bad input never leaves a half-written output file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import geopandas as gpd

from gazetteer.errors import InputError

FORMATS = ("csv", "geojson", "parquet")


def write_frame(frame: gpd.GeoDataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` as CSV (latitude/longitude columns, no geometry), GeoJSON (RFC 7946,
    lon/lat) or GeoParquet, atomically. ``fmt`` defaults to the file extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if not path.parent.exists():
        raise InputError(f"output folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        if fmt == "csv":
            frame.drop(columns="geometry").to_csv(tmp, index=False)
        elif fmt == "geojson":
            Path(tmp).unlink()
            frame.to_file(tmp, driver="GeoJSON")
        else:
            frame.to_parquet(tmp, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
