"""The portable backup format: gzip'd JSON that restores into any of the three databases.

One JSON value per line (JSON Lines), so writing and reading stream table by table and memory
stays flat however big the catalogue is:

1. a header ``{"format": "engravedetect-portable", "version": 1, "schema": "<alembic revision>",
   "created": ..., "backend": ..., "counts": {table: rows}, "tables": [...]}``;
2. for each table, in foreign-key order, ``{"table": name, "columns": [...], "types": [...]}``
   followed by one JSON array per row (bytes in base64, timestamps in ISO 8601);
3. a closing ``{"end": true}``, so a truncated file is recognised.

This is also how a shop moves its SQLite catalogue to a shared PostgreSQL or MariaDB server.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.database import Database
from data.driver_errors import translate_errors
from data.maintenance.common import (
    BackupError,
    RestoreError,
    create_private,
    remove_quietly,
    temp_path,
)
from data.maintenance.gzipio import CHUNK, WRITE_BUFFER, GzipWriter
from data.progress import Steps

FORMAT_NAME = "engravedetect-portable"
FORMAT_VERSION = 1
ROWS_PER_BATCH = 1000
BINARY_ROWS_PER_BATCH = 20
BATCH_BYTES = 8 * 1024 * 1024
SKIPPED_TABLES = {"alembic_version"}


@dataclass(frozen=True)
class TableShape:
    name: str
    columns: list[str]
    types: list[str]  # "bytes", "datetime", "date", "bool" or "plain"
    primary_key: list[str] = field(default_factory=list)

    def clause(self) -> sa.TableClause:
        return sa.table(self.name, *(sa.column(c) for c in self.columns))


def _type_tag(type_: Any) -> str:
    try:
        python = type_.python_type
    except (NotImplementedError, AttributeError):
        return "plain"
    if python is bytes:
        return "bytes"
    if python is datetime:
        return "datetime"
    if python is date:
        return "date"
    if python is bool:
        return "bool"
    return "plain"


def catalogue_tables(conn: Connection) -> list[TableShape]:
    """The database's own tables in foreign-key order (no Alembic stamp, no search indexes)."""
    inspector = sa.inspect(conn)
    virtual: set[str] = set()
    if conn.dialect.name == "sqlite":
        virtual = {
            str(r[0]) for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND coalesce(sql, '') LIKE 'CREATE VIRTUAL%'"
            )
        }
    names = [name for name, _ in inspector.get_sorted_table_and_fkc_names() if name]
    shapes = []
    for name in names:
        if name in SKIPPED_TABLES or name.startswith("sqlite_") or name in virtual:
            continue
        if any(name.startswith(f"{v}_") for v in virtual):
            continue  # shadow table of a virtual (full-text) table: rebuilt by its triggers
        columns = inspector.get_columns(name)
        shapes.append(TableShape(
            name=name,
            columns=[str(c["name"]) for c in columns],
            types=[_type_tag(c["type"]) for c in columns],
            primary_key=list(inspector.get_pk_constraint(name).get("constrained_columns") or []),
        ))
    return shapes


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _decode(value: Any, tag: str) -> Any:
    if value is None:
        return None
    if tag == "bytes":
        return base64.b64decode(value)
    if tag == "datetime":
        return datetime.fromisoformat(value)
    if tag == "date":
        return date.fromisoformat(value)
    if tag == "bool":
        return bool(value)
    return value


def _snapshot_connection(db: Database) -> Connection:
    """One connection that sees one consistent state of every table."""
    if db.is_sqlite:
        conn = db.engine.connect()
        conn.exec_driver_sql("BEGIN")
        return conn
    conn = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    if db.backend == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
    else:
        conn.exec_driver_sql("START TRANSACTION WITH CONSISTENT SNAPSHOT")
    return conn


def _revision(conn: Connection) -> str | None:
    if not sa.inspect(conn).has_table("alembic_version"):
        return None
    value = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(value) if value is not None else None


def export_portable(
    db: Database, final: Path, comment: dict[str, Any], progress: Steps
) -> dict[str, int]:
    """Write the portable backup ``final`` (through a temp file, verified); return row counts."""
    tmp = temp_path(final.parent, ".json.gz")
    try:
        create_private(tmp)
        with translate_errors(), _snapshot_connection(db) as conn:
            shapes = catalogue_tables(conn)
            counts = {s.name: int(conn.execute(
                sa.select(sa.func.count()).select_from(sa.table(s.name))).scalar_one())
                for s in shapes}
            header = {
                "format": FORMAT_NAME, "version": FORMAT_VERSION, "app": comment.get("app"),
                "schema": _revision(conn), "created": comment.get("created"),
                "backend": db.backend, "kind": comment.get("kind"), "counts": counts,
                "tables": [s.name for s in shapes],
            }
            gz_comment = {**comment, "fmt": "portable", "schema": header["schema"],
                          "lens_count": counts.get("verres")}
            with open(tmp, "r+b", buffering=WRITE_BUFFER) as raw:
                writer = GzipWriter(raw, gz_comment)
                _write_line(writer, header)
                total = max(1, sum(counts.values()))
                done = 0
                progress.phase(0.0, 0.85)
                for shape in shapes:
                    done = _write_table(conn, shape, writer, progress, done, total)
                _write_line(writer, {"end": True})
                writer.close()
                raw.flush()
                os.fsync(raw.fileno())
            conn.rollback()
        progress.phase(0.85, 1.0)
        found = read_counts(tmp)
        if found != counts:
            raise BackupError("La sauvegarde relue ne contient pas toutes les lignes : fichier "
                              "non conservé.")
        os.replace(tmp, final)
        os.chmod(final, 0o600)
        return counts
    except BaseException:
        remove_quietly(tmp)
        raise


