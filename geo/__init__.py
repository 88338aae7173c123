"""conflictmap's event layer: articles → events → territorial layers → maps, a store and the
command line, on top of the gazetteer (``gazetteer``: place names → coordinates).

A house of floors, each importing only the floors below it (``import-linter`` contracts in
``pyproject.toml``)::

    cli | dashboard          the command line; what app.py shows (pure functions)
    web                      folium/Leaflet pages: elements, markers, popups, legend, encoding
    layers | store           control, areas, corridor, the layer registry | the GeoParquet store
    events                   model, vocabulary, extract, places, merge, table, pipeline
    actors                   the actor dictionary and matching
    text                     inputs, articles, dates, discourse, mentions
    io | geodesy             the one atomic writer | distances and geodesics
    errors                   geo's error tree

``geo.events.pipeline`` is the one place where events are extracted and merged.
"""
