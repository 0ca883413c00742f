"""Restoring a backup: check it, keep a safety copy of what is there, then replace atomically.

Order matters, so that a refused or failed restore changes nothing:
1. the chosen file is identified and checked (decompressed into a temporary SQLite file next to
   the target, ``integrity_check``, known schema revision; an older schema is migrated to head
   there, a newer one refused);
2. a safety backup (``pre-restore``) of the current database is taken; it succeeds even when the
   current database fails ``integrity_check`` (the online backup API copies pages, not rows), and
   a file that cannot be opened at all is simply moved aside;
3. SQLite: the prepared file replaces the database with one ``os.replace`` (stale ``-wal``/``-shm``
   removed first); servers: the content is replaced inside one transaction (delete everything,
   insert in foreign-key order keeping the ids, PostgreSQL sequences moved past the ids), then
   the planner's statistics refreshed (``upkeep.refresh_after_load``).

The caller must close its own connections to the database first (the GUI reopens afterwards).
"""

from __future__ import annotations

import gzip
import logging
import os
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.catalogue.code_keys import repair_code_keys
from data.config import Settings, load_settings
from data.database import Database, open_database, translate_errors
from data.errors import DatabaseOpenError
from data.maintenance import portable
from data.maintenance.common import (
    RestoreError,
    SourceUnreadableError,
    create_private,
    remove_quietly,
    temp_path,
)
from data.maintenance.gzipio import CHUNK
from data.maintenance.upkeep import refresh_after_load
from data.migrate import MigrationError, alembic_config, head_revision, schema_state, upgrade
from data.progress import Cancel, Progress, Steps, check_cancel
from data.sqlite_bulk import IndexPause

log = logging.getLogger("engravedetect.maintenance")

NOT_A_BACKUP = (
    "Ce fichier n'est pas une sauvegarde du catalogue EngraveDetect : rien n'a été modifié."
)
DAMAGED = "Cette sauvegarde est endommagée ou incomplète : rien n'a été modifié."
NEWER = (
    "Cette sauvegarde vient d'une version plus récente d'EngraveDetect Catalogue (schéma {rev}) : "
    "installez la dernière version pour la restaurer. Rien n'a été modifié."
)
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class RestoreResult:
    target: str
    backup_file: Path
    safety_backup: Path | None
    moved_aside: Path | None
    from_schema: str | None
    schema: str
    migrated: bool
    lens_count: int | None
    duration_s: float
    table_counts: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass
class PreparedBackup:
    """A checked backup ready to apply: a SQLite file at the app's schema, or a server dump."""

    source: Path
    kind: str  # "sqlite" (work_file is a temporary SQLite database) | "pgdump" | "mariadb"
    work_file: Path
    from_schema: str | None
    migrated: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    temporary: bool = True

    @property
    def lens_count(self) -> int | None:
        return self.counts.get("verres")

    def discard(self) -> None:
        if self.temporary:
            remove_quietly(self.work_file)

    def sqlite_url(self) -> str:
        return "sqlite:///" + self.work_file.as_posix()


