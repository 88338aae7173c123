"""The ``conflictmap`` command line: ``main`` parses and runs one command (one module per
command: ``gazetteer`` (lookup, geoparse, gazetteer …), ``events``, ``layers``, ``export``,
``ingest``) and maps the error trees of ``geo`` and the gazetteer to exit codes
(``errors.EXIT_CODES``). ``inputs`` holds the article options the commands share."""

from geo.cli.main import main

__all__ = ["main"]
