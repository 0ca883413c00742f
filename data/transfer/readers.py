"""Reading catalogue files row by row, whatever office tool wrote them, in flat memory.

- CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Texte Unicode") or Windows-1252, detected by
  decoding the whole file once in chunks; ``;``, tab or ``,`` taken from the header line;
  quoted fields may hold delimiters and newlines. Lines are read with a length limit so that a
  100 MB line never sits in memory.
- XLSX: openpyxl's read-only mode streams the first worksheet. The declared sheet size is only
  used for progress: some tools write a wrong one, and trusting it would drop rows.
- JSON: a list of objects (what the export writes), decoded object by object.

Every reader yields ``SourceRow``s: the physical line (CSV, JSON) or sheet row (XLSX) where the
row starts, and its values keyed by field name.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from data.errors import CatalogueError
from data.transfer.columns import (
    NUMBER_FIELDS,
    SYMBOLS_FIELD,
    HeaderError,
    HeaderMap,
    field_of_header,
    map_header,
    unprotect_formula,
)

FORMATS = ("csv", "xlsx", "json")
EXTENSIONS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json"}
MAX_LINE_CHARS = 1024 * 1024
MAX_JSON_OBJECT_CHARS = 1024 * 1024
CHUNK_BYTES = 1024 * 1024
SNIFF_CHARS = 64 * 1024
DELIMITERS = (";", "\t", ",")
_QUOTED = re.compile(r'"[^"]*"')


class TransferError(CatalogueError):
    """A file that cannot be read or written at all (French message, nothing written)."""


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


def _check_file(path: Path) -> int:
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
def open_table(path: Path, fmt: str) -> Iterator[Table]:
    """Open ``path`` and read its header; the caller iterates ``rows`` inside the block."""
    size = _check_file(path)
    try:
        if fmt == "csv":
            with _csv_table(path, size) as table:
                yield table
        elif fmt == "xlsx":
            with _xlsx_table(path) as table:
                yield table
        else:
            with _json_table(path, size) as table:
                yield table
    except HeaderError as exc:
        raise TransferError(str(exc)) from exc
    except PermissionError as exc:
        raise TransferError(f"Accès refusé au fichier {path}.") from exc
    except OSError as exc:
        raise TransferError(f"Erreur de lecture de {path.name} : {exc.strerror or exc}") from exc


def _first_bytes(path: Path, n: int = 8) -> bytes:
    with path.open("rb") as f:
        return f.read(n)


def _refuse_other_formats(path: Path, head: bytes, expected: str) -> None:
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


# ---------------------------------------------------------------- CSV


def detect_encoding(path: Path) -> str:
    """The encoding the whole file decodes with: BOM, else UTF-8, else Windows-1252."""
    head = _first_bytes(path, 4)
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
        while chunk := f.read(CHUNK_BYTES):
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


@contextmanager
def _csv_table(path: Path, size: int) -> Iterator[Table]:
    _refuse_other_formats(path, _first_bytes(path), "csv")
    encoding = detect_encoding(path)
    with path.open("r", encoding=encoding, newline="") as stream:
        sample = stream.read(SNIFF_CHARS)
    delimiter = sniff_delimiter(sample)
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as stream:
        lines = _LineSource(stream, path.name)
        reader = csv.reader(lines, delimiter=delimiter, quotechar='"', doublequote=True, strict=False)
        records = _csv_records(reader, path.name)
        header_cells: list[str] | None = None
        for _line, cells in records:
            header_cells = cells
            break
        if header_cells is None:
            raise TransferError(f"Le fichier {path.name} ne contient aucune ligne.")
        header = map_header([c.lstrip("\ufeff") for c in header_cells])

        def fraction() -> float:
            try:
                return min(1.0, raw.tell() / size)
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


# ---------------------------------------------------------------- XLSX


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
def _xlsx_table(path: Path) -> Iterator[Table]:
    _refuse_other_formats(path, _first_bytes(path), "xlsx")
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
        sheet: Any = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise TransferError(f"Le classeur {path.name} ne contient aucune feuille.")
        declared = sheet.max_row if isinstance(sheet.max_row, int) else 0
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        rows = _xlsx_records(sheet, path.name)
        header_cells: tuple[object, ...] | None = None
        for _line, cells in rows:
            header_cells = cells
            break
        if header_cells is None:
            raise TransferError(f"La première feuille de {path.name} est vide.")
        header = map_header(list(header_cells))
        state = {"row": 0}

        def fraction() -> float:
            return min(1.0, state["row"] / declared) if declared else 0.0

        yield Table("xlsx", "ligne", header, _xlsx_rows(rows, header, state), fraction)
    finally:
        workbook.close()


def _xlsx_records(sheet: Any, name: str) -> Iterator[tuple[int, tuple[object, ...]]]:
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


# ---------------------------------------------------------------- JSON


class JsonObjects:
    """Objects of a top-level JSON list, decoded one at a time from a bounded buffer."""

    def __init__(self, stream: IO[str], name: str) -> None:
        self.stream = stream
        self.name = name
        self.buffer = ""
        self.pos = 0
        # Line numbers are counted as the reading goes, never from the buffer's start again (an
        # object's line from the buffer's start made reading quadratic in the buffer's size).
        self.line = 1  # line of self.counted
        self.counted = 0  # position in ``buffer`` up to which new lines are counted
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(CHUNK_BYTES)
        if not chunk:
            self.eof = True
            return False
        self._line_at(self.pos)
        self.buffer = self.buffer[self.pos :] + chunk
        self.pos = self.counted = 0
        return True

    def _line_at(self, pos: int) -> int:
        """The line of ``pos`` (at or after the last position counted)."""
        self.line += self.buffer.count("\n", self.counted, pos)
        self.counted = pos
        return self.line

    def _skip_space(self) -> str:
        """The next non-blank character ("" at the end of the file)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self._fill():
                return ""

    def _error(self, message: str) -> TransferError:
        line = self.line + self.buffer.count("\n", self.counted, self.pos)
        return TransferError(f"JSON invalide dans « {self.name} », ligne {line} : {message}")

    def __iter__(self) -> Iterator[tuple[int, Any]]:
        first = self._skip_space().lstrip("\ufeff")
        if first != "[":
            raise TransferError(
                f"« {self.name} » doit contenir une liste d'objets JSON (comme le fichier "
                "qu'écrit l'export)."
            )
        self.pos += 1
        expect_item = True
        while True:
            char = self._skip_space()
            if char == "]":
                self.pos += 1
                if self._skip_space():
                    raise self._error("texte après la fin de la liste.")
                return
            if not char:
                raise self._error("la liste n'est pas refermée (fichier tronqué ?).")
            if not expect_item:
                if char != ",":
                    raise self._error("virgule attendue entre deux éléments.")
                self.pos += 1
                expect_item = True
                continue
            if char != "{":
                raise self._error("chaque élément de la liste doit être un objet { ... }.")
            yield self._object()
            expect_item = False

    def _object(self) -> tuple[int, Any]:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.buffer) - self.pos > MAX_JSON_OBJECT_CHARS:
                    raise self._error("élément trop grand (plus d'un million de caractères).") from exc
                if not self._fill():
                    raise self._error("élément incomplet ou mal formé.") from exc
                continue
            line = self._line_at(self.pos)
            self.pos = end
            return line, value