def identify(path: Path) -> str | None:
    """"sqlite-gz", "sqlite", "portable", "pgdump", "mariadb" or None (not a backup of ours)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    if head.startswith(b"PGDMP"):
        return "pgdump"
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if not head.startswith(b"\x1f\x8b"):
        return None
    try:
        with gzip.open(path, "rb") as handle:
            start = handle.read(64)
    except (OSError, EOFError):
        return None
    if start.startswith(SQLITE_MAGIC):
        return "sqlite-gz"
    if start.startswith(b"{") and portable.read_header(path) is not None:
        return "portable"
    if start.startswith((b"-- MariaDB dump", b"-- MySQL dump", b"/*M!999999")):
        return "mariadb"
    return None


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:  # noqa: BLE001 - alembic raises several kinds for unknown revisions
        return False


def prepare_restore(
    backup_file: Path | str,
    work_dir: Path,
    settings: Settings,
    progress: Steps | None = None,
) -> PreparedBackup:
    """Check ``backup_file`` and bring it to a SQLite file at the app's schema in ``work_dir``.

    Raises RestoreError (French message) for a file that is not a backup, is damaged, or comes
    from a newer app; nothing outside ``work_dir``'s temporary file is touched.
    """
    steps = progress or Steps(None)
    source = Path(backup_file)
    if not source.is_file():
        raise RestoreError(f"Fichier de sauvegarde introuvable : {source}")
    kind = identify(source)
    if kind is None:
        raise RestoreError(NOT_A_BACKUP)
    if kind in ("pgdump", "mariadb"):
        return PreparedBackup(source, kind, source, None, temporary=False)
    work_dir.mkdir(parents=True, exist_ok=True)
    work = temp_path(work_dir, ".db")
    try:
        create_private(work)
        if kind == "portable":
            prepared = _prepare_portable(source, work, settings, steps)
        else:
            _unpack_sqlite(source, work, kind == "sqlite-gz", steps)
            prepared = _prepare_sqlite(source, work, settings, steps)
        return prepared
    except BaseException:
        remove_quietly(work)
        raise


def _unpack_sqlite(source: Path, work: Path, compressed: bool, steps: Steps) -> None:
    total = max(1, source.stat().st_size)
    steps.phase(0.0, 0.3)
    try:
        opener = gzip.open if compressed else open
        with opener(source, "rb") as src, open(work, "r+b") as dst:  # type: ignore[operator]
            raw = getattr(src, "fileobj", None)
            while block := src.read(CHUNK):
                dst.write(block)
                position = raw.tell() if raw is not None else dst.tell()
                steps.fraction(position / total)
            dst.flush()
            os.fsync(dst.fileno())
    except (EOFError, gzip.BadGzipFile, OSError) as exc:
        if isinstance(exc, OSError) and not isinstance(exc, gzip.BadGzipFile) and exc.errno:
            raise
        raise RestoreError(DAMAGED) from exc


def _prepare_sqlite(source: Path, work: Path, settings: Settings, steps: Steps) -> PreparedBackup:
    import sqlite3

    steps.phase(0.3, 0.45)
    try:
        conn = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True)
        try:
            lines = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            tables = {str(r[0]) for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                revision = str(row[0]) if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise RestoreError(DAMAGED) from exc
    from data.maintenance.sqlite_native import is_rule_line

    damage = [line for line in lines if line != "ok" and not is_rule_line(line)]
    if damage:
        log.warning("Sauvegarde refusée, integrity_check : %s", "; ".join(damage[:5]))
        raise RestoreError(DAMAGED)
    if len(lines) > 1 or lines[0] != "ok":
        log.warning("Sauvegarde restaurée avec des règles non respectées : %s", lines[:5])
    if revision is None or "verres" not in tables:
        raise RestoreError(NOT_A_BACKUP)
    if not _known_revision(revision):
        raise RestoreError(NEWER.format(rev=revision))
    steps.fraction(0.5)
    migrated = _migrate_to_head(work, settings)
    steps.fraction(1.0)
    return PreparedBackup(source, "sqlite", work, revision, migrated, _counts(work))


def _open_work(work: Path, settings: Settings) -> Database:
    return open_database("sqlite:///" + work.as_posix(), settings, pool_size=1)


def _migrate_to_head(work: Path, settings: Settings) -> bool:
    db = _open_work(work, settings)
    try:
        state = schema_state(db)
        if state.up_to_date:
            return False
        upgrade(db)
        return True
    except MigrationError as exc:
        raise RestoreError(f"La sauvegarde n'a pas pu être mise à jour : {exc}") from exc
    finally:
        db.dispose()


def _counts(work: Path) -> dict[str, int]:
    import sqlite3

    from data.maintenance.sqlite_native import table_counts

    conn = sqlite3.connect(f"file:{work.as_posix()}?mode=ro", uri=True)
    try:
        return table_counts(conn)
    finally:
        conn.close()


def _prepare_portable(source: Path, work: Path, settings: Settings, steps: Steps) -> PreparedBackup:
    header = portable.read_header(source)
    if header is None:
        raise RestoreError(NOT_A_BACKUP)
    if header.get("version") != portable.FORMAT_VERSION:
        raise RestoreError(NEWER.format(rev=f"format {header.get('version')}"))
    revision = header.get("schema")
    if not isinstance(revision, str):
        raise RestoreError(NOT_A_BACKUP)
    if not _known_revision(revision):
        raise RestoreError(NEWER.format(rev=revision))
    db = _open_work(work, settings)
    try:
        upgrade(db, target=revision)
        counts = header.get("counts") or {}
        total = max(1, sum(int(v) for v in counts.values()))
        steps.phase(0.0, 0.45)
        with translate_errors(), db.engine.begin() as conn:
            loaded = replace_content(conn, portable.iter_tables(source), steps, total)
        if {k: v for k, v in loaded.items()} != {k: int(v) for k, v in counts.items()}:
            raise RestoreError(DAMAGED)
        migrated = revision != head_revision()
        if migrated:
            upgrade(db)
        # The keys a code is found by, made right whatever wrote the backup (an app that did
        # not keep them, a file edited by hand): only the stale ones are rewritten.
        with translate_errors(), db.engine.begin() as conn:
            repair_code_keys(conn)
    finally:
        db.dispose()
    return PreparedBackup(source, "sqlite", work, revision, migrated, _counts(work))


# --- loading rows into any backend -------------------------------------------------------

ALL_ROWS = -(2**63)  # the lowest rowid SQLite has


def replace_content(
    conn: Connection,
    sources: Iterator[tuple[portable.TableShape, Iterator[dict[str, Any]]]],
    steps: Steps,
    total_rows: int,
) -> dict[str, int]:
    """Delete every catalogue row of the target, then insert ``sources`` keeping their ids.

    Runs inside the caller's transaction, so a failure (or cancel) changes nothing. On SQLite
    (the staging file of every portable restore) the tables' indexes and search trigger are set
    aside while the rows go in and rebuilt once they are all in (``data.sqlite_bulk``): 100,000
    lenses took 22 s row by row.
    """
    targets = {shape.name: shape for shape in portable.catalogue_tables(conn)}
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    for shape in reversed(list(targets.values())):
        conn.execute(sa.delete(shape.clause()))
    pauses = [IndexPause(conn, name) for name in targets] if sqlite else []
    for pause in pauses:
        pause.pause()  # the deletes opened the transaction: set aside inside it
    loaded: dict[str, int] = {}
    done = 0
    for shape, rows in sources:
        target = targets.get(shape.name)
        if target is None or set(shape.columns) - set(target.columns):
            raise RestoreError(
                f"La sauvegarde ne correspond pas au schéma de la base (table {shape.name})."
            )
        booleans = [c for c, t in zip(target.columns, target.types, strict=True) if t == "bool"]
        write = _copy_writer(conn, shape) if conn.dialect.name == "postgresql" else _insert_writer(conn, shape)
        count = 0
        with write as put:
            for batch in _batches(rows, shape):
                for row in batch:
                    for column in booleans:
                        if row.get(column) is not None:
                            row[column] = bool(row[column])
                put(batch)
                count += len(batch)
                done += len(batch)
                steps.fraction(done / total_rows if total_rows else 1.0)
        loaded[shape.name] = count
    for pause in pauses:
        pause.resume(ALL_ROWS)  # every row is new: the tables were emptied first
    if conn.dialect.name == "postgresql":
        _move_sequences(conn, list(targets.values()))
    return loaded


@contextmanager
def _insert_writer(conn: Connection, shape: portable.TableShape) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    insert = sa.insert(shape.clause())

    def put(batch: list[dict[str, Any]]) -> None:
        conn.execute(insert, batch)

    yield put


@contextmanager
def _copy_writer(conn: Connection, shape: portable.TableShape) -> Iterator[Callable[[list[dict[str, Any]]], None]]:
    """PostgreSQL: one ``COPY ... FROM STDIN`` for the table, in the caller's transaction. An
    ``INSERT`` per row (what ``executemany`` sends, even pipelined) waited on the server for
    each of them: 100,000 lenses took 31 s. An exception inside (a cancel) aborts the copy,
    and the caller's rollback undoes the rest."""
    quote = conn.dialect.identifier_preparer.quote
    columns = shape.columns
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        sql = f"COPY {quote(shape.name)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with cursor.copy(sql) as copy:
            def put(batch: list[dict[str, Any]]) -> None:
                for row in batch:
                    copy.write_row([row[c] for c in columns])
            yield put
    finally:
        cursor.close()


