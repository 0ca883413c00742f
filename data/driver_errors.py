"""Driver errors turned into the catalogue's own errors, with French, password-free messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, SQLAlchemyError

from data.errors import CatalogueError, DatabaseUnavailableError, DBOperationError
from data.logs import mask_secrets


def is_disconnect(exc: BaseException) -> bool:
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, OperationalError):
        text_ = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
        return any(
            word in text_
            for word in (
                "connection refused",
                "could not connect",
                "can't connect",
                "lost connection",
                "server closed",
                "connection timeout",
                "timeout expired",
                "terminating connection",
                "gone away",
                "connection is closed",
                "consuming input failed",
                "the database system is",
            )
        )
    return False


def describe_error(exc: BaseException) -> CatalogueError:
    """Turn a driver exception into a domain error with a French, password-free message."""
    if isinstance(exc, CatalogueError):
        return exc
    detail = mask_secrets(str(getattr(exc, "orig", None) or exc))
    if is_disconnect(exc):
        return DatabaseUnavailableError(
            "Base indisponible : la connexion au serveur est perdue. Nouvel essai dans un instant.",
            exc,
        )
    if isinstance(exc, IntegrityError):
        return DBOperationError(
            f"La base a refusé l'enregistrement (règle de cohérence) : {detail}", exc
        )
    if isinstance(exc, OperationalError) and "locked" in detail.lower():
        return DBOperationError("La base est occupée par un autre poste ; réessayez.", exc)
    if isinstance(exc, OperationalError) and (
        "readonly" in detail.lower() or "read-only" in detail.lower()
    ):
        return DBOperationError("La base est en lecture seule.", exc)
    if isinstance(exc, OSError):
        return DBOperationError(f"Erreur d'accès au disque : {detail}", exc)
    return DBOperationError(f"Erreur de la base de données : {detail}", exc)


@contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except CatalogueError:
        raise
    except (SQLAlchemyError, sqlite3.Error) as exc:
        raise describe_error(exc) from exc

