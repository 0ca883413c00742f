"""An export's XLSX, written in openpyxl's write-only (streaming) mode through its public API
only; text is always a text cell, never a formula. A failure closes and removes openpyxl's own
temporary files and leaves the target file closed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from data.transfer.columns import (
    EXPORT_HEADERS,
    IMAGE_FIELD,
    NUMBER_FIELDS,
    SYMBOLS_FIELD,
    join_names,
)
from data.transfer.export_rows import Fields, Rows

_XLSX_WIDTHS = {
    "fournisseur": 16, "gamme": 16, "serie": 18, "nom": 28, "variante": 14, "materiau": 14,
    "indice": 8, "hauteur_min": 11, "hauteur_max": 11, "gravure_nasale": 14, "url_gravure": 30,
    "url_source": 30, IMAGE_FIELD: 40, SYMBOLS_FIELD: 24,
}


def write_xlsx(path: Path, fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
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

