"""The refused lines handed back, to fix and import again: ``<name>.refus.csv`` beside the file.

Each refused line is copied as the file has it — every column, the whole of a name too long for
the catalogue, a cell the import could not read — with one more column, « Motif », giving the
reasons in French. A CSV keeps its own encoding (UTF-8 with or without BOM, UTF-16,
Windows-1252) and separator, so the spreadsheet that wrote it opens the rejects alike; a
workbook's rejects are a CSV for Excel (UTF-8 with BOM, « ; »); a JSON file's are a JSON list
(``<name>.refus.json``) whose objects get a "Motif" key. Imported again, « Motif » is an
ignored column.

The lines are read again from the file (nothing of them stays in memory during the import), and
the file is written under a temporary name, then moved into place: an earlier rejects file is
replaced whole or not at all.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from data.transfer.raw import raw_rows
from data.transfer.table import TransferError

REASON_HEADER = "Motif"


@dataclass(frozen=True)
class RejectsResult:
    path: Path
    lines: int


def rejects_path(source: Path, fmt: str) -> Path:
    """``catalogue.csv -> catalogue.refus.csv`` (``.refus.json`` for a JSON file)."""
    return source.with_name(f"{source.stem}.refus.{'json' if fmt == 'json' else 'csv'}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_rejects(
    source: Path, fmt: str, reasons: Mapping[int, str], target: Path | None = None
) -> RejectsResult:
    """Write the lines of ``source`` named in ``reasons`` (line -> motif) to ``target``
    (default: ``rejects_path``). Raises ``TransferError`` when it cannot be written."""
    target = target or rejects_path(source, fmt)
    if target.resolve() == source.resolve():
        raise TransferError("Le fichier des lignes refusées ne peut pas remplacer le fichier importé.")
    written = 0
    try:
        fd, temporary = tempfile.mkstemp(prefix=".refus-", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise TransferError(f"Impossible d'écrire {target} : {exc.strerror or exc}.") from exc
    os.close(fd)
    try:
        with raw_rows(source, fmt) as table:
            if fmt == "json":
                assert table.objects is not None
                items = []
                for number, obj in table.objects:
                    if number in reasons:
                        items.append({**obj, REASON_HEADER: reasons[number]})
                written = len(items)
                Path(temporary).write_text(json.dumps(items, ensure_ascii=False, indent=2), encoding="utf-8")
            else:
                dialect = table.dialect
                encoding = dialect.encoding if dialect else "utf-8-sig"
                delimiter = dialect.delimiter if dialect else ";"
                width = len(table.header)
                with open(temporary, "w", encoding=encoding, errors="replace", newline="") as out:
                    writer = csv.writer(out, delimiter=delimiter, quotechar='"', lineterminator="\r\n")
                    writer.writerow([*table.header, REASON_HEADER])
                    for line, cells in table.rows:
                        if line in reasons:
                            padded = [_cell(c) for c in cells] + [""] * (width - len(cells))
                            writer.writerow([*padded, reasons[line]])
                            written += 1
        os.replace(temporary, target)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise TransferError(f"Impossible d'écrire {target} : {exc.strerror or exc}.") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return RejectsResult(target, written)
