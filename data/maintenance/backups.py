"""Making backups, listing them, and keeping the automatic ones in check.

``backup_database`` is the one entry point: the backup button, the ``backup`` command, the
start-up backup and the backup before every migration all go through it.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from data.config import Settings
from data.database import Database
from data.errors import CatalogueError
from data.maintenance.common import (
    KINDS,
    BackupError,
    BackupInfo,
    BackupResult,
    SourceUnreadableError,
    folder_error,
    parse_backup_name,
    unique_backup_path,
)
from data.maintenance.gzipio import read_comment
from data.preferences import folder_problem
from data.progress import Cancel, Progress, Steps

log = logging.getLogger("engravedetect.maintenance")

APP_TAG = "EngraveDetect Catalogue"
AUTO_BACKUP_AGE = timedelta(hours=24)


def ensure_folder(folder: Path, create: bool = True) -> Path:
    """The folder, made when missing, unless ``create`` is False (a folder the admin chose: a
    missing USB stick or share is reported, never replaced by a folder on the system disk)."""
    if not create and not folder.is_dir():
        problem = folder_problem(folder) or f"{folder} est introuvable."
        raise BackupError(f"Sauvegarde impossible. {problem} (Le dossier se règle dans Administration › Réglages…)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise folder_error(exc, folder) from exc
    if not folder.is_dir():
        raise BackupError(f"Le dossier de sauvegarde {folder} n'est pas un dossier.")
    return folder


def backup_folder(settings: Settings, kind: str) -> tuple[Path, bool]:
    """Where a backup of ``kind`` goes, and whether that folder may be created. A safety copy
    (before a migration or a restore) never waits for a missing USB stick or share: it goes to
    the data folder's backups instead."""
    if not settings.backup_dir_chosen:
        return settings.backup_dir, True
    if kind in ("pre-migration", "pre-restore") and not settings.backup_dir.is_dir():
        log.warning("Dossier de sauvegarde %s introuvable : copie de sécurité dans %s",
                    settings.backup_dir, settings.default_backup_dir)
        return settings.default_backup_dir, True
    return settings.backup_dir, False


