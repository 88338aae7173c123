"""The store's merged events and place mentions as GeoDataFrames: what ``conflictmap events``,
``layers`` and ``export --store`` and the dashboard read. Frames are EPSG:4326, geometry
(lon, lat)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo.errors import DamagedStore
from geo.events.table import ACLED_COLUMNS, INT_COLUMNS, OUR_COLUMNS, events_frame, typed
from geo.store.merged import merged_frame, update_merged
from geo.store.tables import Store, StoreError, read_frame
from geo.text.mentions import COLUMNS, with_types

# -- frames -----------------------------------------------------------------------------------

def _read_merged(store: Store, key: str):
    """The stored merged frame ``key`` ("events" or "control"), or one computed from the
    extracted rows (not written) when the last ingest stopped before merging."""


    for _ in range(3):      # a writer may replace the merged files between reads
        snap = store.snapshot()
        entry = snap.merged()
        try:
            if entry is None:
                update = update_merged(store, snap, snap.manifest.get("merged"), write=False)
                frame = merged_frame(store, update.entry, key, update.state)
            elif isinstance(entry.get(key), str):        # layout 1: one file
                frame = read_frame(store.root / entry[key])
            else:
                frame = merged_frame(store, entry, key)
            return _with_columns(frame)
        except DamagedStore:
            if store.snapshot().manifest == snap.manifest:
                raise           # nobody replaced it: the file is gone or damaged
    raise StoreError(f"{store.root}: the merged events keep changing; try again")


#: ``events_frame`` columns of Python ints, and of floats, that may be missing: pandas makes
#: them int64 (none missing), float64 (some) or object (all); read back from partitions,
#: they are given the dtype ``events_frame`` gives the whole
_INT_COLUMNS = ("n_sources", "date_prec", "where_prec")
_FLOAT_COLUMNS = ("latitude", "longitude", "uncertainty_km")


def _with_columns(frame):
    """The public columns of a merged frame (None: no events), typed as ``events_frame``
    types them. EPSG:4326, (lon, lat)."""


    if frame is None:
        frame = events_frame([])
    for col in (*ACLED_COLUMNS, *OUR_COLUMNS):
        if col not in frame.columns:        # a store merged before the column existed
            frame[col] = None
    frame = frame[[*ACLED_COLUMNS, *OUR_COLUMNS, "geometry"]].reset_index(drop=True)
    if len(frame):
        for col in (*ACLED_COLUMNS, *OUR_COLUMNS):
            if col in INT_COLUMNS:
                continue
            s = frame[col]
            missing = s.isna()
            if missing.all():
                frame[col] = pd.Series([None] * len(s), dtype=object)
            elif col in _INT_COLUMNS and not missing.any():
                frame[col] = s.astype("int64")
            elif col in _INT_COLUMNS or col in _FLOAT_COLUMNS:
                frame[col] = s.astype("float64")
    return typed(frame).set_crs("EPSG:4326", allow_override=True)


def load_events(store: str | Path | Store, *, control: bool = False):
    """The store's merged events as a GeoDataFrame (``geo.events.table.events_frame``
    columns, EPSG:4326, geometry (lon, lat)); ``control`` keeps standing facts ("X is held
    by Y") as ``conflictmap layers`` needs. Raises StoreError for a missing or damaged store."""
    store = store if isinstance(store, Store) else Store(store)
    return _read_merged(store, "control" if control else "events")


def load_mentions(store: str | Path | Store):
    """The place mentions of every article in the store: ``geo.text.mentions.mentions_frame``
    columns plus the article's ``title`` and ``published`` date (ISO string), as the
    dashboard's corpus has them; EPSG:4326, geometry (lon, lat), empty for unlocated."""


    store = store if isinstance(store, Store) else Store(store)
    table = store.read("mentions").sort_by([("article", "ascending"),
                                            ("start", "ascending")])
    df = table.drop_columns(["sha1", "seq", "geometry"]).to_pandas()
    geom = gpd.GeoSeries.from_wkb(table.column("geometry").to_pylist(), crs="EPSG:4326")
    frame = with_types(gpd.GeoDataFrame(df[COLUMNS], geometry=geom, crs="EPSG:4326"))
    frame["title"], frame["published"] = df["title"], df["published"]
    return frame


def load_frames(store: str | Path):
    """(events, mentions) GeoDataFrames of a store, for the dashboard: the merged events
    (``load_events``) and the place mentions (``load_mentions``). EPSG:4326, (lon, lat).
    Pure: reads the store, writes nothing. Raises ``StoreError`` (a
    ``geo.errors.DataError``) when ``store`` is not a readable store."""
    s = Store(store)
    return load_events(s), load_mentions(s)
