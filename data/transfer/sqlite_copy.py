"""Pass 2 of an import into SQLite: the new lenses with the ids SQLite would give them, and
their creation entries written by SQLite itself from the new rows, in one statement
(``audit.record_lens_creations``: the very JSON the row-by-row path encodes).

A small import sends its lenses straight to the driver as tuples. A large one (see
``PAUSE_MIN_ROWS``) sets the lens table's indexes and search trigger aside
(``data.sqlite_bulk``); SQLite then copies the new lenses from the spill file, attached to the
transaction's connection, with one ``INSERT ... SELECT`` (no Python per lens), and rebuilds the
indexes before committing, in the same transaction: whatever stops the import leaves them as
they were. The copy, the rebuild and the entries run on a second thread, so that a cancel stops
them at once. The code keys of the copied lenses are computed from the spill file's engravings
on a thread of their own while SQLite copies (``NewKeys``); their shapes come by one
``INSERT ... SELECT`` over the spill's JSON lists.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.orm import Session

from data import audit
from data.catalogue.code_keys import engraving_skeletons, insert_key_rows
from data.database import attached
from data.kinds import SORT_KEYS
from data.progress import Cancel, Steps
from data.sqlite_bulk import IndexPause, RawInsert, Rebuild
from data.transfer import spill as spill_file
from data.transfer.batch import ENGRAVING, LENSES, SIGN_COLUMN, ImportBatch, shape_gone
from data.transfer.prepare import PreparedImport
from data.transfer.references import PLACEHOLDER

_SORT_KEY_COLUMNS = tuple(key for _kind, key in SORT_KEYS)
# SQLite, large imports: the lens table's indexes and search triggers are set aside while the
# new lenses go in, then rebuilt (``data.sqlite_bulk.IndexPause``), when the import adds at
# least PAUSE_MIN_ROWS lenses and at least 1/PAUSE_RATIO of the catalogue's size. Rebuilding
# costs about 16 µs per lens of the whole catalogue; adding a lens to a million-lens catalogue
# row by row costs about 400 µs (measured): below 1/8 of the catalogue, row by row wins.
PAUSE_MIN_ROWS = 5_000
PAUSE_RATIO = 8
# Pass 2's progress when indexes are set aside: the updates up to UPDATES_SHARE (all of it when
# the file only updates), then the copy of the new lenses, the rebuild and the creation entries.
UPDATES_SHARE = 0.3


def changed_much(written: int, size: int) -> bool:
    """At least ``PAUSE_MIN_ROWS`` lenses written, and at least 1/``PAUSE_RATIO`` of the catalogue."""
    return written >= PAUSE_MIN_ROWS and written * PAUSE_RATIO >= size


class SqliteBatch(ImportBatch):
    """``ImportBatch`` on SQLite: new lenses with explicit ids, straight to the driver or, for
    a large import, copied by SQLite itself with the indexes set aside."""

    def __init__(
        self, session: Session, prepared: PreparedImport, author: str,
        progress: Steps, cancel: Cancel | None,
    ) -> None:
        super().__init__(session, prepared, author, progress, cancel)
        self.raw: RawInsert | None = None  # lenses straight to the driver
        self.next_id = 0
        self.constants: tuple[Any, ...] = ()

    def write_lenses(self, spill_path: Path) -> None:
        self._prepare_sqlite()
        if self._worth_pausing(self.prepared.report.new) and attached(self.session, spill_file.SPILL_SCHEMA):
            if self.with_lenses:
                self._check_all_still_new(spill_path)  # while the indexes serve the lookups
            pause = IndexPause(self.connection, LENSES.name)
            pause.pause()
            self._write_paused(spill_path, pause)
        else:
            self._write_all(spill_path, 1.0)

    def _prepare_sqlite(self) -> None:
        keys = self.lens_keys
        columns = ("id", *keys, *_SORT_KEY_COLUMNS, "exemple", "version", "cree_le", "modifie_le")
        # ``indice`` values are floats already (validated); the constants are converted once.
        raw = RawInsert(self.connection, LENSES, columns, ready=("indice", "exemple", "cree_le", "modifie_le"))
        now = raw.convert("cree_le", self.now)
        self.constants = (raw.convert("exemple", False), 1, now, now)
        self.raw = raw
        # The ids SQLite would give (one above the highest), given explicitly: each new lens's
        # id is known without reading it back. Nobody else writes: this transaction holds the
        # database's write lock since ``record_import``.
        highest = self.session.execute(select(sa.func.max(LENSES.c.id))).scalar()
        self.next_id = (highest or 0) + 1

    def _worth_pausing(self, inserts: int) -> bool:
        if inserts < PAUSE_MIN_ROWS:
            return False
        existing = self.session.execute(select(sa.func.count()).select_from(LENSES)).scalar_one()
        return changed_much(inserts, existing)

    def _check_all_still_new(self, spill_path: Path) -> None:
        """``_check_still_new`` for every lens to insert, before the indexes are set aside."""
        supplier = 4 + self.prepared.keys.index("fournisseur_id")
        for chunk in spill_file.read_chunks(spill_path, self.prepared.keys, (spill_file.INSERT,)):
            self._cancelled()
            self._check_still_new(
                [self._row(r) for r in chunk if r[supplier] in self.with_lenses]
            )

    def insert_new(self, rows: list[dict[str, Any]], signs: list[str | None]) -> None:
        assert self.raw is not None
        first = self.next_id
        self.next_id += len(rows)
        value_columns = self.raw.columns[1 : -len(self.constants)]  # the rest are constants
        constants = self.constants
        self.raw.run([
            (lens_id, *[row[c] for c in value_columns], *constants)
            for lens_id, row in enumerate(rows, first)
        ])
        self._insert_signs(range(first, self.next_id), signs)  # read by the creation entries
        self._record_creations(first)
        self._insert_keys(range(first, self.next_id), rows)

    def _write_paused(self, spill_path: Path, pause: IndexPause) -> None:
        """With the indexes set aside: the updates first, row by row; then, on another thread,
        the new lenses copied from the attached spill file by SQLite itself
        (``copy_new_lenses``), the indexes and search index rebuilt and the new lenses'
        creation entries written, while this thread shows progress and watches for a cancel.
        A stop at any point rolls the whole transaction back."""
        first_id = self.next_id
        report = self.prepared.report
        share = UPDATES_SHARE * report.updated / max(1, report.to_write)
        self._write_all(spill_path, share, operations=(spill_file.UPDATE,))
        keys = NewKeys(spill_path, first_id) if ENGRAVING in self.prepared.keys else None
        rebuild = Rebuild(
            pause, first_id, before=self.copy_new_lenses, then=lambda: self._after_copy(first_id, keys)
        )
        try:
            rebuild.wait(lambda: self._rebuild_progress(rebuild, share))
        finally:
            rebuild.stop()  # after a failure or a cancel: the connection is ours again
            if keys is not None:
                keys.stop()

    def _rebuild_progress(self, rebuild: Rebuild, start: float) -> None:
        self.progress.fraction(start + (1.0 - start) * rebuild.done / max(1, rebuild.steps))
        self._cancelled()

    def copy_new_lenses(self) -> None:
        """SQLite, the spill file attached: every new lens copied from it by one statement,
        with the ids SQLite would give them (from ``next_id`` on), its placeholders turned into the ids of the
        references and images just created, and its sort keys read from its references (as
        ``data.catalogue.add_sort_keys`` does)."""
        planned = {p.placeholder for p in self.prepared.planned} | {i.placeholder for i in self.prepared.images}
        if not planned <= self.real.keys():
            raise RuntimeError("import : des références prévues n'ont pas été créées")
        connection = self.connection
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {_IDS_TABLE} (placeholder INTEGER PRIMARY KEY, real INTEGER NOT NULL)"
        )
        if self.real:
            connection.exec_driver_sql(f"INSERT INTO temp.{_IDS_TABLE} VALUES (?, ?)", list(self.real.items()))
        copied = connection.exec_driver_sql(
            copy_statement(self.lens_keys, self._placeholder_columns, connection.dialect.identifier_preparer.quote),
            (self.next_id, *self.constants),
        ).rowcount
        connection.exec_driver_sql(f"DROP TABLE temp.{_IDS_TABLE}")
        self.next_id += copied

    def _after_copy(self, first_id: int, keys: NewKeys | None) -> None:
        """SQLite, after the copy: the new lenses' shapes, creation entries and code keys."""
        if self.signs:
            self._copy_new_signs(first_id)
        self._record_creations(first_id)
        if keys is not None:
            insert_key_rows(self.connection, keys.rows())

    def _copy_new_signs(self, first_id: int) -> None:
        """SQLite: the shapes of every lens just copied, from the attached spill's JSON lists,
        by one statement (the n-th new lens has the id ``first_id + n - 1``). A shape deleted
        since pass 1 stops the import, as on the other paths."""
        spill = f"{spill_file.SPILL_SCHEMA}.{spill_file.NEW_TABLE}"
        column = self.connection.dialect.identifier_preparer.quote(SIGN_COLUMN)
        wanted = self.connection.exec_driver_sql(
            f"SELECT coalesce(sum(json_array_length(l.{column})), 0) FROM {spill} AS l "
            f"WHERE l.{column} IS NOT NULL"
        ).scalar_one()
        written = self.connection.exec_driver_sql(
            "INSERT INTO verres_symboles (verre_id, symbole_id) "
            f"SELECT ? - 1 + l.rowid, s.id FROM {spill} AS l, json_each(l.{column}) AS j "
            f"JOIN symboles AS s ON s.cle = j.value WHERE l.{column} IS NOT NULL",
            (first_id,),
        ).rowcount
        if written != wanted:
            raise shape_gone()

    def _record_creations(self, first_id: int) -> None:
        """SQLite: the creation entries of the lenses inserted from ``first_id`` on."""
        if self.next_id > first_id:
            audit.record_lens_creations(
                self.connection, first_id, self.next_id - 1,
                created=self.now, batch=self.batch_id, author=self.author,
            )


