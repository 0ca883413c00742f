"""Loading a backup's rows into a database of any backend, in the caller's transaction.

Every catalogue row of the target is deleted, then the backup's rows are inserted in foreign-key
order keeping their ids (PostgreSQL's COPY where it serves), and PostgreSQL's sequences are moved
past those ids.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data.maintenance import portable
from data.maintenance.common import (
    RestoreError,
)
from data.progress import Steps
from data.sqlite_bulk import IndexPause

log = logging.getLogger("engravedetect.maintenance")

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
            for batch in row_batches(rows, shape):
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


def row_batches(rows: Iterator[dict[str, Any]], shape: portable.TableShape) -> Iterator[list[dict[str, Any]]]:
    """A table's rows in batches: fewer rows a batch when the table holds pictures."""
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

