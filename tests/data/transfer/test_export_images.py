"""Stored engraving images go with an export (a folder beside the file) and come back on import."""

from __future__ import annotations

import csv
import errno
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, func, select

from data import catalogue
from data.database import Database
from data.models import Fournisseur, Gamme, Historique, ImageGravure, Materiau, Serie, Verre
from data.query import LensQuery
from data.transfer import TransferError, export_lenses, export_rows, exporter, images, import_lenses
from tests.factories import lens_values, make_refs, picture

RED = picture("red")
BLUE = picture("blue", "JPEG")
GREEN = picture("green")
HEADER = "Image gravure (fichier)"


def build_catalogue(db: Database) -> dict[str, int]:
    """Six lenses: two share the red PNG, one has a blue JPEG, one (Hoya) a green PNG, two none."""
    essilor = make_refs(db)
    hoya = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
    ids = {
        "red 1": catalogue.create_lens(db, lens_values(essilor, indice=1.5), RED).lens_id,
        "red 2": catalogue.create_lens(db, lens_values(essilor, indice=1.6, variante="Court"), RED).lens_id,
        "blue": catalogue.create_lens(db, lens_values(essilor, indice=1.67, gravure_nasale="c74"), BLUE).lens_id,
        "none": catalogue.create_lens(db, lens_values(essilor, indice=1.74, url_gravure="https://x.fr/g.png")).lens_id,
        "green": catalogue.create_lens(db, lens_values(hoya, nom="MyStyle", indice=1.6, hauteur_min=None), GREEN).lens_id,
        "none 2": catalogue.create_lens(db, lens_values(hoya, nom="Nulle part", indice=1.5, gamme_id=None,
                                                        serie_id=None, materiau_id=None)).lens_id,
    }
    return ids


def snapshot(db: Database) -> list[tuple[object, ...]]:
    """Every field of every lens by names, with its image's bytes and type (ids differ)."""
    result = []
    for lens_id in catalogue.lens_ids(db, LensQuery()):
        d = catalogue.get_lens(db, lens_id)
        image = catalogue.get_image(db, d.image_id) if d.image_id is not None else None
        result.append((d.fournisseur, d.gamme, d.serie, d.nom, d.variante, d.materiau, d.indice,
                       d.hauteur_min, d.hauteur_max, d.gravure_nasale, d.url_gravure, d.url_source, image))
    return sorted(result, key=repr)


def wipe(db: Database) -> None:
    with db.transaction() as s:
        for model in (Verre, Serie, Gamme, Fournisseur, Materiau, Historique, ImageGravure):
            s.execute(delete(model))


def image_count(db: Database) -> int:
    with db.transaction() as s:
        return int(s.execute(select(func.count()).select_from(ImageGravure)).scalar_one())


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def name_of(content: bytes, ext: str) -> str:
    return hashlib.sha256(content).hexdigest() + ext


# ---------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_then_import_into_an_empty_catalogue_gives_back_every_image(
    db: Database, tmp_path: Path, fmt: str
) -> None:
    build_catalogue(db)
    before = snapshot(db)
    path = tmp_path / f"catalogue.{fmt}"
    result = export_lenses(db, path)
    assert (result.count, result.images) == (6, 3)
    assert result.images_folder == str(tmp_path / "catalogue_images")
    wipe(db)
    report = import_lenses(db, path)
    assert report.refused == 0 and report.new == 6, report.problems
    assert report.new_images == 3
    assert snapshot(db) == before  # every field, each image's bytes and type
    assert image_count(db) == 3  # the shared image is stored once


def test_each_image_is_written_once_named_by_its_content(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_catalogue(sqlite_db)
    # Small chunks and batches: the red image's two lenses fall in different chunks.
    monkeypatch.setattr(export_rows, "CHUNK", 1)
    monkeypatch.setattr(images, "FETCH_IMAGES", 1)
    path = tmp_path / "catalogue.csv"
    result = export_lenses(sqlite_db, path)
    folder = tmp_path / "catalogue_images"
    expected = {name_of(RED, ".png"): RED, name_of(BLUE, ".jpg"): BLUE, name_of(GREEN, ".png"): GREEN}
    assert folder_state(folder) == expected and result.images == 3
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()} == {0o600}
    with path.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.reader(stream, delimiter=";"))
    assert rows[0][-1] == HEADER and len(rows[0]) == 13
    cells = [row[-1] for row in rows[1:]]
    assert cells == [
        f"catalogue_images/{name_of(RED, '.png')}", f"catalogue_images/{name_of(RED, '.png')}",
        f"catalogue_images/{name_of(BLUE, '.jpg')}", "", f"catalogue_images/{name_of(GREEN, '.png')}", "",
    ]
    assert hidden(tmp_path) == []


