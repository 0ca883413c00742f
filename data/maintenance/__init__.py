"""Backup, restore, integrity check and upkeep of the catalogue database.

Plain functions (no Qt): each takes ``progress(done, total)`` and ``cancel`` and returns a frozen
dataclass, so the GUI workers and the command line share them. See ``common`` for the progress
and cancel conventions.
"""

from __future__ import annotations

from data.maintenance.backups import (
    apply_retention,
    auto_backup_if_due,
    backup_database,
    list_backups,
    remove_backup,
)
from data.maintenance.common import (
    BackupError,
    BackupInfo,
    BackupResult,
    Cancelled,
    RestoreError,
)

__all__ = [
    "BackupError",
    "BackupInfo",
    "BackupResult",
    "Cancelled",
    "RestoreError",
    "apply_retention",
    "auto_backup_if_due",
    "backup_database",
    "list_backups",
    "remove_backup",
]
