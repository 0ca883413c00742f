"""Exporting the filtered view to CSV, XLSX and JSON, and reading it back field for field."""

from __future__ import annotations

import errno
import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete

from data import catalogue
from data.database import Database
from data.models import Fournisseur, Gamme, Historique, Materiau, Serie, Verre
from data.query import LensQuery
from data.transfer import TransferError, export_lenses, export_rows, exporter, import_lenses
from tests.factories import lens_values, make_refs

TRICKY = [
    {"nom": "=HYPERLINK(\"http://x\")", "variante": "+2", "gravure_nasale": "@cmd"},
    {"nom": "Sérénité; « été »", "variante": '"Court"', "gravure_nasale": "-5"},
    {"nom": "'apostrophe", "variante": None, "gravure_nasale": "'"},
    {"nom": "Œil & Cœur, 1,67", "variante": "Court", "gravure_nasale": "c74"},
]


def build_catalogue(db: Database) -> None:
    essilor = make_refs(db)
    hoya = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
    for i, extra in enumerate(TRICKY):
        catalogue.create_lens(db, lens_values(essilor, indice=1.5 + i / 10, **extra))
    catalogue.create_lens(db, lens_values(hoya, nom="MyStyle", indice=1.67, hauteur_min=None,
                                          hauteur_max=None, url_source=None,
                                          url_gravure="https://hoya.fr/g.png", variante=None))
    catalogue.create_lens(db, lens_values(hoya, nom="Nulle part", indice=1.74, gamme_id=None,
                                          serie_id=None, materiau_id=None, gravure_nasale=None,
                                          url_source=None, hauteur_min=0, hauteur_max=100))


def snapshot(db: Database) -> list[tuple[object, ...]]:
    """Every exported field of every lens, by names (ids differ between catalogues)."""
    result = []
    for lens_id in catalogue.lens_ids(db, LensQuery()):
        d = catalogue.get_lens(db, lens_id)
        result.append((d.fournisseur, d.gamme, d.serie, d.nom, d.variante, d.materiau, d.indice,
                       d.hauteur_min, d.hauteur_max, d.gravure_nasale, d.url_gravure, d.url_source))
    return sorted(result, key=repr)


def wipe(db: Database) -> None:
    with db.transaction() as s:
        for model in (Verre, Serie, Gamme, Fournisseur, Materiau, Historique):
            s.execute(delete(model))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_into_an_empty_catalogue_gives_it_back(db: Database, tmp_path: Path, fmt: str) -> None:
    build_catalogue(db)
    before = snapshot(db)
    path = tmp_path / f"catalogue.{fmt}"
    result = export_lenses(db, path)
    assert result.count == len(before) and result.format == fmt
    wipe(db)
    report = import_lenses(db, path)
    assert report.refused == 0 and report.new == len(before), report.problems
    assert snapshot(db) == before


@pytest.mark.parametrize(("fmt", "expected"), [("csv", "=x"), ("xlsx", "=x"), ("json", "'=x")])
def test_a_name_starting_with_quote_and_formula_character(
    sqlite_db: Database, tmp_path: Path, fmt: str, expected: str
) -> None:
    """The one text the spreadsheet convention cannot carry: ``'=x`` reads back as ``=x``
    (the import removes a ``'`` put before a formula character). JSON keeps it."""
    refs = make_refs(sqlite_db)
    catalogue.create_lens(sqlite_db, lens_values(refs, nom="'=x"))
    export_lenses(sqlite_db, tmp_path / f"a.{fmt}")
    wipe(sqlite_db)
    import_lenses(sqlite_db, tmp_path / f"a.{fmt}")
    assert snapshot(sqlite_db)[0][3] == expected


