"""Files the dashboard serves or offers: the map's scripts and data under its static folder,
and the events as CSV and GeoJSON downloads."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.io import write_atomic

# -- the map's scripts and styles, served by the dashboard itself ------------------------


def serve_map_assets(files: dict[str, Path], dest: Path, url_base: str) -> dict[str, str]:
    """Copy ``files`` (relative path -> local file, as ``geo.web.assets.asset_paths()``) under
    ``dest`` keeping their relative paths (so a stylesheet's ``images/…`` still resolve),
    rewriting only files that are missing or differ, and return relative path -> URL
    (``url_base/relative path``). Raises OSError when ``dest`` cannot be written."""
    urls = {}
    for rel, src in files.items():
        target = dest / rel
        if not target.is_file() or target.stat().st_size != src.stat().st_size or \
                target.read_bytes() != src.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, lambda tmp, src=src: shutil.copyfile(src, tmp))
        urls[rel] = f"{url_base.rstrip('/')}/{rel}"
    return urls


def publish_map_data(text: str, dest: Path, url_base: str, name: str = "data",
                     keep: int = 8) -> str:
    """Write ``text`` (JSON the map fetches, e.g. its country borders) to ``dest`` as
    ``<name>-<digest>.json`` unless it is there already, and return its URL
    (``url_base/<file>``): the name changes with the content, so a browser may cache it.
    Older files of that ``name`` beyond the ``keep`` most recent are removed. Raises OSError
    when ``dest`` cannot be written."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", name):
        raise ValueError(f"bad data name {name!r}")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:20]
    target = dest / f"{name}-{digest}.json"
    if not target.is_file():
        dest.mkdir(parents=True, exist_ok=True)
        write_atomic(target, text)
        old = sorted(dest.glob(f"{name}-*.json"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
        for stale in old[keep:]:
            if stale != target:
                stale.unlink(missing_ok=True)
    return f"{url_base.rstrip('/')}/{target.name}"


# -- downloads ----------------------------------------------------------------------------


def events_csv(events: gpd.GeoDataFrame) -> bytes:
    """The events as CSV (UTF-8, latitude/longitude columns, no geometry), like
    ``conflictmap events --format csv``."""
    buf = io.StringIO()
    pd.DataFrame(events.drop(columns="geometry")).to_csv(buf, index=False)
    return buf.getvalue().encode("utf-8")


def events_geojson(events: gpd.GeoDataFrame) -> bytes:
    """The events as an RFC 7946 GeoJSON FeatureCollection (lon, lat; unlocated events have
    a null geometry)."""
    frame = events.to_crs("EPSG:4326") if events.crs else events
    features = json.loads(frame.to_json(drop_id=True, na="null"))
    return json.dumps(features, ensure_ascii=False).encode("utf-8")
