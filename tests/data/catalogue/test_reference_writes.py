"""Reference writes: names unique once case and accents are ignored, deleting a reference in
use, merges and renames, on the three databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from data import catalogue
from data.errors import (
    DBOperationError,
    ReferenceInUseError,
    ValidationError,
)
from data.models import Fournisseur, Verre
from tests.factories import lens_values, make_refs


def lens_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Verre)).scalar_one()


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
