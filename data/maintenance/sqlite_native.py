"""Native SQLite backups: the online backup API, gzip level 6, then a verification.

Why the online backup API and never a file copy: committed data can still sit in the ``-wal``
file. Why a read transaction held on the source for the whole copy: the backup restarts whenever
another connection writes between two steps; inside one read transaction the source cannot change
under it, so other connections keep reading and writing and the copy still ends.

The uncompressed copy is compressed, then checked (``integrity_check`` and every table's row
count against the counts taken inside the held read transaction; in a thread, so cancel stays
responsive); the ``.gz`` is then read back in full, and gzip's CRC-32 and length prove it holds
exactly the checked copy. Only then is it renamed to its final name. The check runs after the
compression rather than beside it: on a two-core office PC the two fought for the CPU and the
compression (most of a backup's time) slowed by a third.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.maintenance.common import (
    BackupError,
    create_private,
    remove_quietly,
    temp_path,
)
from data.maintenance.gzipio import CHUNK, WRITE_BUFFER, GzipWriter
from data.progress import Steps, check_cancel

log = logging.getLogger("engravedetect.maintenance")

# Backup steps of 64 MiB or 1/100 of the database, whichever is larger: few steps keep the copy
# fast, and cancel is still honoured several times a second.
MIN_STEP_BYTES = 64 * 1024 * 1024
# integrity_check lines that speak of data rules rather than damaged pages.
_RULE_LINE = re.compile(r"^(CHECK constraint failed|NULL value in|NOT NULL constraint)", re.I)


def is_rule_line(line: str) -> bool:
    """An integrity_check line about a broken CHECK/NOT NULL rule (rows), not damaged pages."""
    return bool(_RULE_LINE.match(line))


@dataclass
class Snapshot:
    """What the source held at copy time (taken inside the held read transaction)."""

    counts: dict[str, int] = field(default_factory=dict)
    schema_revision: str | None = None
    counted: bool = True


def connect_source(path: Path, read_only: bool) -> sqlite3.Connection:
    if read_only:
        return sqlite3.connect(
            f"file:{path.as_posix()}?mode=ro", uri=True, timeout=5, isolation_level=None,
            check_same_thread=False,
        )
    return sqlite3.connect(str(path), timeout=5, isolation_level=None, check_same_thread=False)


def user_tables(conn: sqlite3.Connection) -> list[str]:
    """Ordinary tables (virtual tables are rebuilt from their shadow tables, counted instead)."""
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
    ).fetchall()
    return [str(r[0]) for r in rows]


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    return {
        name: int(conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
        for name in user_tables(conn)
    }


def schema_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def take_snapshot(conn: sqlite3.Connection, strict: bool) -> Snapshot:
    """Open the read transaction and record what it sees (a damaged file may not be countable)."""
    conn.execute("BEGIN")
    try:
        return Snapshot(table_counts(conn), schema_revision(conn))
    except sqlite3.DatabaseError:
        if strict:
            raise
        conn.execute("SELECT count(*) FROM sqlite_master")
        return Snapshot(counted=False)


def online_copy(
    src: sqlite3.Connection, dest: Path, progress: Steps, phase: tuple[float, float]
) -> None:
    """Copy ``src`` page by page into the (empty, private) file ``dest``."""
    page_size = int(src.execute("PRAGMA page_size").fetchone()[0])
    page_count = int(src.execute("PRAGMA page_count").fetchone()[0])
    step = max(MIN_STEP_BYTES // page_size, page_count // 100, 1)
    progress.phase(*phase)

    def on_step(_status: int, remaining: int, total: int) -> None:
        progress.fraction((total - remaining) / total if total else 1.0)

    dst = sqlite3.connect(str(dest), isolation_level=None)
    try:
        src.backup(dst, pages=step, progress=on_step)
        # A backup file opens anywhere (read-only media too) without -wal/-shm companions.
        dst.execute("PRAGMA journal_mode = DELETE")
    finally:
        dst.close()


class CopyCheck(threading.Thread):
    """integrity_check and row counts of the uncompressed copy, run beside the compression."""

    def __init__(self, path: Path, quick: bool = False) -> None:
        super().__init__(name="backup-verify", daemon=True)
        self.path = path
        self.quick = quick
        self.problems: list[str] = []
        self.rule_lines: list[str] = []
        self.counts: dict[str, int] = {}
        self.error: BaseException | None = None
        self.stopping = threading.Event()
        self.conn: sqlite3.Connection | None = None

    def run(self) -> None:
        try:
            self.conn = sqlite3.connect(
                f"file:{self.path.as_posix()}?mode=ro", uri=True, check_same_thread=False
            )
            # A non-zero return aborts the running statement: how stop() interrupts the check.
            self.conn.set_progress_handler(self.stopping.is_set, 20000)
            pragma = "quick_check" if self.quick else "integrity_check"
            for (line,) in self.conn.execute(f"PRAGMA {pragma}"):
                if line == "ok":
                    continue
                (self.rule_lines if _RULE_LINE.match(str(line)) else self.problems).append(str(line))
            self.counts = table_counts(self.conn)
        except BaseException as exc:  # noqa: BLE001 - carried back to the calling thread
            self.error = exc
        finally:
            if self.conn is not None:
                self.conn.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join()


def compress(
    source: Path, dest: Path, comment: dict[str, Any], progress: Steps, phase: tuple[float, float]
) -> None:
    total = source.stat().st_size
    progress.phase(*phase)
    done = 0
    create_private(dest)
    with open(source, "rb", buffering=0) as src, open(dest, "r+b", buffering=WRITE_BUFFER) as raw:
        writer = GzipWriter(raw, comment)
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while True:
            n = src.readinto(buffer)
            if not n:
                break
            writer.write(view[:n])
            done += n
            progress.fraction(done / total if total else 1.0)
        writer.close()
        raw.flush()
        os.fsync(raw.fileno())


def read_back(path: Path, expected_size: int, progress: Steps, phase: tuple[float, float]) -> None:
    """Decompress the whole file: gzip checks its CRC-32 and length at the end."""
    progress.phase(*phase)
    size = 0
    with gzip.open(path, "rb") as handle:
        while True:
            block = handle.read(CHUNK)
            if not block:
                break
            size += len(block)
            progress.fraction(size / expected_size if expected_size else 1.0)
    if size != expected_size:
        raise BackupError("La sauvegarde relue n'a pas la taille de la copie : fichier non conservé.")


def backup_sqlite(
    source: Path,
    read_only: bool,
    final_gz: Path,
    comment: dict[str, Any],
    progress: Steps,
    *,
    strict: bool = True,
) -> tuple[Snapshot, float]:
    """Copy, compress, verify and atomically name the backup; return (snapshot, compressed_s).

    ``strict=False`` (the safety copy before a restore) keeps a copy of a damaged database: it
    is what the user had, and restoring it may still be wanted.
    """
    started = time.perf_counter()
    folder = final_gz.parent
    tmp_db = temp_path(folder, ".db")
    tmp_gz = temp_path(folder, ".db.gz")
    checker: CopyCheck | None = None
    try:
        create_private(tmp_db)
        src = connect_source(source, read_only)
        try:
            snapshot = take_snapshot(src, strict)
            online_copy(src, tmp_db, progress, (0.0, 0.3))
        finally:
            src.close()
        comment = {**comment, "schema": snapshot.schema_revision,
                   "lens_count": snapshot.counts.get("verres"), "counts": snapshot.counts}
        compress(tmp_db, tmp_gz, comment, progress, (0.3, 0.8))
        compressed_s = time.perf_counter() - started
        checker = CopyCheck(tmp_db)
        checker.start()
        _wait_for(checker, progress, (0.8, 0.9))
        _judge_copy(checker, snapshot, strict)
        read_back(tmp_gz, tmp_db.stat().st_size, progress, (0.9, 1.0))
        os.replace(tmp_gz, final_gz)
        os.chmod(final_gz, 0o600)
        return snapshot, compressed_s
    except BaseException:
        if checker is not None and checker.is_alive():
            checker.stop()
        remove_quietly(tmp_gz)
        raise
    finally:
        if checker is not None and checker.is_alive():
            checker.stop()
        remove_quietly(tmp_db)


def _wait_for(checker: CopyCheck, progress: Steps, phase: tuple[float, float]) -> None:
    """Wait for the check while honouring cancel (stop() interrupts the running PRAGMA)."""
    progress.phase(*phase)
    while checker.is_alive():
        checker.join(0.1)
        check_cancel(progress.cancel)
    progress.fraction(1.0)


def _judge_copy(checker: CopyCheck, snapshot: Snapshot, strict: bool) -> None:
    if checker.error is not None:
        if strict:
            raise BackupError(
                "La copie de la base n'a pas pu être vérifiée : la base semble endommagée. "
                "Lancez la vérification de la base."
            ) from checker.error
        log.warning("Copie de sécurité non vérifiable : %s", checker.error)
        return
    if checker.problems:
        log.warning("Copie endommagée : %s", "; ".join(checker.problems[:5]))
        if strict:
            raise BackupError(
                "La copie de la base n'est pas saine (la base elle-même semble endommagée) : "
                "sauvegarde non conservée. Lancez la vérification de la base."
            )
        return
    if snapshot.counted and checker.counts != snapshot.counts:
        raise BackupError(
            "La copie ne contient pas le même nombre de lignes que la base : sauvegarde non "
            "conservée. Réessayez."
        )
