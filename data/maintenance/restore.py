"""Restoring a backup: check it, keep a safety copy of what is there, then replace atomically.

Order matters, so that a refused or failed restore changes nothing:
1. the chosen file is identified and checked (decompressed into a temporary SQLite file next to
   the target, ``integrity_check``, known schema revision; an older schema is migrated to head
   there, a newer one refused);
2. a safety backup (``pre-restore``) of the current database is taken; it succeeds even when the
   current database fails ``integrity_check`` (the online backup API copies pages, not rows), and
   a file that cannot be opened at all is simply moved aside;
3. SQLite: the prepared file replaces the database with one ``os.replace`` (stale ``-wal``/``-shm``
   removed first); servers: the content is replaced inside one transaction (delete everything,
   insert in foreign-key order keeping the ids, PostgreSQL sequences moved past the ids), then
   the planner's statistics refreshed (``upkeep.refresh_after_load``).

The caller must close its own connections to the database first (the GUI reopens afterwards).
"""

from __future__ import annotations

import logging
import os
import stat
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from data.config import Settings, load_settings
from data.database import Database, open_database
from data.driver_errors import translate_errors
from data.errors import DatabaseOpenError
from data.maintenance import portable
from data.maintenance.common import (
    RestoreError,
    SourceUnreadableError,
)
from data.maintenance.keep_password import current_password, keep_in_file, keep_in_server
from data.maintenance.load_rows import replace_content
from data.maintenance.prepare import (
    PreparedBackup,
    identify,
    open_work,
    prepare_restore,
)
from data.maintenance.upkeep import refresh_after_load
from data.migrate import MigrationError, head_revision, schema_state, upgrade
from data.progress import Cancel, Progress, Steps, check_cancel

log = logging.getLogger("engravedetect.maintenance")

# The checking step and the row loading live in their own modules; their public names stay
# importable from here, where callers found them.
__all__ = ["PreparedBackup", "RestoreResult", "identify", "prepare_restore", "replace_content",
           "restore_backup"]

@dataclass(frozen=True)
class RestoreResult:
    target: str
    backup_file: Path
    safety_backup: Path | None
    moved_aside: Path | None
    from_schema: str | None
    schema: str
    migrated: bool
    lens_count: int | None
    duration_s: float
    table_counts: dict[str, int] = field(default_factory=dict, compare=False)



def restore_backup(
    target_url_or_db: Database | str,
    backup_file: Path | str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    settings: Settings | None = None,
    prepared: PreparedBackup | None = None,
) -> RestoreResult:
    """Restore ``backup_file`` into the database (an open ``Database`` or a URL).

    With a URL, a SQLite file that cannot be opened at all is moved aside and replaced. A
    ``prepared`` backup (from ``prepare_restore`` or ``read_backup``) skips the checking step.
    A backup without an admin password keeps the current one (``keep_password``).
    """
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    db, owned, settings = _resolve_target(target_url_or_db, settings)
    url = db.url if db is not None else sa.make_url(str(target_url_or_db))
    sqlite_path = _sqlite_file(url)
    try:
        if db is not None and not db.is_sqlite:
            _refuse_newer_target(db)
        work_dir = sqlite_path.parent if sqlite_path else settings.backup_dir
        ready = prepared or prepare_restore(backup_file, work_dir, settings, _sub(steps, 0.0, 0.5))
        try:
            check_cancel(cancel)
            password = current_password(db)
            safety, moved = _safety_copy(db, sqlite_path, settings, _sub(steps, 0.5, 0.75), cancel)
            steps.phase(0.75, 1.0)
            if password is not None and ready.kind == "sqlite" and keep_in_file(ready.work_file, password):
                ready.counts["parametres"] = ready.counts.get("parametres", 0) + 1
            if sqlite_path is not None:
                _replace_sqlite_file(db, sqlite_path, ready)
            else:
                assert db is not None
                _load_into_server(db, ready, steps)
                if password is not None and ready.kind != "sqlite":
                    keep_in_server(db, password)
        finally:
            ready.discard()
    finally:
        if owned and db is not None:
            db.dispose()
    steps.finish()
    result = RestoreResult(
        target=url.render_as_string(hide_password=True),
        backup_file=Path(backup_file),
        safety_backup=safety,
        moved_aside=moved,
        from_schema=ready.from_schema,
        schema=head_revision(),
        migrated=ready.migrated,
        lens_count=ready.lens_count,
        duration_s=time.perf_counter() - started,
        table_counts=ready.counts,
    )
    log.info("Restauration de %s dans %s (copie de sécurité : %s)",
             result.backup_file, result.target, safety or moved)
    return result


