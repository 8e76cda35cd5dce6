"""Errors the command line turns into a message and an exit code (never a traceback)."""

from __future__ import annotations

from muranokit.engine.files.errors import SourceError

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_FINDINGS = 1  # validation findings, drift, failed deployment, failed tests
EXIT_USAGE = 2  # unusable input: missing files, bad YAML, bad arguments
EXIT_NO_TESTS = 5  # `muranokit test` found no test to run (pytest's code for the same)


class MuranokitError(Exception):
    """A user-facing failure: printed as ``muranokit: error: <message>``.

    ``path`` and ``line`` (1-based) locate the problem when it comes from a file.
    """

    exit_code = EXIT_USAGE

    def __init__(self, message: str, path: str | None = None, line: int | None = None,
                 exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return where + self.message


class InputError(MuranokitError):
    """Unusable input (exit 2)."""

    @classmethod
    def from_source(cls, error: SourceError) -> InputError:
        """The InputError saying what a :class:`SourceError` says."""
        return cls(error.message, error.path, error.line)


class OperationFailed(MuranokitError):
    """The work ran but did not succeed (exit 1)."""

    exit_code = EXIT_FINDINGS
