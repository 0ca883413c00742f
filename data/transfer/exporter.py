"""Exporting the lenses of a filtered view to CSV, XLSX or JSON, for a spreadsheet or a colleague.

- CSV is UTF-8 with BOM, ``;`` and decimal commas: what French Excel opens correctly on a
  double click. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) gets a
  leading ``'``; the import removes it again.
- XLSX is written in openpyxl's write-only (streaming) mode; text is always a text cell, never
  a formula.
- JSON is a list of objects, one a line, keys as the schema names them (what the sample
  catalogue and the import use).

Rows are read in id order by chunks (keyset pagination), never all at once
(``data.transfer.export_rows``); each format has its writer (``write_csv``, ``write_xlsx``,
``write_json``). The file is written
under a temporary name in the target folder, flushed to disk, then renamed over the target, with
owner-only permissions: a failure (disk full, no permission, cancel) leaves no partial file and
an existing file untouched.

Engraving images stored in the database go with the file: when any exported lens has one, each
distinct image is written once into ``<file stem>_images/`` beside the file, named by its
SHA-256 (``catalogue_images/3fa2….png``), and a last column « Image gravure (fichier) » (JSON
key ``image_gravure``) gives each lens's image path relative to the file, empty for a lens
without one. An export with no image has neither the column nor the folder. The folder follows
the file's rule: written aside, moved into place with the file, an earlier one replaced only
when the export succeeds (``data.transfer.images.ImageFolder``).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from data import formatting
from data.catalogue import count_lenses
from data.database import Database
from data.errors import Cancelled
from data.progress import Cancel, Progress, check_cancel
from data.query import LensQuery
from data.transfer.columns import FILE_FIELDS, IMAGE_FIELD, SYMBOLS_FIELD
from data.transfer.export_rows import (
    Fields,
    Rows,
    any_image,
    any_sign,
    lens_chunks,
    with_image_paths,
)
from data.transfer.images import ImageFolder
from data.transfer.readers import TransferError, detect_format
from data.transfer.write_csv import write_csv
from data.transfer.write_json import write_json
from data.transfer.write_xlsx import write_xlsx

FILE_MODE = 0o600


@dataclass(frozen=True)
class ExportResult:
    path: str
    format: str
    count: int
    cancelled: bool = False
    images: int = 0  # image files written
    images_folder: str | None = None  # where, when any was

    def images_note(self) -> str:
        """``"3 images de gravure écrites dans le dossier …/catalogue_images."`` ("" when none)."""
        if not self.images_folder:
            return ""
        written = formatting.count(self.images, "image de gravure écrite", "images de gravure écrites")
        return f"{written} dans le dossier {self.images_folder}."


def export_lenses(
    db: Database,
    path: str | Path,
    fmt: str | None = None,
    query: LensQuery | None = None,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
) -> ExportResult:
    """Write the lenses ``query`` matches to ``path``; ``progress(done, total)`` counts lenses.

    Raises ``TransferError`` (French message) when the file cannot be written; then no file is
    left behind and an existing file at ``path`` is unchanged.
    """
    path = Path(path)
    fmt = detect_format(path, fmt)
    query = query or LensQuery()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise TransferError(f"{path} est un dossier : donnez un nom de fichier.")
    if not folder.is_dir():
        raise TransferError(f"Le dossier {folder} n'existe pas.")
    total = count_lenses(db, query)
    done = 0

    def check() -> None:
        check_cancel(cancel)

    def tick(n: int) -> None:
        nonlocal done
        done += n
        check()
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    images = ImageFolder(path)
    temp = _temp_file(folder, path)
    try:
        with db.transaction() as session:
            with_images = any_image(session, query)
            rows = lens_chunks(session, query, with_images)
            fields: Fields = FILE_FIELDS
            if any_sign(session, query):
                at = FILE_FIELDS.index("gravure_nasale") + 1
                fields = (*FILE_FIELDS[:at], SYMBOLS_FIELD, *FILE_FIELDS[at:])
            if with_images:
                images.check_target()
                fields = (*fields, IMAGE_FIELD)
                rows = with_image_paths(rows, session, images, check)
            _write(temp, fmt, fields, rows, tick)
        os.chmod(temp, FILE_MODE)
        images.move_in()
        try:
            os.replace(temp, path)
        except BaseException:
            images.move_out()
            raise
        images.finish()
    except BaseException as exc:
        images.discard()
        _remove(temp)
        if isinstance(exc, Cancelled):
            return ExportResult(str(path), fmt, done, cancelled=True)
        if isinstance(exc, OSError):
            raise _write_error(exc, path) from exc
        raise
    folder_written = str(images.target) if images.count else None
    return ExportResult(str(path), fmt, done, images=images.count, images_folder=folder_written)


def _temp_file(folder: Path, path: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(exc, path) from exc
    os.close(fd)
    return Path(name)


def _write(temp: Path, fmt: str, fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    if fmt == "xlsx":
        write_xlsx(temp, fields, rows, tick)
        with temp.open("rb+") as stream:
            os.fsync(stream.fileno())
        return
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with temp.open("w", encoding=encoding, newline="") as stream:
        if fmt == "csv":
            write_csv(stream, fields, rows, tick)
        else:
            write_json(stream, fields, rows, tick)
        stream.flush()
        os.fsync(stream.fileno())


def _remove(temp: Path) -> None:
    try:
        temp.unlink()
    except FileNotFoundError:
        pass
    except OSError:  # pragma: no cover - nothing more can be done; the name starts with a dot
        pass


def _write_error(exc: OSError, path: Path) -> TransferError:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return TransferError(
            f"Disque plein : impossible d'écrire {path.name}. Libérez de la place puis "
            "recommencez (aucun fichier n'a été laissé)."
        )
    if exc.errno in (errno.EACCES, errno.EPERM):
        return TransferError(
            f"Accès refusé : impossible d'écrire dans {path.parent}. Choisissez un autre dossier."
        )
    if exc.errno == errno.EROFS:
        return TransferError(f"Le dossier {path.parent} est en lecture seule.")
    return TransferError(f"Impossible d'écrire {path.name} : {exc.strerror or exc}.")
