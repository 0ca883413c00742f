"""What every maintenance job shares: results, errors, file names.

The GUI workers and the command line call the same plain functions. Each takes
``progress(done, total)`` and ``cancel`` (see ``data.progress``), checked between steps. A
cancelled job raises ``data.errors.Cancelled`` after removing what it had started to write.
"""

from __future__ import annotations

import errno
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from data.errors import CatalogueError

BackupKind = Literal["manual", "auto", "pre-migration", "pre-restore"]
BackupFormat = Literal["native", "portable"]
KINDS: tuple[str, ...] = ("manual", "auto", "pre-migration", "pre-restore")

# catalogue_YYYYMMDD-HHMMSS[_N][-kind].<extension>; N makes two backups of one second distinct.
NAME_PREFIX = "catalogue_"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
EXTENSIONS = {
    ".db.gz": "native",
    ".json.gz": "portable",
    ".pgdump": "native",
    ".mariadb.sql.gz": "native",
}
_NAME = re.compile(
    r"^catalogue_(?P<stamp>\d{8}-\d{6})(?:_(?P<n>\d+))?"
    r"(?:-(?P<kind>auto|pre-migration|pre-restore))?"
    r"(?P<ext>\.db\.gz|\.json\.gz|\.pgdump|\.mariadb\.sql\.gz)$"
)
TEMP_PREFIX = ".engravedetect-tmp-"


class BackupError(CatalogueError):
    """A backup could not be made (folder unwritable or full, source unreadable...)."""


class SourceUnreadableError(BackupError):
    """The database itself cannot be read for a copy (damaged beyond what pages can give)."""


class RestoreError(CatalogueError):
    """A restore was refused or failed; the current database is unchanged."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    duration_s: float
    lens_count: int | None
    kind: str
    fmt: str
    # Seconds from the start until the compressed file was closed (before verification):
    # the figure the benchmark compares with ``sqlite3 .backup`` + ``gzip -6``.
    compressed_s: float = 0.0
    table_counts: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: datetime
    size: int
    kind: str
    fmt: str
    lens_count: int | None = None
    schema_revision: str | None = None


def backup_name(created: datetime, kind: str, extension: str, n: int = 0) -> str:
    counter = f"_{n}" if n else ""
    suffix = "" if kind == "manual" else f"-{kind}"
    return f"{NAME_PREFIX}{created.strftime(STAMP_FORMAT)}{counter}{suffix}{extension}"


def parse_backup_name(name: str) -> tuple[datetime, str, str] | None:
    """(created, kind, fmt) for one of our backup file names, else None."""
    match = _NAME.match(name)
    if not match:
        return None
    try:
        created = datetime.strptime(match["stamp"], STAMP_FORMAT)
    except ValueError:
        return None
    return created, match["kind"] or "manual", EXTENSIONS[match["ext"]]


def unique_backup_path(folder: Path, created: datetime, kind: str, extension: str) -> Path:
    """A name nobody uses yet in ``folder`` (two backups can land in the same second)."""
    n = 0
    while True:
        candidate = folder / backup_name(created, kind, extension, n)
        if not candidate.exists():
            return candidate
        n += 1


def temp_path(folder: Path, suffix: str) -> Path:
    """A private temporary file in ``folder`` (same file system, so the final rename is atomic)."""
    import secrets

    return folder / f"{TEMP_PREFIX}{secrets.token_hex(6)}{suffix}"


def create_private(path: Path) -> None:
    """Create an empty file only its owner can read (backups hold the whole catalogue)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def remove_quietly(*paths: Path | None) -> None:
    for path in paths:
        if path is None:
            continue
        for candidate in (path, *(Path(f"{path}{s}") for s in ("-journal", "-wal", "-shm"))):
            try:
                candidate.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass


def folder_error(exc: BaseException, folder: Path) -> BackupError:
    """A French message for a backup folder that cannot be written (full, forbidden...)."""
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "no space" in text:
        return BackupError(
            f"Plus de place sur le disque du dossier de sauvegarde {folder} : "
            "libérez de la place ou choisissez un autre dossier. Aucun fichier n'a été laissé."
        )
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "permission" in text:
        return BackupError(
            f"Impossible d'écrire dans le dossier de sauvegarde {folder} (accès refusé) : "
            "choisissez un autre dossier. Aucun fichier n'a été laissé."
        )
    detail = getattr(exc, "strerror", None) or str(exc)
    return BackupError(
        f"Écriture impossible dans le dossier de sauvegarde {folder} : {detail}. "
        "Aucun fichier n'a été laissé."
    )

