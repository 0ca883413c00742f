"""Restore: refused files change nothing; a safety copy comes first; any backend to any backend."""

from __future__ import annotations

import gzip
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from data import maintenance
from data.config import load_settings
from data.database import Database, open_database
from data.maintenance import RestoreError
from data.migrate import head_revision, schema_state, upgrade
from tests.conftest import SERVER_ENV, ServerDatabase
from tests.data.maintenance_helpers import filled, lens_count, plant_sqlite, snapshot, unpack


def _backup_files(db: Database) -> list[Path]:
    folder = db.settings.backup_dir
    return sorted(folder.iterdir()) if folder.exists() else []


def _assert_refused(db: Database, path: Path, words: str) -> None:
    before, files = snapshot(db), _backup_files(db)
    with pytest.raises(RestoreError, match=words):
        maintenance.restore_backup(db, path)
    assert snapshot(db) == before
    assert _backup_files(db) == files  # not even a safety copy
    assert db.sqlite_path is None or not [
        p for p in db.sqlite_path.parent.iterdir() if p.name.startswith(".engravedetect-tmp")
    ]


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    text = tmp_path / "notes.db.gz"
    text.write_text("ceci n'est pas une sauvegarde")
    _assert_refused(sqlite_db, text, "pas une sauvegarde")


