"""Engine and session factory for the three supported databases.

SQLite (the embedded default) runs in WAL mode with foreign keys on and a busy timeout; a file
the user cannot write opens read-only. PostgreSQL (``postgresql+psycopg://``) and MariaDB/MySQL
(``mysql+pymysql://``) get a connection pool sized as in the original design. Every statement is
timed; slow ones are logged to ``database.log`` in the data folder (``data.logs``), passwords
masked.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    NoSuchModuleError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker

from data import interrupt
from data.config import Settings, load_settings
from data.driver_errors import describe_error, is_disconnect, translate_errors
from data.errors import CatalogueError, DatabaseOpenError, DatabaseUnavailableError
from data.logs import configure_logging, mask_secrets

log = logging.getLogger("engravedetect.database")
sql_log = logging.getLogger("engravedetect.sql")

# The log (data.logs) and the translation of driver errors (data.driver_errors) have their own
# modules; their public names stay importable from here, where most callers found them.
__all__ = [
    "SQLITE_AUTOCHECKPOINT_PAGES", "Database", "attached", "backend_name", "configure_logging",
    "describe_error", "is_disconnect", "mask_secrets", "open_database", "parse_url",
    "translate_errors",
]

SQLITE_BUSY_TIMEOUT_MS = 5000
# SQLite's own default: a commit that leaves the WAL longer than this many pages copies it
# back into the database file before returning (an automatic checkpoint).
SQLITE_AUTOCHECKPOINT_PAGES = 1000


def backend_name(url: URL) -> str:
    """"sqlite", "postgresql" or "mysql" (MariaDB speaks the mysql dialect)."""
    name = url.get_backend_name()
    return "mysql" if name == "mariadb" else name


@dataclass
class Database:
    """An open database: engine, session factory and what the app may do with it."""

    engine: Engine
    url: URL
    settings: Settings
    read_only: bool = False
    read_only_reason: str | None = None
    sessions: sessionmaker[Session] = field(init=False)
    _checkpointer: threading.Thread | None = field(default=None, init=False, repr=False)
    _checkpointer_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return backend_name(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database)

    @property
    def display_url(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def session(self) -> Session:
        return self.sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short unit of work; driver errors come out as domain errors."""
        with translate_errors(), self.sessions() as session, session.begin():
            yield session

    @property
    def _writable_sqlite_file(self) -> bool:
        """A SQLite file this app writes (WAL mode): not a server, not in memory, not read-only."""
        return self.is_sqlite and self.sqlite_path is not None and not self.read_only

    @contextmanager
    def bulk_transaction(self, attach: Mapping[str, Path] | None = None) -> Iterator[Session]:
        """``transaction`` for one large write (an import of thousands of lenses).

        On a SQLite file, its commit does not copy the WAL back into the database file before
        returning (SQLite's automatic checkpoint: 0.6 to 0.9 s after an import of 100,000
        lenses on the benchmark's machine): the data is committed once it is in the WAL, which
        every reader already reads. The copy runs right after on a background connection
        (``checkpoint_in_background``), which blocks neither readers nor writers, while the
        window already shows the result. Elsewhere it is ``transaction``.

        ``attach`` (schema name -> file), on a SQLite file only: other SQLite files the
        transaction reads from (an import's prepared lenses), attached to its connection before
        it begins and detached once it is over, so that no pooled connection keeps them. The
        caller tells whether they are there with ``attached(session, name)``.
        """
        if not self._writable_sqlite_file:
            with self.transaction() as session:
                yield session
            return
        with translate_errors(), self.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            for name, path in (attach or {}).items():
                connection.exec_driver_sql(f"ATTACH DATABASE ? AS {_quoted(connection, name)}", (str(path),))
            connection.commit()  # the above alone: the session below owns its own transaction
            try:
                with Session(bind=connection, expire_on_commit=False) as session, session.begin():
                    yield session
            finally:
                if _detached(connection, attach or {}):
                    connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {SQLITE_AUTOCHECKPOINT_PAGES}")
                    connection.commit()
        self.checkpoint_in_background()

    def checkpoint_in_background(self) -> None:
        """SQLite file: copy the WAL into the database file on a background thread, without
        waiting for it (``PRAGMA wal_checkpoint(PASSIVE)``: it takes no lock that readers or
        writers wait for, and stops short of frames a reader still needs; a later automatic
        checkpoint finishes the rest). ``wait_for_checkpoint`` and ``dispose`` wait for it."""
        if not self._writable_sqlite_file:
            return
        thread = threading.Thread(target=self._checkpoint, name="sqlite-checkpoint", daemon=True)
        with self._checkpointer_lock:
            earlier, self._checkpointer = self._checkpointer, thread
            if earlier is not None:
                earlier.join()
            thread.start()

    def _checkpoint(self) -> None:
        started = time.perf_counter()
        try:
            with self.engine.connect() as connection:
                busy, frames, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                connection.commit()
        except (SQLAlchemyError, sqlite3.Error) as exc:  # the next automatic checkpoint does it
            log.warning("Point de contrôle du journal WAL reporté : %s", mask_secrets(str(exc)))
            return
        log.info(
            "Journal WAL recopié en arrière-plan : %s pages sur %s en %.2f s%s",
            copied, frames, time.perf_counter() - started, " (lecteur en cours)" if busy else "",
        )

    def wait_for_checkpoint(self) -> None:
        """Wait for a checkpoint started by ``checkpoint_in_background``, if one runs."""
        with self._checkpointer_lock:
            thread, self._checkpointer = self._checkpointer, None
        if thread is not None:
            thread.join()

    def dispose(self) -> None:
        self.wait_for_checkpoint()
        self.engine.dispose()


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)


