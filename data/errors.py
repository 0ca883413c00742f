"""Domain errors: what the data layer raises instead of driver exceptions.

Every message is French and safe to show to a user (no SQL, no password).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.validation import ValidationReport


class CatalogueError(Exception):
    """Base class of every error the data layer lets out."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(CatalogueError):
    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.summary())
        self.report = report


class NotFoundError(CatalogueError):
    pass


class ConflictError(CatalogueError):
    """The row changed (or vanished) since the caller read it: optimistic locking."""


class ReferenceInUseError(CatalogueError):
    def __init__(self, message: str, lens_count: int) -> None:
        super().__init__(message)
        self.lens_count = lens_count


class ReadOnlyError(CatalogueError):
    pass


class DBOperationError(CatalogueError):
    """A database failure; the original exception is kept as ``cause`` (and __cause__)."""

    def __init__(self, message: str, cause: BaseException | None = None) -> None:
        super().__init__(message)
        self.cause = cause


class DatabaseUnavailableError(DBOperationError):
    """The server cannot be reached right now ("base indisponible"); worth retrying."""


class DatabaseOpenError(CatalogueError):
    """The database cannot be opened at all (not a database, damaged, locked, no folder)."""


class Cancelled(CatalogueError):  # noqa: N818 - an event the user asked for, not a failure
    """The user cancelled the job; nothing it started to write is left behind.

    The one cancellation of the data layer: maintenance jobs, the import and the export raise
    it (the export and the import turn it into a "cancelled" result), and the GUI's jobs report
    its message.
    """

    def __init__(self, message: str = "Opération annulée : rien n'a été modifié.") -> None:
        super().__init__(message)
