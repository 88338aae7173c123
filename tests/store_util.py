"""The reference the incremental merge (``geo.store.merged.update_merged``) is tested
against: the merged frames computed from scratch from a store's extracted rows with the
pipeline's merge (``geo.events.pipeline.merge``), every event in memory."""

from __future__ import annotations

from geo.actors import load_actors
from geo.events.pipeline import merge
from geo.store import row_events


def merged_frames(store, snap, dictionary=None):
    """(events, control) merged events frames computed from scratch from the extracted rows
    of ``snap`` (what ``geo.events.pipeline.article_events`` and ``control_events`` give
    for the same articles, read in article-id order)."""
    table = store.read("extracted", snap=snap)
    rows = sorted(table.to_pylist(), key=lambda r: (r["article_id"], r["order"]))
    if dictionary is None and rows:
        dictionary = load_actors()
    return tuple(merge(row_events((r for r in rows if r[flag]), dictionary))
                 for flag in ("in_events", "in_control"))