def _batches(rows: Iterator[dict[str, Any]], shape: portable.TableShape) -> Iterator[list[dict[str, Any]]]:
    limit = portable.BINARY_ROWS_PER_BATCH if "bytes" in shape.types else portable.ROWS_PER_BATCH
    batch: list[dict[str, Any]] = []
    size = 0
    for row in rows:
        batch.append(row)
        size += sum(len(v) for v in row.values() if isinstance(v, bytes))
        if len(batch) >= limit or size >= portable.BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _move_sequences(conn: Connection, shapes: list[portable.TableShape]) -> None:
    """Ids were inserted explicitly: move each serial sequence past the largest id."""
    for shape in shapes:
        if len(shape.primary_key) != 1:
            continue
        column = shape.primary_key[0]
        sequence = conn.execute(
            sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": f'"{shape.name}"', "c": column}
        ).scalar()
        if sequence is None:
            continue
        top = conn.execute(sa.text(f'SELECT max("{column}") FROM "{shape.name}"')).scalar()
        conn.execute(sa.text("SELECT setval(:s, :v, false)"),
                     {"s": sequence, "v": int(top or 0) + 1})


# --- the whole restore ------------------------------------------------------------------


def restore_backup(
    target_url_or_db: Database | str,
    backup_file: Path | str,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    *,
    settings: Settings | None = None,
    prepared: PreparedBackup | None = None,
) -> RestoreResult:
    """Restore ``backup_file`` into the database (an open ``Database`` or a URL).

    With a URL, a SQLite file that cannot be opened at all is moved aside and replaced. A
    ``prepared`` backup (from ``prepare_restore``) skips the checking step.
    """
    started = time.perf_counter()
    steps = Steps(progress, cancel)
    db, owned, settings = _resolve_target(target_url_or_db, settings)
    url = db.url if db is not None else sa.make_url(str(target_url_or_db))
    sqlite_path = _sqlite_file(url)
    try:
        if db is not None and not db.is_sqlite:
            _refuse_newer_target(db)
        work_dir = sqlite_path.parent if sqlite_path else settings.backup_dir
        ready = prepared or prepare_restore(backup_file, work_dir, settings, _sub(steps, 0.0, 0.5))
        try:
            check_cancel(cancel)
            safety, moved = _safety_copy(db, sqlite_path, settings, _sub(steps, 0.5, 0.75), cancel)
            steps.phase(0.75, 1.0)
            if sqlite_path is not None:
                _replace_sqlite_file(db, sqlite_path, ready)
            else:
                assert db is not None
                _load_into_server(db, ready, steps)
        finally:
            ready.discard()
    finally:
        if owned and db is not None:
            db.dispose()
    steps.finish()
    result = RestoreResult(
        target=url.render_as_string(hide_password=True),
        backup_file=Path(backup_file),
        safety_backup=safety,
        moved_aside=moved,
        from_schema=ready.from_schema,
        schema=head_revision(),
        migrated=ready.migrated,
        lens_count=ready.lens_count,
        duration_s=time.perf_counter() - started,
        table_counts=ready.counts,
    )
    log.info("Restauration de %s dans %s (copie de sécurité : %s)",
             result.backup_file, result.target, safety or moved)
    return result


