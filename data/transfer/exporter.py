"""Exporting the lenses of a filtered view to CSV, XLSX or JSON, for a spreadsheet or a colleague.

- CSV is UTF-8 with BOM, ``;`` and decimal commas: what French Excel opens correctly on a
  double click. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) gets a
  leading ``'``; the import removes it again.
- XLSX is written in openpyxl's write-only (streaming) mode; text is always a text cell, never
  a formula.
- JSON is a list of objects, one a line, keys as the schema names them (what the sample
  catalogue and the import use).

Rows are read in id order by chunks (keyset pagination), never all at once. The file is written
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

import csv
import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session

from data import formatting
from data.catalogue import count_lenses
from data.catalogue.values import sign_keys
from data.database import Database
from data.errors import Cancelled
from data.models import Fournisseur, Gamme, ImageGravure, Materiau, Serie, Verre, VerreSymbole
from data.progress import Cancel, Progress, check_cancel
from data.query import LensQuery, filter_clauses, symbol_keys
from data.transfer.columns import (
    EXPORT_HEADERS,
    FILE_FIELDS,
    IMAGE_FIELD,
    NUMBER_FIELDS,
    SYMBOLS_FIELD,
    join_names,
    protect_formula,
)
from data.transfer.images import ImageFolder
from data.transfer.readers import TransferError, detect_format

CHUNK = 2000
FILE_MODE = 0o600

Fields = tuple[str, ...]
Rows = Iterator[list[dict[str, Any]]]  # chunks of lenses, each a dict of its columns


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


_COLUMNS = {
    "fournisseur": Fournisseur.nom,
    "gamme": Gamme.nom,
    "serie": Serie.nom,
    "nom": Verre.nom,
    "variante": Verre.variante,
    "materiau": Materiau.nom,
    "indice": Verre.indice,
    "hauteur_min": Verre.hauteur_min,
    "hauteur_max": Verre.hauteur_max,
    "gravure_nasale": Verre.gravure_nasale,
    "url_gravure": Verre.url_gravure,
    "url_source": Verre.url_source,
}


_IMAGE_COLUMNS = (Verre.image_id, ImageGravure.sha256, ImageGravure.type_mime, ImageGravure.taille)


def _chunks(session: Session, query: LensQuery, images: bool) -> Rows:
    """The matching lenses in id order, ``CHUNK`` at a time (with their images' hash, type and
    size when ``images``: never their bytes)."""
    clauses = filter_clauses(query)
    base = (
        select(Verre.id, *(_COLUMNS[name].label(name) for name in FILE_FIELDS))
        .select_from(Verre)
        .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        .outerjoin(Gamme, Gamme.id == Verre.gamme_id)
        .outerjoin(Serie, Serie.id == Verre.serie_id)
        .outerjoin(Materiau, Materiau.id == Verre.materiau_id)
        .order_by(Verre.id)
        .limit(CHUNK)
    )
    if images:
        base = base.add_columns(*_IMAGE_COLUMNS).outerjoin(ImageGravure, ImageGravure.id == Verre.image_id)
    base = base.add_columns(symbol_keys(Verre.id).label(SYMBOLS_FIELD))
    last = 0
    while True:
        stmt = base.where(and_(Verre.id > last, *clauses))
        rows = [dict(r) for r in session.execute(stmt).mappings()]
        if not rows:
            return
        for row in rows:
            row[SYMBOLS_FIELD] = list(sign_keys(row[SYMBOLS_FIELD]))
        last = rows[-1]["id"]
        yield rows
        if len(rows) < CHUNK:
            return


def _any_sign(session: Session, query: LensQuery) -> bool:
    stmt = select(exists().where(
        Verre.id == VerreSymbole.verre_id, *filter_clauses(query)
    ))
    return bool(session.execute(stmt).scalar())


def _any_image(session: Session, query: LensQuery) -> bool:
    stmt = select(exists().where(Verre.image_id.is_not(None), *filter_clauses(query)))
    return bool(session.execute(stmt).scalar())


def _with_images(
    chunks: Rows, session: Session, folder: ImageFolder, check: Callable[[], None]
) -> Rows:
    """Each chunk once its images are written and its rows carry their paths."""
    for chunk in chunks:
        folder.add(session, chunk, check)
        yield chunk


decimal_text = formatting.exact  # ``1.67 -> "1,67"``: the shortest exact form


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == SYMBOLS_FIELD:
        return join_names(value)
    if name == "indice":
        return decimal_text(value)
    if name in NUMBER_FIELDS:
        return str(int(value))
    return protect_formula(str(value))


# ---------------------------------------------------------------- writers

_XLSX_WIDTHS = {
    "fournisseur": 16, "gamme": 16, "serie": 18, "nom": 28, "variante": 14, "materiau": 14,
    "indice": 8, "hauteur_min": 11, "hauteur_max": 11, "gravure_nasale": 14, "url_gravure": 30,
    "url_source": 30, IMAGE_FIELD: 40, SYMBOLS_FIELD: 24,
}



def _write_csv(stream: IO[str], fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([EXPORT_HEADERS[name] for name in fields])
    for chunk in rows:
        writer.writerows([_csv_cell(n, row[n]) for n in fields] for row in chunk)
        tick(len(chunk))


def _write_json(stream: IO[str], fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    stream.write("[")
    first = True
    for chunk in rows:
        for row in chunk:
            item = {name: row[name] for name in fields}
            if item["indice"] is not None:
                item["indice"] = round(float(item["indice"]), 3)
            stream.write(("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
            first = False
        tick(len(chunk))
    stream.write("\n]\n")


def _write_xlsx(path: Path, fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    from openpyxl import Workbook  # local: only needed for spreadsheets
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet("Verres")
    sheet.freeze_panes = "A2"
    for position, name in enumerate(fields, 1):
        sheet.column_dimensions[get_column_letter(position)].width = _XLSX_WIDTHS[name]
    bold = Font(bold=True)
    header = []
    for name in fields:
        cell = WriteOnlyCell(sheet, value=EXPORT_HEADERS[name])
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def text_cell(value: str) -> Any:
        if not value.isprintable():
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith("="):
            return value  # a plain string: openpyxl writes it as text through one reused cell
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    try:
        _xlsx_rows(sheet, fields, rows, tick, text_cell)
    except BaseException:
        _abandon(sheet)
        raise
    _save_workbook(workbook, path)


def _save_workbook(workbook: Any, path: Path) -> None:
    """openpyxl's public ``save`` into a file we opened, so that the file is closed even when
    writing fails (a full disk): openpyxl would leave its zip archive, and so the half-written
    file, open until the garbage collector runs (on Windows it could not even be removed)."""
    with open(path, "wb") as handle:
        target = _Detachable(handle)
        try:
            workbook.save(target)
        except BaseException:
            target.detach()  # the archive's late close() then writes nowhere
            for sheet in workbook.worksheets:
                _abandon(sheet)
            raise


class _Detachable:
    """A file for openpyxl's zip archive that can be cut from the real file after a failure."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._target: IO[bytes] | _Nowhere = handle

    def detach(self) -> None:
        self._target = _Nowhere()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


