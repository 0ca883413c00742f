"""Recording the audit trail, on SQLite and on the real PostgreSQL and MariaDB servers.

Each change writes exactly one entry (who, when, old and new values) in its own transaction; a
write that fails writes none; the trail offers no way to change it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from data import audit, catalogue
from data.catalogue import reference_writes
from data.errors import (
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    ReferenceInUseError,
    ValidationError,
)
from data.models import utcnow
from data.validation import ValidationReport
from tests.data.audit.helpers import entries, entry_count, lens_count
from tests.factories import lens_values, make_refs


def test_create_writes_one_creation_entry_with_the_whole_lens(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, variante="Short")).lens_id
    [entry] = audit.lens_history(db, lens_id)
    assert entry.action == "creation" and entry.target == "verre" and entry.target_id == lens_id
    assert entry.label == "Varilux Comfort Max Short"
    assert entry.old == {}
    assert entry.new["nom"] == "Varilux Comfort Max" and entry.new["indice"] == 1.6
    assert entry.new["fournisseur"] == "Essilor" and entry.new["fournisseur_id"] == refs.supplier
    assert entry.author == audit.who(db)
    assert abs(entry.when - utcnow()) < timedelta(minutes=5)


def test_update_records_only_the_fields_that_changed(db):
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Trivex").reference_id
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(
        db, lens_id, {**detail.form_values(), "indice": "1,67", "materiau_id": other}, detail.version
    )
    latest = audit.lens_history(db, lens_id)[0]
    assert latest.action == "modification"
    assert latest.old == {"indice": 1.6, "materiau_id": refs.material, "materiau": "Orma"}
    assert latest.new == {"indice": 1.67, "materiau_id": other, "materiau": "Trivex"}
    shown = [(c.label, c.old_text, c.new_text) for c in latest.changes()]
    assert shown == [("Matériau", "Orma", "Trivex"), ("Indice", "1,60", "1,67")]


def test_saving_without_changes_writes_no_entry(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    before = entry_count(db)
    assert catalogue.update_lens(db, lens_id, detail.form_values(), detail.version).version == 2
    assert entry_count(db) == before


def test_a_conflicting_save_writes_nothing(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    first, second = catalogue.get_lens(db, lens_id), catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**first.form_values(), "nom": "Premier"}, first.version)
    before = entry_count(db)
    with pytest.raises(ConflictError):
        catalogue.update_lens(db, lens_id, {**second.form_values(), "nom": "Second"}, second.version)
    assert entry_count(db) == before
    assert [e.action for e in audit.lens_history(db, lens_id)] == ["modification", "creation"]


def test_an_invalid_lens_writes_no_entry(db):
    refs = make_refs(db)
    before = entry_count(db)
    with pytest.raises(ValidationError):
        catalogue.create_lens(db, lens_values(refs, indice="2,5"))
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    after_create = entry_count(db)
    assert after_create == before + 1
    with pytest.raises(ValidationError):
        catalogue.update_lens(db, lens_id, {**detail.form_values(), "hauteur_min": 30}, detail.version)
    assert entry_count(db) == after_create


def test_an_entry_never_outlives_a_failed_write(db, monkeypatch):
    """The merge entry is written first; a failure after it takes the entry away too."""
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Orma bis").reference_id
    catalogue.create_lens(db, lens_values(refs, materiau_id=other))
    before = entry_count(db)

    def broken(*args, **kwargs):
        raise ValidationError(ValidationReport({"nom": "panne simulée"}))

    monkeypatch.setattr(reference_writes, "move_lenses", broken)
    with pytest.raises(ValidationError):
        catalogue.merge_references(db, "materiau", other, refs.material)
    assert entry_count(db) == before
    assert [m.nom for m in catalogue.list_materials(db)] == ["Orma", "Orma bis"]


def test_delete_writes_one_entry_per_lens_with_the_whole_row(db):
    refs = make_refs(db)
    ids = [catalogue.create_lens(db, lens_values(refs, nom=f"Verre {i}")).lens_id for i in range(3)]
    catalogue.delete_lenses(db, ids[:2])
    deletions = entries(db, action="suppression")
    assert [(e.cible_id, e.libelle) for e in deletions] == [(ids[0], "Verre 0"), (ids[1], "Verre 1")]
    old = audit.from_json(deletions[0].anciennes_valeurs)
    assert old["nom"] == "Verre 0" and old["gamme"] == "Varilux" and old["serie_id"] == refs.series
    assert old["version"] == 1 and old["id"] == ids[0] and "cree_le" in old
    assert deletions[0].nouvelles_valeurs is None


def test_deleting_an_unknown_lens_writes_nothing(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    before = entry_count(db)
    with pytest.raises(NotFoundError):
        catalogue.delete_lenses(db, [lens_id, 987_654])
    assert entry_count(db) == before and lens_count(db) == 1


def test_read_only_database_writes_no_entry(db):
    refs = make_refs(db)
    before = entry_count(db)
    db.read_only = True
    try:
        with pytest.raises(ReadOnlyError):
            catalogue.create_lens(db, lens_values(refs))
        with pytest.raises(ReadOnlyError):
            catalogue.create_reference(db, "materiau", "Trivex")
    finally:
        db.read_only = False
    assert entry_count(db) == before


def test_sample_lenses_and_references_are_not_edits(db):
    with db.transaction() as s:
        supplier = catalogue.get_or_create_reference(s, "fournisseur", "Zeiss", exemple=True)
        catalogue.insert_lens(
            s, {"nom": "Exemple", "fournisseur_id": supplier, "indice": 1.5}, None, exemple=True
        )
    assert entry_count(db) == 0


def test_reference_create_rename_delete_each_write_one_entry(db):
    supplier = catalogue.create_reference(db, "fournisseur", "Hoya").reference_id
    range_ = catalogue.create_reference(db, "gamme", "Hoyalux", supplier).reference_id
    catalogue.rename_reference(db, "fournisseur", supplier, "HOYA Lens")
    catalogue.rename_reference(db, "fournisseur", supplier, "HOYA Lens")  # no change: no entry
    catalogue.delete_reference(db, "fournisseur", supplier)
    rows = [(e.action, e.cible, e.cible_id, e.libelle) for e in entries(db)]
    assert rows == [
        ("creation", "fournisseur", supplier, "Hoya"),
        ("creation", "gamme", range_, "Hoyalux"),
        ("renommage", "fournisseur", supplier, "HOYA Lens"),
        ("suppression", "fournisseur", supplier, "HOYA Lens"),
    ]
    renamed, removed = audit.target_history(db, "fournisseur", supplier)[:2][::-1]
    assert (renamed.old, renamed.new) == ({"nom": "Hoya"}, {"nom": "HOYA Lens"})
    assert removed.old == {"nom": "HOYA Lens", "gammes": ["Hoyalux"]}
    created_range = audit.target_history(db, "gamme", range_)[0]
    assert created_range.new == {"nom": "Hoyalux", "fournisseur_id": supplier, "fournisseur": "Hoya"}


def test_refused_reference_writes_write_no_entry(db):
    refs = make_refs(db)
    catalogue.create_lens(db, lens_values(refs))
    before = entry_count(db)
    with pytest.raises(ReferenceInUseError):
        catalogue.delete_reference(db, "fournisseur", refs.supplier)
    with pytest.raises(ValidationError):
        catalogue.create_reference(db, "fournisseur", "ESSILOR")
    with pytest.raises(ValidationError):
        catalogue.rename_reference(db, "materiau", refs.material, "")
    assert entry_count(db) == before


def test_merge_writes_one_entry_and_one_per_lens_moved(db):
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Orma 1.5").reference_id
    moved = [catalogue.create_lens(db, lens_values(refs, nom=f"M{i}", materiau_id=other)).lens_id for i in range(2)]
    stays = catalogue.create_lens(db, lens_values(refs, nom="Reste")).lens_id
    before = entry_count(db)
    assert catalogue.merge_references(db, "materiau", other, refs.material).moved == 2
    assert entry_count(db) == before + 3
    [merge] = audit.catalogue_history(db, action="fusion", target="materiau")
    assert (merge.target_id, merge.label) == (refs.material, "Orma")
    assert merge.old == {"id": other, "nom": "Orma 1.5"}
    assert merge.new == {"id": refs.material, "nom": "Orma", "verres_deplaces": 2}
    for lens_id in moved:
        latest = audit.lens_history(db, lens_id)[0]
        assert latest.action == "fusion" and latest.batch == merge.id and latest.batch_label == "Orma"
        assert latest.old == {"materiau_id": other, "materiau": "Orma 1.5"}
        assert latest.new == {"materiau_id": refs.material, "materiau": "Orma"}
    assert [e.action for e in audit.lens_history(db, stays)] == ["creation"]


def test_supplier_merge_records_each_lens_new_supplier_range_and_series(db):
    kept = make_refs(db, "Essilor", "Varilux", "Comfort Max", "Orma")
    twin = make_refs(db, "Essilor SA", "Varilux", "Physio", "Orma")
    lens_id = catalogue.create_lens(db, lens_values(twin, nom="Physio")).lens_id
    catalogue.merge_references(db, "fournisseur", twin.supplier, kept.supplier)
    latest = audit.lens_history(db, lens_id)[0]
    assert latest.action == "fusion"
    assert latest.old["fournisseur"] == "Essilor SA" and latest.new["fournisseur"] == "Essilor"
    assert latest.old["gamme_id"] == twin.range_ and latest.new["gamme_id"] == kept.range_
    assert latest.old["serie_id"] == twin.series and latest.new["serie_id"] != twin.series
    assert "nom" not in latest.old and "serie" not in latest.old  # same names: not a change
    # The "Physio" series the merge had to create under the kept range is in the trail too,
    # grouped under the merge.
    [created] = audit.target_history(db, "serie", latest.new["serie_id"])
    assert created.action == "creation" and created.batch == latest.batch
    assert created.new == {"nom": "Physio", "gamme_id": kept.range_, "gamme": "Varilux"}


def test_author_is_login_and_host_plus_the_database_user_on_a_server(db, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "marc")
    monkeypatch.setattr("socket.gethostname", lambda: "COMPTOIR-2")
    author = audit.who(db)
    if db.is_sqlite:
        assert author == "marc@COMPTOIR-2"
    else:
        assert author.startswith("marc@COMPTOIR-2 (bd: ") and author.endswith(")")
        assert "@" not in author.split("(bd: ")[1]


def test_author_survives_a_machine_without_login_name(db, monkeypatch):
    def no_login():
        raise OSError("pas de nom d'utilisateur")

    monkeypatch.setattr("getpass.getuser", no_login)
    assert audit.who(db).startswith("inconnu@")
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    assert audit.lens_history(db, lens_id)[0].author.startswith("inconnu@")


def test_the_trail_offers_no_way_to_change_it():
    import importlib
    import pkgutil

    modules = [audit] + [
        importlib.import_module(f"data.audit.{info.name}") for info in pkgutil.iter_modules(audit.__path__)
    ]
    public = [name for module in modules for name in dir(module) if not name.startswith("_")]
    assert not [n for n in public if n.split("_")[0] in {"update", "delete", "edit", "remove", "purge", "clear"}]
