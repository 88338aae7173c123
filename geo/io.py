"""Writing files atomically, the one way ``geo`` writes its outputs: to a hidden temporary file
beside the target (``.<name>.<random>.tmp``, created with the user's umask), renamed into
place only when complete, so that a crash, a kill or a bad input never leaves a half-written
file and an existing file stays as it was. The store's commits also flush the file and its
folder to disk (``durable``).

``write_frame`` writes a GeoDataFrame as CSV, GeoJSON or GeoParquet this way."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd

from geo.errors import InputError

FORMATS = ("csv", "geojson", "parquet")


def write_atomic(path: str | Path, content: str | bytes | Callable[[Path], None], *,
                 durable: bool = False) -> Path:
    """Write ``content`` to ``path`` atomically and return the path. ``content``: text
    (UTF-8), bytes, or a function that writes the file at the temporary path it is given
    (which does not exist yet). ``durable``: flush the file and the folder to disk (a commit
    point). Raises InputError when the folder does not exist."""
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError(f"output folder {path.parent} does not exist")
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        if callable(content):
            content(tmp)
        else:
            data = content.encode("utf-8") if isinstance(content, str) else content
            with open(tmp, "xb") as f:
                f.write(data)
        if durable:
            _fsync(tmp, os.O_RDONLY)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync(path.parent, os.O_RDONLY)
    return path


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_frame(frame: gpd.GeoDataFrame, path: str | Path, fmt: str | None = None) -> Path:
    """Write ``frame`` as CSV (latitude/longitude columns, no geometry), GeoJSON (RFC 7946,
    lon/lat) or GeoParquet, atomically. ``fmt`` defaults to the file extension."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}")

    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.drop(columns="geometry").to_csv(tmp, index=False)
        elif fmt == "geojson":
            frame.to_file(tmp, driver="GeoJSON")
        else:
            # pandas would keep ``frame.attrs`` (what a layer computation noted) in the file
            attrs, frame.attrs = frame.attrs, {}
            try:
                frame.to_parquet(tmp, index=False)
            finally:
                frame.attrs = attrs

    return write_atomic(path, write)