class _Nowhere:
    """Where a detached archive writes: nothing to close, so no finaliser can close it first."""

    def __init__(self) -> None:
        self._position = 0  # the archive computes its directory's offsets from tell()

    def write(self, data: bytes) -> int:
        self._position += len(data)
        return len(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        self._position = offset if whence == 0 else self._position + offset
        return self._position

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        pass


def _abandon(sheet: Any) -> None:
    """Close openpyxl's own temporary file of the sheet and remove it (it holds our rows)."""
    writer = getattr(sheet, "_writer", None)
    try:
        sheet.close()
    except Exception:  # noqa: BLE001 - best effort on a path that already failed
        pass
    out = getattr(writer, "out", None)
    if isinstance(out, str):
        Path(out).unlink(missing_ok=True)


def _xlsx_rows(
    sheet: Any, fields: Fields, rows: Rows, tick: Callable[[int], None], text_cell: Callable[[str], Any],
) -> None:
    for chunk in rows:
        for row in chunk:
            values: list[Any] = []
            for name in fields:
                value = row[name]
                if value is None:
                    values.append(None)
                elif name == SYMBOLS_FIELD:
                    values.append(text_cell(join_names(value)) if value else None)
                elif name == "indice":
                    values.append(round(float(value), 3))
                elif name in NUMBER_FIELDS:
                    values.append(int(value))
                else:
                    values.append(text_cell(str(value)))
            sheet.append(values)
        tick(len(chunk))


# ---------------------------------------------------------------- entry point


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
            with_images = _any_image(session, query)
            rows = _chunks(session, query, with_images)
            fields: Fields = FILE_FIELDS
            if _any_sign(session, query):
                at = FILE_FIELDS.index("gravure_nasale") + 1
                fields = (*FILE_FIELDS[:at], SYMBOLS_FIELD, *FILE_FIELDS[at:])
            if with_images:
                images.check_target()
                fields = (*fields, IMAGE_FIELD)
                rows = _with_images(rows, session, images, check)
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
        _write_xlsx(temp, fields, rows, tick)
        with temp.open("rb+") as stream:
            os.fsync(stream.fileno())
        return
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with temp.open("w", encoding=encoding, newline="") as stream:
        if fmt == "csv":
            _write_csv(stream, fields, rows, tick)
        else:
            _write_json(stream, fields, rows, tick)
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
