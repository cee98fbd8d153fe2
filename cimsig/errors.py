"""The errors a user can cause, each with the exit code the command ends with.

One handler in the CLI prints the message on stderr and exits with `exit_code`; nothing a user
can cause ends in a traceback. Messages are written for a district coordinator, not a programmer.
"""

from __future__ import annotations

# Exit codes, documented in README.md ("Exit codes") and `cimsig --help`.
EXIT_OK = 0
EXIT_OVERDUE = 1  # `status --check` found overdue work
EXIT_USAGE = 2  # bad command-line input: unknown or ambiguous id, bad date, bad option
EXIT_DATA = 3  # a guide or progress file problem
EXIT_BUG = 4  # an unexpected error: a bug of cimsig's (CIMSIG_DEBUG=1 shows the traceback)


class CimsigError(Exception):
    """Base of every error cimsig reports to the user."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, *, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return "\n".join([self.message, *(f"  - {p}" for p in self.problems)])


class UsageError(CimsigError):
    """Something typed on the command line cannot be used."""

    exit_code = EXIT_USAGE


class BadDateError(UsageError):
    """A date typed by the user could not be read."""


class UnknownIdError(UsageError):
    """No activity matches the id typed."""


class AmbiguousIdError(UsageError):
    """More than one activity matches the id typed."""


class GuideError(CimsigError):
    """The guide file cannot be read or does not make sense."""

    exit_code = EXIT_DATA


class StateError(CimsigError):
    """The state file cannot be read or written."""

    exit_code = EXIT_DATA


class FileProblem(StateError):
    """A progress file that cannot be used, with where (the file, and line) and what is wrong:
    a message about another copy of it names it so (`cimsig merge`)."""

    def __init__(self, message: str, where: str, problem: str) -> None:
        super().__init__(message)
        self.where, self.problem = where, problem


class ExportError(CimsigError):
    """An export could not be written."""

    exit_code = EXIT_DATA
