"""Writing files atomically, the one way ``geo`` writes its outputs: to a hidden temporary file
beside the target (``.<name>.<random>.tmp``, created with the user's umask), renamed into
place only when complete, so that a crash, a kill or a bad input never leaves a half-written
file and an existing file stays as it was. The store's commits also flush the file and its
folder to disk (``durable``).

``write_frame`` writes a GeoDataFrame as CSV, GeoJSON or GeoParquet this way."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
from pyogrio.errors import DataSourceError, FeatureError

from geo.errors import InputError, OutputError

FORMATS = ("csv", "geojson", "parquet")


def write_atomic(path: str | Path, content: str | bytes | Callable[[Path], None], *,
                 durable: bool = False) -> Path:
    """Write ``content`` to ``path`` atomically and return the path. ``content``: text
    (UTF-8), bytes, or a function that writes the file at the temporary path it is given
    (which does not exist yet). ``durable``: flush the file and the folder to disk (a commit
    point). Raises InputError when the folder does not exist."""
    path = check_output_path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        try:
            with open(tmp, "xb") as f:      # fails now, not deep in a writer, when the
                if not callable(content):   # folder cannot be written
                    f.write(content.encode("utf-8") if isinstance(content, str) else content)
            if callable(content):
                tmp.unlink()
                content(tmp)
            if durable:
                _fsync(tmp, os.O_RDONLY)
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync(path.parent, os.O_RDONLY)
    return path


def check_output_path(path: str | Path) -> Path:
    """``path`` as a Path when a file can be written there: OutputError when it is a folder
    or its parent is a file, InputError when its folder does not exist."""
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path} is a folder: give the output file's name "
                          f"(e.g. {path / 'out.csv'})")
    parent = path.parent
    for up in (parent, *parent.parents):
        if up.exists():
            if not up.is_dir():
                raise OutputError(f"cannot write {path}: {up} is a file, not a folder")
            break
    if not parent.is_dir():
        raise InputError(f"output folder {parent} does not exist")
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
    path = check_output_path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}: choose one of {', '.join(FORMATS)}")

    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.drop(columns="geometry").to_csv(tmp, index=False)
        elif fmt == "geojson":
            try:
                frame.to_file(tmp, driver="GeoJSON")
            except (DataSourceError, FeatureError) as exc:    # GDAL could not write it
                raise OutputError(f"cannot write {path}: {exc}") from exc
        else:
            # pandas would keep ``frame.attrs`` (what a layer computation noted) in the file
            attrs, frame.attrs = frame.attrs, {}
            try:
                frame.to_parquet(tmp, index=False)
            finally:
                frame.attrs = attrs

    return write_atomic(path, write)
