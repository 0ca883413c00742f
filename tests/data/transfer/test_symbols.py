"""The ``Symboles`` column: written after the engraving code when a lens has a sign."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from data import catalogue
from data.database import Database
from data.query import LensQuery
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


# ---------------------------------------------------------------- import


def _export_sample(tmp_path: Path, suffix: str) -> Path:
    """The shipped sample exported from a SQLite catalogue of its own."""
    from data.config import load_settings
    from data.database import open_database
    from data.migrate import upgrade
    from data.sample import load_sample

    url = "sqlite:///" + (tmp_path / "source.db").as_posix()
    source = open_database(url, load_settings(cli_url=url), pool_size=2)
    try:
        if not (tmp_path / "exported").exists():
            upgrade(source)
            load_sample(source)
            (tmp_path / "exported").mkdir()
        path = tmp_path / "exported" / f"sample.{suffix}"
        export_lenses(source, path)
    finally:
        source.dispose()
    return path


LensKey = tuple[str, str, str, float]


def _sample_signs() -> dict[LensKey, frozenset[str]]:
    from data.sample import sample_entries

    return {
        (str(e["fournisseur"]), str(e["nom"]), str(e.get("variante") or ""), round(float(e["indice"]), 3)):  # type: ignore[arg-type]
        frozenset(e.get("symboles") or ())  # type: ignore[arg-type]
        for e in sample_entries()
    }


def _signs(db: Database) -> dict[LensKey, frozenset[str]]:
    from sqlalchemy import select

    from data.catalogue.symbols import lens_symbols
    from data.models import Fournisseur, Verre

    with db.transaction() as s:
        rows = s.execute(
            select(Verre.id, Fournisseur.nom, Verre.nom, Verre.variante, Verre.indice)
            .join(Fournisseur, Fournisseur.id == Verre.fournisseur_id)
        ).tuples().all()
        signs = lens_symbols(s, [r[0] for r in rows])
    return {
        (str(f), str(n), str(v or ""), round(float(i), 3)): frozenset(signs.get(lens_id, ()))
        for lens_id, f, n, v, i in rows
    }


def test_the_exported_sample_imports_back_with_the_same_shapes(db: Database, tmp_path: Path) -> None:
    """CSV on every database: the Symboles column goes through the check, the spill and the
    bulk write; every lens gets back the shapes the sample gives it."""
    from data.transfer import import_lenses

    report = import_lenses(db, _export_sample(tmp_path, "csv"))
    assert report.written and report.refused == 0
    expected = _sample_signs()
    assert sum(1 for shapes in expected.values() if shapes) > 100
    assert _signs(db) == expected


@pytest.mark.parametrize("suffix", ["xlsx", "json"])
def test_the_exported_sample_imports_back_from_xlsx_and_json(
    sqlite_db: Database, tmp_path: Path, suffix: str
) -> None:
    from data.transfer import import_lenses

    report = import_lenses(sqlite_db, _export_sample(tmp_path, suffix))
    assert report.written and report.refused == 0
    assert _signs(sqlite_db) == _sample_signs()


CSV_HEADER = "Fournisseur;Nom;Indice;Gravure nasale;Symboles\n"


def test_an_unknown_shape_refuses_its_line_with_the_closest_names(db: Database, tmp_path: Path) -> None:
    from data.transfer import import_lenses

    path = tmp_path / "f.csv"
    path.write_text(
        CSV_HEADER + "Essilor;Varilux A;1,5;e5;Œil, E SOLEIL\nEssilor;Varilux B;1,6;e6;oeill ; cercle\n",
        encoding="utf-8",
    )
    report = import_lenses(db, path)
    assert not report.written and report.refused == 1
    [problem] = report.problems
    assert (problem.line, problem.column) == (3, "Symboles")
    assert "Symbole inconnu : « oeill »" in problem.message and "« oeil »" in problem.message
    assert not list(catalogue.lens_ids(db, LensQuery()))


def test_labels_and_keys_any_case_and_accents_are_read(sqlite_db: Database, tmp_path: Path) -> None:
    from data.transfer import import_lenses

    path = tmp_path / "f.csv"
    path.write_text(CSV_HEADER + "Essilor;Varilux A;1,5;e5;« E » AVEC SOLEIL, Œil\n", encoding="utf-8")
    assert import_lenses(sqlite_db, path).written
    [lens_id] = catalogue.lens_ids(sqlite_db, LensQuery())
    assert catalogue.get_lens(sqlite_db, lens_id).symbols == ("oeil", "e_soleil")


def test_an_update_replaces_the_shapes_when_the_column_is_there_and_keeps_them_otherwise(
    db: Database, tmp_path: Path
) -> None:
    from data import audit
    from data.transfer import import_lenses

    refs = make_refs(db, supplier="Essilor")
    lens_id = catalogue.create_lens(
        db, {**lens_values(refs, nom="Varilux A", indice=1.5, gravure_nasale="e5"), "symboles": ["oeil"]}
    ).lens_id
    same = tmp_path / "same.csv"
    same.write_text(CSV_HEADER + "Essilor;Varilux A;1,5;e5;oeil\n", encoding="utf-8")
    report = import_lenses(db, same)
    assert (report.duplicate, report.updated) == (1, 0)

    other = tmp_path / "other.csv"
    other.write_text(CSV_HEADER + "Essilor;Varilux A;1,5;e5;cercle, tiret\n", encoding="utf-8")
    refused = import_lenses(db, other)
    assert refused.refused == 1 and "d'autres symboles" in refused.problems[0].message

    report = import_lenses(db, other, update=True)
    assert report.written and report.updated == 1
    assert catalogue.get_lens(db, lens_id).symbols == ("tiret", "cercle")
    changed = audit.lens_history(db, lens_id)[0]
    assert (changed.old, changed.new) == ({"symbols": ["oeil"]}, {"symbols": ["tiret", "cercle"]})

    without = tmp_path / "without.csv"
    without.write_text(
        "Fournisseur;Nom;Indice;Gravure nasale;Hauteur min\nEssilor;Varilux A;1,5;e5;16\n", encoding="utf-8"
    )
    assert import_lenses(db, without, update=True).updated == 1
    detail = catalogue.get_lens(db, lens_id)
    assert (detail.hauteur_min, detail.symbols) == (16, ("tiret", "cercle"))
    assert "symbols" not in audit.lens_history(db, lens_id)[0].new

    # Another code is another lens (the import's identity rule): added beside it, with the
    # file's shapes, and the first lens keeps its own.
    beside = tmp_path / "beside.csv"
    beside.write_text(CSV_HEADER + "Essilor;Varilux A;1,5;e6;oeil\n", encoding="utf-8")
    report = import_lenses(db, beside, update=True)
    assert (report.new, report.updated) == (1, 0)
    assert catalogue.get_lens(db, lens_id).symbols == ("tiret", "cercle")

    emptied = tmp_path / "emptied.csv"
    emptied.write_text(CSV_HEADER + "Essilor;Varilux A;1,5;e5;\n", encoding="utf-8")
    assert import_lenses(db, emptied, update=True).updated == 1
    assert catalogue.get_lens(db, lens_id).symbols == ()


def test_an_imported_lens_is_audited_with_its_shapes(db: Database, tmp_path: Path) -> None:
    from data import audit
    from data.transfer import import_lenses

    path = tmp_path / "f.json"
    path.write_text(json.dumps([
        {"fournisseur": "Essilor", "nom": "Varilux A", "indice": 1.5, "gravure_nasale": "e5",
         "symboles": ["e_soleil", "oeil"]},
        {"fournisseur": "Essilor", "nom": "Varilux B", "indice": 1.6},
    ]), encoding="utf-8")
    assert import_lenses(db, path).written
    for lens_id in catalogue.lens_ids(db, LensQuery()):
        detail = catalogue.get_lens(db, lens_id)
        [created] = audit.lens_history(db, lens_id)
        assert created.new["symbols"] == list(detail.symbols)
    assert {catalogue.get_lens(db, i).symbols for i in catalogue.lens_ids(db, LensQuery())} == {
        ("oeil", "e_soleil"), (),
    }


def test_a_column_of_shapes_under_a_header_of_its_own_is_proposed_and_read(
    sqlite_db: Database, tmp_path: Path
) -> None:
    from data.transfer import ImportOptions, import_lenses, proposed_columns, sample_columns

    path = tmp_path / "f.csv"
    path.write_text(
        "Fournisseur;Nom;Indice;Gravure nasale;formes_gravees\nEssilor;Varilux A;1,5;e5;oeil, e_soleil\n",
        encoding="utf-8",
    )
    samples = {s.header: s for s in sample_columns(path, "csv")}
    assert samples["formes_gravees"].field is None and samples["formes_gravees"].suggestion == "symboles"
    columns = proposed_columns(tuple(samples.values()))
    assert columns["formes_gravees"] == "symboles"
    assert import_lenses(sqlite_db, path, options=ImportOptions(columns=columns)).written
    [lens_id] = catalogue.lens_ids(sqlite_db, LensQuery())
    assert catalogue.get_lens(sqlite_db, lens_id).symbols == ("oeil", "e_soleil")


def test_valid_lines_are_imported_with_their_shapes_and_an_unknown_shape_goes_to_the_rejects(
    db: Database, tmp_path: Path
) -> None:
    from data.transfer import commit_import, prepare_import, write_rejects

    path = tmp_path / "f.json"
    path.write_text(json.dumps([
        {"fournisseur": "Essilor", "nom": "Varilux A", "indice": 1.5, "symboles": ["oeil", "cercle"]},
        {"fournisseur": "Essilor", "nom": "Varilux B", "indice": 1.6, "symboles": ["oeill"]},
        {"fournisseur": "Essilor", "nom": "Varilux C", "indice": 1.67, "symboles": "tiret"},
    ]), encoding="utf-8")
    prepared = prepare_import(db, path, valid_only=True)
    assert prepared.writable and set(prepared.rejects) == {2}
    assert "Symbole inconnu : « oeill »" in prepared.rejects[2]
    assert commit_import(db, prepared).new == 2
    shapes = {
        catalogue.get_lens(db, lens_id).nom: catalogue.get_lens(db, lens_id).symbols
        for lens_id in catalogue.lens_ids(db, LensQuery())
    }
    assert shapes == {"Varilux A": ("cercle", "oeil"), "Varilux C": ("tiret",)}  # vocabulary order
    written = write_rejects(path, "json", prepared.rejects)
    [back] = json.loads(written.path.read_text(encoding="utf-8"))
    assert back["symboles"] == ["oeill"] and "oeill" in back["Motif"]
