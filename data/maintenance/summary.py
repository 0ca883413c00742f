"""What a restore would do, read before anything is replaced: the backup's date and kind, the
lens counts now and after, and what becomes of the admin password.

``read_backup`` runs the restore's own checking step (``prepare_restore``: the file identified,
checked, brought to the app's schema in a temporary file) and reads the summary from that
temporary copy; the ``PreparedBackup`` it returns is handed to ``restore_backup`` when the user
confirms (the file is not checked twice) and discarded otherwise. The database is only read.

A server's own dump (pg_dump, mariadb-dump) cannot be read without restoring it: its lens count
and password are unknown until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from data.config import Settings
from data.database import Database
from data.maintenance import portable
from data.maintenance.common import parse_backup_name
from data.maintenance.gzipio import read_comment
from data.maintenance.keep_password import current_password, file_password
from data.maintenance.prepare import PreparedBackup, identify, prepare_restore
from data.models import Verre
from data.progress import Cancel, Progress, Steps

# What happens to the admin password (``BackupSummary.password``).
SAME = "same"  # the backup holds the password in use now
CHANGES = "changes"  # the backup holds another one (or one set again since): it comes back
KEPT = "kept"  # the backup holds none: the current one is kept (``restore_backup``)
NONE = "none"  # neither has one
SET = "set"  # the catalogue has none now; the backup's comes with it
UNKNOWN = "unknown"  # a server's dump: known once restored


@dataclass(frozen=True)
class BackupSummary:
    """A backup as the restore confirmation tells it.

    ``fmt``: ``sqlite`` (a copy of a SQLite catalogue, gzip'd or not), ``portable`` (the JSON
    format any database restores), ``pgdump`` or ``mariadb`` (a server's own dump). ``purpose``:
    ``manual``, ``auto``, ``pre-migration``, ``pre-restore`` when the backup says (its name or
    its header), else None. ``created``: local time the backup was made (the file's date when
    nothing else says). ``lenses``: in the backup (None for a server's dump); ``lenses_now``:
    in the catalogue now. ``password``: one of ``SAME``, ``CHANGES``, ``KEPT``, ``NONE``,
    ``SET``, ``UNKNOWN``.
    """

    path: Path
    fmt: str
    purpose: str | None
    created: datetime
    lenses: int | None
    lenses_now: int | None
    password: str
    migrated: bool
    prepared: PreparedBackup

    def discard(self) -> None:
        """Not restored after all: the temporary copy goes."""
        self.prepared.discard()


def read_backup(
    db: Database,
    backup_file: Path | str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    settings: Settings | None = None,
) -> BackupSummary:
    """Check ``backup_file`` as a restore into ``db`` would and tell what that restore would do.

    Raises ``RestoreError`` (French message) as the restore would, for a file that is not a
    backup, is damaged or comes from a newer app. The caller restores with
    ``restore_backup(db, path, prepared=summary.prepared)`` or calls ``summary.discard()``.
    """
    settings = settings or db.settings
    source = Path(backup_file)
    sqlite_path = db.sqlite_path if db.is_sqlite else None
    work_dir = sqlite_path.parent if sqlite_path is not None else settings.backup_dir
    steps = Steps(progress, cancel)
    prepared = prepare_restore(source, work_dir, settings, steps)
    try:
        now_hash = current_password(db)
        if prepared.kind == "sqlite":
            password = _password_fate(now_hash, file_password(prepared.work_file))
        else:
            password = UNKNOWN
        steps.finish()
        purpose, created = _when_and_why(source)
        return BackupSummary(
            path=source,
            fmt=_format(source, prepared),
            purpose=purpose,
            created=created,
            lenses=prepared.lens_count if prepared.kind == "sqlite" else None,
            lenses_now=_lens_count(db),
            password=password,
            migrated=prepared.migrated,
            prepared=prepared,
        )
    except BaseException:
        prepared.discard()
        raise


def _lens_count(db: Database) -> int | None:
    """The lenses in the catalogue now (None for a catalogue that cannot be read)."""
    try:
        with db.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(Verre)).scalar_one())
    except Exception:  # noqa: BLE001 - a damaged catalogue is what a restore is for
        return None


def _password_fate(now: str | None, backup: str | None) -> str:
    if backup is None:
        return KEPT if now is not None else NONE
    if now is None:
        return SET
    return SAME if backup == now else CHANGES


def _format(source: Path, prepared: PreparedBackup) -> str:
    if prepared.kind != "sqlite":
        return prepared.kind
    return "portable" if identify(source) == "portable" else "sqlite"


def _when_and_why(source: Path) -> tuple[str | None, datetime]:
    """When the backup was made and why: its header, else its name, else the file's date."""
    described: dict[str, Any] = {}
    if source.name.endswith(".gz"):
        described = read_comment(source) or portable.read_header(source) or {}
    named = parse_backup_name(source.name)
    created = _moment(described.get("created"))
    if created is None and named is not None:
        created = named[0]
    if created is None:
        created = datetime.fromtimestamp(source.stat().st_mtime)
    purpose = described.get("kind") if isinstance(described.get("kind"), str) else None
    if purpose is None and named is not None:
        purpose = named[1]
    return purpose, created


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
