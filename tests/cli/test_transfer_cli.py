"""``import`` and ``export`` from the command line: exit codes, French messages, nothing
written when anything is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data import admin, catalogue
from data.config import load_settings
from data.database import Database, open_database
from data.migrate import upgrade
from data.models import Fournisseur, Verre
from data.query import LensQuery
from main import main
from tests.factories import lens_values, make_refs, picture

PASSWORD = "vitrine-42"
HEADER = "Fournisseur;Nom;Indice;Hauteur min;Hauteur max\n"


@pytest.fixture
def url(db_url: str) -> str:
    """A migrated catalogue with an admin password, on each backend."""
    db = open_database(db_url, load_settings(cli_url=db_url), pool_size=2)
    try:
        upgrade(db)
        admin.set_password(db, PASSWORD)
    finally:
        db.dispose()
    return db_url


@pytest.fixture
def sqlite_catalogue(sqlite_url: str) -> str:
    db = open_database(sqlite_url, load_settings(cli_url=sqlite_url), pool_size=2)
    try:
        upgrade(db)
        admin.set_password(db, PASSWORD)
    finally:
        db.dispose()
    return sqlite_url


@pytest.fixture
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(admin.ENV_PASSWORD, PASSWORD)


def opened(url: str) -> Database:
    return open_database(url, load_settings(cli_url=url), pool_size=2)


def totals(url: str) -> tuple[int, int]:
    db = opened(url)
    try:
        with db.transaction() as s:
            return (
                s.execute(select(func.count()).select_from(Verre)).scalar_one(),
                s.execute(select(func.count()).select_from(Fournisseur)).scalar_one(),
            )
    finally:
        db.dispose()


def csv_file(tmp_path: Path, *rows: str, name: str = "tarif.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_import_writes_and_reports(url: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]) -> None:
    path = csv_file(tmp_path, "Essilor;Varilux;1,5 - 1,6;14;20", "ESSILOR;Varilux;1,6;14;20")
    code, out, err = run(capsys, "import", str(path), "--admin", "--database", url)
    assert code == 0, err
    assert out.strip() == "tarif.csv : 2 nouveaux, 0 mis à jour, 1 doublon, 0 refusé"
    assert "Import terminé : 2 verres écrits." in err
    assert "fournisseur « Essilor »" in err and "ligne 3 : doublon de la ligne 2" in err
    assert totals(url) == (2, 1)


def test_refused_import_exits_1_and_writes_nothing(
    url: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, "Essilor;Varilux;1,6;14;20", "Essilor;Autre;2,5;14;20")
    code, out, err = run(capsys, "import", str(path), "--admin", "--database", url)
    assert code == 1
    assert "ligne 3, Indice : Indice 2,5 hors limites (1,00 à 2,00)." in err
    assert "rien n'a été écrit" in err and "1 refusé" in out
    assert totals(url) == (0, 0)


def test_dry_run_needs_no_admin_and_writes_nothing(
    sqlite_catalogue: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, "Essilor;Varilux;1,6;14;20")
    code, out, err = run(capsys, "import", str(path), "--dry-run", "--database", sqlite_catalogue)
    assert code == 0 and "1 nouveau" in out and "Vérification seule" in err
    assert totals(sqlite_catalogue) == (0, 0)


def test_import_without_admin_exits_2(sqlite_catalogue: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = csv_file(tmp_path, "Essilor;Varilux;1,6;14;20")
    code, _out, err = run(capsys, "import", str(path), "--database", sqlite_catalogue)
    assert code == 2 and "--admin" in err
    assert totals(sqlite_catalogue) == (0, 0)


def test_wrong_password_exits_1(
    sqlite_catalogue: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(admin.ENV_PASSWORD, "pas-le-bon")
    path = csv_file(tmp_path, "Essilor;Varilux;1,6;14;20")
    code, _out, err = run(capsys, "import", str(path), "--admin", "--database", sqlite_catalogue)
    assert code == 1 and "incorrect" in err
    assert totals(sqlite_catalogue) == (0, 0)


def test_update_option(sqlite_catalogue: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]) -> None:
    db = opened(sqlite_catalogue)
    try:
        refs = make_refs(db)
        lens_id = catalogue.create_lens(db, lens_values(refs, gamme_id=None, serie_id=None, materiau_id=None,
                                                        gravure_nasale=None, url_source=None)).lens_id
    finally:
        db.dispose()
    path = csv_file(tmp_path, "Essilor;Varilux Comfort Max;1,6;15;20")
    code, _out, err = run(capsys, "import", str(path), "--admin", "--database", sqlite_catalogue)
    assert code == 1 and "existe déjà" in err and "utilisez --update" in err
    code, out, _err = run(capsys, "import", str(path), "--admin", "--update", "--database", sqlite_catalogue)
    assert code == 0 and "1 mis à jour" in out
    db = opened(sqlite_catalogue)
    try:
        assert catalogue.get_lens(db, lens_id).hauteur_min == 15
    finally:
        db.dispose()


BAD_FILES = {
    "vide.csv": (b"", "vide"),
    "entete.csv": (HEADER.encode(), "que la ligne d'en-tête"),
    "binaire.csv": (bytes(range(256)) * 40, "binaires"),
    "encodage.csv": (b"Fournisseur;Nom;Indice\nA\x81;B\x9d;1,5\n", "Encodage"),
    "colonnes.csv": (b"Nom;Prix\nA;1\n", "absentes : fournisseur, indice"),
    "ligne.csv": (b"Nom;" * 400_000, "trop longue"),
    "faux.xlsx": (b"PK\x03\x04 pas un classeur", "classeur Excel"),
    "faux.json": (b'{"nom": "A"}', "liste d'objets"),
    "image.png": (b"\x89PNG\r\n", "--format"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_exit_1_with_a_french_message(
    sqlite_catalogue: str, tmp_path: Path, password: None, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    content, message = BAD_FILES[name]
    (tmp_path / name).write_bytes(content)
    code, _out, err = run(capsys, "import", str(tmp_path / name), "--admin", "--database", sqlite_catalogue)
    assert code == 1
    assert err.startswith("Erreur : ") and message in err
    assert totals(sqlite_catalogue) == (0, 0)


def test_missing_file_exits_1(sqlite_catalogue: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "import", str(tmp_path / "absent.csv"), "--dry-run", "--database", sqlite_catalogue)
    assert code == 1 and "introuvable" in err


def test_export_filters_and_prints_the_path(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = opened(url)
    try:
        essilor = make_refs(db)
        hoya = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
        catalogue.create_lens(db, lens_values(essilor, indice=1.6))
        catalogue.create_lens(db, lens_values(essilor, indice=1.67, gravure_nasale="AICX"))
        catalogue.create_lens(db, lens_values(hoya, indice=1.67, nom="MyStyle", hauteur_min=None))
    finally:
        db.dispose()
    target = tmp_path / "sortie.json"
    code, out, err = run(capsys, "export", str(target), "--supplier", "ESSILOR", "--index", "1,67",
                         "--database", url)
    assert code == 0, err
    assert out.strip() == str(target) and "1 verre exporté (JSON)." in err
    assert [item["gravure_nasale"] for item in json.loads(target.read_text(encoding="utf-8"))] == ["AICX"]
    code, _out, _err = run(capsys, "export", str(tmp_path / "h.csv"), "--height", "10", "--search", "style",
                           "--database", url)
    assert code == 0
    assert (tmp_path / "h.csv").read_text(encoding="utf-8-sig").count("\n") == 2


def test_export_unknown_supplier_or_bad_index(sqlite_catalogue: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(capsys, "export", str(tmp_path / "a.csv"), "--supplier", "Inconnu",
                          "--database", sqlite_catalogue)
    assert code == 1 and "Fournisseur inconnu : « Inconnu »" in err
    code, _out, err = run(capsys, "export", str(tmp_path / "a.csv"), "--index", "un virgule six",
                          "--database", sqlite_catalogue)
    assert code == 2 and "Indice invalide" in err
    code, _out, err = run(capsys, "export", str(tmp_path / "a.ods"), "--database", sqlite_catalogue)
    assert code == 1 and "--format" in err
    assert not any(p.name.startswith("a.") for p in tmp_path.iterdir())


def test_export_then_import_round_trip_through_the_command_line(
    sqlite_catalogue: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    db = opened(sqlite_catalogue)
    try:
        catalogue.create_lens(db, lens_values(make_refs(db), nom="=1+1", variante="@x"))
    finally:
        db.dispose()
    target = tmp_path / "c.xlsx"
    assert run(capsys, "export", str(target), "--database", sqlite_catalogue)[0] == 0
    other = "sqlite:///" + (tmp_path / "autre.db").as_posix()
    code, out, err = run(capsys, "import", str(target), "--admin", "--database", other)
    assert code == 0, err
    assert "1 nouveau" in out


def test_export_then_import_carries_the_engraving_images(
    url: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    red, blue = picture("red"), picture("blue", "JPEG")
    db = opened(url)
    try:
        refs = make_refs(db)
        catalogue.create_lens(db, lens_values(refs, indice=1.5), red)
        catalogue.create_lens(db, lens_values(refs, indice=1.6), red)
        catalogue.create_lens(db, lens_values(refs, indice=1.67), blue)
        catalogue.create_lens(db, lens_values(refs, indice=1.74))
    finally:
        db.dispose()
    target = tmp_path / "export" / "catalogue.csv"
    target.parent.mkdir()
    code, out, err = run(capsys, "export", str(target), "--database", url)
    assert code == 0, err
    assert out.strip() == str(target)
    folder = target.parent / "catalogue_images"
    assert f"2 images de gravure écrites dans le dossier {folder}." in err
    assert sorted(p.read_bytes() for p in folder.iterdir()) == sorted([red, blue])

    other = "sqlite:///" + (tmp_path / "autre.db").as_posix()
    code, out, err = run(capsys, "import", str(target), "--admin", "--database", other)
    assert code == 0, err
    assert "4 nouveaux" in out and "À enregistrer : 2 nouvelles images de gravure." in err
    db = opened(other)
    try:
        images = [catalogue.get_lens(db, i).image_id for i in catalogue.lens_ids(db, LensQuery())]
        assert [catalogue.get_image(db, i)[0] if i else None for i in images] == [red, red, blue, None]
    finally:
        db.dispose()


def test_a_missing_image_file_refuses_the_import(
    sqlite_catalogue: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "dessins").mkdir()
    (tmp_path / "dessins" / "a.png").write_bytes(picture("red"))
    path = tmp_path / "tarif.csv"
    path.write_text(
        "Fournisseur;Nom;Indice;Fichier image\nEssilor;A;1,6;dessins/a.png\nEssilor;B;1,6;dessins/b.png\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "import", str(path), "--admin", "--database", sqlite_catalogue)
    assert code == 1 and "1 refusé" in out
    assert (
        f"ligne 3, Fichier image : Fichier image introuvable : « dessins/b.png » (cherché dans "
        f"{tmp_path / 'dessins'})." in err
    )
    assert "rien n'a été écrit" in err
    assert totals(sqlite_catalogue) == (0, 0)


def test_valid_only_imports_the_valid_lines_and_hands_back_the_others(
    url: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = csv_file(tmp_path, "Essilor;Varilux;1,6;14;20", "Essilor;Autre;Tbc;14;20", "Hoya;Nulux;1,5;≥ 14;")
    code, out, err = run(capsys, "import", str(path), "--admin", "--valid-only", "--database", url)
    assert code == 0, err
    assert "Import des lignes valides terminé : 2 verres écrits ; 1 ligne refusée" in err
    rejects = tmp_path / "tarif.refus.csv"
    assert f"1 ligne refusée rendue, avec leur motif, dans : {rejects}" in err
    assert rejects.read_text(encoding="utf-8").splitlines() == [
        "Fournisseur;Nom;Indice;Hauteur min;Hauteur max;Motif",
        'Essilor;Autre;Tbc;14;20;"Indice : « Tbc » : indice à confirmer, pas encore un nombre ; indiquez-le quand il est connu."',
    ]
    assert totals(url) == (2, 2)


def test_columns_named_on_the_command_line(
    sqlite_catalogue: str, tmp_path: Path, password: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "guide.csv"
    path.write_text("marque;nom_du_verre;glass_index\nHoya;A;1,5\n", encoding="utf-8")
    code, _out, err = run(capsys, "import", str(path), "--admin", "--database", sqlite_catalogue)
    assert code == 1 and "--column" in err
    code, _out, err = run(
        capsys, "import", str(path), "--admin", "--column", "glass_index=indice",
        "--rejects", str(tmp_path / "r.csv"), "--database", sqlite_catalogue,
    )
    assert code == 0, err
    assert totals(sqlite_catalogue) == (1, 1) and not (tmp_path / "r.csv").exists()
    code, _out, err = run(capsys, "import", str(path), "--column", "glass_index=prix", "--database", sqlite_catalogue)
    assert code == 2 and "n'est pas un champ" in err