def test_json_and_xlsx_name_the_image_like_the_csv(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    export_lenses(sqlite_db, tmp_path / "a.json")
    items = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert items[0]["image_gravure"] == f"a_images/{name_of(RED, '.png')}"
    assert items[3]["image_gravure"] is None
    export_lenses(sqlite_db, tmp_path / "b.xlsx")
    sheet = load_workbook(tmp_path / "b.xlsx").active
    assert sheet["M1"].value == HEADER
    assert sheet["M4"].value == f"b_images/{name_of(BLUE, '.jpg')}" and sheet["M4"].data_type == "s"
    assert sheet["M5"].value is None


def test_an_export_without_images_has_no_folder_and_no_column(db: Database, tmp_path: Path) -> None:
    build_catalogue(db)
    with db.transaction() as s:
        hoya = catalogue.find_reference(s, "fournisseur", "Hoya")
    assert hoya is not None
    query = LensQuery(supplier_ids=(hoya,), indices=(1.5,))  # "Nulle part": no image
    result = export_lenses(db, tmp_path / "a.csv", query=query)
    assert result.count == 1 and result.images == 0 and result.images_folder is None
    assert not (tmp_path / "a_images").exists()
    header = (tmp_path / "a.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.endswith("URL source")
    # The filtered view decides: the Hoya lenses together do have an image.
    assert export_lenses(db, tmp_path / "b.json", query=LensQuery(supplier_ids=(hoya,))).images == 1


# ---------------------------------------------------------------- all or nothing


def earlier_export(db: Database, tmp_path: Path) -> tuple[Path, bytes, dict[str, bytes]]:
    """An export of the red lenses only, as an earlier run left it."""
    build_catalogue(db)
    path = tmp_path / "catalogue.csv"
    export_lenses(db, path, query=LensQuery(indices=(1.5,)))
    folder = folder_state(tmp_path / "catalogue_images")
    assert list(folder) == [name_of(RED, ".png")]
    return path, path.read_bytes(), folder


def test_a_failed_export_keeps_the_earlier_file_and_folder(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, old_file, old_folder = earlier_export(sqlite_db, tmp_path)
    real = exporter.write_csv

    def full_at_the_end(*args: object) -> None:
        real(*args)  # every row and image written, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(exporter, "write_csv", full_at_the_end)
    with pytest.raises(TransferError, match="Disque plein"):
        export_lenses(sqlite_db, path)
    assert path.read_bytes() == old_file
    assert folder_state(tmp_path / "catalogue_images") == old_folder
    assert hidden(tmp_path) == []


def test_a_file_that_cannot_be_put_in_place_puts_the_earlier_folder_back(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, old_file, old_folder = earlier_export(sqlite_db, tmp_path)

    def refused(*_args: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(exporter.os, "replace", refused)  # after the new folder moved in
    with pytest.raises(TransferError, match="Accès refusé"):
        export_lenses(sqlite_db, path)
    assert path.read_bytes() == old_file
    assert folder_state(tmp_path / "catalogue_images") == old_folder
    assert hidden(tmp_path) == []


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_a_cancelled_export_keeps_the_earlier_file_and_folder(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    build_catalogue(sqlite_db)
    path = tmp_path / f"catalogue.{fmt}"
    export_lenses(sqlite_db, path, query=LensQuery(indices=(1.5,)))
    old_file, old_folder = path.read_bytes(), folder_state(tmp_path / "catalogue_images")
    monkeypatch.setattr(export_rows, "CHUNK", 2)
    seen: list[int] = []
    result = export_lenses(sqlite_db, path, progress=lambda done, _t: seen.append(done),
                           cancel=lambda: bool(seen) and seen[-1] >= 2)
    assert result.cancelled and seen[-1] == 2  # images of the first chunk were written
    assert path.read_bytes() == old_file
    assert folder_state(tmp_path / "catalogue_images") == old_folder
    assert hidden(tmp_path) == []


def test_a_successful_export_replaces_the_folder_as_a_whole(sqlite_db: Database, tmp_path: Path) -> None:
    path, _old_file, _old_folder = earlier_export(sqlite_db, tmp_path)
    folder = tmp_path / "catalogue_images"
    export_lenses(sqlite_db, path, query=LensQuery(indices=(1.67,)))
    assert list(folder_state(folder)) == [name_of(BLUE, ".jpg")]  # the red image is gone
    # An export without any image removes the folder of the file it replaces.
    result = export_lenses(sqlite_db, path, query=LensQuery(indices=(1.74,)))
    assert result.images == 0 and not folder.exists()
    assert hidden(tmp_path) == []


def test_a_folder_holding_other_files_is_never_replaced(sqlite_db: Database, tmp_path: Path) -> None:
    build_catalogue(sqlite_db)
    folder = tmp_path / "catalogue_images"
    folder.mkdir()
    (folder / "notes.txt").write_text("à moi", encoding="utf-8")
    with pytest.raises(TransferError, match="« catalogue_images » existe déjà"):
        export_lenses(sqlite_db, tmp_path / "catalogue.csv")
    assert not (tmp_path / "catalogue.csv").exists()
    assert folder_state(folder) == {"notes.txt": "à moi".encode()}
    # Without images the export leaves it alone.
    assert export_lenses(sqlite_db, tmp_path / "catalogue.csv", query=LensQuery(indices=(1.74,))).count == 1
    assert folder_state(folder) == {"notes.txt": "à moi".encode()}
    assert hidden(tmp_path) == []
