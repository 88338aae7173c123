"""Exit codes of the ``conflictmap`` command, mapped from the error trees of ``geo``
(``geo.errors``) and the gazetteer (``gazetteer.errors``): neither knows of them."""

from __future__ import annotations

from gazetteer import errors as gazetteer_errors
from geo import errors

EXIT_OK, EXIT_INTERNAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
#: error class → exit code; an error takes the code of the first class in its MRO listed
EXIT_CODES: dict[type, int] = {
    errors.UsageError: EXIT_USAGE,
    errors.InputError: 3, gazetteer_errors.InputError: 3,
    gazetteer_errors.NotFound: 4,
    errors.DataError: 5, gazetteer_errors.DataError: 5, gazetteer_errors.IndexUnavailable: 5,
    errors.ServiceError: 6, gazetteer_errors.ServiceError: 6,
    errors.GeoError: EXIT_INTERNAL, gazetteer_errors.GazetteerError: EXIT_INTERNAL,
}
#: the errors a user can cause or meet: a one-line message and their exit code
USER_ERRORS = (errors.GeoError, gazetteer_errors.GazetteerError)


def exit_code(exc: BaseException) -> int:
    """The exit code of an error (``EXIT_CODES``; 1 for any other)."""
    return next((EXIT_CODES[c] for c in type(exc).__mro__ if c in EXIT_CODES), EXIT_INTERNAL)


def user_message(exc: BaseException) -> str:
    """The error's message for the command line: an encoding error says which option picks
    the encoding."""
    hint = " (choose it with --encoding)" if isinstance(exc, errors.EncodingError) else ""
    return f"{exc}{hint}"
