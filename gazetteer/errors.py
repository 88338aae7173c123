"""One exception tree for the gazetteer, modelled on geopy's ``GeopyError``.

Every error a user can cause or meet derives from :class:`GazetteerError`, so a caller catches
one type and shows its message. The gazetteer knows nothing of command lines: the
``conflictmap`` command maps these classes to exit codes (``geo.cli.errors``).
"""


class GazetteerError(Exception):
    """Base class of every gazetteer error."""


class InputError(GazetteerError):
    """Unusable input: empty, binary, undecodable, too large, or a name that is too long."""


class NotFound(GazetteerError):
    """A lookup that the caller required to succeed found no place."""


class DataError(GazetteerError):
    """A data file (GeoNames dump, overlay CSV) is missing or malformed."""


class IndexUnavailable(GazetteerError):
    """The on-disk index could not be built, opened or read."""


class ServiceError(GazetteerError):
    """A network service (GeoNames download site, online geocoder) failed or was unreachable."""
