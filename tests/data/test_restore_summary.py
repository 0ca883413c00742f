"""What a restore would do, read before it is done; the admin password across a restore."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from data import admin, maintenance
from data.database import Database
from data.maintenance import summary as fate
from tests.data.maintenance_helpers import filled, lens_count, snapshot


def _temporary_files(db: Database) -> list[Path]:
    assert db.sqlite_path is not None
    return [p for p in db.sqlite_path.parent.iterdir() if p.name.startswith(".engravedetect-tmp")]


def test_the_summary_tells_date_kind_counts_and_password_without_restoring(sqlite_db, tmp_path):
    filled(sqlite_db)
    admin.set_password(sqlite_db, "premier-mdp")
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM verres WHERE id % 2 = 0")
    before = snapshot(sqlite_db)
    summary = maintenance.read_backup(sqlite_db, backup.path)
    assert (summary.fmt, summary.purpose, summary.lenses) == ("sqlite", "manual", backup.lens_count)
    assert summary.lenses_now == lens_count(sqlite_db) < backup.lens_count
    assert abs((summary.created - datetime.now()).total_seconds()) < 120
    assert summary.password == fate.SAME
    summary.discard()
    assert snapshot(sqlite_db) == before and not _temporary_files(sqlite_db)
    admin.set_password(sqlite_db, "second-mdp", current="premier-mdp")
    changed = maintenance.read_backup(sqlite_db, backup.path)
    assert changed.password == fate.CHANGES
    maintenance.restore_backup(sqlite_db, backup.path, prepared=changed.prepared)
    assert lens_count(sqlite_db) == backup.lens_count
    assert admin.verify_password(sqlite_db, "premier-mdp")  # the backup's, as the question said


def test_a_portable_backup_is_told_as_such(sqlite_db, tmp_path):
    filled(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b", fmt="portable")
    summary = maintenance.read_backup(sqlite_db, backup.path)
    try:
        assert (summary.fmt, summary.lenses, summary.password) == ("portable", backup.lens_count, fate.NONE)
    finally:
        summary.discard()


def test_a_backup_without_password_keeps_the_current_one(db, tmp_path):
    filled(db)
    backup = maintenance.backup_database(db, dest_dir=tmp_path / "b", fmt="portable")
    admin.set_password(db, "secret-admin")
    summary = maintenance.read_backup(db, backup.path)
    assert summary.password == fate.KEPT
    maintenance.restore_backup(db, backup.path, prepared=summary.prepared)
    assert lens_count(db) == backup.lens_count
    assert admin.has_password(db) and admin.verify_password(db, "secret-admin")
