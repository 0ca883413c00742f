"""Checking a chosen backup before a restore, and bringing it to the app's schema.

The chosen file is identified (SQLite, gzip'd SQLite, portable JSON, a server's dump), checked
and, for SQLite and portable backups, turned into a temporary SQLite file at the app's schema
next to the target (``integrity_check``, known schema revision; an older schema is migrated to
head there, a newer one refused). Nothing outside that temporary file is touched.
"""

from __future__ import annotations

import gzip
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from data.catalogue.code_keys import repair_code_keys
from data.config import Settings
from data.database import Database, open_database
from data.driver_errors import translate_errors
from data.maintenance import portable
from data.maintenance.common import (
    RestoreError,
    create_private,
    remove_quietly,
    temp_path,
)
from data.maintenance.gzipio import CHUNK
from data.maintenance.load_rows import replace_content
from data.migrate import MigrationError, alembic_config, head_revision, schema_state, upgrade
from data.progress import Steps

log = logging.getLogger("engravedetect.maintenance")

NOT_A_BACKUP = (
    "Ce fichier n'est pas une sauvegarde du catalogue EngraveDetect : rien n'a été modifié."
)
DAMAGED = "Cette sauvegarde est endommagée ou incomplète : rien n'a été modifié."
NEWER = (
    "Cette sauvegarde vient d'une version plus récente d'EngraveDetect Catalogue (schéma {rev}) : "
    "installez la dernière version pour la restaurer. Rien n'a été modifié."
)
SQLITE_MAGIC = b"SQLite format 3\x00"



@dataclass
class PreparedBackup:
    """A checked backup ready to apply: a SQLite file at the app's schema, or a server dump."""

    source: Path
    kind: str  # "sqlite" (work_file is a temporary SQLite database) | "pgdump" | "mariadb"
    work_file: Path
    from_schema: str | None
    migrated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    temporary: bool = True

    @property
    def lens_count(self) -> int | None:
        return self.counts.get("verres")

    def discard(self) -> None:
        if self.temporary:
            remove_quietly(self.work_file)

    def sqlite_url(self) -> str:
        return "sqlite:///" + self.work_file.as_posix()


