"""Alembic environment for EngraveDetect Catalogue.

The URL comes from, in order: a connection handed over by the app
(``config.attributes["connection"]``), ``sqlalchemy.url`` set on the Config, then the app's own
settings (``ENGRAVEDETECT_DATABASE_URL``, ``.env``, default SQLite file).

Two PCs never migrate at once: SQLite migrates inside one ``BEGIN EXCLUSIVE`` transaction
(foreign keys switched off before it, as batch mode requires, and ``foreign_key_check`` run
before the commit); PostgreSQL takes a transaction-scoped advisory lock; MariaDB ``GET_LOCK``.
"""

from __future__ import annotations

import logging
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection, text

from data.database import open_database
from data.models import Base, include_in_autogenerate

config = context.config
if config.config_file_name is not None and not config.attributes.get("connection"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

log = logging.getLogger("engravedetect.migrations")
target_metadata = Base.metadata
MIGRATION_LOCK_KEY = 7_345_210_987  # PostgreSQL advisory lock id for schema migrations
MARIADB_LOCK_NAME = "engravedetect_migration"
LOCK_WAIT_S = 120


class MigrationLockError(RuntimeError):
    pass


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=False,
        include_name=include_in_autogenerate,
    )


def _run_sqlite(connection: Connection) -> None:
    if connection.in_transaction():
        connection.commit()
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        connection.exec_driver_sql("BEGIN EXCLUSIVE")
        _configure(connection)
        try:
            context.run_migrations()
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign_key_check a trouvé {len(problems)} incohérence(s)")
        except BaseException:
            connection.rollback()
            raise
        connection.commit()
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def _run_postgresql(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK_KEY})
        context.run_migrations()


def _run_mysql(connection: Connection) -> None:
    got = connection.execute(
        text("SELECT GET_LOCK(:n, :t)"), {"n": MARIADB_LOCK_NAME, "t": LOCK_WAIT_S}
    ).scalar()
    if got != 1:
        raise MigrationLockError("Une autre mise à jour de la base est en cours sur un autre poste.")
    try:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    finally:
        connection.execute(text("SELECT RELEASE_LOCK(:n)"), {"n": MARIADB_LOCK_NAME})
        if connection.in_transaction():
            connection.commit()


def run_with(connection: Connection) -> None:
    name = connection.dialect.name
    if name == "sqlite":
        _run_sqlite(connection)
    elif name == "postgresql":
        _run_postgresql(connection)
    else:
        _run_mysql(connection)


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    db = open_database(config.get_main_option("sqlalchemy.url") or None, pool_size=1)
    try:
        with db.engine.connect() as conn:
            run_with(conn)
    finally:
        db.dispose()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
