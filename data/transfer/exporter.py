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
an existing file untouched. Engraving images stay in the database (a file carries their URLs).
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

from sqlalchemy import and_, select

from data.catalogue import count_lenses
from data.database import Database
from data.models import Fournisseur, Gamme, Materiau, Serie, Verre
from data.query import LensQuery, filter_clauses
from data.transfer.columns import EXPORT_HEADERS, FILE_FIELDS, NUMBER_FIELDS, protect_formula
from data.transfer.readers import TransferError, detect_format

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]

CHUNK = 2000
FILE_MODE = 0o600


@dataclass(frozen=True)
class ExportResult:
    path: str
    format: str
    count: int
    cancelled: bool = False


class _CancelledError(Exception):
    pass


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


def _chunks(db: Database, query: LensQuery) -> Iterator[list[dict[str, Any]]]:
    """The matching lenses in id order, ``CHUNK`` at a time, in one read transaction."""
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
    last = 0
    with db.transaction() as session:
        while True:
            stmt = base.where(and_(Verre.id > last, *clauses))
            rows = [dict(r) for r in session.execute(stmt).mappings()]
            if not rows:
                return
            last = rows[-1]["id"]
            yield rows
            if len(rows) < CHUNK:
                return


def decimal_text(value: float) -> str:
    """``1.67 -> "1,67"``: the shortest exact form, with a decimal comma."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", ",")


def _csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "indice":
        return decimal_text(value)
    if name in NUMBER_FIELDS:
        return str(int(value))
    return protect_formula(str(value))


# ---------------------------------------------------------------- writers


def _write_csv(stream: IO[str], rows: Iterator[list[dict[str, Any]]], tick: Callable[[int], None]) -> None:
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([EXPORT_HEADERS[name] for name in FILE_FIELDS])
    for chunk in rows:
        writer.writerows([_csv_cell(n, row[n]) for n in FILE_FIELDS] for row in chunk)
        tick(len(chunk))


def _write_json(stream: IO[str], rows: Iterator[list[dict[str, Any]]], tick: Callable[[int], None]) -> None:
    stream.write("[")
    first = True
    for chunk in rows:
        for row in chunk:
            item = {name: row[name] for name in FILE_FIELDS}
            if item["indice"] is not None:
                item["indice"] = round(float(item["indice"]), 3)
            stream.write(("\n" if first else ",\n") + json.dumps(item, ensure_ascii=False))
            first = False
        tick(len(chunk))
    stream.write("\n]\n")


def _write_xlsx(path: Path, rows: Iterator[list[dict[str, Any]]], tick: Callable[[int], None]) -> None:
    from openpyxl import Workbook  # local: only needed for spreadsheets
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet("Verres")
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHIJKL", (16, 16, 18, 28, 14, 14, 8, 11, 11, 14, 30, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = Font(bold=True)
    header = []
    for name in FILE_FIELDS:
        cell = WriteOnlyCell(sheet, value=EXPORT_HEADERS[name])
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    def text_cell(value: str) -> Any:
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    try:
        _xlsx_rows(sheet, rows, tick, text_cell)
    except BaseException:
        _abandon(sheet)
        raise
    _save_workbook(workbook, path)


def _save_workbook(workbook: Any, path: Path) -> None:
    """``workbook.save`` that closes its file even when writing fails (a full disk).

    openpyxl leaves the zip archive open when a write fails, so the half-written file stays
    held until the garbage collector runs: on Windows it could not even be removed.
    """
    import datetime
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl.writer.excel import ExcelWriter

    archive = ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True)
    try:
        workbook.properties.modified = datetime.datetime.now(tz=datetime.UTC).replace(tzinfo=None)
        ExcelWriter(workbook, archive).save()
    except BaseException:
        for sheet in workbook.worksheets:
            _abandon(sheet)
        raise
    finally:
        try:
            archive.close()  # closes the file even when writing the zip directory fails
        except (OSError, ValueError):
            handle, archive.fp = archive.fp, None
            if handle is not None:
                handle.close()


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
    sheet: Any, rows: Iterator[list[dict[str, Any]]], tick: Callable[[int], None],
    text_cell: Callable[[str], Any],
) -> None:
    for chunk in rows:
        for row in chunk:
            values: list[Any] = []
            for name in FILE_FIELDS:
                value = row[name]
                if value is None:
                    values.append(None)
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
    progress: ProgressFn | None = None,
    cancel: CancelFn | None = None,
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

    def tick(n: int) -> None:
        nonlocal done
        done += n
        if cancel is not None and cancel():
            raise _CancelledError
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    temp = _temp_file(folder, path)
    try:
        _write(temp, fmt, _chunks(db, query), tick)
        os.chmod(temp, FILE_MODE)
        os.replace(temp, path)
    except _CancelledError:
        _remove(temp)
        return ExportResult(str(path), fmt, done, cancelled=True)
    except OSError as exc:
        _remove(temp)
        raise _write_error(exc, path) from exc
    except BaseException:
        _remove(temp)
        raise
    return ExportResult(str(path), fmt, done)


def _temp_file(folder: Path, path: Path) -> Path:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(exc, path) from exc
    os.close(fd)
    return Path(name)


def _write(temp: Path, fmt: str, rows: Iterator[list[dict[str, Any]]], tick: Callable[[int], None]) -> None:
    if fmt == "xlsx":
        _write_xlsx(temp, rows, tick)
        with temp.open("rb+") as stream:
            os.fsync(stream.fileno())
        return
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with temp.open("w", encoding=encoding, newline="") as stream:
        if fmt == "csv":
            _write_csv(stream, rows, tick)
        else:
            _write_json(stream, rows, tick)
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