def _detached(connection: Connection, attached: Mapping[str, Path]) -> bool:
    """Detach ``attached`` from a connection going back to the pool. A file still in use (a
    statement left open) cannot be: the connection is then thrown away, never pooled with a
    file attached to it. True when the connection is still usable."""
    for name in attached:
        try:
            connection.exec_driver_sql(f"DETACH DATABASE {_quoted(connection, name)}")
        except SQLAlchemyError as exc:
            log.warning("Base attachée « %s » non détachée (%s) : connexion abandonnée", name, exc)
            connection.invalidate()
            return False
    return True


def attached(session: Session, name: str) -> bool:
    """SQLite: whether a database is attached under ``name`` to the session's connection."""
    rows = session.connection().exec_driver_sql("PRAGMA database_list")
    return any(row[1] == name for row in rows)


def _sqlite_connect_listener(read_only: bool):  # type: ignore[no-untyped-def]
    def on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()
        interrupt.install(dbapi_connection)

    return on_connect


def _install_timing(engine: Engine, threshold_ms: float) -> None:
    @event.listens_for(engine, "before_cursor_execute")
    def _start(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        conn.info.setdefault("query_start", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        starts = conn.info.get("query_start")
        if not starts:
            return
        elapsed_ms = (time.perf_counter() - starts.pop()) * 1000
        if elapsed_ms >= threshold_ms:
            sql_log.warning("Requête lente (%.1f ms) : %s", elapsed_ms, " ".join(statement.split())[:600])


def parse_url(raw: str) -> URL:
    try:
        url = make_url(raw)
    except ArgumentError as exc:
        raise DatabaseOpenError(f"Adresse de base de données invalide : {mask_secrets(raw)}") from exc
    if backend_name(url) not in ("sqlite", "postgresql", "mysql"):
        raise DatabaseOpenError(
            f"Type de base non pris en charge : {url.get_backend_name()} "
            "(SQLite, PostgreSQL ou MariaDB/MySQL)."
        )
    return url


def open_database(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    check: bool = True,
    pool_size: int | None = None,
) -> Database:
    """Open (and for SQLite, create when missing) the database ``url`` or the configured one.

    Raises ``DatabaseOpenError`` when it cannot be opened at all (not a database, damaged,
    locked, missing folder) and ``DatabaseUnavailableError`` when a server does not answer.
    """
    settings = settings or load_settings(cli_url=url)
    raw = url or settings.database_url
    parsed = parse_url(raw)
    if backend_name(parsed) == "sqlite":
        db = _open_sqlite(parsed, settings, default=(url is None and settings.is_default_database))
    else:
        db = _open_server(parsed, settings, pool_size)
    _install_timing(db.engine, settings.slow_query_ms)
    if check:
        try:
            _check_connection(db)
        except BaseException:
            db.dispose()
            raise
    return db


def _open_sqlite(url: URL, settings: Settings, default: bool) -> Database:
    database = url.database or ""
    read_only = False
    reason = None
    if database and database != ":memory:" and not database.startswith("file:"):
        path = Path(database).expanduser()
        folder = path.parent
        if not folder.exists():
            if default:
                folder.mkdir(parents=True, exist_ok=True)
            else:
                raise DatabaseOpenError(
                    f"Le dossier de la base n'existe pas : {folder}. "
                    "Créez-le ou choisissez un autre emplacement."
                )
        if path.exists():
            if path.is_dir():
                raise DatabaseOpenError(f"{path} est un dossier, pas une base de données.")
            if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK):
                read_only = True
                reason = "Le fichier de la base est en lecture seule : consultation uniquement."
        if read_only:
            uri = f"file:{path.as_posix()}?mode=ro"
            engine = create_engine(
                "sqlite://",
                creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5),
            )
        else:
            engine = create_engine(
                url.set(database=str(path)),
                connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
            )
    else:
        engine = create_engine(url, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_connect_listener(read_only))
    return Database(engine, url, settings, read_only=read_only, read_only_reason=reason)


