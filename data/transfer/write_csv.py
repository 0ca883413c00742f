"""An export's CSV: UTF-8 with BOM, ``;`` and decimal commas, what French Excel opens correctly
on a double click. Text a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``) gets a
leading ``'``; the import removes it again."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import IO, Any

from data import formatting
from data.transfer.columns import (
    EXPORT_HEADERS,
    NUMBER_FIELDS,
    SYMBOLS_FIELD,
    join_names,
    protect_formula,
)
from data.transfer.export_rows import Fields, Rows

decimal_text = formatting.exact  # ``1.67 -> "1,67"``: the shortest exact form


def csv_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == SYMBOLS_FIELD:
        return join_names(value)
    if name == "indice":
        return decimal_text(value)
    if name in NUMBER_FIELDS:
        return str(int(value))
    return protect_formula(str(value))


def write_csv(stream: IO[str], fields: Fields, rows: Rows, tick: Callable[[int], None]) -> None:
    writer = csv.writer(stream, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([EXPORT_HEADERS[name] for name in fields])
    for chunk in rows:
        writer.writerows([csv_cell(n, row[n]) for n in fields] for row in chunk)
        tick(len(chunk))

