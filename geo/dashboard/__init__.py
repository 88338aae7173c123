"""What the Streamlit dashboard (``app.py``) shows, as pure functions: nothing here imports
Streamlit, so every piece is tested without a browser.

* ``corpus``  the corpus (seeds, a store, added articles) and the resources it needs
* ``filters`` filtering by time, actor, bloc and type; clicks on the map; timeline; metrics
* ``panels``  an event's sources, the event table, the territorial-control summary
* ``serve``   the map's files served by the dashboard, and the downloads

What does not depend on the filters (each event's days, cited articles and place, the date
range, the filter options) is read once per corpus into an ``EventIndex``, which the app
caches by ``corpus_key``. Dates are ``datetime.date``; coordinates (lat, lon) degrees as
folium reports a click.
"""

from geo.dashboard.corpus import (
    LOADS,
    Corpus,
    add_article,
    build_corpus,
    build_index,
    build_progress,
    corpus_key,
    corpus_mentions,
    index_ready,
    load_actor_dictionary,
    load_gazetteer,
    seed_corpus,
    store_corpus,
    store_version,
)
from geo.dashboard.filters import (
    MAX_LISTED,
    METRICS,
    UNATTRIBUTED,
    EventIndex,
    clicked_events,
    date_bounds,
    date_filter,
    event_index,
    events_at,
    filter_events,
    filter_mentions,
    filter_options,
    located,
    metrics,
    play_window,
    step_window,
    timeline,
)
from geo.dashboard.panels import (
    TABLE_COLUMNS,
    UPLOAD_ENCODINGS,
    control_day,
    control_layers,
    control_summary,
    control_summary_markdown,
    event_table,
    highlight,
    plain_markdown,
    sources_html,
    theatre_label,
    upload_error_message,
)
from geo.dashboard.serve import events_csv, events_geojson, publish_map_data, serve_map_assets
from geo.theatres import select_theatres, theatre_choices

__all__ = ["build_index", "build_progress", "index_ready", "LOADS", "Corpus", "add_article",
           "build_corpus", "corpus_key", "corpus_mentions",
           "load_actor_dictionary", "load_gazetteer", "seed_corpus", "store_corpus",
           "store_version", "MAX_LISTED", "METRICS", "UNATTRIBUTED", "EventIndex",
           "clicked_events", "date_bounds", "date_filter", "event_index", "events_at",
           "filter_events", "filter_mentions", "filter_options", "located", "metrics",
           "play_window", "step_window", "timeline", "TABLE_COLUMNS", "control_day",
           "control_layers",
           "control_summary", "control_summary_markdown", "event_table", "highlight",
           "plain_markdown", "sources_html", "theatre_label", "theatre_choices",
           "upload_error_message", "UPLOAD_ENCODINGS", "select_theatres", "events_csv",
           "events_geojson", "publish_map_data", "serve_map_assets"]
