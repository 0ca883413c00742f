"""XLSX workbooks: openpyxl's read-only mode streams the first worksheet.

The declared sheet size is only used for progress: some tools write a wrong one, and trusting it
would drop rows.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from data.transfer.columns import NUMBER_FIELDS, HeaderMap, map_header, unprotect_formula
from data.transfer.table import SourceRow, Table, TransferError, first_bytes, refuse_other_formats


def _cell_value(name: str, value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        return unprotect_formula(value)
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, int | float):
        if name in NUMBER_FIELDS:
            return value
        # A code or a name Excel stored as a number: 25.0 is "25".
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value)  # dates and times: validation says what is wrong with them


@contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """The workbook, read-only (a file that is not one is refused in French)."""
    refuse_other_formats(path, first_bytes(path), "xlsx")
    from openpyxl import load_workbook  # local: only needed for spreadsheets

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, EOFError) as exc:
        raise TransferError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible."
        ) from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on damaged files
        if isinstance(exc, OSError):
            raise
        raise TransferError(
            f"« {path.name} » n'est pas un classeur Excel (.xlsx) lisible."
        ) from exc
    try:
        yield workbook
    finally:
        workbook.close()


@contextmanager
def xlsx_table(path: Path, columns: Mapping[str, str] | None = None) -> Iterator[Table]:
    with open_workbook(path) as workbook:
        with _sheet_table(path, workbook, columns) as table:
            yield table


@contextmanager
def _sheet_table(path: Path, workbook: Any, columns: Mapping[str, str] | None) -> Iterator[Table]:
    sheet: Any = first_sheet(path, workbook)
    declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    rows = xlsx_records(sheet, path.name)
    header_cells: tuple[object, ...] | None = None
    for _line, cells in rows:
        header_cells = cells
        break
    if header_cells is None:
        raise TransferError(f"La première feuille de {path.name} est vide.")
    header = map_header(list(header_cells), columns)
    state = {"row": 0}

    def fraction() -> float:
        return min(1.0, state["row"] / declared) if declared else 0.0

    yield Table("xlsx", "ligne", header, _xlsx_rows(rows, header, state), fraction)


def first_sheet(path: Path, workbook: Any) -> Any:
    sheet: Any = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise TransferError(f"Le classeur {path.name} ne contient aucune feuille.")
    return sheet


def xlsx_records(sheet: Any, name: str) -> Iterator[tuple[int, tuple[object, ...]]]:
    iterator = sheet.iter_rows(min_row=1, values_only=True)
    number = 0
    while True:
        try:
            cells = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - a damaged sheet raises parser errors
            raise TransferError(
                f"La feuille de « {name} » est illisible après la ligne {number}."
            ) from exc
        number += 1
        if any(c is not None and str(c).strip() for c in cells):
            yield number, cells


def _xlsx_rows(
    records: Iterator[tuple[int, tuple[object, ...]]], header: HeaderMap, state: dict[str, int]
) -> Iterator[SourceRow]:
    positions = header.positions
    for line, cells in records:
        state["row"] = line
        width = len(cells)
        yield SourceRow(
            line,
            {name: _cell_value(name, cells[p]) if p < width else None for p, name in positions},
        )

