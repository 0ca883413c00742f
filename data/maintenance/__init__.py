"""Backup, restore, integrity check and upkeep of the catalogue database.

Plain functions (no Qt): each takes ``progress(done, total)`` and ``cancel`` and returns a frozen
dataclass, so the GUI workers and the command line share them. See ``data.progress`` for the
progress and cancel conventions; a cancelled job raises ``data.errors.Cancelled`` (also exported
here).
"""

from __future__ import annotations

from data.errors import Cancelled
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
    RestoreError,
    SourceUnreadableError,
)
from data.maintenance.integrity import (
    KIND_TITLES,
    Finding,
    IntegrityReport,
    MergeOffer,
    ReferenceSide,
    check_integrity,
)
from data.maintenance.prepare import PreparedBackup, identify, prepare_restore
from data.maintenance.restore import RestoreResult, restore_backup
from data.maintenance.summary import BackupSummary, read_backup
from data.maintenance.upkeep import (
    UpkeepResult,
    analyze,
    rebuild_indexes,
    slow_query_log,
    vacuum,
)

__all__ = [
    "KIND_TITLES",
    "Finding",
    "IntegrityReport",
    "MergeOffer",
    "ReferenceSide",
    "UpkeepResult",
    "analyze",
    "check_integrity",
    "rebuild_indexes",
    "slow_query_log",
    "vacuum",
    "BackupError",
    "BackupInfo",
    "BackupResult",
    "BackupSummary",
    "Cancelled",
    "PreparedBackup",
    "RestoreError",
    "RestoreResult",
    "SourceUnreadableError",
    "apply_retention",
    "auto_backup_if_due",
    "backup_database",
    "identify",
    "list_backups",
    "prepare_restore",
    "read_backup",
    "remove_backup",
    "restore_backup",
]