def test_restore_refuses_a_truncated_backup(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    good = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    damaged = tmp_path / "damaged.db.gz"
    damaged.write_bytes(good.path.read_bytes()[: good.size_bytes // 2])
    _assert_refused(sqlite_db, damaged, "endommagée")


def test_restore_refuses_a_backup_with_damaged_pages(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    good = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    raw = bytearray(unpack(good.path, tmp_path / "copy.db").read_bytes())
    for offset in range(4096 * 2, len(raw), 4096):  # scribble over every page but the first two
        raw[offset + 8: offset + 40] = b"\xff" * 32
    damaged = tmp_path / "damaged.db.gz"
    with gzip.open(damaged, "wb") as handle:
        handle.write(bytes(raw))
    _assert_refused(sqlite_db, damaged, "endommagée")


def test_restore_refuses_a_foreign_sqlite_database(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE clients (id INTEGER PRIMARY KEY, nom TEXT)")
    conn.commit()
    conn.close()
    packed = tmp_path / "foreign.db.gz"
    with gzip.open(packed, "wb") as handle:
        handle.write(foreign.read_bytes())
    _assert_refused(sqlite_db, packed, "pas une sauvegarde")


def test_restore_refuses_a_backup_from_a_newer_app(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    good = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    copy = unpack(good.path, tmp_path / "copy.db")
    conn = sqlite3.connect(copy)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    conn.commit()
    conn.close()
    newer = tmp_path / "newer.db.gz"
    with gzip.open(newer, "wb") as handle:
        handle.write(copy.read_bytes())
    _assert_refused(sqlite_db, newer, "plus récente")


def test_restore_brings_back_the_backup_and_keeps_a_safety_copy(
    sqlite_db: Database, tmp_path: Path
) -> None:
    filled(sqlite_db)
    wanted = snapshot(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM verres WHERE id % 2 = 0"))
    changed = lens_count(sqlite_db)
    result = maintenance.restore_backup(sqlite_db, backup.path)
    assert snapshot(sqlite_db) == wanted  # the same Database object works after the restore
    assert result.safety_backup is not None and result.safety_backup.name.endswith(
        "-pre-restore.db.gz")
    safety = unpack(result.safety_backup, tmp_path / "safety.db")
    with sqlite3.connect(safety) as conn:
        assert conn.execute("SELECT count(*) FROM verres").fetchone()[0] == changed


def test_restore_works_when_the_current_database_breaks_its_own_rules(
    sqlite_db: Database, tmp_path: Path
) -> None:
    filled(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    assert sqlite_db.sqlite_path is not None
    plant_sqlite(sqlite_db.sqlite_path,
                 "UPDATE verres SET indice = 7.5, fournisseur_id = 9999 WHERE id = 1")
    result = maintenance.restore_backup(sqlite_db, backup.path)
    assert result.safety_backup is not None
    with sqlite3.connect(unpack(result.safety_backup, tmp_path / "safety.db")) as conn:
        assert conn.execute("SELECT indice FROM verres WHERE id = 1").fetchone()[0] == 7.5
    with sqlite_db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT indice FROM verres WHERE id = 1")).scalar() != 7.5


def test_a_catalogue_breaking_its_rules_still_backs_up_and_restores(
    sqlite_db: Database, tmp_path: Path
) -> None:
    filled(sqlite_db)
    assert sqlite_db.sqlite_path is not None
    plant_sqlite(sqlite_db.sqlite_path, "UPDATE verres SET hauteur_min = 90, hauteur_max = 10 "
                                        "WHERE id = 2")
    wanted = snapshot(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM verres WHERE id > 100"))
    maintenance.restore_backup(sqlite_db, backup.path)
    assert snapshot(sqlite_db) == wanted


def test_restore_moves_aside_a_database_that_cannot_be_opened(
    sqlite_db: Database, sqlite_url: str, tmp_path: Path
) -> None:
    filled(sqlite_db)
    wanted = snapshot(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    sqlite_db.dispose()
    assert sqlite_db.sqlite_path is not None
    for suffix in ("-wal", "-shm"):
        Path(f"{sqlite_db.sqlite_path}{suffix}").unlink(missing_ok=True)
    sqlite_db.sqlite_path.write_bytes(b"garbage, not a database" * 100)
    result = maintenance.restore_backup(sqlite_url, backup.path)
    assert result.moved_aside is not None and result.moved_aside.read_bytes().startswith(b"garbage")
    assert result.safety_backup is None
    reopened = open_database(sqlite_url, load_settings(cli_url=sqlite_url))
    try:
        assert snapshot(reopened) == wanted
    finally:
        reopened.dispose()


def test_restore_migrates_a_backup_from_an_older_schema(tmp_path: Path) -> None:
    url = "sqlite:///" + (tmp_path / "old.db").as_posix()
    old = open_database(url, load_settings(cli_url=url))
    try:
        upgrade(old, target="0001")
        old_backup = maintenance.backup_database(old, dest_dir=tmp_path / "b")
    finally:
        old.dispose()
    target_url = "sqlite:///" + (tmp_path / "new.db").as_posix()
    target = open_database(target_url, load_settings(cli_url=target_url))
    try:
        upgrade(target)
        result = maintenance.restore_backup(target, old_backup.path)
        assert result.from_schema == "0001" and result.migrated
        assert schema_state(target).current == head_revision()
    finally:
        target.dispose()


def test_cancelled_restore_changes_nothing(sqlite_db: Database, tmp_path: Path) -> None:
    filled(sqlite_db)
    backup = maintenance.backup_database(sqlite_db, dest_dir=tmp_path / "b")
    with sqlite_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM verres WHERE id % 2 = 0"))
    before = snapshot(sqlite_db)
    with pytest.raises(maintenance.Cancelled):
        maintenance.restore_backup(sqlite_db, backup.path,
                                   progress=lambda d, t: None, cancel=lambda: True)
    assert snapshot(sqlite_db) == before


def _filled_sqlite_backup(tmp_path: Path, fmt: str = "native") -> tuple[dict, Path]:  # type: ignore[type-arg]
    """A backup of a filled SQLite catalogue, and that catalogue's content."""
    source_url = "sqlite:///" + (tmp_path / "source.db").as_posix()
    source = open_database(source_url, load_settings(cli_url=source_url))
    try:
        upgrade(source)
        filled(source)
        wanted = snapshot(source)
        folder = tmp_path / f"b{uuid.uuid4().hex}"
        made = maintenance.backup_database(source, dest_dir=folder, fmt=fmt)
    finally:
        source.dispose()
    return wanted, made.path


def test_portable_backup_restores_into_every_backend(db: Database, tmp_path: Path) -> None:
    wanted, backup = _filled_sqlite_backup(tmp_path, "portable")
    upgrade(db)
    filled(db)  # an existing catalogue: its content is replaced
    result = maintenance.restore_backup(db, backup)
    assert result.safety_backup is not None
    got = snapshot(db)
    _assert_same(wanted, got, seconds_only=db.backend == "mysql")
    # new rows after the restore get fresh ids (PostgreSQL sequences were moved on)
    with db.engine.begin() as conn:
        new_id = conn.execute(sa.text(
            "INSERT INTO materiaux (nom, nom_normalise, exemple) VALUES ('Nouveau', 'nouveau', "
            "false)" + (" RETURNING id" if db.backend == "postgresql" else "")))
        if db.backend == "postgresql":
            assert new_id.scalar_one() > max(r["id"] for r in wanted["materiaux"])


def _assert_same(wanted: dict, got: dict, seconds_only: bool) -> None:  # type: ignore[type-arg]
    assert {t: len(r) for t, r in got.items()} == {t: len(r) for t, r in wanted.items()}
    for table, rows in wanted.items():
        for before, after in zip(rows, got[table], strict=True):
            for column, value in before.items():
                other = after[column]
                if seconds_only and hasattr(value, "microsecond"):
                    # MariaDB's DATETIME (no fractional digits in the schema) keeps whole seconds
                    value, other = value.replace(microsecond=0), other.replace(microsecond=0)
                assert other == value, (table, column, before["id"] if "id" in before else None)


@pytest.mark.server
def test_round_trip_sqlite_postgresql_mariadb_sqlite_loses_nothing(tmp_path: Path) -> None:
    admins = {name: os.environ.get(env) for name, env in SERVER_ENV.items()}
    if not all(admins.values()):
        pytest.skip("needs both servers")
    servers = [ServerDatabase(name, str(url)) for name, url in admins.items()]
    urls = [server.create() for server in servers]
    try:
        first_url = "sqlite:///" + (tmp_path / "first.db").as_posix()
        last_url = "sqlite:///" + (tmp_path / "last.db").as_posix()
        first = open_database(first_url, load_settings(cli_url=first_url))
        upgrade(first)
        filled(first)
        wanted = snapshot(first)
        backup = maintenance.backup_database(first, dest_dir=tmp_path / "b", fmt="portable")
        first.dispose()
        for url in [*urls, last_url]:
            maintenance.restore_backup(url, backup.path)
            hop = open_database(url, load_settings(cli_url=url), pool_size=2)
            try:
                _assert_same(wanted, snapshot(hop), seconds_only=True)
                images = {r["id"]: r["donnees"] for r in snapshot(hop)["images_gravure"]}
                assert images == {r["id"]: r["donnees"] for r in wanted["images_gravure"]}
                backup = maintenance.backup_database(hop, dest_dir=tmp_path / "b",
                                                     fmt="portable")
            finally:
                hop.dispose()
    finally:
        for server in servers:
            server.drop()


def test_native_server_backup_restores_on_the_same_server(db: Database, tmp_path: Path) -> None:
    if db.is_sqlite:
        pytest.skip("servers only")
    filled(db)
    wanted = snapshot(db)
    backup = maintenance.backup_database(db, dest_dir=tmp_path / "b")
    assert backup.fmt == "native"
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM verres"))
    maintenance.restore_backup(db, backup.path)
    assert snapshot(db) == wanted


def test_sqlite_backup_restores_into_a_server(db: Database, tmp_path: Path) -> None:
    if db.is_sqlite:
        pytest.skip("servers only")
    wanted, backup = _filled_sqlite_backup(tmp_path)
    maintenance.restore_backup(db, backup)
    _assert_same(wanted, snapshot(db), seconds_only=db.backend == "mysql")


def test_a_restore_into_postgresql_leaves_the_planner_statistics_right(
    db: Database, tmp_path: Path
) -> None:
    """The rows come in by bulk: the planner must not wait for autovacuum to learn them (the
    tables of a few rows never reach its threshold), and counts must not read every row."""
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")
    wanted, backup = _filled_sqlite_backup(tmp_path, "portable")
    maintenance.restore_backup(db, backup)
    with db.engine.connect() as conn:
        known = dict(conn.execute(sa.text(
            "SELECT relname, reltuples FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )).all())
        visible = conn.execute(sa.text(
            "SELECT relallvisible FROM pg_class WHERE oid = 'verres'::regclass")).scalar_one()
    for table, rows in wanted.items():
        assert known[table] == len(rows), table  # -1 would mean never analysed nor vacuumed
    assert visible > 0  # the visibility map is set: a count reads an index only


def test_a_portable_restore_into_sqlite_rebuilds_indexes_and_search_index(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staging file loads its rows with the indexes and search trigger set aside: after the
    restore the schema is exactly a fresh catalogue's, and every search finds what a plain scan
    of the folded text finds."""
    from data import catalogue
    from data.query import LensQuery
    from data.sqlite_bulk import IndexPause
    from data.text import fold

    resumed: list[str] = []
    real_resume = IndexPause.resume

    def resume(self: IndexPause, first_rowid: int, step: object = None) -> None:
        resumed.append(self.table)
        real_resume(self, first_rowid, step)  # type: ignore[arg-type]

    monkeypatch.setattr(IndexPause, "resume", resume)
    wanted, backup = _filled_sqlite_backup(tmp_path, "portable")
    fresh_url = "sqlite:///" + (tmp_path / "fresh.db").as_posix()
    fresh = open_database(fresh_url, load_settings(cli_url=fresh_url))
    try:
        upgrade(fresh)
        with fresh.engine.connect() as conn:
            fresh_schema = conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all()
    finally:
        fresh.dispose()

    maintenance.restore_backup(sqlite_db, backup)

    assert {"verres", "historique"} <= set(resumed)
    _assert_same(wanted, snapshot(sqlite_db), seconds_only=False)
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all() == fresh_schema
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        rows = conn.exec_driver_sql("SELECT id, recherche FROM verres ORDER BY tri_nom, id").all()
    assert len(rows) == len(wanted["verres"]) > 10
    for fragment in ("ai", "va", "16", "x", "comf"):
        expected = [lens_id for lens_id, text in rows if fold(fragment) in text]
        assert list(catalogue.lens_ids(sqlite_db, LensQuery(text=fragment))) == expected, fragment


def test_a_restore_cancelled_while_loading_the_target_changes_nothing(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelled in the middle of the lens table (on PostgreSQL, inside its COPY): the server
    keeps every row it had."""
    from data.maintenance import load_rows, portable

    if db.backend == "sqlite":
        pytest.skip("SQLite: the staged file replaces the target whole (test_cancelled_restore_changes_nothing)")
    _wanted, backup = _filled_sqlite_backup(tmp_path, "portable")
    upgrade(db)
    filled(db)
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM verres WHERE id % 3 = 0"))
    before = snapshot(db)
    monkeypatch.setattr(portable, "ROWS_PER_BATCH", 5)  # several batches per table
    loading: list[str] = []
    real_batches = load_rows._batches

    def batches(rows, shape):  # type: ignore[no-untyped-def]
        for number, batch in enumerate(real_batches(rows, shape)):
            if shape.name == "verres" and number == 2:
                loading.append(shape.name)  # the next progress report cancels
            yield batch

    monkeypatch.setattr(load_rows, "_batches", batches)
    # The staging file (portable backups go through one) is loaded first: cancel only once
    # the target itself is being loaded (its second pass over the lens table).
    with pytest.raises(maintenance.Cancelled):
        maintenance.restore_backup(db, backup, progress=lambda d, t: None,
                                   cancel=lambda: loading.count("verres") >= 2)
    assert loading.count("verres") == 2
    assert snapshot(db) == before
