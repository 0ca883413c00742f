"""Importing engraving images named by path in a catalogue file: checks, classification, audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from data import audit, catalogue
from data.database import Database
from data.models import Fournisseur, ImageGravure, Verre
from data.query import LensQuery
from data.transfer import (
    EXISTS,
    TransferError,
    commit_import,
    images,
    import_lenses,
    prepare_import,
    report_lines,
)
from tests.factories import lens_values, make_refs, picture

RED = picture("red")
BLUE = picture("blue", "JPEG")
HEADER = "Fournisseur;Gamme;Série;Nom;Matériau;Indice;Hauteur min;Hauteur max;Gravure nasale;URL source;Image gravure\n"
# The catalogue lens of ``make_refs`` + ``lens_values`` as a row, image path to append.
SAME = "Essilor;Varilux;Comfort Max;Varilux Comfort Max;Orma;1,6;14;20;AIPZ;https://www.essilor.com/fr-fr/;"


def write_csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "import.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def put(folder: Path, name: str, content: bytes) -> str:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return name


def stored(db: Database) -> dict[str, int]:
    with db.transaction() as s:
        return {
            "verres": s.execute(select(func.count()).select_from(Verre)).scalar_one(),
            "fournisseurs": s.execute(select(func.count()).select_from(Fournisseur)).scalar_one(),
            "images": s.execute(select(func.count()).select_from(ImageGravure)).scalar_one(),
        }


def image_of(db: Database, lens_id: int) -> bytes | None:
    detail = catalogue.get_lens(db, lens_id)
    return None if detail.image_id is None else catalogue.get_image(db, detail.image_id)[0]


def only_lens(db: Database) -> int:
    (lens_id,) = catalogue.lens_ids(db, LensQuery())
    return int(lens_id)


# ---------------------------------------------------------------- reading the column


@pytest.mark.parametrize("header", [
    "Image gravure", "IMAGE GRAVURE (FICHIER)", "Image de gravure", "Fichier image", "fichier_image",
    "Fichier de l'image", "Engraving image", "Image file", "image path",
])
def test_the_image_column_is_found_by_its_french_or_english_names(
    sqlite_db: Database, tmp_path: Path, header: str
) -> None:
    put(tmp_path, "dessins/rouge.png", RED)
    path = write_csv(tmp_path, "Hoya;A;1,6;dessins/rouge.png", header=f"Fournisseur;Nom;Indice;{header}\n")
    report = import_lenses(sqlite_db, path)
    assert report.written and report.new_images == 1, report.problems
    assert image_of(sqlite_db, only_lens(sqlite_db)) == RED


def test_paths_are_relative_to_the_file_or_absolute(sqlite_db: Database, tmp_path: Path) -> None:
    put(tmp_path, "d/rouge.png", RED)
    elsewhere = tmp_path / "ailleurs"
    put(elsewhere, "bleu.jpg", BLUE)
    catalogue_folder = tmp_path / "d"
    path = write_csv(
        catalogue_folder,
        "Hoya;A;1,5;rouge.png",
        "Hoya;B;1,5;sous/../rouge.png",  # ".." that stays inside the folder is fine
        f"Hoya;C;1,5;{elsewhere / 'bleu.jpg'}",
        "Hoya;D;1,5;.\\rouge.png",  # written on Windows
        "Hoya;E;1,5;  ",
        header="Fournisseur;Nom;Indice;Image gravure\n",
    )
    report = import_lenses(sqlite_db, path)
    assert report.written and report.new == 5 and report.new_images == 2, report.problems
    by_name = {catalogue.get_lens(sqlite_db, i).nom: i for i in catalogue.lens_ids(sqlite_db, LensQuery())}
    assert [image_of(sqlite_db, by_name[n]) for n in "ABCDE"] == [RED, RED, BLUE, RED, None]
    assert stored(sqlite_db)["images"] == 2


def test_the_image_is_given_with_its_type(sqlite_db: Database, tmp_path: Path) -> None:
    put(tmp_path, "bleu.jpg", BLUE)
    import_lenses(sqlite_db, write_csv(tmp_path, "Hoya;A;1,5;bleu.jpg", header="Fournisseur;Nom;Indice;Image gravure\n"))
    detail = catalogue.get_lens(sqlite_db, only_lens(sqlite_db))
    assert detail.image_id is not None
    assert catalogue.get_image(sqlite_db, detail.image_id) == (BLUE, "image/jpeg")


# ---------------------------------------------------------------- refusals

REFUSALS = [
    ("absente.png", "Fichier image introuvable : « absente.png » (cherché dans {folder})."),
    ("notes.png", "« notes.png » : Seules les images PNG ou JPEG sont acceptées."),
    ("cassee.png", "« cassee.png » : Le fichier n'est pas une image PNG ou JPEG lisible."),
    ("vide.png", "« vide.png » : Le fichier image est vide."),
    ("grande.png", "« grande.png » : Image trop volumineuse (5,0 Mo) : 5 Mo au maximum."),
    ("dossier", "« dossier » est un dossier, pas un fichier image."),
    ("../dehors.png",
     "« ../dehors.png » remonte au-dessus du dossier du fichier importé (« .. ») : un catalogue ne prend "
     "ses images que dans son dossier et ses sous-dossiers. Déplacez l'image, ou donnez son chemin complet."),
    ("a/../../dehors.png",
     "« a/../../dehors.png » remonte au-dessus du dossier du fichier importé (« .. ») : un catalogue ne "
     "prend ses images que dans son dossier et ses sous-dossiers. Déplacez l'image, ou donnez son chemin "
     "complet."),
]


def bad_files(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    put(folder, "notes.png", b"pas une image")
    put(folder, "cassee.png", RED[:40])  # a PNG signature, then nothing readable
    put(folder, "vide.png", b"")
    put(folder, "grande.png", RED + b"\0" * (5 * 1024 * 1024 + 1 - len(RED)))
    (folder / "dossier").mkdir()
    put(folder.parent, "dehors.png", RED)  # exists, but outside the file's folder
    put(folder, "rouge.png", RED)


@pytest.mark.parametrize(("cell", "message"), REFUSALS)
def test_a_bad_image_path_is_refused_with_its_line_and_why(
    sqlite_db: Database, tmp_path: Path, cell: str, message: str
) -> None:
    folder = tmp_path / "catalogue"
    bad_files(folder)
    path = write_csv(folder, SAME + "rouge.png", SAME.replace("1,6", "1,5") + cell)
    report = import_lenses(sqlite_db, path)
    assert report.refused == 1 and not report.written
    assert [str(p) for p in report.problems] == [
        "ligne 3, Image gravure : " + message.format(folder=folder)
    ]
    assert stored(sqlite_db) == {"verres": 0, "fournisseurs": 0, "images": 0}


def test_an_unreadable_image_file_is_refused(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path, "verrou.png", RED)
    real = Path.read_bytes

    def locked(self: Path) -> bytes:
        if self.name == "verrou.png":  # what chmod 000 does, for a user who is not root
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", locked)
    report = import_lenses(sqlite_db, write_csv(tmp_path, SAME + "verrou.png"))
    assert [str(p) for p in report.problems] == [
        "ligne 2, Image gravure : Fichier image illisible : « verrou.png » (accès refusé)."
    ]
    assert stored(sqlite_db) == {"verres": 0, "fournisseurs": 0, "images": 0}


def test_bad_images_write_nothing_on_every_database(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "catalogue"
    bad_files(folder)
    rows = [SAME + "rouge.png", *(f"Hoya;;;V{i};;1,5;;;;;{cell}" for i, (cell, _m) in enumerate(REFUSALS))]
    report = import_lenses(db, write_csv(folder, *rows))
    assert report.refused == len(REFUSALS) and not report.written
    assert [p.line for p in report.problems] == list(range(3, 3 + len(REFUSALS)))
    assert stored(db) == {"verres": 0, "fournisseurs": 0, "images": 0}


def test_each_image_file_is_read_once_in_pass_one_and_no_bytes_are_kept(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(tmp_path, "rouge.png", RED)
    put(tmp_path, "bleu.jpg", BLUE)
    put(tmp_path, "copie.png", RED)  # another name, the same content: one image
    rows = [f"Hoya;V{i};1,5;{('rouge.png', 'bleu.jpg', 'copie.png')[i % 3]}" for i in range(600)]
    path = write_csv(tmp_path, *rows, header="Fournisseur;Nom;Indice;Image gravure\n")
    checked: list[bytes] = []
    real = images.decode_check_image

    def counting(content: bytes) -> tuple[str | None, str | None]:
        checked.append(content)
        return real(content)

    monkeypatch.setattr(images, "decode_check_image", counting)
    prepared = prepare_import(sqlite_db, path)
    assert len(checked) == 3  # one per path, not per row
    assert prepared.report.new_images == 2
    assert [(i.shown, i.mime) for i in prepared.images] == [("rouge.png", "image/png"), ("bleu.jpg", "image/jpeg")]
    assert not any(isinstance(v, bytes) for i in prepared.images for v in vars(i).values())
    report = commit_import(sqlite_db, prepared)
    assert report.written and report.new == 600
    assert stored(sqlite_db)["images"] == 2


def test_an_image_changed_between_the_preview_and_the_import_stops_it(db: Database, tmp_path: Path) -> None:
    put(tmp_path, "rouge.png", RED)
    prepared = prepare_import(db, write_csv(tmp_path, "Hoya;A;1,5;rouge.png", header="Fournisseur;Nom;Indice;Image gravure\n"))
    put(tmp_path, "rouge.png", BLUE)
    with pytest.raises(TransferError, match="« rouge.png » a changé depuis l'analyse"):
        commit_import(db, prepared)
    assert stored(db) == {"verres": 0, "fournisseurs": 0, "images": 0}


def test_cancel_after_the_images_are_stored_writes_nothing(db: Database, tmp_path: Path) -> None:
    put(tmp_path, "rouge.png", RED)
    put(tmp_path, "bleu.jpg", BLUE)
    path = write_csv(tmp_path, "Hoya;A;1,5;rouge.png", "Hoya;B;1,5;bleu.jpg", header="Fournisseur;Nom;Indice;Image gravure\n")
    prepared = prepare_import(db, path)
    polls = {"n": 0}

    def cancel() -> bool:
        polls["n"] += 1
        return polls["n"] > 2  # once both images are in, before the lenses

    report = commit_import(db, prepared, cancel=cancel)
    assert report.cancelled and not report.written
    assert stored(db) == {"verres": 0, "fournisseurs": 0, "images": 0}


# ---------------------------------------------------------------- against the catalogue


def lens_with_image(db: Database, content: bytes | None = RED) -> int:
    return catalogue.create_lens(db, lens_values(make_refs(db)), content).lens_id


def test_the_same_lens_with_the_same_image_is_a_duplicate(db: Database, tmp_path: Path) -> None:
    lens_with_image(db)
    put(tmp_path, "img/copie.png", RED)
    report = import_lenses(db, write_csv(tmp_path, SAME + "img/copie.png"))
    assert (report.new, report.updated, report.duplicate, report.refused) == (0, 0, 1, 0)
    assert report.new_images == 0 and stored(db)["images"] == 1


def test_another_image_needs_update_and_is_audited(db: Database, tmp_path: Path) -> None:
    lens_id = lens_with_image(db)
    red_id = catalogue.get_lens(db, lens_id).image_id
    put(tmp_path, "bleu.jpg", BLUE)
    path = write_csv(tmp_path, SAME + "bleu.jpg")
    refused = import_lenses(db, path)
    assert refused.refused == 1 and refused.problems[0].kind == EXISTS
    assert "avec une autre image de gravure, utilisez --update" in refused.problems[0].message
    assert image_of(db, lens_id) == RED and stored(db)["images"] == 1

    done = import_lenses(db, path, update=True)
    assert (done.updated, done.new_images) == (1, 1) and done.written
    detail = catalogue.get_lens(db, lens_id)
    assert image_of(db, lens_id) == BLUE and detail.version == 2
    entry = audit.lens_history(db, lens_id)[0]
    assert entry.action == audit.MODIFICATION and entry.batch == done.batch_id
    assert entry.old == {"image_id": red_id} and entry.new == {"image_id": detail.image_id}
    assert audit.catalogue_history(db, action=audit.IMPORT)[0].new["images"] == 1


def test_an_empty_cell_removes_the_image_on_update(db: Database, tmp_path: Path) -> None:
    lens_id = lens_with_image(db)
    path = write_csv(tmp_path, SAME)
    assert import_lenses(db, path).refused == 1  # no image is another image
    report = import_lenses(db, path, update=True)
    assert report.updated == 1
    assert catalogue.get_lens(db, lens_id).image_id is None
    assert audit.lens_history(db, lens_id)[0].new == {"image_id": None}


def test_without_an_image_column_an_update_keeps_the_image(db: Database, tmp_path: Path) -> None:
    lens_id = lens_with_image(db)
    red_id = catalogue.get_lens(db, lens_id).image_id
    path = write_csv(tmp_path, "Essilor;Varilux Comfort Max;1,6;18", header="Marque;Nom;Indice;Hauteur min\n")
    assert import_lenses(db, path, update=True).updated == 1
    detail = catalogue.get_lens(db, lens_id)
    assert detail.image_id == red_id and detail.hauteur_min == 18
    assert audit.lens_history(db, lens_id)[0].new == {"hauteur_min": 18}


def test_a_json_object_without_the_key_keeps_the_image_and_null_removes_it(db: Database, tmp_path: Path) -> None:
    first = lens_with_image(db)
    refs = make_refs(db)
    second = catalogue.create_lens(db, lens_values(refs, indice=1.5), RED).lens_id
    items = [
        {"fournisseur": "Essilor", "nom": "Varilux Comfort Max", "indice": 1.6, "hauteur_min": 15},
        {"fournisseur": "Essilor", "nom": "Varilux Comfort Max", "indice": 1.5, "image_gravure": None},
    ]
    (tmp_path / "a.json").write_text(json.dumps(items), encoding="utf-8")
    report = import_lenses(db, tmp_path / "a.json", update=True)
    assert report.updated == 2, report.problems
    assert image_of(db, first) == RED and catalogue.get_lens(db, first).hauteur_min == 15
    assert image_of(db, second) is None


def test_an_image_already_in_the_catalogue_is_reused(db: Database, tmp_path: Path) -> None:
    lens_id = lens_with_image(db)
    put(tmp_path, "rouge.png", RED)
    report = import_lenses(db, write_csv(tmp_path, SAME.replace("1,6", "1,5") + "rouge.png"))
    assert report.new == 1 and report.new_images == 0
    assert "nouvelle image" not in "\n".join(report_lines(report))
    ids = {catalogue.get_lens(db, i).image_id for i in catalogue.lens_ids(db, LensQuery())}
    assert ids == {catalogue.get_lens(db, lens_id).image_id} and stored(db)["images"] == 1


def test_the_same_lens_twice_in_the_file_with_two_images_is_a_conflict(db: Database, tmp_path: Path) -> None:
    put(tmp_path, "rouge.png", RED)
    put(tmp_path, "copie.png", RED)
    put(tmp_path, "bleu.jpg", BLUE)
    header = "Fournisseur;Nom;Indice;Image gravure\n"
    same = import_lenses(db, write_csv(tmp_path, "Hoya;A;1,5;rouge.png", "Hoya;A;1,5;copie.png", header=header),
                         dry_run=True)
    assert (same.new, same.duplicate, same.refused) == (1, 1, 0)
    other = import_lenses(db, write_csv(tmp_path, "Hoya;A;1,5;rouge.png", "Hoya;A;1,5;bleu.jpg", header=header))
    assert other.refused == 2 and str(other.problems[0]).startswith("ligne 3 : même verre")
    assert "mais Image gravure diffère" in str(other.problems[0])


def test_new_lenses_are_audited_with_their_image(db: Database, tmp_path: Path) -> None:
    put(tmp_path, "rouge.png", RED)
    report = import_lenses(db, write_csv(tmp_path, "Hoya;A;1,5;rouge.png", header="Fournisseur;Nom;Indice;Image gravure\n"))
    lens_id = only_lens(db)
    (created,) = audit.lens_history(db, lens_id)
    assert created.batch == report.batch_id
    image_id = catalogue.get_lens(db, lens_id).image_id
    assert image_id is not None and created.new["image_id"] == image_id
    assert "À enregistrer : 1 nouvelle image de gravure." in report_lines(report)
