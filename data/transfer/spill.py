"""Pass 1's decisions kept on disk for pass 2: what to insert and what to update.

Pass 2 then writes without reading and validating the file again (half the work), while memory
stays flat: the lenses go to a private temporary SQLite file, a chunk at a time, and come back
the same way. The file holds catalogue data, so it is created owner-only and deleted after use.

Two tables, their columns named after the lens columns (``keys``, the same for every lens):

- ``nouveaux``: the lenses to insert, in the order of the file; the n-th new lens is row n
  (``rowid``), so that an import into SQLite gives it the id ``first + n - 1``;
- ``mises_a_jour``: the lenses to update, with their id, their version as read and their values
  before (``avant``, ``marshal`` bytes), for their audit entries.

When the file carries the shapes of signs, ``keys`` also holds ``SIGN_COLUMN`` (not a lens
column): each lens's shape keys as a JSON list (``["oeil", "e_soleil"]``), NULL when the file
says nothing about them (an update then keeps the lens's shapes).

Why SQLite rather than a flat file: an import into a SQLite catalogue attaches this file and
copies its new lenses with one ``INSERT ... SELECT`` (``SPILL_SCHEMA``), with no Python work per
lens in pass 2 (100,000 lenses: 1.3 s of tuples built and sent one by one, against about 0.1 s).
Other databases, and small imports, read it back in chunks (``read_chunks``).

The file needs no journal and no sync: it is written once, by one connection, and thrown away;
a crash loses a preview, never the catalogue.
"""

from __future__ import annotations

import marshal
import operator
import os
import sqlite3
import tempfile
from array import array
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any

from data.transfer.readers import TransferError

INSERT = 0
UPDATE = 1
CHUNK = 1000
SPILL_SCHEMA = "import_spill"  # the name pass 2 attaches the file under (SQLite)
NEW_TABLE = "nouveaux"
UPDATE_TABLE = "mises_a_jour"
SIGN_COLUMN = "symboles"  # a lens's shape keys, a JSON list (not a column of ``verres``)

# One record as read back: (operation, lens id, version, values before (update) or None, *columns)
Record = tuple[Any, ...]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unreadable(exc: sqlite3.Error) -> TransferError:
    return TransferError(f"Le fichier temporaire de l'import est illisible ({exc}) : relancez l'import.")


def _storage_error(exc: sqlite3.Error) -> TransferError:
    return TransferError(
        f"Impossible d'écrire le fichier temporaire de l'import (disque plein ?) : {exc}."
    )