def _sub(steps: Steps, start: float, end: float) -> Steps:
    """A Steps for a nested job that reports into [start, end] of ``steps``."""
    steps.phase(start, end)

    def forward(done: int, total: int) -> None:
        steps.fraction(done / total if total else 1.0)

    return Steps(forward, steps.cancel)


def _resolve_target(
    target: Database | str, settings: Settings | None
) -> tuple[Database | None, bool, Settings]:
    if isinstance(target, Database):
        return target, False, settings or target.settings
    settings = settings or load_settings(cli_url=target)
    try:
        return open_database(target, settings, pool_size=2), True, settings
    except DatabaseOpenError as exc:
        path = _sqlite_file(sa.make_url(target))
        if path is None or not path.parent.is_dir() or "verrouillée" in str(exc):
            raise
        return None, False, settings  # unreadable SQLite file: moved aside, then replaced


def _sqlite_file(url: sa.engine.URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database).expanduser()


def _refuse_newer_target(db: Database) -> None:
    try:
        state = schema_state(db)
    except MigrationError as exc:
        raise RestoreError(str(exc)) from exc
    if state.newer_than_app:
        raise RestoreError(
            "La base a été mise à jour par une version plus récente de l'application : "
            "restauration impossible avec celle-ci."
        )


def _safety_copy(
    db: Database | None, sqlite_path: Path | None, settings: Settings, steps: Steps,
    cancel: Cancel | None,
) -> tuple[Path | None, Path | None]:
    from data.maintenance.backups import backup_database

    if db is None:
        return None, _move_aside(sqlite_path)
    if sqlite_path is not None and not sqlite_path.exists():
        return None, None
    try:
        result = backup_database(db, kind="pre-restore", dest_dir=settings.backup_dir,
                                 progress=steps.callback, cancel=cancel)
    except SourceUnreadableError as exc:
        if sqlite_path is None:
            raise
        # The file opens but cannot even be copied page by page: keep it aside as it is.
        log.warning("Copie de sécurité impossible (%s) : le fichier est mis de côté", exc)
        db.dispose()
        return None, _move_aside(sqlite_path)
    return result.path, None


