"""Data sources, one module each, behind :class:`~gazetteer.sources.base.Source`."""
