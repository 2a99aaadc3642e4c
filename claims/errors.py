"""One exception family. Each error knows its exit code and says, in one line, what to do."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_DATABASE = 4
EXIT_INTERNAL = 70  # a bug (sysexits' EX_SOFTWARE): never 1, which a pipeline reads as "--fail-on met"


class ClaimsError(Exception):
    exit_code = EXIT_INTERNAL

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(ClaimsError):
    exit_code = EXIT_USAGE


class InputError(ClaimsError):
    """The input could not be read: missing, binary, undecodable or too large."""

    exit_code = EXIT_INPUT


class DataError(ClaimsError):
    """A bundled or user-supplied data file (registry, lexicon) is malformed."""

    exit_code = EXIT_USAGE


class DatabaseError(ClaimsError):
    exit_code = EXIT_DATABASE
