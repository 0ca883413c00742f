"""Upkeep: compaction, statistics, index rebuild, and the slow-query log.

SQLite's VACUUM rewrites the whole file and needs every other connection idle (it waits on the
busy timeout, then fails with a clear message instead of hanging). PostgreSQL's VACUUM cannot run
inside a transaction, hence autocommit. MariaDB's OPTIMIZE TABLE rebuilds each InnoDB table.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from data.catalogue.code_keys import repair_code_keys
from data.config import Settings
from data.database import Database
from data.driver_errors import translate_errors
from data.errors import DBOperationError
from data.maintenance.portable import catalogue_tables
from data.progress import Cancel, Progress, Steps

log = logging.getLogger("engravedetect.maintenance")

EXCLUSIVE_MESSAGE = (
    "La compaction demande un accès exclusif à la base : fermez les autres postes ou fenêtres "
    "qui l'utilisent, puis réessayez."
)


@dataclass(frozen=True)
class UpkeepResult:
    operation: str
    duration_s: float
    size_before: int | None = None
    size_after: int | None = None


def _tables(db: Database) -> list[str]:
    with db.engine.connect() as conn:
        return [shape.name for shape in catalogue_tables(conn)]


def _run(db: Database, statements: list[str], steps: Steps, autocommit: bool) -> None:
    engine = db.engine.execution_options(isolation_level="AUTOCOMMIT") if autocommit else db.engine
    with translate_errors(), engine.connect() as conn:
        for number, statement in enumerate(statements):
            steps.fraction(number / len(statements))
            result = conn.exec_driver_sql(statement)
            if result.returns_rows:
                result.fetchall()  # MariaDB's OPTIMIZE/ANALYZE report rows that must be read
        if not autocommit:
            conn.commit()
    steps.fraction(1.0)


def _file_size(db: Database) -> int | None:
    """The space the SQLite database takes: the file plus its write-ahead log."""
    path = db.sqlite_path
    if path is None:
        return None
    total = 0
    for candidate in (path, path.with_name(path.name + "-wal")):
        try:
            total += candidate.stat().st_size
        except OSError:
            pass
    return total


def vacuum(db: Database, progress: Progress | None = None, cancel: Cancel | None = None) -> UpkeepResult:
    """Compact the database and refresh the planner's statistics."""
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    steps.phase(0.0, 1.0)
    before = _file_size(db)
    if db.is_sqlite:
        try:
            _run(db, ["PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA optimize"], steps,
                 autocommit=True)
        except DBOperationError as exc:
            if "occupée" in exc.message or "locked" in str(exc.cause).lower():
                raise DBOperationError(EXCLUSIVE_MESSAGE, exc.cause) from exc
            raise
    elif db.backend == "postgresql":
        _run(db, ["VACUUM (ANALYZE)"], steps, autocommit=True)
    else:
        _run(db, [f"OPTIMIZE TABLE `{t}`" for t in _tables(db)], steps, autocommit=True)
    steps.finish()
    return UpkeepResult("vacuum", time.perf_counter() - started, before, _file_size(db))


def analyze(db: Database, progress: Progress | None = None, cancel: Cancel | None = None) -> UpkeepResult:
    """Refresh the statistics the query planner relies on."""
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    steps.phase(0.0, 1.0)
    if db.is_sqlite:
        _run(db, ["ANALYZE", "PRAGMA optimize"], steps, autocommit=True)
    elif db.backend == "postgresql":
        _run(db, ["ANALYZE"], steps, autocommit=True)
    else:
        _run(db, [f"ANALYZE TABLE `{t}`" for t in _tables(db)], steps, autocommit=True)
    steps.finish()
    return UpkeepResult("analyze", time.perf_counter() - started)


def refresh_after_load(db: Database) -> None:
    """After a server's tables were replaced in bulk (a restore): statistics right at once.

    PostgreSQL: ``VACUUM (ANALYZE)`` of each catalogue table. Without statistics the planner
    guesses (a supplier's 25,000 lenses taken for 100, tables of 40 rows for 170) and picks slow
    plans until autovacuum passes, a minute or more later (small tables never reach its
    threshold); without the visibility map a count reads every row instead of one index. MariaDB:
    ``ANALYZE TABLE``. The rows are already committed: a refusal (a role that does not own the
    tables) is logged, never raised.
    """
    if db.is_sqlite:
        return
    tables = _tables(db)
    if db.backend == "postgresql":
        statements = [f'VACUUM (ANALYZE) "{t}"' for t in tables]
    else:
        statements = [f"ANALYZE TABLE `{t}`" for t in tables]
    try:
        _run(db, statements, Steps(None), autocommit=True)
    except DBOperationError as exc:
        log.warning("Statistiques non rafraîchies après le chargement : %s", exc.message)


def rebuild_indexes(
    db: Database, progress: Progress | None = None, cancel: Cancel | None = None
) -> UpkeepResult:
    """Rebuild every index (after a crash or a collation change), then the code keys the
    integrity check finds stale (``data.catalogue.code_keys.repair_code_keys``)."""
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    steps.phase(0.0, 0.8)
    tables = _tables(db)
    if db.is_sqlite:
        _run(db, ["REINDEX"], steps, autocommit=True)
    elif db.backend == "postgresql":
        _run(db, [f'REINDEX TABLE "{t}"' for t in tables], steps, autocommit=True)
    else:
        _run(db, [f"ALTER TABLE `{t}` FORCE" for t in tables], steps, autocommit=True)
    steps.phase(0.8, 1.0)
    with translate_errors(), db.engine.begin() as conn:
        repair_code_keys(conn)
    steps.finish()
    return UpkeepResult("reindex", time.perf_counter() - started)


def slow_query_log(settings: Settings, limit: int = 200) -> list[str]:
    """The last ``limit`` slow-query lines of database.log (oldest first), passwords masked."""
    lines: deque[str] = deque(maxlen=limit)
    paths = sorted(settings.data_dir.glob("database.log*"), key=_log_age, reverse=True)
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if "Requête lente" in line:
                        lines.append(line.rstrip("\n"))
        except OSError:
            continue
    return list(lines)


def _log_age(path: Any) -> int:
    """database.log.3 is the oldest, database.log the newest."""
    suffix = path.name.rpartition(".")[2]
    return int(suffix) if suffix.isdigit() else 0


__all__ = [
    "UpkeepResult", "analyze", "rebuild_indexes", "refresh_after_load", "slow_query_log", "vacuum",
]