def _sub(steps: Steps, start: float, end: float) -> Steps:
    """A Steps for a nested job that reports into [start, end] of ``steps``."""
    steps.phase(start, end)

    def forward(done: int, total: int) -> None:
        steps.fraction(done / total if total else 1.0)

    return Steps(forward, steps.cancel)


def _resolve_target(
    target: Database | str, settings: Settings | None
) -> tuple[Database | None, bool, Settings]:
    if isinstance(target, Database):
        return target, False, settings or target.settings
    settings = settings or load_settings(cli_url=target)
    try:
        return open_database(target, settings, pool_size=2), True, settings
    except DatabaseOpenError as exc:
        path = _sqlite_file(sa.make_url(target))
        if path is None or not path.parent.is_dir() or "verrouillée" in str(exc):
            raise
        return None, False, settings  # unreadable SQLite file: moved aside, then replaced


def _sqlite_file(url: sa.engine.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def _refuse_newer_target(db: Database) -> None:
    try:
        state = schema_state(db)
    except MigrationError as exc:
        raise RestoreError(str(exc)) from exc
    if state.newer_than_app:
        raise RestoreError(
            "La base a été mise à jour par une version plus récente de l'application : "
            "restauration impossible avec celle-ci."
        )


def _safety_copy(
    db: Database | None, sqlite_path: Path | None, settings: Settings, steps: Steps,
    cancel: Cancel | None,
) -> tuple[Path | None, Path | None]:
    from data.maintenance.backups import backup_database, backup_folder

    if db is None:
        return None, _move_aside(sqlite_path)
    if sqlite_path is not None and not sqlite_path.exists():
        return None, None
    try:
        result = backup_database(db, kind="pre-restore", dest_dir=backup_folder(settings, "pre-restore")[0],
                                 progress=steps.callback, cancel=cancel)
    except SourceUnreadableError as exc:
        if sqlite_path is None:
            raise
        # The file opens but cannot even be copied page by page: keep it aside as it is.
        log.warning("Copie de sécurité impossible (%s) : le fichier est mis de côté", exc)
        db.dispose()
        return None, _move_aside(sqlite_path)
    return result.path, None


def _move_aside(path: Path | None) -> Path | None:
    if path is None or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.illisible-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.illisible-{stamp}_{n}")
        n += 1
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{aside}{suffix}"))
    return aside


def _replace_sqlite_file(db: Database | None, path: Path, ready: PreparedBackup) -> None:
    if ready.kind != "sqlite":
        raise RestoreError(
            "Une sauvegarde d'un serveur (pg_dump, mariadb-dump) ne se restaure que sur ce type "
            "de serveur ; utilisez une sauvegarde au format portable."
        )
    if db is not None:
        _checkpoint(db)
        db.dispose()
    if path.exists():
        os.chmod(ready.work_file, stat.S_IMODE(path.stat().st_mode))
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(ready.work_file, path)
    ready.temporary = False


def _checkpoint(db: Database) -> None:
    """Fold the WAL into the file so that removing the stale -wal loses nothing that matters."""
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except sa.exc.SQLAlchemyError as exc:
        log.warning("Point de contrôle WAL impossible avant restauration : %s", exc)


def _load_into_server(db: Database, ready: PreparedBackup, steps: Steps) -> None:
    if ready.kind in ("pgdump", "mariadb"):
        expected = "postgresql" if ready.kind == "pgdump" else "mysql"
        if db.backend != expected:
            raise RestoreError(
                "Cette sauvegarde vient d'un autre type de serveur : utilisez une sauvegarde au "
                "format portable."
            )
        from data.maintenance.server_dump import restore_server_dump

        restore_server_dump(db, ready.work_file, steps)
        upgrade(db)
        refresh_after_load(db)
        return
    state = schema_state(db)
    if not state.up_to_date:
        upgrade(db)
    source = open_work(ready.work_file, db.settings)
    try:
        total = max(1, sum(ready.counts.values()))
        with source.engine.connect() as src, translate_errors(), db.engine.begin() as conn:
            loaded = replace_content(conn, portable.tables_from_database(src), steps, total)
        expected_counts = {k: v for k, v in ready.counts.items() if k != "alembic_version"}
        if any(loaded.get(k, 0) != v for k, v in expected_counts.items() if k in loaded):
            raise RestoreError("La restauration n'a pas chargé toutes les lignes.")
    finally:
        source.dispose()
    refresh_after_load(db)
