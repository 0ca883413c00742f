"""Importing a supplier's catalogue: all or nothing, in two passes.

Pass 1 (``prepare_import``, ``data.transfer.prepare``; the reading is ``data.transfer.scan``)
streams the whole file and validates every lens with the shared rules
(``data.validation.validate_lens``), resolving suppliers, ranges, series and materials by
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

Pass 2 (``commit_import``, ``data.transfer.commit``) runs only when nothing is refused: in ONE
transaction it writes what pass 1 planned (``data.transfer.batch``; on SQLite, new lenses get
the ids SQLite would give them and a large import is copied by SQLite itself with the indexes
set aside, ``data.transfer.sqlite_copy``).

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

from pathlib import Path

from data.catalogue import ensure_writable
from data.database import Database
from data.progress import TOTAL, Cancel, Progress, Steps
from data.transfer.commit import write_prepared
from data.transfer.options import ImportOptions
from data.transfer.prepare import scan_file
from data.transfer.report import ImportReport

PROGRESS_TOTAL = TOTAL


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
    prepared = scan_file(
        db, path, fmt, update, dry_run, Steps(progress, None, 0.0, half), cancel, valid_only, options
    )
    if not prepared.writable:
        return prepared.report
    return write_prepared(db, prepared, author, Steps(progress, None, half, 1.0), cancel)
