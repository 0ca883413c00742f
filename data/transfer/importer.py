"""Importing a supplier's catalogue: all or nothing, in two passes.

Pass 1 (``prepare_import``) streams the whole file and validates every lens with the shared
rules (``data.validation.validate_lens``), resolving suppliers, ranges, series and materials by
folded name (unknown ones are listed as "to create"), and classifies each lens:

- **new**;
- **update**: same supplier + folded name + folded variant + index (3 decimals) as a catalogue
  lens, other fields different — refused ("existe déjà, utilisez --update") unless ``update``;
- **duplicate**: identical to a catalogue lens, or repeated inside the file — skipped;
- **refused**: invalid, with its line, column and French message.

An engraving image column (« Image gravure (fichier) », see ``data.transfer.images``) names an
image file relative to the imported file's folder. Pass 1 checks and hashes each file once,
keeping no image bytes; the image counts in the classification (a lens identical but for its
image is an update). Pass 2 stores each image it needs once, reusing the catalogue's image with
the same content, before the lenses that point to it.

Pass 2 (``commit_import``) runs only when nothing is refused: in ONE transaction it creates the
planned references, stores the images, inserts and updates the lenses in bulk from pass 1's
spill file, and writes the audit trail (one ``import`` entry with the file, counts and author;
one entry per lens linked to it, its image's id in it like any other field). It re-checks the
catalogue as it is then: a lens another PC added or changed meanwhile aborts the whole import
(``ConflictError``), as does cancelling.

On SQLite the lenses get the ids SQLite would give them, and their creation entries are
written by SQLite itself from the new rows, in one statement (``audit.record_lens_creations``:
the very JSON the row-by-row path encodes). A small import sends its lenses straight to the
driver as tuples. A large one (see ``PAUSE_MIN_ROWS``) sets the lens table's indexes and search
trigger aside (``data.sqlite_bulk``); SQLite then copies the new lenses from the spill file,
attached to the transaction's connection, with one ``INSERT ... SELECT`` (no Python per lens),
and rebuilds the indexes before committing, in the same transaction: whatever stops the import
leaves them as they were. The copy, the rebuild and the entries run on a second thread, so that
a cancel stops them at once. The commit does not wait for SQLite to copy the WAL into the
database file: that runs right after on a background connection (``Database.bulk_transaction``),
while the window already shows the result.

Every lens written gets its code keys (``data.catalogue.code_keys``) in the same transaction,
computed in Python from its engraving: by executemany with the new lenses, or, for SQLite's
copy, from the spill file's engravings on a thread of their own while SQLite copies.

When the file gives the shapes of signs (the ``Symboles`` column, see ``scan``), each new lens's
rows of ``verres_symboles`` are written in the same transaction, before its creation entry (whose
state lists them): by executemany, or, for SQLite's copy, by one ``INSERT ... SELECT`` over the
spill's JSON lists. An update given shapes has them replaced; one given none keeps its own.

**Valid lines only.** With ``valid_only`` (the dialog's « Importer les lignes valides », the
command's ``--valid-only``) a file with refused lines still writes its valid lines, in the same
single transaction; no lens of a refused line is written (a line is refused whole, see
``data.transfer.scan``). ``PreparedImport.rejects`` gives each refused line its reason, for
``data.transfer.rejects.write_rejects`` to hand them back in a file. All or nothing stays the
default.

``import_lenses`` chains both (``dry_run=True`` stops after pass 1: the preview). A dialog may
call ``prepare_import`` for the preview and ``commit_import`` once confirmed, so the file is
read only once; ``discard_import`` drops a preview not confirmed.

``progress(done, total)`` counts thousandths of the job; ``cancel()`` is polled between rows
and chunks.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from data import audit
from data.catalogue import LensDetail, ensure_writable
from data.catalogue.code_keys import (
    engraving_skeletons,
    insert_code_keys,
    insert_key_rows,
    replace_code_keys,
)
from data.catalogue.symbols import replace_lens_symbols
from data.database import Database, attached
from data.errors import Cancelled, ConflictError
from data.kinds import KINDS, SORT_KEYS
from data.maintenance.upkeep import refresh_after_load
from data.models import Symbole, Verre, VerreSymbole, utcnow
from data.progress import TOTAL, Cancel, Progress, Steps, check_cancel
from data.sqlite_bulk import IndexPause, RawInsert, Rebuild, is_sqlite
from data.text import fold
from data.transfer import spill as spill_file
from data.transfer.identity import catalogue_match, existing_lenses, row_key
from data.transfer.images import PlannedImage, store_images
from data.transfer.options import ImportOptions
from data.transfer.readers import TransferError, detect_format, open_table
from data.transfer.references import PLACEHOLDER, PlannedReference, create_planned
from data.transfer.report import ImportReport, cancelled_report
from data.transfer.scan import Scan, index_text
from data.validation import LENS_FIELDS

PROGRESS_TOTAL = TOTAL

_LENSES: sa.Table = Verre.metadata.tables["verres"]
_SORT_KEY_COLUMNS = tuple(key for _kind, key in SORT_KEYS)
IMAGE_COLUMN = "image_id"  # in the spill when the file has an image column (placeholder ids)
SIGN_COLUMN = spill_file.SIGN_COLUMN  # in the spill when the file gives shapes (JSON lists)
SYMBOLS_STATE = "symbols"  # a lens's shapes in its audit state (``LensDetail.symbols``)
# What an update's spill record keeps of the lens before (for its audit entry): its shapes are
# None when the file does not give them.
_BEFORE_FIELDS = (*LENS_FIELDS, IMAGE_COLUMN, SYMBOLS_STATE)
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
ENGRAVING = "gravure_nasale"  # the column the code keys come from


@dataclass(frozen=True)
class PreparedImport:
    """Pass 1's result: the report (the preview) and, when it can be written, what to write."""

    report: ImportReport
    update: bool
    spill_path: str | None = None
    keys: tuple[str, ...] = ()
    planned: tuple[PlannedReference, ...] = ()
    names: dict[tuple[str, int], str] = field(default_factory=dict, compare=False, repr=False)
    images: tuple[PlannedImage, ...] = ()  # image files to store (or reuse) in pass 2
    valid_only: bool = False
    # Refused line -> its « Motif » (every refused line, even beyond the problems listed).
    rejects: dict[int, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def writable(self) -> bool:
        return self.spill_path is not None


# ---------------------------------------------------------------- pass 1


def prepare_import(
    db: Database,
    path: str | Path,
    fmt: str | None = None,
    *,
    update: bool = False,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    dry_run: bool = False,
    valid_only: bool = False,
    options: ImportOptions | None = None,
) -> PreparedImport:
    """Pass 1. Raises ``TransferError`` when the file cannot be read at all (empty, wrong
    format, missing columns, ...). With ``dry_run`` nothing is kept for pass 2. With
    ``valid_only`` the valid lines can be written even when others are refused."""
    return _prepare(db, Path(path), fmt, update, dry_run, Steps(progress), cancel, valid_only, options)


def _prepare(
    db: Database, path: Path, fmt: str | None, update: bool, dry_run: bool,
    progress: Steps, cancel: Cancel | None, valid_only: bool = False,
    options: ImportOptions | None = None,
) -> PreparedImport:
    fmt = detect_format(path, fmt)
    options = options or ImportOptions()
    spill = None if dry_run else spill_file.SpillWriter()
    try:
        with db.transaction() as session, open_table(path, fmt, options.columns) as table:
            scan = Scan(
                session, table, update=update, spill=spill, folder=path.parent,
                valid_only=valid_only, swap=options.swap, aliases=options.aliases,
            )
            scan.run(progress, cancel)
            scan.finish()
        if scan.rows == 0:
            raise TransferError(
                f"« {path.name} » ne contient que la ligne d'en-tête : aucun verre à importer."
            )
        report = replace(scan.report(path, dry_run), valid_only=valid_only)
        rejects = scan.rejects()
        if spill is None or (report.refused and not valid_only) or report.to_write == 0:
            if spill is not None:
                spill.discard()
            return PreparedImport(report, update, valid_only=valid_only, rejects=rejects)
        spill_path = spill.finish(drop=scan.reasons.keys())
    except Cancelled:
        if spill is not None:
            spill.discard()
        return PreparedImport(cancelled_report(path, fmt, dry_run), update)
    except BaseException:
        if spill is not None:
            spill.discard()
        raise
    return PreparedImport(
        report, update, str(spill_path), spill.keys, tuple(scan.refs.planned), scan.refs.names,
        scan.images.needed() if scan.images is not None else (), valid_only, rejects,
    )


def discard_import(prepared: PreparedImport) -> None:
    """Forget a preview the user did not confirm (removes its temporary file)."""
    spill_file.discard(prepared.spill_path)


# ---------------------------------------------------------------- pass 2


def commit_import(
    db: Database,
    prepared: PreparedImport,
    *,
    author: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ImportReport:
    """Pass 2: write what ``prepare_import`` planned, in one transaction; always discards
    the prepared data (a second commit of the same preview is refused)."""
    return _commit(db, prepared, author, Steps(progress), cancel)


def _commit(
    db: Database, prepared: PreparedImport, author: str | None, progress: Steps,
    cancel: Cancel | None,
) -> ImportReport:
    report = prepared.report
    if not prepared.writable:
        if report.refused and not prepared.valid_only:
            raise TransferError("Le fichier contient des erreurs : rien ne peut être importé.")
        return report
    assert prepared.spill_path is not None
    spill_path = Path(prepared.spill_path)
    if not spill_path.exists():
        raise TransferError("Cet aperçu d'import a déjà été utilisé ou abandonné : relancez l'import.")
    try:
        ensure_writable(db)
        with db.bulk_transaction(attach={spill_file.SPILL_SCHEMA: spill_path}) as session:
            batch = _Batch(session, prepared, author or audit.who(session), progress, cancel)
            batch.run(spill_path)
        if not db.is_sqlite and _changed_much(report.to_write, _catalogue_size(db)):
            # A server plans with statistics: after a large import, refresh them at once rather
            # than when autovacuum comes by (as after a restore).
            refresh_after_load(db)
        return replace(report, written=True, batch_id=batch.batch_id)
    except Cancelled:
        return cancelled_report(Path(report.path), report.format, False)
    finally:
        spill_file.discard(spill_path)


def _catalogue_size(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(sa.func.count()).select_from(_LENSES)).scalar_one())


def _changed_much(written: int, size: int) -> bool:
    """At least ``PAUSE_MIN_ROWS`` lenses written, and at least 1/``PAUSE_RATIO`` of the catalogue."""
    return written >= PAUSE_MIN_ROWS and written * PAUSE_RATIO >= size


class _Batch:
    """Pass 2 inside the caller's transaction."""

    def __init__(
        self, session: Session, prepared: PreparedImport, author: str,
        progress: Steps, cancel: Cancel | None,
    ) -> None:
        self.session = session
        self.prepared = prepared
        self.author = author
        self.progress = progress
        self.cancel = cancel
        self.now = utcnow()
        self.names = dict(prepared.names)
        self.real: dict[int, int] = {}
        self.folded: dict[tuple[str, int], str | None] = {}
        self.batch_id: int | None = None
        self.with_lenses = set(session.execute(select(Verre.fournisseur_id).distinct()).scalars())
        self.connection = session.connection()
        self.raw: RawInsert | None = None  # SQLite: lenses straight to the driver
        self.next_id = 0
        self.constants: tuple[Any, ...] = ()
        # The spill's columns that are lens columns (its shapes are written to their own table).
        self.lens_keys = tuple(k for k in prepared.keys if k != SIGN_COLUMN)
        self.signs = SIGN_COLUMN in prepared.keys
        self._shape_ids: dict[str, int] | None = None
        # Columns holding ids that may be placeholders (the image's when the file names images).
        self._placeholder_columns = (
            *(kind.lens_column for kind in KINDS.values()),
            *((IMAGE_COLUMN,) if IMAGE_COLUMN in prepared.keys else ()),
        )

    def run(self, spill_path: Path) -> None:
        report = self.prepared.report
        self.batch_id = audit.record_import(
            self.session, Path(report.path).name, report.counts(), author=self.author
        )
        self.real, names = create_planned(
            self.session, self.prepared.planned, batch=self.batch_id, author=self.author
        )
        self.names.update(names)
        if self.prepared.images:
            self.real.update(store_images(self.session, self.prepared.images, self._cancelled))
        pause = None
        if is_sqlite(self.connection):
            self._prepare_sqlite()
            if self._worth_pausing(report.new) and attached(self.session, spill_file.SPILL_SCHEMA):
                if self.with_lenses:
                    self._check_all_still_new(spill_path)  # while the indexes serve the lookups
                pause = IndexPause(self.connection, _LENSES.name)
                pause.pause()
        if pause is None:
            self._write_all(spill_path, 1.0)
        else:
            self._write_paused(spill_path, pause)
        self.progress.fraction(1.0)

    def _write_all(
        self, spill_path: Path, share: float,
        operations: tuple[int, ...] = (spill_file.INSERT, spill_file.UPDATE),
    ) -> None:
        """Every lens of the spill file (of ``operations``), a chunk at a time."""
        total = max(1, self.prepared.report.to_write)
        done = 0
        for chunk in spill_file.read_chunks(spill_path, self.prepared.keys, operations):
            self._cancelled()
            self._write(chunk)
            done += len(chunk)
            self.progress.fraction(share * done / total)

    def _write_paused(self, spill_path: Path, pause: IndexPause) -> None:
        """With the indexes set aside: the updates first, row by row; then, on another thread,
        the new lenses copied from the attached spill file by SQLite itself
        (``_copy_new_lenses``), the indexes and search index rebuilt and the new lenses'
        creation entries written, while this thread shows progress and watches for a cancel.
        A stop at any point rolls the whole transaction back."""
        first_id = self.next_id
        report = self.prepared.report
        share = UPDATES_SHARE * report.updated / max(1, report.to_write)
        self._write_all(spill_path, share, operations=(spill_file.UPDATE,))
        keys = _NewKeys(spill_path, first_id) if ENGRAVING in self.prepared.keys else None
        rebuild = Rebuild(
            pause, first_id, before=self._copy_new_lenses, then=lambda: self._after_copy(first_id, keys)
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

    def _copy_new_lenses(self) -> None:
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
            _copy_statement(self.lens_keys, self._placeholder_columns, connection.dialect.identifier_preparer.quote),
            (self.next_id, *self.constants),
        ).rowcount
        connection.exec_driver_sql(f"DROP TABLE temp.{_IDS_TABLE}")
        self.next_id += copied

    def _after_copy(self, first_id: int, keys: _NewKeys | None) -> None:
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
            raise _shape_gone()

    def _shape_id_of(self) -> dict[str, int]:
        """Every shape's id by key (the vocabulary is small), read once."""
        if self._shape_ids is None:
            found = self.session.execute(select(Symbole.cle, Symbole.id)).tuples()
            self._shape_ids = {str(key): int(ident) for key, ident in found}
        return self._shape_ids

    def _insert_signs(self, ids: Iterable[int], signs: list[str | None]) -> None:
        """The ``verres_symboles`` rows of new lenses (``signs``: each one's JSON list)."""
        if not self.signs:
            return
        by_key = self._shape_id_of()
        rows = []
        for lens_id, sign in zip(ids, signs, strict=True):
            for key in json.loads(sign) if sign else ():
                if key not in by_key:
                    raise _shape_gone()
                rows.append({"verre_id": lens_id, "symbole_id": by_key[key]})
        if rows:
            self.session.execute(insert(VerreSymbole), rows)

    def _record_creations(self, first_id: int) -> None:
        """SQLite: the creation entries of the lenses inserted from ``first_id`` on."""
        if self.next_id > first_id:
            audit.record_lens_creations(
                self.connection, first_id, self.next_id - 1,
                created=self.now, batch=self.batch_id, author=self.author,
            )

    def _cancelled(self) -> None:
        check_cancel(self.cancel)

    # -- SQLite

    def _prepare_sqlite(self) -> None:
        keys = self.lens_keys
        columns = ("id", *keys, *_SORT_KEY_COLUMNS, "exemple", "version", "cree_le", "modifie_le")
        # ``indice`` values are floats already (validated); the constants are converted once.
        raw = RawInsert(self.connection, _LENSES, columns, ready=("indice", "exemple", "cree_le", "modifie_le"))
        now = raw.convert("cree_le", self.now)
        self.constants = (raw.convert("exemple", False), 1, now, now)
        self.raw = raw
        # The ids SQLite would give (one above the highest), given explicitly: each new lens's
        # id is known without reading it back. Nobody else writes: this transaction holds the
        # database's write lock since ``record_import``.
        highest = self.session.execute(select(sa.func.max(_LENSES.c.id))).scalar()
        self.next_id = (highest or 0) + 1

    def _worth_pausing(self, inserts: int) -> bool:
        if inserts < PAUSE_MIN_ROWS:
            return False
        existing = self.session.execute(select(sa.func.count()).select_from(_LENSES)).scalar_one()
        return _changed_much(inserts, existing)

    def _check_all_still_new(self, spill_path: Path) -> None:
        """``_check_still_new`` for every lens to insert, before the indexes are set aside."""
        supplier = 4 + self.prepared.keys.index("fournisseur_id")
        for chunk in spill_file.read_chunks(spill_path, self.prepared.keys, (spill_file.INSERT,)):
            self._cancelled()
            self._check_still_new(
                [self._row(r) for r in chunk if r[supplier] in self.with_lenses]
            )

    # -- both

    def _row(self, record: tuple[Any, ...]) -> dict[str, Any]:
        row = dict(zip(self.prepared.keys, record[4:], strict=True))
        for column in self._placeholder_columns:
            value = row[column]
            if value is not None and value >= PLACEHOLDER:
                row[column] = self.real[value]
        for kind, key in SORT_KEYS:
            ref_id = row[kind.lens_column]
            row[key] = None if ref_id is None else self._folded(kind.key, ref_id)
        return row

    def _folded(self, kind: str, ref_id: int) -> str | None:
        """The folded name of a reference: the lens's sort key (``data.catalogue.add_sort_keys``)."""
        known = self.folded.get((kind, ref_id))
        if known is None:
            name = self.names.get((kind, ref_id))
            known = self.folded[(kind, ref_id)] = fold(name) if name else None
        return known

    def _write(self, chunk: list[tuple[Any, ...]]) -> None:
        inserts: list[dict[str, Any]] = []
        signs: list[str | None] = []  # each new lens's shapes (a JSON list, None: not given)
        updates: list[tuple[tuple[Any, ...], dict[str, Any], str | None]] = []
        for record in chunk:
            row = self._row(record)
            sign = row.pop(SIGN_COLUMN, None)
            if record[0] == spill_file.INSERT:
                inserts.append(row)
                signs.append(sign)
            else:
                row.update(b_id=record[1], b_version=record[2], version=record[2] + 1, modifie_le=self.now)
                updates.append((record[3], row, sign))
        if inserts:
            self._check_still_new(inserts)
            if self.raw is not None:
                self._insert_sqlite(inserts, signs)
            else:
                for row in inserts:
                    row.update(exemple=False, version=1, cree_le=self.now, modifie_le=self.now)
                self._insert(inserts, signs)
        if updates:
            self._update(updates)

    def _check_still_new(self, rows: list[dict[str, Any]]) -> None:
        """Another PC may have added one of these lenses since pass 1: then stop everything."""
        wanted = [r for r in rows if r["fournisseur_id"] in self.with_lenses]
        if not wanted:
            return
        found = existing_lenses(
            self.session, {r["fournisseur_id"] for r in wanted}, {r["tri_nom"] for r in wanted}
        )
        for row in wanted:
            if catalogue_match(found, row_key(row)) is not None:
                raise ConflictError(
                    f"« {row['nom']} » (indice {index_text(row['indice'])}) a été ajouté au "
                    "catalogue par un autre poste pendant l'import : rien n'a été importé. "
                    "Relancez l'import."
                )

    def _insert_sqlite(self, rows: list[dict[str, Any]], signs: list[str | None]) -> None:
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

    def _insert_keys(self, ids: Iterable[int], rows: list[dict[str, Any]]) -> None:
        """The code keys of new lenses (none when the file has no engraving column)."""
        if ENGRAVING in self.prepared.keys:
            insert_code_keys(self.connection, zip(ids, (row[ENGRAVING] for row in rows), strict=True))

    def _insert(self, rows: list[dict[str, Any]], signs: list[str | None]) -> None:
        # The new ids come back in batches, in no promised order: each row is matched by its
        # identity, unique within the import (pass 1 skipped lenses repeated in the file).
        c = _LENSES.c
        stmt = insert(_LENSES).returning(
            c.id, c.fournisseur_id, c.tri_nom, c.tri_variante, c.indice, c.materiau_id, c.tri_gravure
        )
        by_key = {row_key(r._mapping): r.id for r in self.session.execute(stmt, rows)}
        ids = [by_key[row_key(r)] for r in rows]
        self._insert_keys(ids, rows)
        self._insert_signs(ids, signs)
        self._audit_creations(ids, rows, signs)

    def _audit_creations(
        self, ids: Iterable[int], rows: list[dict[str, Any]], signs: list[str | None]
    ) -> None:
        audit.record_encoded(
            self.session, self._creations(ids, rows, signs), batch=self.batch_id, author=self.author
        )

    def _creations(
        self, ids: Iterable[int], rows: list[dict[str, Any]], signs: list[str | None]
    ) -> list[audit.EncodedChange]:
        """The creation entries of new lenses, encoded (``audit.encode_change``)."""
        now = self.now.isoformat()  # what the trail's JSON makes of the timestamps anyway
        return [
            (audit.CREATION, "verre", lens_id, audit.lens_label(row), None,
             audit.to_json(self._created_state(lens_id, row, now, sign)))
            for lens_id, row, sign in zip(ids, rows, signs, strict=True)
        ]

    def _created_state(
        self, lens_id: int, row: dict[str, Any], now: str, sign: str | None = None
    ) -> dict[str, Any]:
        """``_state(lens_id, row, row)`` of a new lens, built directly (one per imported lens);
        its shapes as ``lens_state`` lists them (keys in vocabulary order, none when not given)."""
        names = self.names
        state = {name: row[name] for name in LENS_FIELDS}
        for kind in KINDS.values():
            ref_id = row[kind.lens_column]
            state[kind.key] = names.get((kind.key, ref_id)) if ref_id is not None else None
        state.update(
            version=1, cree_le=now, modifie_le=now, id=lens_id, image_id=row.get(IMAGE_COLUMN), exemple=False
        )
        state[SYMBOLS_STATE] = json.loads(sign) if sign else []
        return state

    def _update(self, updates: list[tuple[tuple[Any, ...], dict[str, Any], str | None]]) -> None:
        rows = [row for _before, row, _sign in updates]
        stmt = update(_LENSES).where(
            _LENSES.c.id == bindparam("b_id"), _LENSES.c.version == bindparam("b_version")
        )  # the SET clause comes from the parameters' keys
        result = self.session.connection().execute(stmt, rows)
        if 0 <= result.rowcount < len(rows):
            raise ConflictError(
                "Des verres ont été modifiés ou supprimés par un autre poste pendant l'import : "
                "rien n'a été importé. Relancez l'import."
            )
        if ENGRAVING in self.prepared.keys:
            replace_code_keys(self.connection, [(row["b_id"], row[ENGRAVING]) for row in rows])
        given = {row["b_id"]: json.loads(sign) for _before, row, sign in updates if sign is not None}
        if given:
            replace_lens_symbols(self.session, given)  # the file's shapes replace the lens's
        changes = []
        for before_values, row, sign in updates:
            before = dict(zip(_BEFORE_FIELDS, before_values, strict=True))
            after = row
            if sign is None:
                del before[SYMBOLS_STATE]  # not given: kept, and out of the entry
            else:
                after = {**row, SYMBOLS_STATE: given[row["b_id"]]}
            old, new = audit.diff(
                self._state(row["b_id"], before, after), self._state(row["b_id"], after, before)
            )
            if old or new:
                changes.append(
                    audit.Change(
                        audit.MODIFICATION, "verre", row["b_id"], audit.lens_label(row),
                        old=old, new=new,
                    )
                )
        audit.record_many(self.session, changes, batch=self.batch_id, author=self.author)

    def _state(self, lens_id: int, values: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
        """A lens as the audit trail keeps it (the fields of ``LensDetail``): ``values``, and
        from ``other`` the fields ``values`` lacks (an update without an image column keeps
        the lens's image)."""
        state: dict[str, Any] = {}
        for name in LensDetail.__dataclass_fields__:
            if name in values:
                state[name] = values[name]
            elif name in other:
                state[name] = other[name]
        for kind in KINDS.values():
            ref_id = state.get(kind.lens_column)
            state[kind.key] = self.names.get((kind.key, ref_id)) if ref_id is not None else None
        state.update(id=lens_id, exemple=False)
        return state


def _shape_gone() -> ConflictError:
    return ConflictError(
        "Un symbole du fichier a été supprimé du vocabulaire par un autre poste pendant "
        "l'import : rien n'a été importé. Relancez l'import."
    )


class _NewKeys:
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


def _copy_statement(
    keys: tuple[str, ...], placeholder_columns: tuple[str, ...], quoted: Callable[[str], str]
) -> str:
    """``INSERT INTO verres ... SELECT`` every lens of the attached spill's ``nouveaux`` (see
    ``_Batch._copy_new_lenses``), names quoted by ``quoted`` (the dialect's). Parameters: the
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
        f"INSERT INTO {_LENSES.name} ({', '.join(quoted(c) for c in columns)}) "
        f"SELECT ? - 1 + l.n, {', '.join('l.' + quoted(k) for k in keys)}, {', '.join(sort_keys)}, ?, ?, ?, ? "
        f"FROM (SELECT rowid AS n, {', '.join(value(k) + ' AS ' + quoted(k) for k in keys)} "
        f"FROM {spill_file.SPILL_SCHEMA}.{spill_file.NEW_TABLE}) AS l "
        f"{' '.join(joins)} ORDER BY l.n"
    )


# ---------------------------------------------------------------- both passes


def import_lenses(
    db: Database,
    path: str | Path,
    fmt: str | None = None,
    *,
    update: bool = False,
    dry_run: bool = False,
    author: str | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    valid_only: bool = False,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Check, then unless ``dry_run`` or refused, import a catalogue file (see module doc).

    A report with ``refused > 0`` means nothing was written, unless ``valid_only`` (then the
    refused lines' reasons come from ``prepare_import``: see ``data.commands.transfer``); ``TransferError`` means the file
    could not be read at all; other ``CatalogueError``s are database failures or a catalogue
    changed meanwhile (nothing written either).
    """
    path = Path(path)
    if not dry_run:
        ensure_writable(db)
    half = 1.0 if dry_run else 0.5
    prepared = _prepare(
        db, path, fmt, update, dry_run, Steps(progress, None, 0.0, half), cancel, valid_only, options
    )
    if not prepared.writable:
        return prepared.report
    return _commit(db, prepared, author, Steps(progress, None, half, 1.0), cancel)