def test_csv_is_what_french_excel_expects(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    path = tmp_path / "a.csv"
    export_lenses(sqlite_db, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0] == (
        "Fournisseur;Gamme;Série;Nom;Variante;Matériau;Indice;Hauteur min;Hauteur max;"
        "Gravure nasale;URL gravure;URL source"
    )
    assert "'=HYPERLINK" in lines[1] and ";'+2;" in lines[1] and ";'@cmd;" in lines[1]
    assert ";1,5;" in lines[1] and ";1,67;" in text and ";'-5;" in text
    assert '"Sérénité; « été »"' in text


def test_xlsx_text_is_never_a_formula(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    path = tmp_path / "a.xlsx"
    export_lenses(sqlite_db, path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    workbook = load_workbook(path)
    sheet = workbook.active
    cell = sheet["D2"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
    assert sheet["G2"].value == 1.5 and sheet["G2"].data_type == "n"


def test_json_is_one_object_a_line(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    path = tmp_path / "a.json"
    export_lenses(sqlite_db, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 8
    items = json.loads(path.read_text(encoding="utf-8"))
    assert items[0]["nom"] == '=HYPERLINK("http://x")' and items[0]["indice"] == 1.5


def test_export_follows_the_filters(db: Database, tmp_path: Path) -> None:
    build_catalogue(db)
    with db.transaction() as s:
        hoya = catalogue.find_reference(s, "fournisseur", "Hoya")
    assert hoya is not None
    cases = {
        LensQuery(supplier_ids=(hoya,)): 2,
        LensQuery(indices=(1.67,)): 1,
        LensQuery(fitting_height=10): 2,  # unknown and 0 mm minimums stay, 14 mm does not fit
        LensQuery(text="c74"): 1,
    }
    for query, expected in cases.items():
        assert export_lenses(db, tmp_path / "f.json", query=query).count == expected


def test_rows_are_streamed_in_id_chunks(sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_catalogue(sqlite_db)
    monkeypatch.setattr(export_rows, "CHUNK", 2)
    seen: list[tuple[int, int]] = []
    result = export_lenses(sqlite_db, tmp_path / "a.json", progress=lambda d, t: seen.append((d, t)))
    assert seen == [(0, 6), (2, 6), (4, 6), (6, 6)] and result.count == 6
    names = [item["nom"] for item in json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))]
    assert names[0] == TRICKY[0]["nom"] and names[-1] == "Nulle part"


def test_file_is_owner_only_and_no_temporary_file_is_left(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    for fmt in ("csv", "xlsx", "json"):
        path = tmp_path / f"a.{fmt}"
        export_lenses(sqlite_db, path)
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_disk_full_leaves_nothing_and_keeps_the_old_file(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_catalogue(sqlite_db)
    path = tmp_path / "a.csv"
    path.write_text("ancien", encoding="utf-8")

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(exporter, "write_csv", full)
    with pytest.raises(TransferError, match="Disque plein"):
        export_lenses(sqlite_db, path)
    assert path.read_text(encoding="utf-8") == "ancien"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_permission_denied_is_a_clear_message(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(exporter.tempfile, "mkstemp", denied)
    with pytest.raises(TransferError, match="Accès refusé"):
        export_lenses(sqlite_db, tmp_path / "a.xlsx")


def test_missing_folder_and_unknown_format(sqlite_db: Database, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="n'existe pas"):
        export_lenses(sqlite_db, tmp_path / "nulle" / "a.csv")
    with pytest.raises(TransferError, match="--format"):
        export_lenses(sqlite_db, tmp_path / "a.pdf")
    with pytest.raises(TransferError, match="dossier"):
        export_lenses(sqlite_db, tmp_path, "csv")


def test_cancel_leaves_no_file(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    result = export_lenses(sqlite_db, tmp_path / "a.xlsx", cancel=lambda: True)
    assert result.cancelled
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.name.startswith("catalogue.db")]


def test_xlsx_is_written_through_openpyxls_public_api_only() -> None:
    """No copy of openpyxl's private save routine: its writer module may change in any release."""
    import ast

    import data.transfer.write_xlsx as write_xlsx

    tree = ast.parse(Path(write_xlsx.__file__).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name and name.startswith("openpyxl.writer")}


@pytest.mark.parametrize("text", ["\t=1+1", "\r=1+1", "\tplain", "\rplain"])
def test_a_leading_tab_or_carriage_return_is_guarded_like_a_formula(text: str) -> None:
    """Spreadsheets skip a leading tab or carriage return and may then run what follows."""
    from data.transfer import protect_formula, unprotect_formula

    assert protect_formula(text) == "'" + text
    assert unprotect_formula(protect_formula(text)) == text
