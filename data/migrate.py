"""Schema migrations run by the app itself: upgrade to head at start, after a backup, under a lock.

The lock lives in ``migrations/env.py`` so that the plain ``alembic upgrade head`` command takes it
too. An app older than the database (a revision it does not know) opens it read-only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from data.database import Database
from data.driver_errors import describe_error
from data.errors import CatalogueError, DatabaseOpenError, DBOperationError
from data.shipped import MIGRATIONS_DIR, SOURCE_ROOT

log = logging.getLogger("engravedetect.migrations")
PROJECT_ROOT = SOURCE_ROOT


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    known: bool  # the current revision is one this app knows

    @property
    def is_empty(self) -> bool:
        return self.current is None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head

    @property
    def newer_than_app(self) -> bool:
        return self.current is not None and not self.known


class MigrationError(CatalogueError):
    """A migration failed; ``restored_from`` is the backup the database was put back from."""

    def __init__(self, message: str, restored_from: Path | None = None) -> None:
        super().__init__(message)
        self.restored_from = restored_from


class MigrationLockedError(DatabaseOpenError):
    """Another program holds the database: the migration could not even start."""


def alembic_config() -> Config:
    """The project's alembic.ini from the source tree; an installed app has no such file and
    gets the same settings here (the revisions' folder; logging stays the app's)."""
    ini = PROJECT_ROOT / "alembic.ini"
    config = Config(str(ini)) if ini.is_file() else Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def schema_state(db: Database) -> SchemaState:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None
    with db.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current is None and inspect(conn).has_table("verres"):
            # Tables without a version stamp: not something this app created.
            raise MigrationError(
                "Cette base contient des tables du catalogue mais pas de numéro de version : "
                "elle n'a pas été créée par EngraveDetect Catalogue."
            )
    known = True
    if current is not None:
        try:
            known = script.get_revision(current) is not None
        except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown revisions
            known = False
    return SchemaState(current=current, head=head, known=known)


Backup = Callable[[Database], Path | None]
"""Makes the pre-migration backup of a database; returns its file (None: none was made)."""
Reload = Callable[[Database, Path], None]
"""Loads such a backup back into the database (MariaDB, after a migration failing half way)."""


def upgrade(
    db: Database,
    backup: Backup | None = None,
    target: str = "head",
    reload: Reload | None = None,
) -> tuple[SchemaState, Path | None]:
    """Bring the schema to ``target``; back up first when there is anything to lose.

    Returns the state before migrating and the backup file (if one was made). A database newer
    than the app is left alone (the caller opens it read-only). ``reload`` puts a MariaDB base
    back from ``backup``'s file when a migration fails half way (see ``_after_failure``): the
    caller passes it, so that migrating never imports the maintenance jobs that migrate.
    """
    state = schema_state(db)
    if state.newer_than_app or (target == "head" and state.up_to_date):
        return state, None
    backup_file = None
    if backup is not None and not state.is_empty:
        backup_file = backup(db)
    tables_before = _table_names(db)
    config = alembic_config()
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, target)
    except CatalogueError:
        raise
    except Exception as exc:
        log.exception("Migration échouée")
        if _is_locked(exc):
            raise MigrationLockedError(
                f"La base {db.display_url} est verrouillée par un autre programme : sa mise à "
                "jour n'a pas pu commencer et elle reste à sa version précédente. Fermez l'autre "
                "programme puis réessayez."
            ) from exc
        detail = describe_error(exc).message
        outcome, restored = _after_failure(db, state, backup_file, tables_before, reload)
        raise MigrationError(
            f"La mise à jour du schéma a échoué ; {outcome} Détail : {detail}", restored
        ) from exc
    return state, backup_file


def _table_names(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def _is_locked(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", None) or exc).lower()
    return "database is locked" in text or type(exc).__name__ == "MigrationLockError"


def _after_failure(
    db: Database, state: SchemaState, backup_file: Path | None, tables_before: set[str],
    reload: Reload | None,
) -> tuple[str, Path | None]:
    """Put the database back as it was; return what to tell the user and the backup used.

    SQLite and PostgreSQL run the whole migration in one transaction: their rollback is the
    restore. MariaDB commits every DDL statement on its own, so a migration failing half way
    leaves its first steps behind: the tables it created are dropped and the pre-migration
    backup (a ``mariadb-dump``, which recreates every table it holds) is loaded back.
    """
    where = f" La sauvegarde d'avant la mise à jour est {backup_file}." if backup_file else ""
    if db.backend != "mysql":
        return f"la base reste à sa version précédente.{where}", None
    try:
        _drop_tables_not_in(db, tables_before)
        if backup_file is not None:
            if not backup_file.name.endswith(".mariadb.sql.gz"):
                raise MigrationError("sauvegarde au format portable : restauration manuelle")
            if reload is None:
                raise MigrationError("aucun moyen de recharger la sauvegarde : restauration manuelle")
            reload(db, backup_file)
        elif not state.is_empty:
            raise MigrationError("aucune sauvegarde d'avant la mise à jour")
        back = schema_state(db).current == state.current and _table_names(db) == tables_before
    except Exception:  # noqa: BLE001 - whatever failed, the user must hear the base may be changed
        log.exception("Remise en état après la migration échouée impossible")
        back = False
    if not back:
        return (
            "MariaDB ne sait pas annuler une mise à jour du schéma d'un bloc et la remise en état "
            "automatique a échoué : la base a peut-être été modifiée en partie. Restaurez la "
            f"sauvegarde d'avant la mise à jour avant de continuer.{where}",
            None,
        )
    if backup_file is None:
        return "la base, vide, a été remise dans son état précédent.", None
    return (
        "MariaDB ne sachant pas annuler une mise à jour du schéma d'un bloc, la base a été "
        f"remise dans son état d'avant la mise à jour à partir de la sauvegarde {backup_file}.",
        backup_file,
    )


def _drop_tables_not_in(db: Database, keep: set[str]) -> None:
    """Drop the tables a failed migration created (MariaDB kept them: DDL is not transactional)."""
    extra = _table_names(db) - keep
    if not extra:
        return
    with db.engine.begin() as conn:
        conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for name in sorted(extra):
                conn.exec_driver_sql(f"DROP TABLE IF EXISTS `{name}`")
        finally:
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")


def downgrade(db: Database, target: str = "base") -> None:
    config = alembic_config()
    try:
        with db.engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, target)
    except Exception as exc:
        raise DBOperationError(f"Retour de version impossible : {exc}", exc) from exc
