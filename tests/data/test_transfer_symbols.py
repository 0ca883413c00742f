"""The ``Symboles`` column: written after the engraving code when a lens has a sign."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from openpyxl import load_workbook

from data import catalogue
from data.database import Database
from data.transfer import export_lenses
from data.transfer.columns import field_of_header, symbol_names
from tests.factories import lens_values, make_refs


def _two_lenses(db: Database) -> None:
    refs = make_refs(db)
    catalogue.create_lens(db, {**lens_values(refs, gravure_nasale="e5"), "symboles": ["e_soleil", "oeil"]})
    catalogue.create_lens(db, lens_values(refs, nom="Sans signe"))


def test_the_export_carries_the_shapes_of_each_sign(db: Database, tmp_path: Path) -> None:
    _two_lenses(db)
    export_lenses(db, tmp_path / "c.csv")
    with open(tmp_path / "c.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    header = rows[0]
    assert header[header.index("Gravure nasale") + 1] == "Symboles"
    at = header.index("Symboles")
    assert [r[at] for r in rows[1:]] == ["oeil, e_soleil", ""]

    export_lenses(db, tmp_path / "c.json")
    items = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [i["symboles"] for i in items] == [["oeil", "e_soleil"], []]

    export_lenses(db, tmp_path / "c.xlsx")
    sheet = load_workbook(tmp_path / "c.xlsx").active
    values = list(sheet.values)
    at = values[0].index("Symboles")
    assert [v[at] for v in values[1:]] == ["oeil, e_soleil", None]


def test_no_sign_no_column_and_the_header_is_recognised(sqlite_db: Database, tmp_path: Path) -> None:
    refs = make_refs(sqlite_db)
    catalogue.create_lens(sqlite_db, lens_values(refs))
    export_lenses(sqlite_db, tmp_path / "c.csv")
    assert "Symboles" not in (tmp_path / "c.csv").read_text(encoding="utf-8-sig")
    assert field_of_header("Symboles") == field_of_header("signe") == "symboles"
    assert symbol_names("Œil ; e soleil,  cercle") == ["Œil", "e soleil", "cercle"]
    assert symbol_names(["oeil", " "]) == ["oeil"]