_PLAIN_JSON = frozenset((str, int, float))


def _json_scalar(value: object) -> tuple[object, str | None]:
    if isinstance(value, dict | list):
        return None, "valeur non prise en charge (liste ou objet imbriqué)."
    if isinstance(value, bool):
        return ("VRAI" if value else "FAUX"), None
    return value, None


@contextmanager
def _json_table(path: Path, size: int) -> Iterator[Table]:
    _refuse_other_formats(path, _first_bytes(path), "json")
    if _first_bytes(path, 4096).count(b"\x00"):
        raise TransferError(f"« {path.name} » contient des données binaires : ce n'est pas du JSON.")
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        objects = iter(JsonObjects(stream, path.name))
        try:
            first = next(objects, None)
        except UnicodeDecodeError as exc:
            raise TransferError(f"« {path.name} » n'est pas encodé en UTF-8 : ce n'est pas du JSON valide.") from exc
        if first is None:
            raise TransferError(f"« {path.name} » ne contient aucun verre (liste vide).")
        header = map_header(list(first[1]))

        def fraction() -> float:
            try:
                return min(1.0, raw.tell() / size)
            except (OSError, ValueError):
                return 0.0

        yield Table("json", "élément", header, _json_rows(first, objects, header, path.name), fraction)


def _json_rows(
    first: tuple[int, Any], rest: Iterator[tuple[int, Any]], header: HeaderMap, name: str
) -> Iterator[SourceRow]:
    fields: dict[str, str | None] = {}
    number = 0
    for _line, obj in _chain_first(first, rest, name):
        number += 1
        values: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for key, raw in obj.items():
            if key not in fields:
                fields[key] = field_of_header(key)
            name_ = fields[key]
            if name_ is None or name_ in values:
                continue
            if raw is None or type(raw) in _PLAIN_JSON:  # taken as they are (not a bool)
                values[name_] = raw
                continue
            if name_ == SYMBOLS_FIELD and isinstance(raw, list):  # a sign's shapes: a list
                values[name_] = raw
                continue
            value, problem = _json_scalar(raw)
            if problem:
                problems.append((name_, problem))
            values[name_] = value
        yield SourceRow(number, values, problems)


def _chain_first(
    first: tuple[int, Any], rest: Iterator[tuple[int, Any]], name: str
) -> Iterator[tuple[int, Any]]:
    yield first
    try:
        yield from rest
    except UnicodeDecodeError as exc:
        raise TransferError(f"« {name} » n'est pas encodé en UTF-8 : ce n'est pas du JSON valide.") from exc
