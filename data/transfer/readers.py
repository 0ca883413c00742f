"""Reading catalogue files row by row, whatever office tool wrote them, in flat memory.

One room per format: ``read_csv`` (encodings, separators, quoted newlines), ``read_xlsx`` (the
first worksheet, streamed) and ``read_json`` (a list of objects, decoded one at a time). Every
reader yields ``SourceRow``s (``data.transfer.table``): the physical line (CSV, JSON) or sheet
row (XLSX) where the row starts, and its values keyed by field name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from data.transfer.columns import HeaderError
from data.transfer.read_csv import csv_table, detect_encoding, sniff_delimiter
from data.transfer.read_json import JsonObjects, json_table
from data.transfer.read_xlsx import xlsx_table
from data.transfer.table import ColumnsError, SourceRow, Table, TransferError

FORMATS = ("csv", "xlsx", "json")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}

__all__ = [
    "EXTENSIONS",
    "ColumnsError",
    "FORMATS",
    "JsonObjects",
    "SourceRow",
    "Table",
    "TransferError",
    "detect_encoding",
    "detect_format",
    "open_table",
    "sniff_delimiter",
]


def detect_format(path: Path, fmt: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise TransferError(f"Format inconnu : {fmt} (csv, xlsx ou json).")
        return fmt
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise TransferError(
            "L'ancien format Excel .xls n'est pas pris en charge : enregistrez le classeur "
            "au format .xlsx ou CSV."
        )
    if suffix not in EXTENSIONS:
        raise TransferError(
            f"Format du fichier « {path.name} » inconnu : utilisez l'extension .csv, .xlsx ou "
            ".json, ou précisez --format csv|xlsx|json."
        )
    return EXTENSIONS[suffix]


def check_file(path: Path) -> int:
    try:
        if path.is_dir():
            raise TransferError(f"{path} est un dossier, pas un fichier.")
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise TransferError(f"Fichier introuvable : {path}") from exc
    except PermissionError as exc:
        raise TransferError(f"Accès refusé au fichier {path}.") from exc
    except OSError as exc:
        raise TransferError(f"Impossible de lire {path} : {exc.strerror or exc}") from exc
    if size == 0:
        raise TransferError(f"Le fichier {path.name} est vide.")
    return size


@contextmanager
def open_table(path: Path, fmt: str, columns: Mapping[str, str] | None = None) -> Iterator[Table]:
    """Open ``path`` and read its header; the caller iterates ``rows`` inside the block.
    ``columns``: header -> field a person chose (``""`` to ignore), over the recognised names.
    Raises ``ColumnsError`` (a ``TransferError`` with the file's headers) when the header does
    not say which column holds which required field."""
    size = check_file(path)
    try:
        if fmt == "csv":
            with csv_table(path, size, columns) as table:
                yield table
        elif fmt == "xlsx":
            with xlsx_table(path, columns) as table:
                yield table
        else:
            with json_table(path, size, columns) as table:
                yield table
    except HeaderError as exc:
        raise ColumnsError(str(exc), exc.headers) from exc
    except PermissionError as exc:
        raise TransferError(f"Accès refusé au fichier {path}.") from exc
    except OSError as exc:
        raise TransferError(f"Erreur de lecture de {path.name} : {exc.strerror or exc}") from exc

