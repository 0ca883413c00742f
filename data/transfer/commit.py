"""Pass 2 of an import: what ``prepare_import`` planned, written in ONE transaction.

It runs only when nothing is refused (or with ``valid_only``): it creates the planned
references, stores the images, inserts and updates the lenses in bulk from pass 1's spill file
(``data.transfer.batch``; on SQLite ``data.transfer.sqlite_copy``), and writes the audit trail
(one ``import`` entry with the file, counts and author; one entry per lens linked to it, its
image's id in it like any other field). It re-checks the catalogue as it is then: a lens another
PC added or changed meanwhile aborts the whole import (``ConflictError``), as does cancelling.

The commit does not wait for SQLite to copy the WAL into the database file: that runs right after
on a background connection (``Database.bulk_transaction``), while the window already shows the
result. A server plans with statistics: after a large import (the measure of SQLite's index
pause, ``sqlite_copy.changed_much``) they are refreshed at once.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import select

from data import audit
from data.catalogue import ensure_writable
from data.database import Database
from data.errors import Cancelled
from data.maintenance.upkeep import refresh_after_load
from data.progress import Cancel, Progress, Steps
from data.sqlite_bulk import is_sqlite
from data.transfer import spill as spill_file
from data.transfer.batch import LENSES, ImportBatch
from data.transfer.prepare import PreparedImport
from data.transfer.readers import TransferError
from data.transfer.report import ImportReport, cancelled_report
from data.transfer.sqlite_copy import SqliteBatch, changed_much


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
    return write_prepared(db, prepared, author, Steps(progress), cancel)


def write_prepared(
    db: Database, prepared: PreparedImport, author: str | None, progress: Steps,
    cancel: Cancel | None,
) -> ImportReport:
    """``commit_import`` reporting to ``progress`` as it is (``import_lenses`` gives pass 2
    the second half of its progress)."""
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
            batch_class = SqliteBatch if is_sqlite(session.connection()) else ImportBatch
            batch = batch_class(session, prepared, author or audit.who(session), progress, cancel)
            batch.run(spill_path)
        if not db.is_sqlite and changed_much(report.to_write, catalogue_size(db)):
            # A server plans with statistics: after a large import, refresh them at once rather
            # than when autovacuum comes by (as after a restore).
            refresh_after_load(db)
        return replace(report, written=True, batch_id=batch.batch_id)
    except Cancelled:
        return cancelled_report(Path(report.path), report.format, False)
    finally:
        spill_file.discard(spill_path)


def catalogue_size(db: Database) -> int:
    with db.transaction() as session:
        return int(session.execute(select(sa.func.count()).select_from(LENSES)).scalar_one())

