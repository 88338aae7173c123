"""Events: sentences → ACLED-style events, merged across articles.

* ``model``      the ``Event`` record
* ``vocabulary`` trigger rules and cue words (``data/event_vocabulary.toml``), the ACLED
                 event types and their marker shapes
* ``extract``    one article's events, sentence by sentence
* ``places``     where an event happened (relative locations, borders)
* ``merge``      the same event told by several sources, merged
* ``table``      events as a GeoDataFrame with ACLED columns
* ``pipeline``   articles → events: the only place that extracts and merges (the CLI, the
                 dashboard and the store all call it)

Depends on ``geo.actors`` and ``geo.text``.
"""