class SpillWriter:
    """The lenses pass 1 decided to write, in a new temporary SQLite file."""

    def __init__(self) -> None:
        try:
            fd, name = tempfile.mkstemp(prefix="engravedetect-import-", suffix=".sqlite")
            os.close(fd)
        except OSError as exc:
            raise TransferError(f"Impossible de créer le fichier temporaire de l'import : {exc.strerror or exc}.") from exc
        self.path = Path(name)
        self.keys: tuple[str, ...] = ()
        self.count = 0
        # The file line of each lens, per table in rowid order: ``finish`` may drop some lines.
        self.lines = {INSERT: array("I"), UPDATE: array("I")}
        self._new: list[tuple[Any, ...]] = []
        self._updates: list[tuple[Any, ...]] = []
        self._insert_new = self._insert_update = ""
        self._values: Any = None  # a lens's column values, in ``keys`` order
        self._connection: sqlite3.Connection | None = None
        try:
            self._connection = sqlite3.connect(name, isolation_level=None)
            self._connection.execute("PRAGMA journal_mode = OFF")
            self._connection.execute("PRAGMA synchronous = OFF")
        except sqlite3.Error as exc:
            self.discard()
            raise _storage_error(exc) from exc

    def add(
        self, operation: int, lens_id: int, version: int, before: tuple[Any, ...] | None,
        columns: dict[str, Any], line: int = 0,
    ) -> None:
        if not self.keys:
            self._create(tuple(columns))
        if operation == INSERT:
            self._new.append(self._values(columns))
        else:
            self._updates.append((lens_id, version, marshal.dumps(before), *self._values(columns)))
        self.count += 1
        self.lines[operation].append(line)
        if len(self._new) >= CHUNK or len(self._updates) >= CHUNK:
            self._flush()

    def _create(self, keys: tuple[str, ...]) -> None:
        self.keys = keys
        self._values = operator.itemgetter(*keys)
        names = ", ".join(_quoted(key) for key in keys)
        marks = ", ".join("?" for _ in keys)
        self._insert_new = f"INSERT INTO {NEW_TABLE} ({names}) VALUES ({marks})"
        self._insert_update = f"INSERT INTO {UPDATE_TABLE} (lens_id, version, avant, {names}) VALUES (?, ?, ?, {marks})"
        # No declared types: every value is kept exactly as given (text, integer, real, NULL).
        self._run(f"CREATE TABLE {NEW_TABLE} ({names})")
        self._run(f"CREATE TABLE {UPDATE_TABLE} (lens_id, version, avant, {names})")
        self._run("BEGIN")

    def _run(self, sql: str, rows: Sequence[tuple[Any, ...]] | None = None) -> None:
        assert self._connection is not None
        try:
            if rows is None:
                self._connection.execute(sql)
            else:
                self._connection.executemany(sql, rows)
        except sqlite3.Error as exc:
            raise _storage_error(exc) from exc

    def _flush(self) -> None:
        if self._new:
            self._run(self._insert_new, self._new)
            self._new = []
        if self._updates:
            self._run(self._insert_update, self._updates)
            self._updates = []

    def finish(self, drop: Collection[int] = ()) -> Path:
        """Close the file for pass 2, without the lenses of the lines in ``drop`` (refused
        lines, when only the valid ones are imported). The new lenses stay numbered 1, 2, ...
        in the file's order (``rowid``: pass 2 derives their ids from it)."""
        if self.keys:
            self._flush()
            if drop:
                self._drop(drop)
            self._run("COMMIT")
        self._close()
        return self.path

    def _drop(self, drop: Collection[int]) -> None:
        names = ", ".join(_quoted(key) for key in self.keys)
        for operation, table, extra in ((INSERT, NEW_TABLE, ""), (UPDATE, UPDATE_TABLE, "lens_id, version, avant, ")):
            gone = [(n,) for n, line in enumerate(self.lines[operation], 1) if line in drop]
            if not gone:
                continue
            self.count -= len(gone)
            self._run("CREATE TEMP TABLE IF NOT EXISTS gone (n INTEGER PRIMARY KEY)")
            self._run("DELETE FROM gone")
            self._run("INSERT INTO gone VALUES (?)", gone)
            self._run(f"CREATE TABLE kept ({extra}{names})")
            self._run(
                f"INSERT INTO kept SELECT {extra}{names} FROM {table} "
                "WHERE rowid NOT IN (SELECT n FROM gone) ORDER BY rowid"
            )
            self._run(f"DROP TABLE {table}")
            self._run(f"ALTER TABLE kept RENAME TO {table}")

    def _close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def discard(self) -> None:
        self._close()
        discard(self.path)


def _open(path: Path) -> sqlite3.Connection:
    try:
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise _unreadable(exc) from exc


def read_chunks(path: Path, keys: Sequence[str], operations: Sequence[int] = (INSERT, UPDATE)) -> Iterator[list[Record]]:
    """The records of ``operations``, up to ``CHUNK`` at a time: the new lenses first, in
    the file's order, then the updates."""
    names = ", ".join(_quoted(key) for key in keys)
    queries = []
    if INSERT in operations:
        queries.append((INSERT, f"SELECT {INSERT}, 0, 0, NULL, {names} FROM {NEW_TABLE} ORDER BY rowid"))
    if UPDATE in operations:
        queries.append((UPDATE, f"SELECT {UPDATE}, lens_id, version, avant, {names} FROM {UPDATE_TABLE} ORDER BY rowid"))
    connection = _open(path)
    try:
        for operation, sql in queries:
            try:
                cursor = connection.execute(sql)
                while rows := cursor.fetchmany(CHUNK):
                    if operation == UPDATE:
                        rows = [(r[0], r[1], r[2], tuple(marshal.loads(r[3])), *r[4:]) for r in rows]
                    yield rows
            except sqlite3.Error as exc:
                raise _unreadable(exc) from exc
    finally:
        connection.close()


def new_values(path: Path, key: str) -> Iterator[list[tuple[int, Any]]]:
    """``(n, value)`` of one column of the new lenses (the n-th new lens), non-null values
    only, up to ``CHUNK`` at a time, in the file's order."""
    connection = _open(path)
    try:
        column = _quoted(key)
        cursor = connection.execute(
            f"SELECT rowid, {column} FROM {NEW_TABLE} WHERE {column} IS NOT NULL ORDER BY rowid"
        )
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    except sqlite3.Error as exc:
        raise _unreadable(exc) from exc
    finally:
        connection.close()


def discard(path: Path | str | None) -> None:
    if path is None:
        return
    for suffix in ("", "-journal"):
        try:
            Path(f"{path}{suffix}").unlink()
        except FileNotFoundError:
            pass
