"""Importing supplier catalogues, on SQLite and on the real PostgreSQL and MariaDB servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from data import audit, catalogue
from data.database import Database
from data.errors import ConflictError
from data.models import Fournisseur, Gamme, Historique, Materiau, Serie, Verre
from data.query import LensQuery
from data.transfer import (
    CONFLICT,
    EXISTS,
    PROBLEM_LIMIT,
    TransferError,
    commit_import,
    discard_import,
    import_lenses,
    prepare_import,
    report_lines,
)
from tests.factories import lens_values, make_refs

HEADER = "Fournisseur;Gamme;Série;Nom;Variante;Matériau;Indice;Hauteur min;Hauteur max;Gravure nasale;URL source\n"


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "import.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def counts(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {
            model.__tablename__: s.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Verre, Fournisseur, Gamme, Serie, Materiau)
        }


def lenses(db: Database) -> list[tuple[object, ...]]:
    rows = catalogue.lens_rows(db, catalogue.lens_ids(db, LensQuery()))
    return sorted(
        (r.fournisseur, r.gamme, r.serie, r.nom, r.variante, r.materiau, r.indice,
         r.hauteur_min, r.hauteur_max, r.gravure_nasale)
        for r in rows
    )


def test_new_lenses_and_their_references_are_created(db: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        "ESSILOR;Varilux;Comfort Max;Varilux Comfort Max;;Orma;1,5 - 1,6 - 1,67;14;20;AIPZ;https://www.essilor.com",
        "Essilor;VARILUX;comfort max;Varilux X;Short;orma;1.74;;;c74;",
    )
    report = import_lenses(db, path)
    assert (report.new, report.updated, report.duplicate, report.refused) == (4, 0, 0, 0)
    assert report.written and report.rows == 2
    assert [str(r) for r in report.new_references] == [
        "fournisseur « ESSILOR »",
        "gamme « Varilux » (de ESSILOR)",
        "série « Comfort Max » (de ESSILOR › Varilux)",
        "matériau « Orma »",
    ]
    assert counts(db) == {"verres": 4, "fournisseurs": 1, "gammes": 1, "series": 1, "materiaux": 1}
    assert lenses(db)[:2] == [
        ("ESSILOR", "Varilux", "Comfort Max", "Varilux Comfort Max", None, "Orma", 1.5, 14, 20, "AIPZ"),
        ("ESSILOR", "Varilux", "Comfort Max", "Varilux Comfort Max", None, "Orma", 1.6, 14, 20, "AIPZ"),
    ]
    # The folded columns are what the service computes: search finds the imported lenses.
    assert catalogue.count_lenses(db, LensQuery(text="c74")) == 1
    assert catalogue.count_lenses(db, LensQuery(indices=(1.67,))) == 1


def test_existing_references_are_reused_by_folded_name(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db, supplier="Essilor", range_="Varilux", series="Comfort Max", material="Orma")
    path = write_csv(tmp_path, "ÉSSILOR ;VARILUX;COMFORT  MAX;Nouveau;;ORMA;1,6;;;;")
    report = import_lenses(db, path)
    assert report.new == 1 and report.new_references == ()
    (lens_id,) = catalogue.lens_ids(db, LensQuery())
    detail = catalogue.get_lens(db, lens_id)
    assert (detail.fournisseur_id, detail.gamme_id, detail.serie_id, detail.materiau_id) == (
        refs.supplier, refs.range_, refs.series, refs.material,
    )


def test_one_refused_row_writes_nothing(db: Database, tmp_path: Path) -> None:
    make_refs(db)
    before = counts(db)
    rows = [f"Hoya;Hoyalux;;Verre {i};;;1,6;;;;" for i in range(80)]
    rows[55] = "Hoya;Hoyalux;;Verre mauvais;;;2,5;;;;"
    path = write_csv(tmp_path, *rows)
    report = import_lenses(db, path)
    assert report.refused == 1 and not report.written
    assert [str(p) for p in report.problems] == [
        "ligne 57, Indice : Indice 2,5 hors limites (1,00 à 2,00)."
    ]
    assert counts(db) == before  # not even the new supplier or range


def test_line_numbers_are_physical_lines(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, 'Hoya;;;"Deux\nlignes";;;1,6;;;;', "Hoya;;;Mauvais;;;abc;;;;")
    report = import_lenses(db, path, dry_run=True)
    assert [str(p) for p in report.problems] == ["ligne 4, Indice : « abc » n'est pas un nombre (exemple : 1,67)."]


def test_problems_are_listed_up_to_the_limit_then_counted(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, *(f"Hoya;;;V{i};;;9;;;;" for i in range(PROBLEM_LIMIT + 150)))
    report = import_lenses(db, path, dry_run=True)
    assert report.refused == PROBLEM_LIMIT + 150
    assert len(report.problems) == PROBLEM_LIMIT and report.more_problems == 150
    assert "... et 150 autres problèmes." in "\n".join(report_lines(report))


INVALID_ROWS = [
    (";;;A;;;1,6;;;;", "Fournisseur", "Le fournisseur est obligatoire."),
    ("Hoya;;;;;;1,6;;;;", "Nom", "Le nom est obligatoire."),
    ("Hoya;;;" + "N" * 101 + ";;;1,6;;;;", "Nom",
     "101 caractères pour 100 au maximum ; ce qui tient : « " + "N" * 100 + "… »"),
    ("Hoya;;;A;" + "v" * 51 + ";;1,6;;;;", "Variante",
     "« " + "v" * 51 + " » : 50 caractères au maximum (actuellement 51)."),
    ("Hoya;;;A;;;;;;;", "Indice", "l'indice est vide (il est obligatoire)."),
    ("Hoya;;;A;;;un six;;;;", "Indice", "« un six » n'est pas un nombre (exemple : 1,67)."),
    ("Hoya;;;A;;;Tbc;;;;", "Indice", "« Tbc » : indice à confirmer, pas encore un nombre ; indiquez-le quand il est connu."),
    ("Hoya;;;A;;;pas d'indice;;;;", "Indice", "« pas d'indice » : le fichier ne donne pas d'indice (il est obligatoire)."),
    ("Hoya;;;A;;;1,6è;;;;", "Indice", "« 1,6è » n'est pas un nombre (1,67 tapé sans Maj ?)."),
    ("Hoya;;;A;;;1,7';;;;", "Indice", "« 1,7' » n'est pas un nombre (1,74 tapé sans Maj ?)."),
    ("Hoya;;;A;;;0,9;;;;", "Indice", "Indice 0,9 hors limites (1,00 à 2,00)."),
    ("Hoya;;;A;;;1,6;14,5;;;", "Hauteur min", "« 14,5 » : entrez un nombre entier de millimètres. "
     "Hauteur en millimètres, par exemple 14, 18mm, ≥ 14, 14 à 20mm, 14-18, 16/19."),
    ("Hoya;;;A;;;1,6;environ 14;;;", "Hauteur min", "« environ 14 » n'est pas une hauteur lisible. "
     "Hauteur en millimètres, par exemple 14, 18mm, ≥ 14, 14 à 20mm, 14-18, 16/19."),
    ("Hoya;;;A;;;1,6;;101;;", "Hauteur max", "« 101 » : la hauteur doit être comprise entre 0 et 100 mm."),
    ("Hoya;;;A;;;1,6;-1;;;", "Hauteur min", "« -1 » : la hauteur doit être comprise entre 0 et 100 mm."),
    ("Hoya;;;A;;;1,6;18;14;;", "Hauteur max",
     "La hauteur max. (14 mm) doit être supérieure ou égale à la hauteur min. (18 mm)."),
    ("Hoya;;;A;;;1,6;;;" + "G" * 51 + ";", "Gravure nasale",
     "« " + "G" * 51 + " » : 50 caractères au maximum (actuellement 51)."),
    ("Hoya;;;A;;;1,6;;;;ftp://x.fr", "URL source", "« ftp://x.fr » : seules les adresses http:// ou https:// sont acceptées."),
    ("Hoya;;;A;;;1,6;;;;https://x.fr/" + "p" * 250, "URL source",
     "« https://x.fr/" + "p" * 47 + "… » : 255 caractères au maximum (actuellement 263)."),
    ("Hoya;;;A;;;1,6;;;;https:///chemin", "URL source", "« https:///chemin » : adresse invalide : il manque le nom du site."),
    ("Hoya;;Comfort;A;;;1,6;;;;", "Gamme", "Indiquez la gamme de cette série."),
    ("F" * 101 + ";;;A;;;1,6;;;;", "Fournisseur", "« " + "F" * 60 + "… » : 100 caractères au maximum (actuellement 101)."),
    ("Hoya;" + "G" * 101 + ";;A;;;1,6;;;;", "Gamme", "« " + "G" * 60 + "… » : 100 caractères au maximum (actuellement 101)."),
    ("Hoya;;;A;;" + "M" * 101 + ";1,6;;;;", "Matériau", "« " + "M" * 60 + "… » : 100 caractères au maximum (actuellement 101)."),
    ("Hoya;;;A;;;1,5 -  - 1,6;;;;", "Indice", "Liste d'indices mal formée (un indice est vide)."),
    ("Hoya;;;A;;;1,5 - 3;;;;", "Indice", "Indice 3 hors limites (1,00 à 2,00)."),
    ("Hoya;;;A;;;1,5 / abc;;;;", "Indice", "« abc » n'est pas un nombre (exemple : 1,67)."),
]


@pytest.mark.parametrize(("row", "column", "message"), INVALID_ROWS)
def test_every_rule_refuses_with_its_column_and_message(
    sqlite_db: Database, tmp_path: Path, row: str, column: str, message: str
) -> None:
    path = write_csv(tmp_path, row)
    report = import_lenses(sqlite_db, path)
    assert report.refused >= 1 and not report.written
    assert f"ligne 2, {column} : {message}" in [str(p) for p in report.problems]
    assert counts(sqlite_db)["verres"] == 0


def test_invalid_values_write_nothing_on_every_database(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;;;A;;;1,6;;;;", *(row for row, _c, _m in INVALID_ROWS))
    report = import_lenses(db, path)
    # One refused lens per bad row; the good indices of the listed cells repeat earlier lenses
    # (duplicates), and a line is refused whole: only the first row's lens is new.
    assert (report.refused, report.new, report.duplicate) == (len(INVALID_ROWS), 1, 3)
    assert report.refused_lines == len(INVALID_ROWS)
    assert counts(db) == {"verres": 0, "fournisseurs": 0, "gammes": 0, "series": 0, "materiaux": 0}


def test_duplicates_inside_the_file_and_in_the_catalogue_are_skipped(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db)
    catalogue.create_lens(db, lens_values(refs, url_source=None, hauteur_min=14, hauteur_max=20))
    path = write_csv(
        tmp_path,
        "Essilor;Varilux;Comfort Max;Varilux Comfort Max;;Orma;1,60;14;20;AIPZ;",  # = catalogue
        "Hoya;;;Nouveau;;;1,5;;;;",
        "HOYA;;;Nouveau;;;1.5;;;;",  # same supplier (folded), same values: the same lens
    )
    report = import_lenses(db, path)
    assert (report.new, report.duplicate, report.refused) == (1, 2, 0)
    notes = [str(n) for n in report.duplicates]
    assert notes[0].startswith("ligne 2 : identique au verre n°")
    assert notes[1] == "ligne 4 : doublon de la ligne 3, ignoré."
    assert counts(db)["verres"] == 2


def test_the_same_lens_twice_with_different_values_is_refused(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;;;A;;;1,5;14;;;", "Hoya;;;A;;;1,5;16;;;")
    report = import_lenses(db, path)
    # Both lines are refused: neither is known to be the right one.
    assert report.refused == 2 and report.refused_lines == 2 and report.problems[0].kind == CONFLICT
    assert str(report.problems[0]).startswith("ligne 3 : même verre")
    assert "mais Hauteur min diffère" in str(report.problems[0])
    assert counts(db)["verres"] == 0


def test_a_changed_lens_needs_update(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, url_source=None)).lens_id
    path = write_csv(tmp_path, "Essilor;Varilux;Comfort Max;Varilux Comfort Max;;Orma;1,6;15;20;AIPZ;")
    refused = import_lenses(db, path)
    assert refused.refused == 1 and refused.problems[0].kind == EXISTS
    assert "existe déjà" in refused.problems[0].message and "utilisez --update" in refused.problems[0].message
    assert catalogue.get_lens(db, lens_id).hauteur_min == 14

    done = import_lenses(db, path, update=True)
    assert (done.new, done.updated, done.refused) == (0, 1, 0) and done.written
    detail = catalogue.get_lens(db, lens_id)
    assert detail.hauteur_min == 15 and detail.version == 2
    entries = audit.lens_history(db, lens_id)
    assert entries[0].action == audit.MODIFICATION and entries[0].batch == done.batch_id
    assert entries[0].old == {"hauteur_min": 14} and entries[0].new == {"hauteur_min": 15}


def test_update_keeps_the_fields_the_file_does_not_have(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, url_source="https://x.fr", hauteur_max=30)).lens_id
    path = write_csv(
        tmp_path, "Essilor;Varilux Comfort Max;1,6;18", header="Marque;Nom;Indice;Hauteur min\n"
    )
    report = import_lenses(db, path, update=True)
    assert report.updated == 1
    detail = catalogue.get_lens(db, lens_id)
    assert (detail.hauteur_min, detail.hauteur_max, detail.url_source) == (18, 30, "https://x.fr")
    assert (detail.gamme_id, detail.serie_id, detail.materiau_id) == (refs.range_, refs.series, refs.material)


def test_update_refused_when_the_merged_lens_breaks_a_rule(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, hauteur_max=20)).lens_id
    path = write_csv(tmp_path, "Essilor;Varilux Comfort Max;1,6;25", header="Marque;Nom;Indice;Hauteur min\n")
    report = import_lenses(db, path, update=True)
    assert report.refused == 1
    assert str(report.problems[0]) == (
        "ligne 2, hauteur max : La hauteur max. (20 mm) doit être supérieure ou égale à la "
        f"hauteur min. (25 mm) (avec les autres valeurs du verre n° {lens_id} du catalogue)."
    )


def test_formula_looking_text_is_imported_as_text(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;;;=HYPERLINK(\"x\");'-2;;1,5;;;@cmd;")
    assert import_lenses(db, path).new == 1
    (row,) = lenses(db)
    assert row[3] == '=HYPERLINK("x")' and row[4] == "-2" and row[9] == "@cmd"


def test_dry_run_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;Hoyalux;iD;A;;;1,5;;;;")
    report = import_lenses(db, path, dry_run=True)
    assert report.new == 1 and report.dry_run and not report.written
    assert [str(r) for r in report.new_references] == [
        "fournisseur « Hoya »", "gamme « Hoyalux » (de Hoya)", "série « iD » (de Hoya › Hoyalux)"
    ]
    assert counts(db)["fournisseurs"] == 0


def test_import_is_audited_once_and_each_lens_points_to_it(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;;;A;;;1,5 - 1,6;;;;")
    report = import_lenses(db, path, author="marc@comptoir")
    entries = audit.catalogue_history(db, action=audit.IMPORT)
    assert len(entries) == 1 and entries[0].id == report.batch_id
    assert entries[0].author == "marc@comptoir" and entries[0].new["fichier"] == "import.csv"
    assert entries[0].new["nouveaux"] == 2
    for lens_id in catalogue.lens_ids(db, LensQuery()):
        (created,) = audit.lens_history(db, lens_id)
        assert created.action == audit.CREATION and created.batch == report.batch_id
        assert created.batch_label == "Import d'import.csv"
        assert created.new["fournisseur"] == "Hoya" and created.new["id"] == lens_id
    with db.transaction() as s:
        supplier_entry = s.execute(select(Historique).where(Historique.cible == "fournisseur")).scalar_one()
    assert supplier_entry.lot == report.batch_id


def test_cancel_during_either_pass_writes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, *(f"Hoya;;;V{i};;;1,5;;;;" for i in range(3000)))
    first = import_lenses(db, path, cancel=lambda: True)
    assert first.cancelled and not first.written
    calls = {"n": 0}

    def cancel_in_pass_two() -> bool:
        calls["n"] += 1
        return calls["n"] > 3000 // 256  # pass 1 polls every 256 rows; pass 2 per chunk
    second = import_lenses(db, path, cancel=cancel_in_pass_two)
    assert second.cancelled and not second.written
    assert counts(db)["verres"] == 0 and counts(db)["fournisseurs"] == 0
    assert audit.count_history(db) == 0


def test_progress_rises_to_the_end(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, *(f"Hoya;;;V{i};;;1,5;;;;" for i in range(2000)))
    seen: list[tuple[int, int]] = []
    import_lenses(db, path, progress=lambda done, total: seen.append((done, total)))
    values = [done for done, _ in seen]
    assert values == sorted(values) and values[-1] == 1000 and {t for _, t in seen} == {1000}
    assert any(500 <= v < 1000 for v in values)


def test_a_preview_is_committed_once(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Hoya;;;A;;;1,5;;;;")
    prepared = prepare_import(db, path)
    assert prepared.report.new == 1 and counts(db)["verres"] == 0
    assert commit_import(db, prepared).written
    with pytest.raises(TransferError, match="déjà été utilisé"):
        commit_import(db, prepared)
    abandoned = prepare_import(db, path, update=True)
    assert abandoned.report.duplicate == 1 and not abandoned.writable
    again = prepare_import(db, write_csv(tmp_path, "Hoya;;;B;;;1,5;;;;", name="b.csv"))
    assert again.spill_path is not None and Path(again.spill_path).exists()
    discard_import(again)
    assert not Path(again.spill_path).exists()


def test_a_lens_added_elsewhere_meanwhile_aborts_the_import(db: Database, tmp_path: Path) -> None:
    refs = make_refs(db, supplier="Hoya")
    catalogue.create_lens(db, lens_values(refs, nom="Autre"))
    path = write_csv(tmp_path, "Hoya;;;A;;;1,5;;;;", "Hoya;;;B;;;1,6;;;;")
    prepared = prepare_import(db, path)
    catalogue.create_lens(db, lens_values(refs, nom="B", indice=1.6, gamme_id=None, serie_id=None))
    with pytest.raises(ConflictError, match="autre poste"):
        commit_import(db, prepared)
    assert counts(db)["verres"] == 2


def test_header_only_and_missing_columns_are_clear_errors(db: Database, tmp_path: Path) -> None:
    with pytest.raises(TransferError, match="que la ligne d'en-tête"):
        import_lenses(db, write_csv(tmp_path))
    with pytest.raises(TransferError, match="absentes : fournisseur, indice"):
        import_lenses(db, write_csv(tmp_path, "A", header="Nom\n"))


def test_xlsx_and_json_import(db: Database, tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Nom du verre", "Supplier", "Index", "Min height"])
    sheet.append(["Comfort", "Essilor", 1.67, 14])
    sheet.append(["Bad", "Essilor", 2.5, None])
    workbook.save(tmp_path / "a.xlsx")
    report = import_lenses(db, tmp_path / "a.xlsx")
    assert [str(p) for p in report.problems] == ["ligne 3, Index : Indice 2,5 hors limites (1,00 à 2,00)."]

    items = [{"nom": "Comfort", "fournisseur": "Essilor", "indice": 1.67, "hauteur_min": 14}]
    (tmp_path / "a.json").write_text(json.dumps(items), encoding="utf-8")
    assert import_lenses(db, tmp_path / "a.json").new == 1
    items[0]["indice"] = 7
    (tmp_path / "b.json").write_text(json.dumps(items), encoding="utf-8")
    bad = import_lenses(db, tmp_path / "b.json")
    assert [str(p) for p in bad.problems] == ["élément 1, indice : Indice 7 hors limites (1,00 à 2,00)."]


@pytest.mark.parametrize("remembered", [64, 1])
def test_json_objects_update_only_the_fields_each_one_gives(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, remembered: int
) -> None:
    """Objects of one file with different keys: each keeps the fields it leaves out, gives
    the others (``null`` clears), whichever object came before with which keys (and however
    few sets of keys the check remembers)."""
    monkeypatch.setattr("data.transfer.scan.PRESENT_SETS", remembered)
    base = {"fournisseur": "Essilor", "indice": 1.6, "hauteur_min": 14, "hauteur_max": 20,
            "url_source": "https://g.fr"}
    first = [{**base, "nom": name} for name in ("A", "B", "C", "D")]
    (tmp_path / "a.json").write_text(json.dumps(first), encoding="utf-8")
    assert import_lenses(db, tmp_path / "a.json").new == 4
    update = [
        {"nom": "A", "fournisseur": "Essilor", "indice": 1.6, "hauteur_min": 16},  # max, code kept
        {"nom": "B", "fournisseur": "Essilor", "indice": 1.6, "hauteur_max": None, "url_source": "https://h.fr"},
        {"nom": "C", "fournisseur": "Essilor", "indice": 1.6, "hauteur_min": 12},  # A's keys again
        {"nom": "D", "fournisseur": "Essilor", "indice": 1.6, "url_source": "https://j.fr", "hauteur_max": 30},
    ]
    (tmp_path / "b.json").write_text(json.dumps(update), encoding="utf-8")
    report = import_lenses(db, tmp_path / "b.json", update=True)
    assert (report.updated, report.refused) == (4, 0)
    with db.transaction() as session:
        found = {
            row[0]: tuple(row[1:])
            for row in session.execute(select(Verre.nom, Verre.hauteur_min, Verre.hauteur_max, Verre.url_source))
        }
    assert found == {
        "A": (16, 20, "https://g.fr"), "B": (14, None, "https://h.fr"), "C": (12, 20, "https://g.fr"),
        "D": (14, 30, "https://j.fr"),
    }


def test_the_shipped_sample_json_imports(sqlite_db: Database) -> None:
    from data.sample import SAMPLE_DIR

    report = import_lenses(sqlite_db, SAMPLE_DIR / "catalogue.json", dry_run=True)
    assert report.refused == 0 and report.new > 0
    assert set(report.ignored_columns) >= {"image"}
