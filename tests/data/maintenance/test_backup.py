"""Backups: consistent under concurrent writes, verified, named, private, and never half-written."""

from __future__ import annotations

import errno
import gzip
import os
import sqlite3
import subprocess
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from data import maintenance
from data.config import load_settings
from data.database import Database, open_database
from data.maintenance import BackupError, Cancelled, sqlite_native
from data.maintenance.common import parse_backup_name
from data.migrate import upgrade
from tests.data.maintenance_helpers import filled, lens_count, unpack

SQLITE_CLI = "/usr/bin/sqlite3"


def _insert_lenses(path: Path, stop: threading.Event, written: list[int]) -> None:
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    supplier = conn.execute("SELECT id FROM fournisseurs LIMIT 1").fetchone()[0]
    while not stop.is_set():
        conn.execute(
            "INSERT INTO verres (nom, fournisseur_id, indice, exemple, version, cree_le, "
            "modifie_le, recherche, tri_nom) VALUES ('Concurrent', ?, 1.6, 0, 1, "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 'concurrent', 'concurrent')",
            (supplier,),
        )
        written[0] += 1


def test_backup_while_another_connection_writes_is_consistent(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(sqlite_db)
    assert sqlite_db.sqlite_path is not None
    monkeypatch.setattr(sqlite_native, "MIN_STEP_BYTES", 4096)  # many small steps
    stop = threading.Event()
    written = [0]
    seen_during_copy: list[int] = []

    def on_progress(done: int, total: int) -> None:
        if done < 300:  # copy phase: let the writer run between steps
            seen_during_copy.append(written[0])
            threading.Event().wait(0.002)

    writer = threading.Thread(target=_insert_lenses, args=(sqlite_db.sqlite_path, stop, written))
    writer.start()
    try:
        while written[0] < 5:
            threading.Event().wait(0.01)
        result = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b", progress=on_progress)
    finally:
        stop.set()
        writer.join()
    assert seen_during_copy[-1] > seen_during_copy[0], "the writer never ran during the copy"
    copy = unpack(result.path, tmp_path / "copy.db")
    checked = subprocess.run([SQLITE_CLI, str(copy), "PRAGMA integrity_check;"],
                             capture_output=True, text=True, check=True)
    assert checked.stdout.strip() == "ok"
    counted = subprocess.run([SQLITE_CLI, str(copy), "SELECT count(*) FROM verres;"],
                             capture_output=True, text=True, check=True)
    assert int(counted.stdout) == result.lens_count
    assert lens_count(sqlite_db) > result.lens_count  # later rows are not half in the copy


def test_backup_is_named_by_time_and_kind_and_private(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    tmp_path = tmp_path / "b"
    first = maintenance.backup_database(sqlite_db, dest_dir=tmp_path)
    second = maintenance.backup_database(sqlite_db, dest_dir=tmp_path)
    auto = maintenance.backup_database(sqlite_db, kind="auto", dest_dir=tmp_path)
    assert first.path != second.path
    for result in (first, second, auto):
        assert result.path.name.startswith("catalogue_")
        datetime.strptime(result.path.name[10:25], "%Y%m%d-%H%M%S")
        assert result.path.stat().st_mode & 0o777 == 0o600
        assert result.lens_count == lens_count(sqlite_db)
        assert result.size_bytes == result.path.stat().st_size
    assert first.path.name.endswith(".db.gz") and "-" not in first.path.name[26:].split(".")[0]
    assert auto.path.name.endswith("-auto.db.gz")
    assert parse_backup_name(auto.path.name)[1:] == ("auto", "native")  # type: ignore[index]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        r.path.name for r in (first, second, auto))


def test_backup_goes_to_the_settings_folder_by_default(sqlite_db: Database) -> None:
    result = maintenance.backup_database(sqlite_db)
    assert result.path.parent == sqlite_db.settings.backup_dir


def test_cancel_mid_backup_leaves_no_file(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(sqlite_db)
    monkeypatch.setattr(sqlite_native, "MIN_STEP_BYTES", 4096)
    cancel = threading.Event()
    calls: list[int] = []

    def on_progress(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 3:
            cancel.set()

    folder = tmp_path / "b"
    with pytest.raises(Cancelled):
        maintenance.backup_database(sqlite_db, dest_dir=folder, progress=on_progress, cancel=cancel)
    assert list(folder.iterdir()) == []
    assert lens_count(sqlite_db) > 0


def test_cancel_during_compression_leaves_no_file(
    sqlite_db: Database, tmp_path: Path
) -> None:
    filled(sqlite_db)
    flag = {"stop": False}

    def on_progress(done: int, total: int) -> None:
        if done > 400:
            flag["stop"] = True

    folder = tmp_path / "b"
    with pytest.raises(Cancelled):
        maintenance.backup_database(sqlite_db, dest_dir=folder, progress=on_progress,
                                    cancel=lambda: flag["stop"])
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize(
    ("code", "words"),
    [(errno.ENOSPC, "Plus de place"), (errno.EACCES, "accès refusé")],
)
def test_full_or_forbidden_backup_folder_gives_a_clear_message(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int, words: str
) -> None:
    filled(sqlite_db)
    real_fsync = os.fsync

    def failing_fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(sqlite_native.os, "fsync", failing_fsync)
    folder = tmp_path / "b"
    with pytest.raises(BackupError) as caught:
        maintenance.backup_database(sqlite_db, dest_dir=folder)
    monkeypatch.setattr(sqlite_native.os, "fsync", real_fsync)
    assert words in str(caught.value) and str(folder) in str(caught.value)
    assert "Traceback" not in str(caught.value)
    assert list(folder.iterdir()) == []


def test_unwritable_backup_folder_is_refused_before_anything_is_written(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def forbidden(path: Path) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(sqlite_native, "create_private", forbidden)
    folder = tmp_path / "b"
    with pytest.raises(BackupError, match="accès refusé"):
        maintenance.backup_database(sqlite_db, dest_dir=folder)
    assert list(folder.iterdir()) == []


def test_backup_of_a_damaged_copy_is_not_kept(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(sqlite_db)

    def broken_check(self: sqlite_native.CopyCheck) -> None:
        self.problems = ["Page 7: btreeInitPage() returns error code 11"]

    monkeypatch.setattr(sqlite_native.CopyCheck, "run", broken_check)
    with pytest.raises(BackupError, match="pas saine"):
        maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


def test_backup_with_a_row_count_mismatch_is_not_kept(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(sqlite_db)
    real_counts = sqlite_native.table_counts

    def wrong_counts(conn: sqlite3.Connection) -> dict[str, int]:
        counts = real_counts(conn)
        if not conn.in_transaction:  # the copy's counts, not the source snapshot's
            counts["verres"] += 1
        return counts

    monkeypatch.setattr(sqlite_native, "table_counts", wrong_counts)
    with pytest.raises(BackupError, match="nombre de lignes"):
        maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


def test_backup_header_gives_the_lens_count_to_the_list(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    tmp_path = tmp_path / "b"
    older = maintenance.backup_database(sqlite_db, dest_dir=tmp_path, kind="pre-migration")
    newer = maintenance.backup_database(sqlite_db, dest_dir=tmp_path, fmt="portable")
    (tmp_path / "notes.txt").write_text("pas une sauvegarde")
    listed = maintenance.list_backups(tmp_path)
    assert [b.path for b in listed] == [newer.path, older.path]
    assert [b.kind for b in listed] == ["manual", "pre-migration"]
    assert [b.fmt for b in listed] == ["portable", "native"]
    assert all(b.lens_count == lens_count(sqlite_db) for b in listed)
    with gzip.open(older.path) as handle:  # still an ordinary gzip file
        assert handle.read(16) == b"SQLite format 3\x00"


def _touch(folder: Path, when: datetime, kind: str) -> Path:
    suffix = "" if kind == "manual" else f"-{kind}"
    path = folder / f"catalogue_{when:%Y%m%d-%H%M%S}{suffix}.db.gz"
    path.write_bytes(b"x")
    return path


def test_retention_keeps_daily_and_weekly_automatic_backups_only(tmp_path: Path) -> None:
    start = datetime(2026, 3, 2, 3, 0)  # a Monday
    autos = [_touch(tmp_path, start + timedelta(days=d, hours=h), "auto")
             for d in range(60) for h in (0, 5)]
    keepers = [_touch(tmp_path, start + timedelta(days=d), kind)
               for d in (1, 30) for kind in ("manual", "pre-migration", "pre-restore")]
    deleted = maintenance.apply_retention(tmp_path, keep_daily=7, keep_weekly=4)
    remaining = {p.name for p in tmp_path.iterdir()}
    assert all(p.name in remaining for p in keepers)
    kept_autos = sorted(p for p in autos if p.name in remaining)
    newest_days = [start + timedelta(days=d, hours=5) for d in range(53, 60)]
    expected = {f"catalogue_{d:%Y%m%d-%H%M%S}-auto.db.gz" for d in newest_days}
    # plus the newest of each of the 4 latest ISO weeks (the latest is also a daily keeper)
    weeks: dict[tuple[int, int], Path] = {}
    for path in sorted(autos, reverse=True):
        when = datetime.strptime(path.name[10:25], "%Y%m%d-%H%M%S")
        key = tuple(when.isocalendar())[:2]
        if key not in weeks and len(weeks) < 4:
            weeks[key] = path  # type: ignore[index]
    expected |= {p.name for p in weeks.values()}
    assert {p.name for p in kept_autos} == expected
    assert len(deleted) == len(autos) - len(expected)


def test_auto_backup_runs_once_a_day_on_the_default_database(tmp_path: Path) -> None:
    settings = load_settings()
    db = open_database(None, settings)
    try:
        upgrade(db)
        first = maintenance.auto_backup_if_due(db)
        assert first is not None and first.kind == "auto"
        assert maintenance.auto_backup_if_due(db) is None
        later = maintenance.auto_backup_if_due(db, now=datetime.now() + timedelta(hours=25))
        assert later is not None
    finally:
        db.dispose()


def test_auto_backup_skips_a_database_chosen_by_url(sqlite_db: Database) -> None:
    assert maintenance.auto_backup_if_due(sqlite_db) is None


def test_portable_backup_holds_every_table_on_every_backend(db: Database, tmp_path: Path) -> None:
    filled(db)
    result = maintenance.backup_database(db, dest_dir=tmp_path, fmt="portable")
    assert result.fmt == "portable" and result.path.name.endswith(".json.gz")
    assert result.lens_count == lens_count(db)
    assert result.table_counts["images_gravure"] > 0
    assert "alembic_version" not in result.table_counts


def test_native_backup_of_a_server_uses_its_dump_program(db: Database, tmp_path: Path) -> None:
    if db.is_sqlite:
        pytest.skip("servers only")
    filled(db)
    result = maintenance.backup_database(db, dest_dir=tmp_path)
    assert result.fmt == "native"
    assert result.path.suffix in (".pgdump", ".gz")
    assert result.path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [result.path.name]


def test_server_without_dump_program_falls_back_to_portable(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.is_sqlite:
        pytest.skip("servers only")
    from data.maintenance import server_dump

    monkeypatch.setattr(server_dump.shutil, "which", lambda name: None)
    result = maintenance.backup_database(db, dest_dir=tmp_path)
    assert result.fmt == "portable"
