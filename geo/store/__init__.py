"""The store: what ``conflictmap ingest`` writes and ``events``/``layers``/``export --store``
and the dashboard read.

* ``tables``  the files (GeoParquet partitions by publication day) and the manifest (the
              commit point), ``Store``, events <-> rows
* ``merged``  the merged events kept up to date incrementally, partitioned by event day
* ``frames``  ``load_events``, ``load_mentions``, ``load_frames``: GeoDataFrames of a store
* ``batch``   one batch of articles geoparsed and extracted (``geo.events.pipeline``), on a
              worker; the gazetteer loaded once per process
* ``engines`` where batches run: ``local``, or ``dask`` (``dask.py``, a dask.distributed
              cluster, imported only when asked for)
* ``ingest``  the run: new articles in batches, undated articles re-dated, the merge

Depends on ``geo.events`` and below.
"""

from geo.errors import StoreError
from geo.store.frames import load_events, load_frames, load_mentions
from geo.store.tables import (
    ARTICLE_SCHEMA,
    EXTRACTED_SCHEMA,
    MENTION_SCHEMA,
    TABLES,
    Store,
    event_row,
    row_events,
    with_points,
)

__all__ = ["ARTICLE_SCHEMA", "EXTRACTED_SCHEMA", "MENTION_SCHEMA", "TABLES", "Store",
           "StoreError", "event_row", "load_events", "load_frames", "load_mentions",
           "row_events", "with_points"]
