"""What every reader hands to an import: rows with their line, and the table around them.

``SourceRow``: the physical line (CSV, JSON) or sheet row (XLSX) where the row starts, and its
values keyed by field name (plus problems a reader found in a value). ``Table``: the header's
mapping, the rows (an iterator: a file is read once, in flat memory) and how far the reading is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from data.errors import CatalogueError
from data.transfer.columns import HeaderMap

CHUNK_BYTES = 1024 * 1024


class TransferError(CatalogueError):
    """A file that cannot be read or written at all (French message, nothing written)."""


class ColumnsError(TransferError):
    """The header does not say where the required fields are: ``headers`` lists the file's
    headers, for a person to name the columns (the preview's lists, ``--column``)."""

    def __init__(self, message: str, headers: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.headers = headers


@dataclass
class SourceRow:
    line: int
    values: dict[str, object]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (field or "", message)


@dataclass
class Table:
    format: str
    unit: str  # how a position is named in messages: "ligne" or "élément"
    header: HeaderMap
    rows: Iterator[SourceRow]
    fraction: Callable[[], float]  # share of the file read so far, 0..1


def first_bytes(path: Path, n: int = 8) -> bytes:
    with path.open("rb") as f:
        return f.read(n)


def refuse_other_formats(path: Path, head: bytes, expected: str) -> None:
    if head.startswith(b"PK\x03\x04") and expected != "xlsx":
        raise TransferError(
            f"« {path.name} » est un classeur Excel (.xlsx), pas un fichier {expected.upper()} : "
            "donnez-lui l'extension .xlsx ou utilisez --format xlsx."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TransferError(
            "L'ancien format Excel .xls n'est pas pris en charge : enregistrez le classeur "
            "au format .xlsx ou CSV."
        )
