"""Reading the audit trail: a lens's history, the catalogue's history filtered and paged, an
entry summed up in one line, on the three databases."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import select

from data import audit, catalogue
from data.models import Historique, Verre, utcnow
from tests.factories import lens_values, make_refs


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


def test_an_entry_sums_up_its_changes_in_one_line(db):
    refs = make_refs(db)
    other = catalogue.create_reference(db, "materiau", "Orma 1.5").reference_id
    lens_id = catalogue.create_lens(db, lens_values(refs, materiau_id=other)).lens_id
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "hauteur_min": "16"}, detail.version)
    catalogue.merge_references(db, "materiau", other, refs.material)
    fusion, modification, creation = audit.lens_history(db, lens_id)
    assert modification.summary() == "Hauteur min. 14 → 16"
    assert fusion.summary() == "Matériau Orma 1.5 → Orma"
    assert creation.summary() == "Gravure nasale AIPZ ; Hauteur min. 14 ; Hauteur max. 20 ; Gamme Varilux ; … (+2)"
    [merge] = audit.catalogue_history(db, action="fusion", target="materiau")
    assert merge.summary() == "Nom Orma 1.5 → Orma ; 1 verre déplacé"
