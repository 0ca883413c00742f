"""``Database.bulk_transaction``: one large write whose commit does not wait for SQLite to copy
the WAL back into the database file; the copy runs right after, on a background connection.

The database file is read on its own (a copy without its ``-wal``) to see what a checkpoint
has copied: the data is committed (every connection reads it) before it is in the file, and in
the file once ``wait_for_checkpoint`` returns. Nothing here is timed.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from data.database import SQLITE_AUTOCHECKPOINT_PAGES, Database, attached
from data.errors import CatalogueError
from data.models import Fournisseur
from tests.data.maintenance_helpers import checkpoint_now, rows_in_file_alone

# Enough rows of long names to fill more WAL pages than SQLite's automatic checkpoint waits for.
MANY = 30_000
_MANY_SQL = text(
    "INSERT INTO fournisseurs (nom, nom_normalise) "
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count) "
    "SELECT :prefix || ' ' || i || ' ' || replace(hex(zeroblob(40)), '0', 'x'), "
    "lower(:prefix) || ' ' || i || ' ' || replace(hex(zeroblob(40)), '0', 'x') FROM n"
)


def add_suppliers(session, count: int, prefix: str = "Fournisseur") -> None:  # type: ignore[no-untyped-def]
    if session.get_bind().dialect.name == "sqlite":
        session.execute(_MANY_SQL, {"count": count, "prefix": prefix})
    else:
        session.add_all(Fournisseur(nom=f"{prefix} {i}", nom_normalise=f"{prefix.lower()} {i}") for i in range(count))


def wal_pages(db: Database) -> int:
    wal = Path(f"{db.sqlite_path}-wal")
    return wal.stat().st_size // 4096 if wal.exists() else 0


def suppliers(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(func.count()).select_from(Fournisseur)).scalar_one())


def suppliers_in_file_alone(db: Database, tmp_path: Path) -> int:
    return rows_in_file_alone(db, "fournisseurs", tmp_path)


@pytest.fixture
def sqlite_db(sqlite_db: Database) -> Database:
    """The migrated catalogue, its schema copied into the file."""
    checkpoint_now(sqlite_db)
    return sqlite_db


@pytest.fixture
def held_checkpoints(monkeypatch: pytest.MonkeyPatch) -> list[Database]:
    """Background checkpoints asked for, not started (the test starts them itself)."""
    asked: list[Database] = []
    monkeypatch.setattr(Database, "checkpoint_in_background", lambda self: asked.append(self))
    return asked


def test_the_commit_leaves_the_copy_into_the_file_to_the_background_checkpoint(
    sqlite_db: Database, tmp_path: Path, held_checkpoints: list[Database],
) -> None:
    db = sqlite_db
    assert suppliers_in_file_alone(db, tmp_path) == 0
    with db.bulk_transaction() as session:
        add_suppliers(session, MANY)
    assert wal_pages(db) > SQLITE_AUTOCHECKPOINT_PAGES  # an ordinary commit would have copied it
    assert held_checkpoints == [db]
    assert suppliers(db) == MANY  # committed: every connection reads it
    assert suppliers_in_file_alone(db, tmp_path) == 0  # still only in the WAL


def test_the_background_checkpoint_copies_the_wal_into_the_file(sqlite_db: Database, tmp_path: Path) -> None:
    db = sqlite_db
    with db.bulk_transaction() as session:
        add_suppliers(session, MANY)
    db.wait_for_checkpoint()
    assert suppliers_in_file_alone(db, tmp_path) == MANY


def test_an_ordinary_commit_still_checkpoints_by_itself(sqlite_db: Database, tmp_path: Path) -> None:
    """The connection the bulk transaction used goes back to the pool as SQLite sets it up."""
    db = sqlite_db
    with db.bulk_transaction() as session:
        add_suppliers(session, 10)
        raw = session.connection().connection.dbapi_connection
    db.wait_for_checkpoint()
    assert raw is not None
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == SQLITE_AUTOCHECKPOINT_PAGES
    with db.transaction() as session:
        add_suppliers(session, MANY, "Autre")
    assert suppliers_in_file_alone(db, tmp_path) == MANY + 10


def test_a_failure_writes_nothing_and_starts_no_checkpoint(
    sqlite_db: Database, held_checkpoints: list[Database],
) -> None:
    db = sqlite_db
    with pytest.raises(RuntimeError), db.bulk_transaction() as session:
        add_suppliers(session, MANY)
        session.flush()
        raw = session.connection().connection.dbapi_connection
        raise RuntimeError("arrêt")
    assert suppliers(db) == 0
    assert held_checkpoints == []
    assert raw is not None
    assert raw.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == SQLITE_AUTOCHECKPOINT_PAGES


def test_database_errors_come_out_as_catalogue_errors(sqlite_db: Database) -> None:
    with pytest.raises(CatalogueError), sqlite_db.bulk_transaction() as session:
        session.execute(text("INSERT INTO fournisseurs (nom, nom_normalise) VALUES (NULL, NULL)"))
    assert suppliers(sqlite_db) == 0


def test_readers_and_writers_go_on_while_the_checkpoint_runs(sqlite_db: Database, tmp_path: Path) -> None:
    db = sqlite_db
    with db.bulk_transaction() as session:
        add_suppliers(session, MANY)
    # Whatever the background thread is doing, the catalogue reads and takes a save at once.
    with db.transaction() as session:
        add_suppliers(session, 1, "Pendant")
    assert suppliers(db) == MANY + 1
    db.wait_for_checkpoint()
    # The import's pages are in the file; the save after it, if the checkpoint ran first, is
    # still in the WAL for the next one.
    assert suppliers_in_file_alone(db, tmp_path) in (MANY, MANY + 1)


def test_a_failed_checkpoint_is_logged_and_left_to_the_next_one(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    db = sqlite_db
    with db.bulk_transaction() as session:
        add_suppliers(session, 10)
    db.wait_for_checkpoint()

    def unreachable(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(db.engine, "connect", unreachable)
    with caplog.at_level(logging.WARNING, logger="engravedetect.database"):
        db.checkpoint_in_background()
        db.wait_for_checkpoint()
    assert "Point de contrôle du journal WAL reporté" in caplog.text


def test_dispose_waits_for_the_checkpoint(sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = sqlite_db
    started, release = threading.Event(), threading.Event()
    finished: list[bool] = []
    original = Database._checkpoint

    def slow_checkpoint(self: Database) -> None:
        started.set()
        release.wait(10)
        original(self)
        finished.append(True)

    monkeypatch.setattr(Database, "_checkpoint", slow_checkpoint)
    with db.bulk_transaction() as session:
        add_suppliers(session, MANY)
    assert started.wait(10)
    threading.Timer(0.2, release.set).start()
    db.dispose()
    assert finished == [True]
    assert suppliers_in_file_alone(db, tmp_path) == MANY


def test_on_a_server_it_is_an_ordinary_transaction(db: Database, held_checkpoints: list[Database]) -> None:
    with db.bulk_transaction() as session:
        add_suppliers(session, 20)
    assert suppliers(db) == 20
    assert held_checkpoints == ([db] if db.is_sqlite else [])
    with pytest.raises(RuntimeError), db.bulk_transaction() as session:
        add_suppliers(session, 5, "Annulé")
        session.flush()
        raise RuntimeError("arrêt")
    assert suppliers(db) == 20


def other_file(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "autre.sqlite"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE noms (nom)")
        other.executemany("INSERT INTO noms VALUES (?)", [(f"Joint {i}",) for i in range(rows)])
    other.close()
    return path


def test_a_file_attached_for_the_transaction_is_detached_after_it(sqlite_db: Database, tmp_path: Path) -> None:
    """The transaction reads another SQLite file (an import's prepared lenses); the pooled
    connection goes back without it, after a commit as after a failure."""
    db = sqlite_db
    path = other_file(tmp_path, 3)
    with db.bulk_transaction(attach={"autre": path}) as session:
        assert attached(session, "autre")
        session.execute(text(
            "INSERT INTO fournisseurs (nom, nom_normalise) SELECT nom, lower(nom) FROM autre.noms"
        ))
        raw = session.connection().connection.dbapi_connection
    assert suppliers(db) == 3
    assert raw is not None
    assert "autre" not in [row[1] for row in raw.execute("PRAGMA database_list")]
    with pytest.raises(RuntimeError), db.bulk_transaction(attach={"autre": path}) as session:
        session.execute(text("INSERT INTO fournisseurs (nom, nom_normalise) SELECT nom || ' bis', 'x' || nom FROM autre.noms"))
        raw = session.connection().connection.dbapi_connection
        raise RuntimeError("arrêt")
    assert suppliers(db) == 3
    assert raw is not None
    assert "autre" not in [row[1] for row in raw.execute("PRAGMA database_list")]
    path.unlink()  # nothing holds it any more
    with db.transaction() as session:
        assert not attached(session, "autre")


def test_a_file_still_in_use_is_never_pooled_attached(
    sqlite_db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A statement left open on the attached file keeps SQLite from detaching it: that
    connection is thrown away rather than pooled with the file attached."""
    db = sqlite_db
    path = other_file(tmp_path, 10)
    with caplog.at_level(logging.WARNING, logger="engravedetect.database"), \
            db.bulk_transaction(attach={"autre": path}) as session:
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        left_open = raw.cursor()
        left_open.execute("SELECT nom FROM autre.noms")
        left_open.fetchone()
    assert "« autre » non détachée" in caplog.text
    with db.transaction() as session:
        assert not attached(session, "autre")
        assert session.connection().connection.dbapi_connection is not raw
    assert suppliers(db) == 0


def test_attach_is_for_sqlite_files_only(db: Database, tmp_path: Path) -> None:
    """A server has no files to attach: the transaction is an ordinary one."""
    if db.is_sqlite:
        pytest.skip("servers only")
    with db.bulk_transaction(attach={"autre": tmp_path / "absent.sqlite"}) as session:
        add_suppliers(session, 2)
    assert suppliers(db) == 2
