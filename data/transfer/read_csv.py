"""CSV files, whatever office tool wrote them.

UTF-8 with or without BOM, UTF-16 (Excel's "Texte Unicode") or Windows-1252, detected by decoding
the whole file once in chunks; ``;``, tab or ``,`` taken from the header line; quoted fields may
hold delimiters and newlines. Lines are read with a length limit so that a 100 MB line never
sits in memory.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from data.transfer import table as _table
from data.transfer.columns import HeaderMap, map_header, unprotect_formula
from data.transfer.table import SourceRow, Table, TransferError, first_bytes, refuse_other_formats

MAX_LINE_CHARS = 1024 * 1024
SNIFF_CHARS = 64 * 1024
DELIMITERS = (";", "\t", ",")
_QUOTED = re.compile(r'"[^"]*"')


def detect_encoding(path: Path) -> str:
    """The encoding the whole file decodes with: BOM, else UTF-8, else Windows-1252."""
    head = first_bytes(path, 4)
    if head.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    else:
        candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        if _decodes(path, encoding):
            return encoding
    raise TransferError(
        f"Encodage de « {path.name} » non reconnu (ni UTF-8 ni Windows-1252) : "
        "enregistrez-le au format « CSV UTF-8 »."
    )


def _decodes(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as f:
        while chunk := f.read(_table.CHUNK_BYTES):
            if b"\x00" in chunk:
                raise TransferError(
                    f"« {path.name} » contient des données binaires : ce n'est pas un fichier "
                    "texte CSV."
                )
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def sniff_delimiter(sample: str) -> str:
    """The delimiter the header line uses most (outside quotes); ties prefer ``;`` then tab."""
    header = _QUOTED.sub("", sample.split("\n", 1)[0])
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))
    return best if counts[best] else ";"


class _LineSource:
    """Physical lines for ``csv.reader``, each at most MAX_LINE_CHARS long."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self.stream = stream
        self.name = name
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        while True:
            line = self.stream.readline(MAX_LINE_CHARS + 1)
            if not line:
                return
            self.count += 1
            if len(line) > MAX_LINE_CHARS:
                raise TransferError(
                    f"Ligne {self.count} de « {self.name} » trop longue (plus d'un million de "
                    "caractères) : ce n'est pas un catalogue CSV."
                )
            yield line


def _csv_error(exc: csv.Error, line: int, name: str) -> TransferError:
    detail = str(exc)
    if "field larger than field limit" in detail:
        reason = "un champ dépasse 128 Ko (guillemet jamais refermé ?)"
    elif "new-line character" in detail:
        reason = "retour à la ligne inattendu dans un champ"
    else:
        reason = "structure CSV invalide"
    return TransferError(f"Ligne {line} de « {name} » illisible : {reason}.")


@dataclass(frozen=True)
class CsvDialect:
    """How a CSV file is written: what a file handed back (the refused lines) writes again."""

    encoding: str
    delimiter: str


@contextmanager
def csv_records(path: Path) -> Iterator[tuple[CsvDialect, Iterator[tuple[int, list[str]]], Callable[[], int]]]:
    """The file's dialect, its non-blank records as (first physical line, cells), header
    first, and how many bytes are read so far."""
    refuse_other_formats(path, first_bytes(path), "csv")
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as stream:
        sample = stream.read(SNIFF_CHARS)
    delimiter = sniff_delimiter(sample)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as stream:
        lines = _LineSource(stream, path.name)
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        yield CsvDialect(encoding, delimiter), _csv_records(reader, path.name), raw.tell


@contextmanager
def csv_table(path: Path, size: int, columns: Mapping[str, str] | None = None) -> Iterator[Table]:
    with csv_records(path) as (_dialect, records, position):
        header_cells: list[str] | None = None
        for _line, cells in records:
            header_cells = cells
            break
        if header_cells is None:
            raise TransferError(f"Le fichier {path.name} ne contient aucune ligne.")
        header = map_header([c.lstrip("\ufeff") for c in header_cells], columns)

        def fraction() -> float:
            try:
                return min(1.0, position() / size)
            except (OSError, ValueError):
                return 0.0

        yield Table("csv", "ligne", header, _csv_rows(records, header), fraction)


def _csv_records(reader: Any, name: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) of each non-blank record."""
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise _csv_error(exc, reader.line_num, name) from exc
        start, previous = previous + 1, reader.line_num
        if "".join(cells).strip():  # not a blank line (some cell holds more than spaces)
            yield start, cells


def _csv_rows(records: Iterator[tuple[int, list[str]]], header: HeaderMap) -> Iterator[SourceRow]:
    positions = header.positions
    for line, cells in records:
        width = len(cells)
        values: dict[str, object] = {}
        for position, name in positions:
            if position < width:
                cell = cells[position]
                values[name] = unprotect_formula(cell) if cell[:1] == "'" else cell
            else:
                values[name] = None
        yield SourceRow(line, values)

