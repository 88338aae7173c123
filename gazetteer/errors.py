"""One exception tree for the gazetteer, modelled on geopy's ``GeopyError``.

Every error a user can cause or meet derives from :class:`GazetteerError`, so the CLI and the
dashboard catch one type and print its message; each class carries the CLI exit code it maps to.
"""


class GazetteerError(Exception):
    """Base class of every gazetteer error. ``exit_code`` is the CLI's exit status for it."""

    exit_code = 1


class InputError(GazetteerError):
    """Unusable input: empty, binary, undecodable, too large, or a name that is too long."""

    exit_code = 3


class NotFound(GazetteerError):
    """A lookup that the caller required to succeed found no place."""

    exit_code = 4


class DataError(GazetteerError):
    """A data file (GeoNames dump, overlay CSV) is missing or malformed."""

    exit_code = 5


class IndexUnavailable(GazetteerError):
    """The on-disk index could not be built, opened or read."""

    exit_code = 5


class ServiceError(GazetteerError):
    """A network service (GeoNames download site, online geocoder) failed or was unreachable."""

    exit_code = 6
