"""Large writes on SQLite: many rows straight to the driver, indexes rebuilt once at the end.

Two tools for a caller that writes thousands of rows in one transaction (an import):

- ``RawInsert``: an ``INSERT`` compiled once and run with ``executemany`` on plain tuples, through
  the session's own connection (errors still come out as SQLAlchemy errors). The ORM's work per
  row (a dict, type processing, ``RETURNING``) was most of an import's time.
- ``IndexPause``: a table's secondary indexes and its ``AFTER INSERT`` triggers (the trigram
  search index ``verres_fts`` is kept by such a trigger) are dropped *inside the caller's
  transaction*, then re-created from their own stored definitions (``sqlite_master``) once the
  rows are in; each trigger's statement then runs once for all the new rows. Building an index
  from sorted data beats updating it row by row: 100,000 lenses and their 16 indexes went from
  about 20 s to 2 s. SQLite's DDL is transactional, so a rollback (cancel, failure, a conflict
  found later) leaves the indexes, triggers and search index exactly as they were, and other
  connections keep reading the old ones until the commit.

``Rebuild`` runs ``IndexPause.resume`` (then, optionally, one more statement of the caller's) on
a second thread: SQLite works without holding Python's lock, so the caller's thread stays free
to show progress and to stop the work at once (``sqlite3_interrupt``) when the user cancels, as
long as it leaves the connection alone until the rebuild is over.

Nothing here writes a definition of its own: what is dropped is re-created from the very text
the migrations left in the database, so the two cannot drift apart.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

# ``CREATE TRIGGER name AFTER INSERT ON table BEGIN INSERT INTO x(...) VALUES (...); END``: the
# only shape of trigger set aside (its single statement is re-run for all new rows at once).
# Any other trigger stays in place and fires row by row, as always.
_SIMPLE_INSERT_TRIGGER = re.compile(
    r"^\s*CREATE\s+TRIGGER\s+\S+\s+AFTER\s+INSERT\s+ON\s+\S+\s+BEGIN\s+"
    r"(?P<target>INSERT\s+INTO\s+[^;]*?)\s+VALUES\s*\((?P<values>[^;]*)\)\s*;\s*END\s*$",
    re.IGNORECASE | re.DOTALL,
)


def is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


class RawInsert:
    """``INSERT INTO table (columns) VALUES (?, ...)`` run on many tuples at once (SQLite).

    Values go through their column type's own processing (a timestamp becomes SQLite's text,
    a flag 0 or 1), row by row, except in the ``ready`` columns: the caller converts those
    itself, once, with ``convert`` (a timestamp shared by every row) or knows them to be in the
    driver's form already (floats for a ``Double``).
    """

    def __init__(
        self, connection: Connection, table: sa.TableClause, columns: Sequence[str], ready: Sequence[str] = ()
    ) -> None:
        if not is_sqlite(connection) or connection.dialect.paramstyle != "qmark":
            raise ValueError("RawInsert is for SQLite only")
        self.connection = connection
        self.columns = tuple(columns)
        quote = connection.dialect.identifier_preparer.quote
        self.sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in self.columns)}) "
            f"VALUES ({', '.join('?' for _ in self.columns)})"
        )
        self._processors = {
            name: table.c[name].type._cached_bind_processor(connection.dialect) for name in self.columns
        }
        self._per_row: tuple[tuple[int, Callable[[Any], Any]], ...] = tuple(
            (position, processor)
            for position, name in enumerate(self.columns)
            if (processor := self._processors[name]) is not None and name not in ready
        )

    def convert(self, column: str, value: Any) -> Any:
        processor = self._processors[column]
        return value if processor is None or value is None else processor(value)

    def run(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if self._per_row:
            rows = [self._process(row) for row in rows]
        self.connection.exec_driver_sql(self.sql, list(rows))

    def _process(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = list(row)
        for position, processor in self._per_row:
            if values[position] is not None:
                values[position] = processor(values[position])
        return tuple(values)


@dataclass(frozen=True)
class _Paused:
    kind: str  # "index" or "trigger"
    name: str
    sql: str
    fill: str | None = None  # a trigger's statement for every new row at once


class IndexPause:
    """A table's secondary indexes and simple ``AFTER INSERT`` triggers, set aside (SQLite).

    ``pause`` drops them in the caller's transaction; ``resume(first_rowid)`` re-creates each
    one from its stored text and runs the triggers' statements for rows ``rowid >= first_rowid``
    (those inserted meanwhile). Unique indexes and other triggers are left in place.
    """

    def __init__(self, connection: Connection, table: str) -> None:
        self.connection = connection
        self.table = table
        self.paused: list[_Paused] = []

    @property
    def steps(self) -> int:
        return len(self.paused)

    def pause(self) -> None:
        dbapi = self.connection.connection.dbapi_connection
        if not getattr(dbapi, "in_transaction", False):
            # Outside a transaction each DROP would commit on its own: never do that.
            raise RuntimeError("IndexPause needs an open write transaction")
        rows = self.connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY rowid",
            (self.table,),
        ).all()
        quote = self.connection.dialect.identifier_preparer.quote
        table = quote(self.table)
        for kind, name, sql in rows:
            if kind == "index":
                if re.match(r"\s*CREATE\s+UNIQUE\b", sql, re.IGNORECASE):
                    continue  # uniqueness must hold row by row
                paused = _Paused("index", name, sql)
            else:
                found = _SIMPLE_INSERT_TRIGGER.match(sql)
                if found is None:
                    continue
                fill = (
                    f"{found['target']} SELECT {found['values']} FROM {table} AS new "
                    "WHERE new.rowid >= ?"
                )
                paused = _Paused("trigger", name, sql, fill)
            self.connection.exec_driver_sql(f"DROP {kind.upper()} {quote(name)}")
            self.paused.append(paused)

    def resume(self, first_rowid: int, step: Callable[[], None] | None = None) -> None:
        """Re-create everything paused; ``step()`` after each (progress, cancel)."""
        while self.paused:
            paused = self.paused[0]
            if paused.fill is not None:
                self.connection.exec_driver_sql(paused.fill, (first_rowid,))
            self.connection.exec_driver_sql(paused.sql)
            self.paused.pop(0)
            if step is not None:
                step()


class _StoppedError(Exception):
    """The rebuild was asked to stop (the caller rolls back)."""


class Rebuild:
    """``before()`` if given, ``pause.resume(first_rowid)``, then ``then()`` if given, on a
    second thread, started at once.

    Until ``wait`` or ``stop`` returned, the caller must not use the connection. ``done`` counts
    the steps over so far (``before``, each index and trigger re-created, then ``then``: for a
    progress bar).
    ``stop`` interrupts the statement running (``sqlite3_interrupt`` is meant to be called from
    another thread) and waits for the thread; the caller then rolls back, which restores
    everything.
    """

    def __init__(
        self, pause: IndexPause, first_rowid: int, then: Callable[[], object] | None = None,
        before: Callable[[], object] | None = None,
    ) -> None:
        self.pause = pause
        self.first_rowid = first_rowid
        self.before = before
        self.then = then
        self.steps = (before is not None) + pause.steps + (then is not None)
        self.done = 0
        self.error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="sqlite-index-rebuild", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            if self.before is not None:
                self.before()
                self._step()
            self.pause.resume(self.first_rowid, self._step)
            if self.then is not None:
                self.then()
                self._step()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread by ``check``
            self.error = exc

    def _step(self) -> None:
        self.done += 1
        if self._stopping:
            raise _StoppedError

    def check(self) -> None:
        """Raise the rebuild's error, if it failed."""
        if self.error is not None and not isinstance(self.error, _StoppedError):
            raise self.error

    def wait(self, poll: Callable[[], None], every_s: float = 0.05) -> None:
        """Until the rebuild is over; ``poll()`` every ``every_s`` meanwhile (an exception it
        raises stops the rebuild and comes out of ``wait``)."""
        try:
            while self._thread.is_alive():
                self._thread.join(every_s)
                poll()
        finally:
            self.stop()
        self.check()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._stopping = True
            self.pause.connection.connection.dbapi_connection.interrupt()  # type: ignore[union-attr]
            self._thread.join()
