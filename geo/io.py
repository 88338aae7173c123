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

FORMATS = ("csv", "geojson", "parquet", "gpkg")
#: file extensions of each format (the format is checked against a known extension)
EXTENSIONS = {"csv": ("csv",), "geojson": ("geojson", "json"), "parquet": ("parquet", "pq"),
              "gpkg": ("gpkg",)}


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
            os.chmod(tmp, 0o666 & ~_umask())       # as the user's other files (not 0600)
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


def _umask() -> int:
    mask = os.umask(0o22)
    os.umask(mask)
    return mask


def output_format(path: Path, fmt: str | None, formats: tuple[str, ...] = FORMATS) -> str:
    """The format to write ``path`` in: ``fmt``, else the extension's. InputError for an
    unknown format, or a ``fmt`` that contradicts a known extension ("--format geojson" for
    "out.csv")."""
    ext = path.suffix.lstrip(".").lower()
    by_ext = next((f for f in formats if ext in EXTENSIONS.get(f, (f,))), None)
    if fmt is None:
        if by_ext is None:
            raise InputError(f"unknown output format {ext!r} (from {path.name}): choose one of "
                             f"{', '.join(formats)}, or give --format")
        return by_ext
    fmt = fmt.lower()
    if fmt not in formats:
        raise InputError(f"unknown output format {fmt!r}: choose one of {', '.join(formats)}")
    known = {e for f in FORMATS for e in EXTENSIONS[f]}
    if ext in known and by_ext != fmt:
        raise InputError(f"--format {fmt} does not match the file name {path.name}: give a "
                         f".{EXTENSIONS[fmt][0]} file or leave --format out")
    return fmt


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
    lon/lat), GeoParquet or GeoPackage, atomically, with the permissions the user's umask
    gives. ``fmt`` defaults to the file extension and must agree with a known one."""
    path = check_output_path(path)
    fmt = output_format(path, fmt)

    def write(tmp: Path) -> None:
        if fmt == "csv":
            frame.drop(columns="geometry").to_csv(tmp, index=False)
        elif fmt in ("geojson", "gpkg"):
            # GeoJSON per RFC 7946 (no "crs" member, lon/lat), named after the output file
            options = {"driver": "GeoJSON", "RFC7946": "YES"} if fmt == "geojson" else \
                {"driver": "GPKG"}
            try:
                frame.to_file(tmp, layer=path.stem or "events", **options)
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