def identify(path: Path) -> str | None:
    """"sqlite-gz", "sqlite", "portable", "pgdump", "mariadb" or None (not a backup of ours)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if head.startswith(b"PGDMP"):
        return "pgdump"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if not head.startswith(b"\x1f\x8b"):
        return None
    try:
        with gzip.open(path, "rb") as handle:
            start = handle.read(64)
    except (OSError, EOFError):
        return None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite-gz"
    if start.startswith(b"{") and portable.read_header(path) is not None:
        return "portable"
    if start.startswith((b"-- MariaDB dump", b"-- MySQL dump", b"/*M!999999")):
        return "mariadb"
    return None


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown revisions
        return False


def prepare_restore(
    backup_file: Path | str,
    work_dir: Path,
    settings: Settings,
    progress: Steps | None = None,
) -> PreparedBackup:
    """Check ``backup_file`` and bring it to a SQLite file at the app's schema in ``work_dir``.

    Raises RestoreError (French message) for a file that is not a backup, is damaged, or comes
    from a newer app; nothing outside ``work_dir``'s temporary file is touched.
    """
    steps = progress or Steps(None)
    source = Path(backup_file)
    if not source.is_file():
        raise RestoreError(f"Fichier de sauvegarde introuvable : {source}")
    kind = identify(source)
    if kind is None:
        raise RestoreError(NOT_A_BACKUP)
    if kind in ("pgdump", "mariadb"):
        return PreparedBackup(source, kind, source, None, temporary=False)
    work_dir.mkdir(parents=True, exist_ok=True)
    work = temp_path(work_dir, ".db")
    try:
        create_private(work)
        if kind == "portable":
            prepared = _prepare_portable(source, work, settings, steps)
        else:
            _unpack_sqlite(source, work, kind == "sqlite-gz", steps)
            prepared = _prepare_sqlite(source, work, settings, steps)
        return prepared
    except BaseException:
        remove_quietly(work)
        raise


def _unpack_sqlite(source: Path, work: Path, compressed: bool, steps: Steps) -> None:
    total = max(1, source.stat().st_size)
    steps.phase(0.0, 0.3)
    try:
        opener = gzip.open if compressed else open
        with opener(source, "rb") as src, open(work, "r+b") as dst:  # type: ignore[operator]
            raw = getattr(src, "fileobj", None)
            while block := src.read(CHUNK):
                dst.write(block)
                position = raw.tell() if raw is not None else dst.tell()
                steps.fraction(position / total)
            dst.flush()
            os.fsync(dst.fileno())
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile) and exc.errno:
            raise
        raise RestoreError(DAMAGED) from exc


def _prepare_sqlite(source: Path, work: Path, settings: Settings, steps: Steps) -> PreparedBackup:
    import sqlite3

    steps.phase(0.3, 0.45)
    try:
        conn = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True)
        try:
            lines = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            tables = {str(r[0]) for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = str(row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(DAMAGED) from exc
    from data.maintenance.sqlite_native import is_rule_line

    damage = [line for line in lines if line != "ok" and not is_rule_line(line)]
    if damage:
        log.warning("Sauvegarde refusée, integrity_check : %s", "; ".join(damage[:5]))
        raise RestoreError(DAMAGED)
    if len(lines) > 1 or lines[0] != "ok":
        log.warning("Sauvegarde restaurée avec des règles non respectées : %s", lines[:5])
    if revision is None or "verres" not in tables:
        raise RestoreError(NOT_A_BACKUP)
    if not _known_revision(revision):
        raise RestoreError(NEWER.format(rev=revision))
    steps.fraction(0.5)
    migrated = _migrate_to_head(work, settings)
    steps.fraction(1.0)
    return PreparedBackup(source, "sqlite", work, revision, migrated, _counts(work))


def open_work(work: Path, settings: Settings) -> Database:
    return open_database("sqlite:///" + work.as_posix(), settings, pool_size=1)


def _migrate_to_head(work: Path, settings: Settings) -> bool:
    db = open_work(work, settings)
    try:
        state = schema_state(db)
        if state.up_to_date:
            return False
        upgrade(db)
        return True
    except MigrationError as exc:
        raise RestoreError(f"La sauvegarde n'a pas pu être mise à jour : {exc}") from exc
    finally:
        db.dispose()


def _counts(work: Path) -> dict[str, int]:
    import sqlite3

    from data.maintenance.sqlite_native import table_counts

    conn = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True)
    try:
        return table_counts(conn)
    finally:
        conn.close()


def _prepare_portable(source: Path, work: Path, settings: Settings, steps: Steps) -> PreparedBackup:
    header = portable.read_header(source)
    if header is None:
        raise RestoreError(NOT_A_BACKUP)
    if header.get("version") != portable.FORMAT_VERSION:
        raise RestoreError(NEWER.format(rev=f"format {header.get('version')}"))
    revision = header.get("schema")
    if not isinstance(revision, str):
        raise RestoreError(NOT_A_BACKUP)
    if not _known_revision(revision):
        raise RestoreError(NEWER.format(rev=revision))
    db = open_work(work, settings)
    try:
        upgrade(db, target=revision)
        counts = header.get("counts") or {}
        total = max(1, sum(int(v) for v in counts.values()))
        steps.phase(0.0, 0.45)
        with translate_errors(), db.engine.begin() as conn:
            loaded = replace_content(conn, portable.iter_tables(source), steps, total)
        if {k: v for k, v in loaded.items()} != {k: int(v) for k, v in counts.items()}:
            raise RestoreError(DAMAGED)
        migrated = revision != head_revision()
        if migrated:
            upgrade(db)
        # The keys a code is found by, made right whatever wrote the backup (an app that did
        # not keep them, a file edited by hand): only the stale ones are rewritten.
        with translate_errors(), db.engine.begin() as conn:
            repair_code_keys(conn)
    finally:
        db.dispose()
    return PreparedBackup(source, "sqlite", work, revision, migrated, _counts(work))

