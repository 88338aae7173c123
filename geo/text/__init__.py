"""Text: article files and their metadata, dates, discourse state and place mentions.

The first floor of ``geo``: it knows nothing of actors, events, layers or maps.

* ``inputs``    reading files and pasted text safely (bad input is an ``InputError``)
* ``articles``  ``Article``: metadata header or manifest, publication date or inferred window
* ``dates``     dates in news text, and the one parser of a ``YYYY-MM-DD`` day
* ``discourse`` what an article has told so far (last subject, speaker, place, day, border)
* ``mentions``  sentence bounds and the place mentions of articles as a GeoDataFrame
"""