def backup_database(
    db: Database,
    *,
    kind: str = "manual",
    dest_dir: Path | str | None = None,
    fmt: str = "native",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BackupResult:
    """Back up ``db`` into ``dest_dir`` (default: the settings' backup folder).

    ``fmt="native"``: SQLite online backup, gzip'd and verified; on a server ``pg_dump`` or
    ``mariadb-dump`` when installed, else the portable format. ``fmt="portable"``: gzip'd JSON
    that restores into any backend. Raises ``BackupError`` (French message) when the folder
    cannot be written, ``Cancelled`` when cancelled; either way no file is left behind and the
    database is untouched.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown backup kind {kind!r}")
    if fmt not in ("native", "portable"):
        raise ValueError(f"unknown backup format {fmt!r}")
    folder = ensure_folder(Path(dest_dir)) if dest_dir else ensure_folder(*backup_folder(db.settings, kind))
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    comment: dict[str, Any] = {
        "app": APP_TAG, "kind": kind, "backend": db.backend, "created": datetime.now().isoformat(),
    }
    try:
        if fmt == "native" and db.is_sqlite:
            path, counts, compressed_s = _native_sqlite(db, folder, kind, comment, steps)
            actual_fmt = "native"
        elif fmt == "native" and _server_dump_available(db):
            from data.maintenance.server_dump import dump_server

            path = dump_server(db, unique_backup_path(folder, datetime.now(), kind, _dump_ext(db)),
                               steps)
            counts, compressed_s, actual_fmt = {}, time.perf_counter() - started, "native"
        else:
            from data.maintenance.portable import export_portable

            target = unique_backup_path(folder, datetime.now(), kind, ".json.gz")
            counts = export_portable(db, target, comment, steps)
            path, compressed_s, actual_fmt = target, time.perf_counter() - started, "portable"
    except CatalogueError:
        raise
    except (OSError, sqlite3.OperationalError) as exc:
        raise folder_error(exc, folder) from exc
    steps.finish()
    duration = time.perf_counter() - started
    result = BackupResult(
        path=path,
        size_bytes=path.stat().st_size,
        duration_s=duration,
        lens_count=counts.get("verres"),
        kind=kind,
        fmt=actual_fmt,
        compressed_s=compressed_s,
        table_counts=counts,
    )
    log.info("Sauvegarde %s (%s, %s) : %s, %d octets en %.2f s",
             kind, actual_fmt, db.backend, path, result.size_bytes, duration)
    return result


def _native_sqlite(
    db: Database, folder: Path, kind: str, comment: dict[str, Any], steps: Steps
) -> tuple[Path, dict[str, int], float]:
    from data.maintenance.sqlite_native import backup_sqlite

    source = db.sqlite_path
    if source is None or not source.exists():
        raise BackupError("Cette base SQLite n'a pas de fichier à sauvegarder.")
    final = unique_backup_path(folder, datetime.now(), kind, ".db.gz")
    comment = {**comment, "fmt": "native"}
    try:
        snapshot, compressed_s = backup_sqlite(
            source, db.read_only, final, comment, steps, strict=(kind != "pre-restore")
        )
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and _is_destination_error(exc):
            raise folder_error(exc, folder) from exc
        raise SourceUnreadableError(
            "La base n'a pas pu être lue pour la sauvegarde (fichier endommagé). "
            "Lancez la vérification de la base."
        ) from exc
    return final, snapshot.counts, compressed_s


def _is_destination_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("disk is full", "unable to open", "readonly", "disk i/o"))


def _server_dump_available(db: Database) -> bool:
    from data.maintenance.server_dump import dump_program

    return dump_program(db) is not None


def _dump_ext(db: Database) -> str:
    return ".pgdump" if db.backend == "postgresql" else ".mariadb.sql.gz"


def list_backups(backup_dir: Path | str) -> list[BackupInfo]:
    """Our backup files in ``backup_dir``, newest first (lens count when the header has it)."""
    folder = Path(backup_dir)
    found: list[BackupInfo] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for path in entries:
        parsed = parse_backup_name(path.name)
        if parsed is None or not path.is_file():
            continue
        created, kind, fmt = parsed
        comment = read_comment(path) if path.name.endswith(".gz") else None
        lens_count = comment.get("lens_count") if comment else None
        revision = comment.get("schema") if comment else None
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupInfo(
            path=path, created=created, size=size, kind=kind, fmt=fmt,
            lens_count=lens_count if isinstance(lens_count, int) else None,
            schema_revision=revision if isinstance(revision, str) else None,
        ))
    found.sort(key=lambda info: (info.created, info.path.name), reverse=True)
    return found


def apply_retention(backup_dir: Path | str, keep_daily: int = 7, keep_weekly: int = 4) -> list[Path]:
    """Delete automatic backups beyond the newest of each of the last ``keep_daily`` days and of
    each of the last ``keep_weekly`` ISO weeks; return what was deleted.

    Manual, pre-migration and pre-restore backups are never touched: the user (or a migration)
    made them on purpose.
    """
    autos = [b for b in list_backups(backup_dir) if b.kind == "auto"]  # newest first
    keep: set[Path] = set()
    days: list[date] = []
    weeks: list[tuple[int, int]] = []
    for info in autos:
        day = info.created.date()
        if day not in days and len(days) < keep_daily:
            days.append(day)
            keep.add(info.path)
        week = tuple(info.created.isocalendar())[:2]
        if week not in weeks and len(weeks) < keep_weekly:
            weeks.append(week)  # type: ignore[arg-type]
            keep.add(info.path)
    deleted: list[Path] = []
    for info in autos:
        if info.path in keep:
            continue
        try:
            info.path.unlink()
            deleted.append(info.path)
        except OSError as exc:
            log.warning("Ancienne sauvegarde non supprimée (%s) : %s", info.path, exc)
    return deleted


def auto_backup_if_due(
    db: Database,
    *,
    now: datetime | None = None,
    keep_daily: int | None = None,
    keep_weekly: int | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> BackupResult | None:
    """The start-up backup: on the default SQLite file, when the newest backup is over 24 h old
    and the settings have not turned it off.

    Runs retention afterwards (the settings' counts unless given). Returns None when nothing was due.
    """
    settings = db.settings
    if not (db.is_sqlite and settings.is_default_database and settings.auto_backup):
        return None
    source = db.sqlite_path
    if source is None or not source.exists():
        return None
    folder = db.settings.backup_dir
    newest = next(iter(list_backups(folder)), None)
    current = now or datetime.now()
    if newest is not None and current - newest.created < AUTO_BACKUP_AGE:
        return None
    result = backup_database(db, kind="auto", progress=progress, cancel=cancel)
    apply_retention(folder, settings.keep_daily if keep_daily is None else keep_daily,
                    settings.keep_weekly if keep_weekly is None else keep_weekly)
    return result


def remove_backup(path: Path) -> None:
    """Delete one backup file (the restore dialog's "supprimer")."""
    try:
        os.unlink(path)
    except OSError as exc:
        raise BackupError(f"Impossible de supprimer la sauvegarde {path} : {exc.strerror}") from exc
