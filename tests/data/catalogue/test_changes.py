"""Every catalogue write returns ``Changes`` naming what it touched."""

from __future__ import annotations

from data import audit, catalogue
from data.catalogue import Changes
from tests.factories import lens_values, make_refs


def test_creating_a_lens_names_it_as_created(db):
    refs = make_refs(db)
    changes = catalogue.create_lens(db, lens_values(refs))
    assert isinstance(changes, Changes)
    assert changes.created == (changes.lens_id,)
    assert changes.lenses == {changes.lens_id}
    assert not changes.deleted and not changes.references
    assert catalogue.get_lens(db, changes.lens_id).nom == "Varilux Comfort Max"


def test_updating_a_lens_names_it_with_its_new_version(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    changes = catalogue.update_lens(db, lens_id, lens_values(refs, indice=1.67), 1)
    assert changes.lenses == {lens_id} and changes.created == ()
    assert changes.version == 2 == catalogue.get_lens(db, lens_id).version


def test_deleting_lenses_names_them_with_what_they_were(db):
    refs = make_refs(db)
    ids = [catalogue.create_lens(db, lens_values(refs, nom=f"Verre {n}")).lens_id for n in range(3)]
    changes = catalogue.delete_lenses(db, ids[:2])
    assert changes.deleted == set(ids[:2]) and not changes.lenses
    assert [s.id for s in changes.snapshots] == sorted(ids[:2])
    assert [s.nom for s in changes.snapshots] == ["Verre 0", "Verre 1"]
    assert catalogue.delete_lenses(db, []).empty


def test_undoing_a_deletion_names_the_lens_created_again(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    [snapshot] = catalogue.delete_lenses(db, [lens_id]).snapshots
    changes = catalogue.restore_lens(db, snapshot)
    assert changes.created == (lens_id,) and changes.lenses == {lens_id}


def test_restoring_from_the_history_names_the_lens_created_again(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    catalogue.delete_lenses(db, [lens_id])
    [deleted] = audit.deleted_lenses(db)
    changes = catalogue.restore_deleted(db, deleted.entry_id)
    assert changes.created == (lens_id,) and changes.lens_id == lens_id


def test_reference_writes_name_their_kinds_and_the_lenses_they_touch(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id

    created = catalogue.create_reference(db, "materiau", "Trivex")
    assert created.references == {"materiau"} and not created.lenses
    assert created.reference_id is not None

    renamed = catalogue.rename_reference(db, "materiau", refs.material, "Orma 1.5")
    assert renamed.references == {"materiau"} and renamed.lenses == {lens_id}
    same = catalogue.rename_reference(db, "materiau", refs.material, "Orma 1.5")
    assert same.references == {"materiau"} and not same.lenses  # the name did not change

    merged = catalogue.merge_references(db, "materiau", refs.material, created.reference_id)
    assert merged.references == {"materiau"}
    assert merged.lenses == {lens_id} and merged.moved == 1
    assert catalogue.get_lens(db, lens_id).materiau == "Trivex"

    other = catalogue.create_reference(db, "fournisseur", "Hoya").reference_id
    catalogue.create_reference(db, "gamme", "Hoyalux", other)
    deleted = catalogue.delete_reference(db, "fournisseur", other)
    assert deleted.references == {"fournisseur", "gamme", "serie"}  # its ranges and series went too
    assert deleted.reference_id == other and not deleted.lenses


def test_merging_suppliers_names_the_child_kinds(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    twin = catalogue.create_reference(db, "fournisseur", "Essilor International").reference_id
    merged = catalogue.merge_references(db, "fournisseur", refs.supplier, twin)
    assert merged.references == {"fournisseur", "gamme", "serie"}
    assert merged.lenses == {lens_id} and merged.moved == 1
