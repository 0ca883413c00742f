"""A file's cells as written, before any field is read: for the lines handed back (rejects) and
for the columns a person names (their first values).

``raw_rows(path, fmt)`` yields the header cells, the data rows as (line, cells) with the same line
numbers an import's problems give, and the CSV dialect (encoding, separator) when it is a CSV.
A JSON file's columns are the keys of its objects in the order first seen (objects of one file
mostly share them); its rows are numbered by element, as the import numbers them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.transfer.read_csv import CsvDialect, csv_records
from data.transfer.read_json import JsonObjects
from data.transfer.read_xlsx import first_sheet, open_workbook, xlsx_records
from data.transfer.readers import check_file
from data.transfer.table import TransferError

RawRows = Iterator[tuple[int, list[Any]]]


@dataclass
class RawTable:
    header: list[str]
    rows: RawRows
    dialect: CsvDialect | None  # CSV only
    objects: Iterator[tuple[int, dict[str, Any]]] | None = None  # JSON only: whole objects


@contextmanager
def raw_rows(path: Path, fmt: str) -> Iterator[RawTable]:
    check_file(path)
    if fmt == "csv":
        with csv_records(path) as (dialect, records, _position):
            header: list[str] | None = None
            for _line, cells in records:
                header = [c.lstrip("\ufeff") for c in cells]
                break
            if header is None:
                raise TransferError(f"Le fichier {path.name} ne contient aucune ligne.")
            yield RawTable(header, ((line, list(cells)) for line, cells in records), dialect)
    elif fmt == "xlsx":
        with open_workbook(path) as workbook:
            sheet_rows = xlsx_records(first_sheet(path, workbook), path.name)
            top = next(sheet_rows, None)
            if top is None:
                raise TransferError(f"La première feuille de {path.name} est vide.")
            yield RawTable(
                ["" if c is None else str(c) for c in top[1]],
                ((line, list(cells)) for line, cells in sheet_rows),
                None,
            )
    else:
        with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
            objects = iter(JsonObjects(stream, path.name))
            numbered = ((n, obj) for n, (_line, obj) in enumerate(objects, 1))
            head = next(numbered, None)
            if head is None:
                raise TransferError(f"« {path.name} » ne contient aucun verre (liste vide).")
            header = list(head[1])

            def chained() -> Iterator[tuple[int, dict[str, Any]]]:
                assert head is not None
                yield head
                yield from numbered

            objects_iter = chained()
            table = RawTable(header, ((n, [obj.get(k) for k in header]) for n, obj in objects_iter), None)
            table.objects = objects_iter
            yield table
