"""Lens writes (create, update, delete, restore) and the rules the database enforces itself,
on SQLite and on the real PostgreSQL and MariaDB servers."""

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
    ValidationError,
)
from data.models import Verre
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


def test_read_only_database_refuses_writes(db):
    refs = make_refs(db)
    db.read_only = True
    try:
        with pytest.raises(ReadOnlyError):
            catalogue.create_lens(db, lens_values(refs))
    finally:
        db.read_only = False
