"""The audit trail, on SQLite and on the real PostgreSQL and MariaDB servers.

Each change writes exactly one entry (who, when, old and new values) in its own transaction; a
write that fails writes none; a deleted lens comes back from its entry.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from data import audit, catalogue
from data.catalogue import reference_writes
from data.errors import (
    ConflictError,
    NotFoundError,
    ReadOnlyError,
    ReferenceInUseError,
    ValidationError,
)
from data.models import Historique, Verre, utcnow
from data.validation import ValidationReport
from tests.factories import lens_values, make_refs


def entries(db, **where) -> list[Historique]:
    """Every entry (oldest first), optionally filtered on columns: what the tests compare."""
    stmt = select(Historique).order_by(Historique.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(Historique, column) == value)
    with db.transaction() as s:
        return list(s.execute(stmt).scalars())


def entry_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Historique)).scalar_one()


def lens_count(db) -> int:
    with db.transaction() as s:
        return s.execute(select(func.count()).select_from(Verre)).scalar_one()


# ---------------------------------------------------------------- lenses


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
    assert shown == [("Matériau", "Orma", "Trivex"), ("Indice", "1,6", "1,67")]


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


# ---------------------------------------------------------------- undo and restore


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


def test_history_of_a_reused_number_starts_at_the_new_lens(db):
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs, nom="Ancien")).lens_id
    catalogue.delete_lenses(db, [lens_id])
    with db.transaction() as s:
        catalogue.insert_lens(s, lens_values(refs, nom="Nouveau"), None, False)
        new_id = s.execute(select(Verre.id).where(Verre.nom == "Nouveau")).scalar_one()
    if new_id == lens_id:  # SQLite hands out the freed number again
        assert [e.label for e in audit.lens_history(db, lens_id)] == ["Nouveau"]
    assert [e.action for e in audit.lens_history(db, new_id)] == ["creation"]


# ---------------------------------------------------------------- reference data


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


# ---------------------------------------------------------------- import batches


def test_an_import_batch_groups_the_lenses_it_wrote(db):
    refs = make_refs(db)
    with db.transaction() as s:
        lot = audit.record_import(s, "catalogue_2026.csv", {"ajoutes": 2, "ignores": 0}, "import@PC")
        ids = [
            catalogue.insert_lens(s, lens_values(refs, nom=f"I{i}"), None, False, batch=lot, author="import@PC")
            for i in range(2)
        ]
    [summary] = audit.catalogue_history(db, action="import")
    assert summary.id == lot and summary.target == "catalogue" and summary.author == "import@PC"
    assert summary.new == {"ajoutes": 2, "ignores": 0, "fichier": "catalogue_2026.csv"}
    for lens_id in ids:
        [entry] = audit.lens_history(db, lens_id)
        assert entry.action == "creation" and entry.batch == lot
        assert entry.batch_label == "Import de catalogue_2026.csv"


# ---------------------------------------------------------------- reading the trail


def test_catalogue_history_filters_by_date_author_and_action(db):
    refs = make_refs(db)
    a = catalogue.create_lens(db, lens_values(refs, nom="A"), author="alice@COMPTOIR-1").lens_id
    catalogue.create_lens(db, lens_values(refs, nom="B"), author="bob@COMPTOIR-2")
    catalogue.delete_lenses(db, [a], author="bob@COMPTOIR-2")
    with db.transaction() as s:  # backdate A's creation (tests only: the app never edits the trail)
        s.execute(
            sa.update(Historique)
            .where(Historique.cible == "verre", Historique.cible_id == a, Historique.action == "creation")
            .values(quand=datetime(2025, 1, 10, 15, 30))
        )
    found = audit.authors(db)
    assert set(found) == {"alice@COMPTOIR-1", "bob@COMPTOIR-2", audit.who(db)}
    assert found == sorted(found, key=str.casefold)
    by_bob = audit.catalogue_history(db, author="bob@COMPTOIR-2")
    assert [(e.action, e.label) for e in by_bob] == [("suppression", "A"), ("creation", "B")]
    on_day = audit.catalogue_history(db, since=date(2025, 1, 10), until=date(2025, 1, 10))
    assert [e.label for e in on_day] == ["A"]
    assert audit.catalogue_history(db, since=date(2025, 1, 11), target="verre", action="creation")[0].label == "B"
    assert audit.catalogue_history(db, until=datetime(2025, 1, 10, 15, 0)) == []
    assert [e.label for e in audit.catalogue_history(db, action=["suppression"])] == ["A"]
    today = utcnow().date()
    assert audit.count_history(db, since=today, target="verre") == 2
    assert audit.count_history(db) == len(audit.catalogue_history(db))


def test_catalogue_history_pages_newest_first(db):
    for i in range(5):
        catalogue.create_reference(db, "materiau", f"Matériau {i}")
    first = audit.catalogue_history(db, limit=2)
    second = audit.catalogue_history(db, limit=2, offset=2)
    assert [e.label for e in first + second] == [f"Matériau {i}" for i in (4, 3, 2, 1)]


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


def test_an_entry_sums_up_its_changes_in_one_line(db):
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Orma 1.5").reference_id
    lens_id = catalogue.create_lens(db, lens_values(refs, materiau_id=other)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "hauteur_min": "16"}, detail.version)
    catalogue.merge_references(db, "materiau", other, refs.material)
    fusion, modification, creation = audit.lens_history(db, lens_id)
    assert modification.summary() == "Hauteur min. : 14 → 16"
    assert fusion.summary() == "Matériau : Orma 1.5 → Orma"
    assert creation.summary() == ""
    [merge] = audit.catalogue_history(db, action="fusion", target="materiau")
    assert merge.summary() == "Nom : Orma 1.5 → Orma ; 1 verre(s) déplacé(s)"


def test_lenses_written_in_bulk_are_audited_against_their_snapshot(db):
    refs = make_refs(db)
    kept = catalogue.create_lens(db, lens_values(refs, nom="Existant")).lens_id
    with db.transaction() as s:
        lot = audit.record_import(s, "maj.xlsx", {"ajoutes": 1, "mis_a_jour": 1})
        before = catalogue.snapshot_lenses(s, [kept])
        s.execute(sa.update(Verre).where(Verre.id == kept).values(indice=1.74, version=Verre.version + 1))
        added = catalogue.insert_lens(s, lens_values(refs, nom="Nouveau"), None, False, audit=False)
        assert catalogue.audit_lenses(s, [kept, added], before=before, batch=lot) == 2
    changed = audit.lens_history(db, kept)[0]
    assert (changed.action, changed.old, changed.new, changed.batch) == (
        "modification", {"indice": 1.6}, {"indice": 1.74}, lot,
    )
    [created] = audit.lens_history(db, added)
    assert created.action == "creation" and created.batch_label == "Import de maj.xlsx"


# ---------------------------------------------------------------- creations built by SQLite


def test_creation_entries_built_by_sqlite_are_the_bytes_python_writes(sqlite_db):
    """An import on SQLite has SQLite write its lenses' creation entries from the rows: the text
    must be exactly what ``to_json`` gives for the lens's state, on values that need escaping."""
    db = sqlite_db
    odd = make_refs(db, supplier='Zeiss "Pro" \\ Ünïcödé', range_="Gamme ß 🔍", series="Série « 2 »",
                    material="Matériau\u00a0Ω")
    plain = make_refs(db, supplier="Hoya")
    lenses = [
        lens_values(odd, nom='Nom "cité" \\ antislash', variante="Court ﬃ", indice=2.0,
                    gravure_nasale='A"B\\C', url_gravure="https://example.fr/a?b=1&c=%20%22",
                    url_source="https://exemple.fr/é"),
        lens_values(odd, nom="Élite", indice=1.523, hauteur_min=None, hauteur_max=None,
                    gravure_nasale=None),
        lens_values(plain, nom="Sans gamme", gamme_id=None, serie_id=None, materiau_id=None,
                    indice=1.67, variante=""),
        lens_values(plain, nom="x" * 100, variante="v" * 40, indice=1.5),
    ]
    ids = [catalogue.create_lens(db, values).lens_id for values in lenses]
    created = datetime(2026, 11, 25, 6, 30, 12, 345678)
    with db.transaction() as s:
        written = audit.record_lens_creations(
            s.connection(), ids[0], ids[-1], created=created, batch=None, author="marc@comptoir"
        )
    assert written == len(ids)
    by_lens = {e.cible_id: e for e in entries(db, auteur="marc@comptoir")}
    assert sorted(by_lens) == ids
    for lens_id in ids:
        state = dict(catalogue.lens_state(catalogue.get_lens(db, lens_id)))
        state.update(cree_le=created.isoformat(), modifie_le=created.isoformat())
        entry = by_lens[lens_id]
        assert entry.nouvelles_valeurs == audit.to_json(state)
        assert entry.libelle == audit.lens_label(state)[: audit.LABEL_MAX]
        assert (entry.action, entry.cible, entry.anciennes_valeurs) == ("creation", "verre", None)
