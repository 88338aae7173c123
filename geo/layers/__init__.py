"""Layers: what the events say about territory, as GeoDataFrames (EPSG:4326, (lon, lat)).

* ``boundaries`` country borders, a shared border line and a corridor around it
* ``control``    control observations and who holds each place on a day
* ``areas``      control areas (Voronoi cells cut to a radius and the land) and frontlines
* ``corridor``   a theatre's borders of interest and corridors, crossings, named zones and
                 corridor questions (``geo.theatres``: the facts, as data)
* ``registry``   every layer by name (compute function, map style, legend entry) and
                 ``layers_for_date``: all of them for one day
* ``snapshots``  the layers for the days a map steps through, and what one day says

Depends on ``geo.events.extract`` (the events frame's columns), ``geo.actors`` (blocs) and
``geo.theatres`` (each theatre's map facts; ``layers_for_date`` chooses the theatres of the
events' countries unless told).
"""
