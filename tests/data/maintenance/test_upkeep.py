"""Upkeep runs on every backend and the slow-query log reads back what the engine logged."""

from __future__ import annotations

import logging

from data import maintenance
from data.config import load_settings
from data.database import Database
from data.logs import configure_logging
from tests.data.maintenance_helpers import filled, lens_count


def test_vacuum_analyze_and_reindex_keep_the_catalogue(db: Database) -> None:
    filled(db)
    count = lens_count(db)
    seen: list[tuple[int, int]] = []
    for operation in (maintenance.vacuum, maintenance.analyze, maintenance.rebuild_indexes):
        result = operation(db, progress=lambda d, t: seen.append((d, t)))
        assert result.duration_s >= 0
    assert seen[-1] == (1000, 1000)
    assert lens_count(db) == count
    assert maintenance.check_integrity(db).ok


def test_vacuum_shrinks_a_sqlite_file_after_deletions(sqlite_db: Database) -> None:
    filled(sqlite_db)
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE verres SET image_id = NULL")
        conn.exec_driver_sql("DELETE FROM images_gravure")
    result = maintenance.vacuum(sqlite_db)
    assert result.size_before is not None and result.size_after is not None
    assert result.size_after < result.size_before


def test_slow_query_log_returns_the_latest_slow_lines() -> None:
    settings = load_settings()
    configure_logging(settings)
    sql_log = logging.getLogger("engravedetect.sql")
    for number in range(5):
        sql_log.warning("Requête lente (%.1f ms) : SELECT %d", 120.0, number)
    logging.getLogger("engravedetect.startup").warning("autre chose")
    lines = maintenance.slow_query_log(settings, limit=3)
    assert len(lines) == 3
    assert lines[-1].endswith("SELECT 4") and "SELECT 2" in lines[0]
