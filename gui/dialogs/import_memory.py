"""What the import dialog keeps between files, and its analysis job.

- ``ImportMemory``: in the settings, the columns a person named, for files with the same headers
  (``headers_key``), and the names read as existing references (« ESSILOR FR » → « Essilor »),
  for every next file that brings them.
- ``analyse_file``: pass 1 as the dialog runs it in a background job — the file's columns and
  their first values, the remembered names applied, the check prepared with the valid lines kept
  (so that « Importer les verres valides » needs no second reading), the existing suppliers and
  materials a new one may be mapped to.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from data import catalogue, transfer
from data.database import Database
from data.text import fold
from data.transfer import ColumnSample, ImportOptions, PreparedImport

COLUMNS_GROUP = "importColonnes"  # folded headers -> the columns a person named (JSON)
ALIASES_GROUP = "importCorrespondances"  # kind/folded name -> [kind, name, existing name] (JSON)


@dataclass(frozen=True)
class Preview:
    """What the analysis job hands to the dialog."""

    prepared: PreparedImport | None
    samples: tuple[ColumnSample, ...] = ()
    headers_key: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    existing: dict[str, list[str]] = field(default_factory=dict)
    columns_problem: str = ""  # the header cannot be read as it is: name the columns


class ImportMemory:
    def __init__(self, settings: QSettings) -> None:
        self.settings = settings

    def columns(self) -> dict[str, dict[str, str]]:
        """Headers key -> header -> field, for every file whose columns were named."""
        self.settings.beginGroup(COLUMNS_GROUP)
        try:
            found = {}
            for key in self.settings.childKeys():
                try:
                    found[_unkey(key)] = dict(json.loads(str(self.settings.value(key))))
                except (ValueError, TypeError):
                    continue
            return found
        finally:
            self.settings.endGroup()

    def remember_columns(self, headers_key: str, columns: dict[str, str]) -> None:
        self.settings.setValue(f"{COLUMNS_GROUP}/{_key(headers_key)}", json.dumps(columns))

    def aliases(self) -> dict[tuple[str, str], str]:
        self.settings.beginGroup(ALIASES_GROUP)
        try:
            found = {}
            for key in self.settings.allKeys():
                try:
                    kind, name, target = json.loads(str(self.settings.value(key)))
                except (ValueError, TypeError):
                    continue
                found[(str(kind), str(name))] = str(target)
            return found
        finally:
            self.settings.endGroup()

    def remember_alias(self, kind: str, name: str, target: str) -> None:
        self.settings.setValue(f"{ALIASES_GROUP}/{kind}/{_key(fold(name))}", json.dumps([kind, name, target]))


def _key(text: str) -> str:
    """A settings key for any text (``/`` and ``\\`` would nest groups)."""
    return text.encode("utf-8").hex()


def _unkey(key: str) -> str:
    return bytes.fromhex(key).decode("utf-8")


def analyse_file(
    db: Database, path: Path, update: bool, options: ImportOptions,
    remembered: dict[str, dict[str, str]], progress: Any, cancelled: Any,
) -> Preview:
    fmt = transfer.detect_format(path, None)
    samples = transfer.sample_columns(path, fmt, options.columns)
    key = transfer.headers_key([s.header for s in samples])
    if not options.columns and key in remembered:
        options = replace(options, columns=remembered[key])
        samples = transfer.sample_columns(path, fmt, options.columns)
    try:
        prepared = transfer.prepare_import(
            db, path, fmt, update=update, progress=progress, cancel=cancelled,
            valid_only=True, options=options,
        )
    except transfer.ColumnsError as exc:
        return Preview(None, samples, key, dict(options.columns), columns_problem=str(exc))
    existing = {}
    if prepared.report.new_references:
        existing = {
            "fournisseur": [item.nom for item in catalogue.list_suppliers(db)],
            "materiau": [item.nom for item in catalogue.list_materials(db)],
        }
    return Preview(prepared, samples, key, dict(options.columns), existing)
