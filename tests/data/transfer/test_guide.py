"""Real supplier files: the valid lines imported, the others handed back, columns named,
swaps read back, references mapped (issue: supplier guides)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from data import catalogue
from data.config import load_settings
from data.database import Database, open_database
from data.migrate import upgrade
from data.models import Fournisseur, Materiau, Verre
from data.name_matching import near_duplicates, rank, reference_key
from data.transfer import (
    ColumnsError,
    ImportOptions,
    commit_import,
    import_lenses,
    parse_aliases,
    parse_columns,
    prepare_import,
    proposed_columns,
    rejects_path,
    sample_columns,
    write_rejects,
)
from tests.guide_files import clean_row, fix_rejects, write_guide


def catalogue_of(db: Database) -> list[tuple[object, ...]]:
    """Every lens as a person compares two catalogues: its values and its references' names."""
    with db.transaction() as s:
        rows = s.execute(
            select(
                Fournisseur.nom, Verre.nom, Materiau.nom, Verre.indice, Verre.hauteur_min,
                Verre.hauteur_max, Verre.gravure_nasale, Verre.url_source,
            )
            .join(Fournisseur, Verre.fournisseur_id == Fournisseur.id)
            .outerjoin(Materiau, Verre.materiau_id == Materiau.id)
        ).tuples().all()
    return sorted((*r[:3], round(r[3], 3), *r[4:]) for r in rows)


def valid_only(db: Database, path: Path, **kwargs: object) -> tuple[object, dict[int, str]]:
    prepared = prepare_import(db, path, valid_only=True, **kwargs)  # type: ignore[arg-type]
    report = commit_import(db, prepared) if prepared.writable else prepared.report
    return report, prepared.rejects


def test_a_guide_imports_its_valid_lines_and_its_fixed_rejects_give_the_clean_catalogue(
    db: Database, tmp_path: Path
) -> None:
    """The admin's journey: valid lines first, the rejects fixed by a script and imported:
    the catalogue is then what the clean file gives (on each database)."""
    guide = write_guide(tmp_path / "guide")
    report, rejects = valid_only(db, guide.path)
    assert report.written and report.valid_only  # type: ignore[attr-defined]
    assert report.refused_lines == len(rejects) == guide.bad_lines  # type: ignore[attr-defined]
    written = write_rejects(guide.path, "csv", rejects)
    assert written.path == rejects_path(guide.path, "csv") == guide.path.with_name("guide.refus.csv")
    assert written.lines == guide.bad_lines
    fixed = tmp_path / "guide" / "corrigé.csv"
    fix_rejects(written.path, fixed)
    again = import_lenses(db, fixed)
    assert again.written and again.refused == 0

    assert import_lenses(db, guide.clean, dry_run=True).to_write == 0  # nothing missing, nothing other
    assert catalogue_of(db) == clean_catalogue(guide.clean, tmp_path / "propre.db")


def clean_catalogue(clean: Path, file: Path) -> list[tuple[object, ...]]:
    """What the clean file gives, imported into an empty catalogue of its own."""
    url = f"sqlite:///{file.as_posix()}"
    other = open_database(url, load_settings(cli_url=url), pool_size=2)
    try:
        upgrade(other)
        assert import_lenses(other, clean).written
        return catalogue_of(other)
    finally:
        other.dispose()


def test_nothing_of_a_refused_line_is_written(db: Database, tmp_path: Path) -> None:
    """A line listing two indices, one refused, writes neither; a conflicting pair writes neither."""
    path = tmp_path / "f.csv"
    path.write_text(
        "Fournisseur;Nom;Indice;Hauteur min\n"
        "Hoya;A;1,5 / 1,6;14\n"
        "Hoya;B;1,5 - Tbc;14\n"
        "Hoya;C;1,5;14\n"
        "Hoya;C;1,5;16\n"
        "Hoya;C;1,5;14\n",  # a copy of a refused line: refused too
        encoding="utf-8",
    )
    report, rejects = valid_only(db, path)
    assert sorted(rejects) == [3, 4, 5, 6]
    assert "Tbc" in rejects[3] and "ligne 5" in rejects[4] and "Hauteur min" in rejects[5]
    assert "elle-même refusée" in rejects[6]
    with db.transaction() as s:
        assert sorted(s.execute(select(Verre.nom, Verre.indice)).tuples()) == [("A", 1.5), ("A", 1.6)]