def _open_server(url: URL, settings: Settings, pool_size: int | None) -> Database:
    connect_args: dict[str, Any] = {"connect_timeout": 10}
    if backend_name(url) == "mysql" and "charset" not in url.query:
        url = url.update_query_dict({"charset": "utf8mb4"})
    try:
        engine = create_engine(
            url,
            pool_size=pool_size if pool_size is not None else settings.pool.size,
            max_overflow=settings.pool.overflow if pool_size is None else 2,
            pool_timeout=settings.pool.timeout_s,
            pool_recycle=settings.pool.recycle_s,
            pool_pre_ping=settings.pool.pre_ping,
            connect_args=connect_args,
        )
    except (NoSuchModuleError, ArgumentError) as exc:
        raise DatabaseOpenError(f"Pilote de base introuvable : {exc}") from exc
    if backend_name(url) == "postgresql":
        event.listen(engine, "connect", _postgresql_connect_listener)
    return Database(engine, url, settings)


POSTGRESQL_SESSION = (
    # psycopg prepares a statement run five times on a connection; PostgreSQL may then keep one
    # generic plan for all values. A search fragment or a supplier can keep ten lenses or half
    # the catalogue: the generic plan for ``recherche LIKE $1`` reads the whole trigram index
    # even for ``%zq%`` (105 ms instead of 19 at 100,000 lenses). Custom plans cost a planning
    # each time, which unprepared statements paid anyway.
    "SET plan_cache_mode = force_custom_plan",
    # Joins in the order written. The app's joins are a lens (or a reference) followed by the
    # references whose names it shows, written in the order they are best read; searching
    # every order of a lens page's five tables took 1.2 of its 1.6 ms at 100,000 lenses.
    "SET join_collapse_limit = 1",
)


def _postgresql_connect_listener(dbapi_connection: Any, _record: Any) -> None:
    """What every new PostgreSQL connection is told once (``POSTGRESQL_SESSION``)."""
    statements: tuple[str, ...] = POSTGRESQL_SESSION
    if dbapi_connection.info.server_version < 120000:  # plan_cache_mode: PostgreSQL 12+
        dbapi_connection.prepare_threshold = None  # no prepared statement, no generic plan
        statements = statements[1:]
    cursor = dbapi_connection.cursor()
    try:
        for statement in statements:
            cursor.execute(statement)
    finally:
        cursor.close()
    dbapi_connection.commit()  # a SET rolled back with its transaction would be undone


def _check_connection(db: Database) -> None:
    try:
        with db.engine.connect() as conn:
            if db.is_sqlite:
                conn.execute(text("PRAGMA schema_version")).scalar()
                conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
            else:
                conn.execute(text("SELECT 1")).scalar()
    except DBAPIError as exc:
        raise _open_error(db, exc) from exc


def _open_error(db: Database, exc: DBAPIError) -> CatalogueError:
    detail = mask_secrets(str(exc.orig) if exc.orig is not None else str(exc))
    where = db.display_url
    if db.is_sqlite:
        lowered = detail.lower()
        if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
            return DatabaseOpenError(
                f"Le fichier {db.sqlite_path} n'est pas une base de catalogue valide "
                "(fichier endommagé ou d'un autre type)."
            )
        if "locked" in lowered or "busy" in lowered:
            return DatabaseOpenError(
                f"La base {db.sqlite_path} est verrouillée par un autre programme. "
                "Fermez-le puis réessayez."
            )
        return DatabaseOpenError(f"Impossible d'ouvrir la base {db.sqlite_path} : {detail}")
    if is_disconnect(exc):
        return DatabaseUnavailableError(f"Base indisponible ({where}) : le serveur ne répond pas.", exc)
    return DatabaseOpenError(f"Impossible d'ouvrir la base {where} : {detail}")
