"""Pass 2 of an import, on every database: the lenses of pass 1's spill file written in chunks
inside the caller's transaction, with their code keys, their shapes and their audit entries.

``ImportBatch`` inserts new lenses by executemany (the ids read back) and updates the others
(each with its version as read: a lens another PC changed meanwhile aborts the import). On
SQLite, ``data.transfer.sqlite_copy.SqliteBatch`` takes over the inserts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from data import audit, formatting
from data.catalogue import LensDetail
from data.catalogue.code_keys import insert_code_keys, replace_code_keys
from data.catalogue.symbols import replace_lens_symbols
from data.errors import ConflictError
from data.kinds import KINDS, SORT_KEYS
from data.models import Symbole, Verre, VerreSymbole, utcnow
from data.progress import Cancel, Steps, check_cancel
from data.text import fold
from data.transfer import spill as spill_file
from data.transfer.identity import catalogue_match, existing_lenses, row_key
from data.transfer.images import store_images
from data.transfer.prepare import PreparedImport
from data.transfer.references import PLACEHOLDER, create_planned
from data.validation import LENS_FIELDS

LENSES: sa.Table = Verre.metadata.tables["verres"]
IMAGE_COLUMN = "image_id"  # in the spill when the file has an image column (placeholder ids)
SIGN_COLUMN = spill_file.SIGN_COLUMN  # in the spill when the file gives shapes (JSON lists)
SYMBOLS_STATE = "symbols"  # a lens's shapes in its audit state (``LensDetail.symbols``)
# What an update's spill record keeps of the lens before (for its audit entry): its shapes are
# None when the file does not give them.
_BEFORE_FIELDS = (*LENS_FIELDS, IMAGE_COLUMN, SYMBOLS_STATE)
ENGRAVING = "gravure_nasale"  # the column the code keys come from


class ImportBatch:
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
        self.write_lenses(spill_path)
        self.progress.fraction(1.0)

    def write_lenses(self, spill_path: Path) -> None:
        """Every lens of the spill file, a chunk at a time."""
        self._write_all(spill_path, 1.0)


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
                    raise shape_gone()
                rows.append({"verre_id": lens_id, "symbole_id": by_key[key]})
        if rows:
            self.session.execute(insert(VerreSymbole), rows)

    def _cancelled(self) -> None:
        check_cancel(self.cancel)

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
            self.insert_new(inserts, signs)
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
                    f"« {row['nom']} » (indice {formatting.index(row['indice'])}) a été ajouté au "
                    "catalogue par un autre poste pendant l'import : rien n'a été importé. "
                    "Relancez l'import."
                )

    def insert_new(self, rows: list[dict[str, Any]], signs: list[str | None]) -> None:
        """New lenses by executemany, their ids read back."""
        for row in rows:
            row.update(exemple=False, version=1, cree_le=self.now, modifie_le=self.now)
        self._insert(rows, signs)

    def _insert_keys(self, ids: Iterable[int], rows: list[dict[str, Any]]) -> None:
        """The code keys of new lenses (none when the file has no engraving column)."""
        if ENGRAVING in self.prepared.keys:
            insert_code_keys(self.connection, zip(ids, (row[ENGRAVING] for row in rows), strict=True))

    def _insert(self, rows: list[dict[str, Any]], signs: list[str | None]) -> None:
        # The new ids come back in batches, in no promised order: each row is matched by its
        # identity, unique within the import (pass 1 skipped lenses repeated in the file).
        c = LENSES.c
        stmt = insert(LENSES).returning(
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
        stmt = update(LENSES).where(
            LENSES.c.id == bindparam("b_id"), LENSES.c.version == bindparam("b_version")
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


def shape_gone() -> ConflictError:
    return ConflictError(
        "Un symbole du fichier a été supprimé du vocabulaire par un autre poste pendant "
        "l'import : rien n'a été importé. Relancez l'import."
    )