class NewKeys:
    """The code keys of the new lenses SQLite copies from the spill file, computed from the
    file's engravings on a thread of their own while SQLite copies the lenses and rebuilds the
    indexes (its statements let Python run meanwhile): inserting them afterwards is then all
    that is left to do."""

    def __init__(self, spill_path: Path, first_id: int) -> None:
        self._spill_path = spill_path
        self._first_id = first_id
        self._rows: list[tuple[str, int]] = []
        self._error: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="import-code-keys", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            first = self._first_id - 1
            rows = self._rows
            for chunk in spill_file.new_values(self._spill_path, ENGRAVING):
                if self._stopping:
                    return
                for n, engraving in chunk:
                    rows.extend((skel, first + n) for skel in engraving_skeletons(engraving))
        except BaseException as exc:  # noqa: BLE001 - raised again by ``rows``
            self._error = exc

    def rows(self) -> list[tuple[str, int]]:
        """Every key row, once computed."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._rows

    def stop(self) -> None:
        """Stop (a failure or a cancel) and wait: the spill file is then free to delete."""
        self._stopping = True
        self._thread.join()


_IDS_TABLE = "import_ids"  # placeholder -> real id, while new lenses are copied (SQLite)


def copy_statement(
    keys: tuple[str, ...], placeholder_columns: tuple[str, ...], quoted: Callable[[str], str]
) -> str:
    """``INSERT INTO verres ... SELECT`` every lens of the attached spill's ``nouveaux`` (see
    ``SqliteBatch.copy_new_lenses``), names quoted by ``quoted`` (the dialect's). Parameters: the
    first id, then ``exemple``, ``version``, ``cree_le`` and ``modifie_le`` of every new lens."""

    def value(key: str) -> str:
        column = quoted(key)
        if key not in placeholder_columns:
            return column
        return (
            f"CASE WHEN {column} >= {PLACEHOLDER} "
            f"THEN (SELECT real FROM temp.{_IDS_TABLE} WHERE placeholder = {column}) ELSE {column} END"
        )

    joins = []
    sort_keys = []
    for position, (kind, _key) in enumerate(SORT_KEYS):
        alias = f"k{position}"
        table = kind.model.__tablename__
        joins.append(f"LEFT JOIN {table} AS {alias} ON {alias}.id = l.{quoted(kind.lens_column)}")
        sort_keys.append(f"{alias}.nom_normalise")
    columns = ("id", *keys, *_SORT_KEY_COLUMNS, "exemple", "version", "cree_le", "modifie_le")
    return (
        f"INSERT INTO {LENSES.name} ({', '.join(quoted(c) for c in columns)}) "
        f"SELECT ? - 1 + l.n, {', '.join('l.' + quoted(k) for k in keys)}, {', '.join(sort_keys)}, ?, ?, ?, ? "
        f"FROM (SELECT rowid AS n, {', '.join(value(k) + ' AS ' + quoted(k) for k in keys)} "
        f"FROM {spill_file.SPILL_SCHEMA}.{spill_file.NEW_TABLE}) AS l "
        f"{' '.join(joins)} ORDER BY l.n"
    )

