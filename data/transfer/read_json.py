"""JSON files: a list of objects (what the export writes), decoded object by object."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from data.transfer import table as _table
from data.transfer.columns import SYMBOLS_FIELD, HeaderMap, chosen_field, map_header
from data.transfer.table import SourceRow, Table, TransferError, first_bytes, refuse_other_formats

MAX_JSON_OBJECT_CHARS = 1024 * 1024


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
        chunk = self.stream.read(_table.CHUNK_BYTES)
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
def json_table(path: Path, size: int, columns: Mapping[str, str] | None = None) -> Iterator[Table]:
    refuse_other_formats(path, first_bytes(path), "json")
    if first_bytes(path, 4096).count(b"\x00"):
        raise TransferError(f"« {path.name} » contient des données binaires : ce n'est pas du JSON.")
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as stream:
        objects = iter(JsonObjects(stream, path.name))
        try:
            first = next(objects, None)
        except UnicodeDecodeError as exc:
            raise TransferError(f"« {path.name} » n'est pas encodé en UTF-8 : ce n'est pas du JSON valide.") from exc
        if first is None:
            raise TransferError(f"« {path.name} » ne contient aucun verre (liste vide).")
        header = map_header(list(first[1]), columns)

        def fraction() -> float:
            try:
                return min(1.0, raw.tell() / size)
            except (OSError, ValueError):
                return 0.0

        rows = _json_rows(first, objects, header, path.name, columns)
        yield Table("json", "élément", header, rows, fraction)


def _json_rows(
    first: tuple[int, Any], rest: Iterator[tuple[int, Any]], header: HeaderMap, name: str,
    columns: Mapping[str, str] | None = None,
) -> Iterator[SourceRow]:
    fields: dict[str, str | None] = {}
    number = 0
    for _line, obj in _chain_first(first, rest, name):
        number += 1
        values: dict[str, object] = {}
        problems: list[tuple[str, str]] = []
        for key, raw in obj.items():
            if key not in fields:
                fields[key] = chosen_field(key, columns)
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