def _write_line(writer: GzipWriter, value: Any) -> None:
    writer.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")


def _write_table(
    conn: Connection, shape: TableShape, writer: GzipWriter, progress: Steps, done: int,
    total: int,
) -> int:
    _write_line(writer, {"table": shape.name, "columns": shape.columns, "types": shape.types})
    table = shape.clause()
    order = [table.c[c] for c in shape.primary_key] or [table.c[shape.columns[0]]]
    per_batch = BINARY_ROWS_PER_BATCH if "bytes" in shape.types else ROWS_PER_BATCH
    result = conn.execution_options(stream_results=True, yield_per=per_batch).execute(
        sa.select(table).order_by(*order)
    )
    lines: list[bytes] = []
    for row in result:
        lines.append(json.dumps([_encode(v) for v in row], ensure_ascii=False,
                                separators=(",", ":")).encode())
        done += 1
        if len(lines) >= per_batch:
            writer.write(b"\n".join(lines) + b"\n")
            lines.clear()
            progress.fraction(done / total)
    if lines:
        writer.write(b"\n".join(lines) + b"\n")
    progress.fraction(done / total)
    return done


# --- reading -------------------------------------------------------------------------------


def _open_lines(path: Path) -> IO[bytes]:
    return io.BufferedReader(gzip.open(path, "rb"), buffer_size=CHUNK)  # type: ignore[arg-type]


def read_header(path: Path) -> dict[str, Any] | None:
    """The header of a portable backup, or None when ``path`` is not one."""
    try:
        with _open_lines(path) as handle:
            first = handle.readline(1_000_000)
        header = json.loads(first)
    except (OSError, EOFError, ValueError, gzip.BadGzipFile):
        return None
    if not isinstance(header, dict) or header.get("format") != FORMAT_NAME:
        return None
    return header


def iter_tables(path: Path) -> Iterator[tuple[TableShape, Iterator[dict[str, Any]]]]:
    """(table, its rows as dicts of decoded values) in file order; each row iterator must be
    consumed before the next table. Raises RestoreError on a truncated or damaged file."""
    try:
        with _open_lines(path) as handle:
            handle.readline()
            pending = handle.readline()
            while True:
                if not pending:
                    raise RestoreError("La sauvegarde portable est incomplète (fichier tronqué).")
                marker = json.loads(pending)
                if not isinstance(marker, dict):
                    raise RestoreError("La sauvegarde portable est mal formée.")
                if marker.get("end"):
                    return
                shape = TableShape(str(marker["table"]), list(marker["columns"]),
                                   list(marker["types"]))
                box: list[bytes] = []
                yield shape, _rows(handle, shape, box)
                pending = box[0] if box else b""
    except (OSError, EOFError, ValueError, KeyError, TypeError, gzip.BadGzipFile) as exc:
        raise RestoreError("La sauvegarde portable est endommagée ou tronquée.") from exc


def _rows(handle: IO[bytes], shape: TableShape, box: list[bytes]) -> Iterator[dict[str, Any]]:
    pairs = list(zip(shape.columns, shape.types, strict=True))
    while True:
        line = handle.readline()
        if not line or line.startswith(b"{"):
            box.append(line)
            return
        values = json.loads(line)
        yield {name: _decode(v, tag) for (name, tag), v in zip(pairs, values, strict=True)}


def read_counts(path: Path) -> dict[str, int]:
    """Rows per table found in the file (reading it whole checks gzip's CRC and the end mark)."""
    counts: dict[str, int] = {}
    current = None
    ended = False
    with _open_lines(path) as handle:
        handle.readline()
        for line in handle:
            if line.startswith(b"{"):
                marker = json.loads(line)
                if marker.get("end"):
                    ended = True
                    break
                current = str(marker["table"])
                counts[current] = 0
            elif current is not None:
                counts[current] += 1
    if not ended:
        raise RestoreError("La sauvegarde portable est incomplète (fichier tronqué).")
    return counts


def tables_from_database(conn: Connection) -> Iterator[tuple[TableShape, Iterator[dict[str, Any]]]]:
    """Same shape as ``iter_tables``, read from an open database (restoring a SQLite backup into
    a server goes through here)."""
    for shape in catalogue_tables(conn):
        table = shape.clause()
        order = [table.c[c] for c in shape.primary_key] or [table.c[shape.columns[0]]]
        per_batch = BINARY_ROWS_PER_BATCH if "bytes" in shape.types else ROWS_PER_BATCH
        result = conn.execution_options(yield_per=per_batch).execute(
            sa.select(table).order_by(*order))
        yield shape, (dict(row._mapping) for row in result)


def tmp_sqlite(folder: Path) -> Path:
    path = temp_path(folder, ".db")
    create_private(path)
    return path