def test_all_or_nothing_stays_the_default(db: Database, tmp_path: Path) -> None:
    guide = write_guide(tmp_path, 200)
    report = import_lenses(db, guide.path)
    assert report.refused and not report.written
    assert catalogue_of(db) == []


@pytest.mark.parametrize(("encoding", "delimiter"), [("cp1252", "\t"), ("utf-16", ","), ("utf-8", ";")])
def test_rejects_keep_the_files_encoding_and_separator(
    sqlite_db: Database, tmp_path: Path, encoding: str, delimiter: str
) -> None:
    guide = write_guide(tmp_path, 60, encoding=encoding, delimiter=delimiter)
    _report, rejects = valid_only(sqlite_db, guide.path)
    written = write_rejects(guide.path, "csv", rejects)
    text = written.path.read_bytes().decode(encoding)
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines(), delimiter=delimiter))
    assert rows[0][-1] == "Motif" and len(rows) - 1 == guide.bad_lines
    long_name = next(r[1] for r in rows[1:] if len(r[1]) > 100)  # the whole name is kept
    assert "ce qui tient" in next(r[-1] for r in rows[1:] if r[1] == long_name)


def test_xlsx_and_json_rejects(sqlite_db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fournisseur", "Nom", "Indice"])
    sheet.append(["Hoya", "A", 1.5])
    sheet.append(["Hoya", "B", "Tbc"])
    workbook.save(tmp_path / "a.xlsx")
    _report, rejects = valid_only(sqlite_db, tmp_path / "a.xlsx")
    written = write_rejects(tmp_path / "a.xlsx", "xlsx", rejects)
    assert written.path.name == "a.refus.csv"
    assert written.path.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Hoya;B;Tbc;\"Indice : « Tbc »")

    items = [{"fournisseur": "Hoya", "nom": "C", "indice": 1.5}, {"fournisseur": "Hoya", "nom": "D", "indice": "1,6è"}]
    (tmp_path / "b.json").write_text(json.dumps(items), encoding="utf-8")
    _report, rejects = valid_only(sqlite_db, tmp_path / "b.json")
    written = write_rejects(tmp_path / "b.json", "json", rejects)
    (item,) = json.loads(written.path.read_text(encoding="utf-8"))
    assert item["nom"] == "D" and "1,67 tapé sans Maj" in item["Motif"]