def _move_aside(path: Path | None) -> Path | None:
    if path is None or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.illisible-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.illisible-{stamp}_{n}")
        n += 1
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{aside}{suffix}"))
    return aside


def _replace_sqlite_file(db: Database | None, path: Path, ready: PreparedBackup) -> None:
    if ready.kind != "sqlite":
        raise RestoreError(
            "Une sauvegarde d'un serveur (pg_dump, mariadb-dump) ne se restaure que sur ce type "
            "de serveur ; utilisez une sauvegarde au format portable."
        )
    if db is not None:
        _checkpoint(db)
        db.dispose()
    if path.exists():
        os.chmod(ready.work_file, stat.S_IMODE(path.stat().st_mode))
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(ready.work_file, path)
    ready.temporary = False


def _checkpoint(db: Database) -> None:
    """Fold the WAL into the file so that removing the stale -wal loses nothing that matters."""
    try:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except sa.exc.SQLAlchemyError as exc:
        log.warning("Point de contrôle WAL impossible avant restauration : %s", exc)


def _load_into_server(db: Database, ready: PreparedBackup, steps: Steps) -> None:
    if ready.kind in ("pgdump", "mariadb"):
        expected = "postgresql" if ready.kind == "pgdump" else "mysql"
        if db.backend != expected:
            raise RestoreError(
                "Cette sauvegarde vient d'un autre type de serveur : utilisez une sauvegarde au "
                "format portable."
            )
        from data.maintenance.server_dump import restore_server_dump

        restore_server_dump(db, ready.work_file, steps)
        upgrade(db)
        refresh_after_load(db)
        return
    state = schema_state(db)
    if not state.up_to_date:
        upgrade(db)
    source = _open_work(ready.work_file, db.settings)
    try:
        total = max(1, sum(ready.counts.values()))
        with source.engine.connect() as src, translate_errors(), db.engine.begin() as conn:
            loaded = replace_content(conn, portable.tables_from_database(src), steps, total)
        expected_counts = {k: v for k, v in ready.counts.items() if k != "alembic_version"}
        if any(loaded.get(k, 0) != v for k, v in expected_counts.items() if k in loaded):
            raise RestoreError("La restauration n'a pas chargé toutes les lignes.")
    finally:
        source.dispose()
    refresh_after_load(db)
