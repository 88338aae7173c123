"""One exception tree for ``geo`` (as ``gazetteer.errors`` is the gazetteer's): every error a
user can cause or meet derives from :class:`GeoError`, so the command line and the dashboard
catch one type and print its message. The command line maps these classes, and the
gazetteer's, to exit codes (``geo.cli.errors.EXIT_CODES``); nothing here knows of them."""


class GeoError(Exception):
    """Base class of every ``geo`` error."""


class InputError(GeoError):
    """Unusable input: a missing, empty, binary, undecodable or too large file, a malformed
    date, a bad option value."""


class EncodingError(InputError):
    """Text that is not valid in the encoding it was read with (UTF-8 by default). The
    message names the likely encodings; each front end says how to choose one (the
    command line's ``--encoding``, the dashboard's encoding selector)."""


class OutputError(InputError):
    """An output that cannot be written where it was asked for: a folder given as the file,
    a path under a file, a folder that is read-only or a disk that is full."""


class UsageError(GeoError):
    """Options that do not go together."""


class DataError(GeoError):
    """A data file (actor dictionary, event vocabulary, Leaflet's files) is missing or
    malformed."""


class StoreError(DataError):
    """Not a store, a damaged manifest, or a store another ingest is writing."""


class DamagedStore(StoreError):
    """A file the store's manifest lists is missing, truncated or unreadable. ``path``: the
    file; the message names it and the repair command."""

    def __init__(self, message: str, path: str = ""):
        super().__init__(message)
        self.path = path


class ServiceError(GeoError):
    """A service (a Dask scheduler) failed or was unreachable."""