def test_swapped_index_and_material_are_said_then_read_back(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("Fournisseur;Nom;Matériau;Indice\nHoya;A;1,5;ORG\nHoya;B;ORG;1,6\n", encoding="utf-8")
    report = import_lenses(sqlite_db, path, dry_run=True)
    assert report.swappable == 1 and report.problems[0].kind == "inversion"
    assert "indice et matériau inversés ?" in report.problems[0].message
    report = import_lenses(sqlite_db, path, options=ImportOptions(swap=True))
    assert report.written and report.swapped == 1
    with sqlite_db.transaction() as s:
        assert s.execute(select(Verre.indice).where(Verre.nom == "A")).scalar_one() == 1.5


def test_lenses_differing_in_material_or_engraving_are_not_duplicates(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "Fournisseur;Nom;Matériau;Indice;Gravure\n"
        "Essilor;Comfort;ORG;1,5;AB\nEssilor;Comfort;Minéral;1,5;AB\nEssilor;Comfort;ORG;1,5;CD\n",
        encoding="utf-8",
    )
    report = import_lenses(sqlite_db, path)
    assert (report.new, report.duplicate, report.refused) == (3, 0, 0)
    # Again, with a file that has no material nor engraving column: the lens is found (the first).
    again = tmp_path / "g.csv"
    again.write_text("Fournisseur;Nom;Indice;Hauteur min\nEssilor;Comfort;1,5;14\n", encoding="utf-8")
    assert import_lenses(sqlite_db, again, update=True).updated == 1


def test_unknown_columns_are_named(sqlite_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text(
        "marque;nom_du_verre;glass_index;nasal_engraving;haut_de_montage;lien_fiche;remarque\n"
        "Hoya;A;1,5;AB;14 à 20mm;https://x.fr/a;rien\nHoya;B;1,67;CD;16/19;https://x.fr/b;\n",
        encoding="utf-8",
    )
    with pytest.raises(ColumnsError) as raised:
        import_lenses(sqlite_db, path, dry_run=True)
    assert "glass_index" in raised.value.headers
    samples = {s.header: s for s in sample_columns(path, "csv")}
    assert samples["glass_index"].field is None and samples["glass_index"].suggestion == "indice"
    assert samples["glass_index"].values == ("1,5", "1,67")
    assert samples["nom_du_verre"].field == "nom" and samples["haut_de_montage"].field == "hauteur_min"
    assert samples["lien_fiche"].suggestion == "url_source" and samples["remarque"].suggestion is None
    columns = proposed_columns(tuple(samples.values()))
    assert columns["glass_index"] == "indice" and columns["remarque"] == ""
    report = import_lenses(sqlite_db, path, options=ImportOptions(columns=columns))
    assert report.written and report.new == 2
    with sqlite_db.transaction() as s:
        assert s.execute(select(Verre.hauteur_min, Verre.hauteur_max).where(Verre.nom == "A")).one() == (14, 20)
    assert parse_columns(["glass_index=indice", "remarque=ignorer"]) == {"glass_index": "indice", "remarque": ""}
    with pytest.raises(ValueError, match="n'est pas un champ"):
        parse_columns(["glass_index=prix"])


def test_new_references_come_with_the_existing_ones_they_may_be(sqlite_db: Database, tmp_path: Path) -> None:
    for kind, name in (("fournisseur", "Essilor"), ("fournisseur", "Shamir"), ("materiau", "CR-39")):
        catalogue.create_reference(sqlite_db, kind, name)
    path = tmp_path / "f.csv"
    path.write_text(
        "Fournisseur;Nom;Matériau;Indice\nESSILOR FR;A;CR 39;1,5\nSHAMIR FRANCE;B;CR39;1,6\nEssilor;C;ORG Pola;1,5\n",
        encoding="utf-8",
    )
    report = import_lenses(sqlite_db, path, dry_run=True)
    proposals = {r.name: r.proposal for r in report.new_references}
    assert proposals == {"ESSILOR FR": "Essilor", "SHAMIR FRANCE": "Shamir", "CR 39": "CR-39", "CR39": "CR-39", "ORG Pola": ""}
    aliases = {(r.kind, r.name): r.proposal for r in report.new_references if r.proposal}
    report = import_lenses(sqlite_db, path, options=ImportOptions(aliases=aliases))
    assert report.written and [r.name for r in report.new_references] == ["ORG Pola"]
    assert {str(r) for r in report.mapped_references} >= {"fournisseur « ESSILOR FR » → « Essilor »"}
    with sqlite_db.transaction() as s:
        assert sorted(s.execute(select(Fournisseur.nom)).scalars()) == ["Essilor", "Shamir"]
    assert parse_aliases(["fournisseur:ESSILOR FR=Essilor"]) == {("fournisseur", "ESSILOR FR"): "Essilor"}


def test_reference_keys_and_ranking() -> None:
    assert reference_key("Essilor S.A.S.") == reference_key("ESSILOR FRANCE") == "essilor"
    assert reference_key("CR 39") == reference_key("CR-39") == reference_key("cr39")
    assert rank("Rodenstok", ["Rodenstock", "Hoya"])[0][0] == "Rodenstock"
    assert rank("Hoya", ["Zeiss"]) == []
    pairs = near_duplicates([(1, "Essilor"), (2, "ESSILOR FR"), (3, "Hoya"), (4, "Rodenstock"), (5, "Rodenstok")])
    assert {(a[0], b[0]) for a, b, _score in pairs} == {(1, 2)}  # close spellings: import proposals only
    assert rank("Organique 1.5", ["Organique 1.56"]) == []


def test_the_guide_fixture_is_what_the_issue_describes(tmp_path: Path) -> None:
    guide = write_guide(tmp_path, 6000)
    assert guide.bad_lines == 720  # 600 spoiled lenses, 120 of them as conflicting pairs
    assert clean_row(7)[1] == "Design 2 Actif"
