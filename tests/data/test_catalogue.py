"""The catalogue service, run on SQLite and on the real PostgreSQL and MariaDB servers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from data import catalogue
from data.errors import (
    ConflictError,
    DBOperationError,
    NotFoundError,
    ReadOnlyError,
    ReferenceInUseError,
    ValidationError,
)
from data.models import Fournisseur, Verre
from data.query import LensQuery
from tests.factories import lens_values, make_refs


def lens_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Verre)).scalar_one()


def test_create_and_get_lens(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, indice="1,67", variante="Short")).lens_id
    detail = catalogue.get_lens(db, lens_id)
    assert detail.nom == "Varilux Comfort Max"
    assert detail.fournisseur == "Essilor" and detail.gamme == "Varilux" and detail.serie == "Comfort Max"
    assert detail.indice == 1.67
    assert detail.version == 1


def test_index_167_is_found_exactly(db):
    """MariaDB FLOAT would miss 1.67: the column is double precision."""
    refs = make_refs(db)
    catalogue.create_lens(db, lens_values(refs, indice=1.67))
    catalogue.create_lens(db, lens_values(refs, indice=1.6, nom="Autre"))
    assert catalogue.count_lenses(db, LensQuery(indices=(1.67,))) == 1
    with db.transaction() as s:
        assert s.execute(select(func.count()).select_from(Verre).where(Verre.indice == 1.67)).scalar_one() == 1


def test_invalid_lens_writes_nothing(db):
    refs = make_refs(db)
    with pytest.raises(ValidationError) as info:
        catalogue.create_lens(db, lens_values(refs, indice="2,5", hauteur_min=18, hauteur_max=14))
    assert "indice" in info.value.report.errors
    assert "hauteur_max" in info.value.report.errors
    assert lens_count(db) == 0


def test_references_must_agree(db):
    essilor = make_refs(db)
    hoya = make_refs(db, "Hoya", "Hoyalux", "iD MyStyle", "Eyas")
    with pytest.raises(ValidationError) as info:
        catalogue.create_lens(db, lens_values(essilor, gamme_id=hoya.range_, serie_id=hoya.series))
    assert "gamme_id" in info.value.report.errors
    with pytest.raises(ValidationError):
        catalogue.create_lens(db, lens_values(essilor, fournisseur_id=999_999))
    assert lens_count(db) == 0


@pytest.mark.parametrize(
    "column, value",
    [("indice", 2.5), ("hauteur_min", -1), ("hauteur_max", 101), ("gamme_id", 999999)],
)
def test_database_constraints_refuse_what_bypasses_the_service(db, column, value):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    with pytest.raises(DBOperationError):
        with db.transaction() as s:
            s.execute(sa.update(Verre).where(Verre.id == lens_id).values({column: value}))
    assert catalogue.get_lens(db, lens_id).indice == 1.6


def test_database_refuses_swapped_heights_and_mismatched_series(db):
    refs = make_refs(db)
    other = make_refs(db, "Essilor", "Varilux", "Physio", "Orma")
    second_range = make_refs(db, "Essilor", "Eyezen", "Start", "Orma")
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    for values in ({"hauteur_min": 30, "hauteur_max": 20},
                   {"serie_id": second_range.series},
                   {"gamme_id": None}):
        with pytest.raises(DBOperationError):
            with db.transaction() as s:
                s.execute(sa.update(Verre).where(Verre.id == lens_id).values(values))
    assert other.series != refs.series


def test_update_bumps_version_and_detects_conflicts(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    first = catalogue.get_lens(db, lens_id)
    second = catalogue.get_lens(db, lens_id)
    assert catalogue.update_lens(db, lens_id, {**first.form_values(), "indice": "1,5"}, first.version).version == 2
    with pytest.raises(ConflictError) as info:
        catalogue.update_lens(db, lens_id, {**second.form_values(), "nom": "Écrasé"}, second.version)
    assert "modifié par un autre poste" in str(info.value)
    current = catalogue.get_lens(db, lens_id)
    assert current.indice == 1.5 and current.nom == "Varilux Comfort Max"


def test_update_of_deleted_lens_is_a_conflict(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.delete_lenses(db, [lens_id])
    with pytest.raises(ConflictError):
        catalogue.update_lens(db, lens_id, detail.form_values(), detail.version)


def test_delete_and_restore(db):
    refs = make_refs(db)
    ids = [catalogue.create_lens(db, lens_values(refs, nom=f"Verre {i}")).lens_id for i in range(3)]
    snapshots = catalogue.delete_lenses(db, ids[:2]).snapshots
    assert [s.nom for s in snapshots] == ["Verre 0", "Verre 1"]
    assert lens_count(db) == 1
    for snap in snapshots:
        assert catalogue.restore_lens(db, snap).lens_id == snap.id
    assert lens_count(db) == 3
    with pytest.raises(NotFoundError):
        catalogue.get_lens(db, 987654)


def test_reference_names_are_unique_ignoring_case_and_accents(db):
    first = catalogue.create_reference(db, "fournisseur", "Essilor").reference_id
    with pytest.raises(ValidationError) as info:
        catalogue.create_reference(db, "fournisseur", "  ÉSSILOR ")
    assert "existe déjà" in str(info.value)
    with db.transaction() as s:
        assert catalogue.get_or_create_reference(s, "fournisseur", "essilor") == first
    with pytest.raises(DBOperationError):
        with db.transaction() as s:
            s.add(Fournisseur(nom="ESSILOR", nom_normalise="essilor"))


def test_delete_reference_in_use_is_refused_with_count(db):
    refs = make_refs(db)
    for i in range(2):
        catalogue.create_lens(db, lens_values(refs, nom=f"V{i}"))
    with pytest.raises(ReferenceInUseError) as info:
        catalogue.delete_reference(db, "fournisseur", refs.supplier)
    assert info.value.lens_count == 2
    assert "2 verres l'utilisent" in str(info.value)
    unused = catalogue.create_reference(db, "materiau", "Trivex").reference_id
    catalogue.delete_reference(db, "materiau", unused)
    assert [m.nom for m in catalogue.list_materials(db)] == ["Orma"]


def test_merge_suppliers_moves_lenses_ranges_and_series(db):
    upper = make_refs(db, "ESSILOR", "Varilux", "Comfort Max", "Orma")
    with db.transaction() as s:
        lower_f = s.execute(select(Fournisseur.id)).scalar_one()
    # The twin created by an old import: a different supplier row with an overlapping range.
    with db.transaction() as s:
        s.add(Fournisseur(nom="Essilor ", nom_normalise="essilor-old"))
    twin_id = next(f.id for f in catalogue.list_suppliers(db) if f.id != lower_f)
    with db.transaction() as s:
        g = catalogue.get_or_create_reference(s, "gamme", "VARILUX", twin_id)
        se = catalogue.get_or_create_reference(s, "serie", "Physio", g)
        g2 = catalogue.get_or_create_reference(s, "gamme", "Eyezen", twin_id)
    a = catalogue.create_lens(db, lens_values(upper, nom="A")).lens_id
    b = catalogue.create_lens(db, {**lens_values(upper, nom="B"), "fournisseur_id": twin_id,
                                   "gamme_id": g, "serie_id": se}).lens_id
    c = catalogue.create_lens(db, {**lens_values(upper, nom="C"), "fournisseur_id": twin_id,
                                   "gamme_id": g2, "serie_id": None}).lens_id
    moved = catalogue.merge_references(db, "fournisseur", twin_id, upper.supplier).moved
    assert moved == 2
    assert [f.nom for f in catalogue.list_suppliers(db)] == ["ESSILOR"]
    ranges = {r.nom: r for r in catalogue.list_ranges(db)}
    assert set(ranges) == {"Varilux", "Eyezen"}
    lens_b, lens_c = catalogue.get_lens(db, b), catalogue.get_lens(db, c)
    assert lens_b.fournisseur_id == upper.supplier and lens_b.gamme == "Varilux" and lens_b.serie == "Physio"
    assert lens_c.gamme == "Eyezen" and lens_b.version == 2
    assert catalogue.get_lens(db, a).version == 1


def test_merge_materials(db):
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Orma 1.5").reference_id
    lens = catalogue.create_lens(db, lens_values(refs, materiau_id=other)).lens_id
    assert catalogue.merge_references(db, "materiau", other, refs.material).moved == 1
    assert catalogue.get_lens(db, lens).materiau == "Orma"


def test_rename_reference(db):
    refs = make_refs(db)
    catalogue.rename_reference(db, "gamme", refs.range_, "Varilux®")
    assert catalogue.list_ranges(db)[0].nom == "Varilux®"


def test_read_only_database_refuses_writes(db):
    refs = make_refs(db)
    db.read_only = True
    try:
        with pytest.raises(ReadOnlyError):
            catalogue.create_lens(db, lens_values(refs))
    finally:
        db.read_only = False


def test_images_are_stored_once_and_checked(db, tmp_path):
    from PIL import Image

    path = tmp_path / "g.png"
    Image.new("RGB", (8, 8), "white").save(path)
    content = path.read_bytes()
    refs = make_refs(db)
    a = catalogue.create_lens(db, lens_values(refs, nom="A"), image=content).lens_id
    b = catalogue.create_lens(db, lens_values(refs, nom="B"), image=content).lens_id
    image_a = catalogue.get_lens(db, a).image_id
    assert image_a is not None and image_a == catalogue.get_lens(db, b).image_id
    assert catalogue.get_image(db, image_a) == (content, "image/png")
    with pytest.raises(ValidationError) as info:
        catalogue.create_lens(db, lens_values(refs, nom="C"), image=b"\x89PNG\r\n\x1a\nnot really")
    assert "image" in info.value.report.errors
    assert lens_count(db) == 2
