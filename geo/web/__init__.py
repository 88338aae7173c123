"""The web map: events, place mentions and layers on a Leaflet page (folium).

* ``html``     escaping cells, colours, highlighting, JSON safe inside a page's script
* ``assets``   Leaflet's files (xstatic-leaflet), the map's own script and style
* ``elements`` the folium elements of the page (its script and data, GeoJSON overlays)
* ``markers``  compact event markers for the dashboard and their grouping on a grid
* ``encode``   the control layers' snapshots encoded for the page's script
* ``legend``   the legend's HTML
* ``map``      ``build_map``, ``map_html``, ``export_map``

Depends on ``geo.layers.registry`` and below; article text is untrusted here: every string is
escaped before it reaches a page.
"""
