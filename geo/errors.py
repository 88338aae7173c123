"""One exception tree for ``geo`` (as ``gazetteer.errors`` is the gazetteer's): every error a
user can cause or meet derives from :class:`GeoError`, so the command line and the dashboard
catch one type and print its message. The command line maps these classes, and the
gazetteer's, to exit codes (``geo.cli.errors.EXIT_CODES``); nothing here knows of them."""


class GeoError(Exception):
    """Base class of every ``geo`` error."""


class InputError(GeoError):
    """Unusable input: a missing, empty, binary, undecodable or too large file, a malformed
    date, a bad option value."""


class UsageError(GeoError):
    """Options that do not go together."""


class DataError(GeoError):
    """A data file (actor dictionary, event vocabulary, Leaflet's files) is missing or
    malformed."""


class StoreError(DataError):
    """Not a store, a damaged manifest, or a store another ingest is writing."""


class ServiceError(GeoError):
    """A service (a Dask scheduler) failed or was unreachable."""
