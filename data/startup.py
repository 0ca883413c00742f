"""Opening the catalogue for use: connect, migrate (after a backup, under a lock), seed the sample.

Shared by the window and the command line, so both open a database the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from data.config import Settings, load_settings
from data.database import Database, open_database, parse_url
from data.errors import DatabaseOpenError
from data.logs import configure_logging
from data.migrate import SchemaState, schema_state, upgrade

log = logging.getLogger("engravedetect.startup")

NEWER_SCHEMA_REASON = (
    "Cette base a été mise à jour par une version plus récente d'EngraveDetect Catalogue : "
    "consultation seule. Installez la dernière version pour pouvoir la modifier."
)
READ_ONLY_USER_REASON = (
    "Le compte de base de données de ce poste n'a que le droit de lecture : "
    "consultation seule (modifications réservées au poste d'administration)."
)


@dataclass
class OpenedCatalogue:
    db: Database
    state_before: SchemaState
    backup_file: Path | None = None
    seeded: int = 0


def pre_migration_backup(db: Database) -> Path | None:
    """Back up before a schema change, on every backend."""
    from data import maintenance

    return maintenance.backup_database(db, kind="pre-migration").path


def reload_pre_migration_backup(db: Database, path: Path) -> None:
    """Load that backup back: MariaDB, after a migration failing half way (DDL is not
    transactional there)."""
    from data.maintenance.server_dump import restore_server_dump
    from data.progress import Steps

    restore_server_dump(db, path, Steps(None))


def open_catalogue(
    url: str | None = None,
    settings: Settings | None = None,
    *,
    migrate: bool = True,
    seed: bool = True,
    pool_size: int | None = None,
) -> OpenedCatalogue:
    settings = settings or load_settings(cli_url=url)
    configure_logging(settings)
    refuse_empty_file(url or settings.database_url)
    db = open_database(url or settings.database_url, settings, pool_size=pool_size)
    try:
        return _prepare(db, settings, migrate, seed)
    except BaseException:
        db.dispose()
        raise


def refuse_empty_file(url: str) -> None:
    """Refuse a catalogue file of zero bytes instead of starting a new catalogue over it.

    SQLite takes an empty file for a new database, but a catalogue the app ever opened is never
    empty (the first connection writes its header): zero bytes means a failed copy, a full disk
    or a sync tool went wrong, and the shop must be told, and offered its backups.
    """
    parsed = parse_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return
    path = Path(parsed.database).expanduser()
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        return  # open_database says what is wrong with it
    if empty:
        raise DatabaseOpenError(
            f"Le fichier {path} est vide (0 octet) : ce n'est pas une base de catalogue. "
            "Restaurez une sauvegarde, ou supprimez ce fichier pour repartir d'un catalogue vide."
        )


def _prepare(db: Database, settings: Settings, migrate: bool, seed: bool) -> OpenedCatalogue:
    state = schema_state(db)
    backup_file = None
    if state.newer_than_app:
        db.read_only, db.read_only_reason = True, NEWER_SCHEMA_REASON
        log.warning("Base en version %s, inconnue de cette application", state.current)
        return OpenedCatalogue(db, state)
    if not state.up_to_date:
        if not migrate:
            raise DatabaseOpenError(
                "La base doit être mise à jour (python main.py upgrade) avant cette opération."
            )
        if db.read_only:
            raise DatabaseOpenError(
                "La base est en lecture seule et doit être mise à jour : "
                "ouvrez-la une fois avec les droits d'écriture."
            )
        state, backup_file = upgrade(db, backup=pre_migration_backup, reload=reload_pre_migration_backup)
    if not db.is_sqlite and not db.read_only and not can_write(db):
        db.read_only, db.read_only_reason = True, READ_ONLY_USER_REASON
    seeded = 0
    if seed and settings.is_default_database and db.is_sqlite and not db.read_only:
        from data.sample import seed_if_new

        seeded = seed_if_new(db)
    return OpenedCatalogue(db, state, backup_file, seeded)


def can_write(db: Database) -> bool:
    """Whether the database user may change lenses (a rolled-back no-op UPDATE checks rights)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("UPDATE verres SET version = version WHERE 1 = 0"))
            conn.rollback()
        return True
    except Exception as exc:  # noqa: BLE001 - a permission error in any driver's words
        message = str(exc).lower()
        if "denied" in message or "permission" in message or "privilege" in message:
            return False
        raise
