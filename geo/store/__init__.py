"""The store: articles, their extracted events and place mentions as GeoParquet partitions
with a manifest (``tables``), the merged events kept up to date incrementally (``merged``),
and the ingest that fills it (``ingest``) in this process or on a Dask cluster
(``engines``; ``dask``).

Public API: ``Store``, ``load_events``, ``load_mentions``, ``load_frames``.
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
