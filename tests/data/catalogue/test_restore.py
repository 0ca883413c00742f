"""Restoring a deleted lens from its audit entry (the catalogue's lens writes), on the three
databases: as it was, refused when a reference is gone, under a new number when needed, once."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from data import audit, catalogue
from data.errors import (
    ConflictError,
    NotFoundError,
)
from data.models import Verre, utcnow
from tests.data.audit.helpers import entries, entry_count, lens_count
from tests.factories import lens_values, make_refs


def test_undo_of_a_delete_is_recorded_as_a_restoration(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    [snapshot] = catalogue.delete_lenses(db, [lens_id]).snapshots
    assert catalogue.restore_lens(db, snapshot).lens_id == lens_id
    actions = [e.action for e in audit.lens_history(db, lens_id)]
    assert actions == ["restauration", "suppression", "creation"]
    restored, deleted = audit.lens_history(db, lens_id)[:2]
    assert restored.undoes == deleted.id and restored.batch is None
    assert audit.deleted_lenses(db) == []


def test_restore_from_history_brings_the_lens_back_as_it_was(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, variante="Short")).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "indice": "1,74"}, detail.version)
    before_delete = catalogue.get_lens(db, lens_id)
    catalogue.delete_lenses(db, [lens_id])

    [deleted] = audit.deleted_lenses(db)
    assert (deleted.lens_id, deleted.label, deleted.supplier, deleted.index) == (
        lens_id, "Varilux Comfort Max Short", "Essilor", 1.74,
    )
    assert catalogue.restore_deleted(db, deleted.entry_id).lens_id == lens_id
    back = catalogue.get_lens(db, lens_id)
    assert back.form_values() == before_delete.form_values()
    assert back.cree_le.replace(microsecond=0) == before_delete.cree_le.replace(microsecond=0)
    # A dialog still open on the lens as it was before the delete cannot overwrite it silently.
    assert back.version > before_delete.version
    with pytest.raises(ConflictError):
        catalogue.update_lens(db, lens_id, before_delete.form_values(), before_delete.version)

    assert audit.deleted_lenses(db) == []
    [shown] = audit.deleted_lenses(db, include_restored=True)
    assert shown.restored_as == lens_id
    with pytest.raises(ConflictError) as info:
        catalogue.restore_deleted(db, deleted.entry_id)
    assert "déjà été restauré" in str(info.value)
    assert [e.action for e in audit.lens_history(db, lens_id)] == [
        "restauration", "suppression", "modification", "creation",
    ]


def test_restore_refuses_when_a_reference_is_gone_and_names_it(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    catalogue.delete_lenses(db, [lens_id])
    catalogue.delete_reference(db, "materiau", refs.material)
    [deleted] = audit.deleted_lenses(db)
    before = entry_count(db)
    with pytest.raises(NotFoundError) as info:
        catalogue.restore_deleted(db, deleted.entry_id)
    message = str(info.value)
    assert "Varilux Comfort Max" in message and "le matériau « Orma » n'existe plus" in message
    assert entry_count(db) == before and lens_count(db) == 0


def test_restore_names_every_missing_reference(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    catalogue.delete_lenses(db, [lens_id])
    catalogue.delete_reference(db, "materiau", refs.material)
    catalogue.delete_reference(db, "fournisseur", refs.supplier)
    [deleted] = audit.deleted_lenses(db)
    with pytest.raises(NotFoundError) as info:
        catalogue.restore_deleted(db, deleted.entry_id)
    message = str(info.value)
    for phrase in ("le fournisseur « Essilor »", "la gamme « Varilux »",
                   "la série « Comfort Max »", "le matériau « Orma »", "n'existent plus"):
        assert phrase in message


def test_restore_takes_a_new_number_when_the_old_one_is_taken(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, nom="Ancien")).lens_id
    catalogue.delete_lenses(db, [lens_id])
    [deleted] = audit.deleted_lenses(db)
    with db.transaction() as s:  # another lens now holds the number (SQLite reuses numbers)
        s.execute(
            sa.insert(Verre).values(
                id=lens_id, nom="Nouveau", fournisseur_id=refs.supplier, indice=1.5,
                recherche="nouveau", tri_nom="nouveau", cree_le=utcnow(), modifie_le=utcnow(),
            )
        )
    new_id = catalogue.restore_deleted(db, deleted.entry_id).lens_id
    assert new_id != lens_id and catalogue.get_lens(db, new_id).nom == "Ancien"
    [entry] = audit.lens_history(db, new_id)
    assert entry.action == "restauration" and entry.old == {"id": lens_id}


def test_only_a_lens_deletion_can_be_restored(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    [creation] = audit.lens_history(db, lens_id)
    with pytest.raises(NotFoundError) as info:
        catalogue.restore_deleted(db, creation.id)
    assert "n'est pas la suppression d'un verre" in str(info.value)
    with pytest.raises(NotFoundError):
        catalogue.restore_deleted(db, 987_654)


def test_two_pcs_restoring_the_same_deletion_restore_it_once(db):
    """PC A restores and has not committed yet when PC B tries: B is refused, never a twin lens."""
    import threading

    from data.errors import CatalogueError

    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    catalogue.delete_lenses(db, [lens_id])
    [deleted] = audit.deleted_lenses(db)
    with db.transaction() as s:  # the number is taken: each restore would take a new one
        s.execute(
            sa.insert(Verre).values(
                id=lens_id, nom="Occupant", fournisseur_id=refs.supplier, indice=1.5,
                recherche="occupant", tri_nom="occupant", cree_le=utcnow(), modifie_le=utcnow(),
            )
        )
    outcome: list[object] = []

    def pc_b() -> None:
        try:
            outcome.append(catalogue.restore_deleted(db, deleted.entry_id).lens_id)
        except CatalogueError as exc:
            outcome.append(exc)

    with db.transaction() as s:  # PC A, holding its transaction open
        entry = audit.deletion_entry(s, deleted.entry_id)
        catalogue.reinsert_lens(s, audit.from_json(entry.anciennes_valeurs), deletion_entry=entry.id)
        other = threading.Thread(target=pc_b)
        other.start()
        other.join(timeout=0.5)  # B is now waiting for A (or has not started): either is fine
    other.join(timeout=60)
    assert not other.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError)
    assert "restauré" in str(outcome[0])
    assert lens_count(db) == 2  # the occupant and one restored lens, never a twin
    assert len(entries(db, action="restauration")) == 1
