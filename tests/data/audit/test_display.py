"""An entry as the history view shows it: the lens named so that two of one name are told apart,
what changed in one line."""

from __future__ import annotations

from data import audit, catalogue
from tests.factories import lens_values, make_refs


def test_two_lenses_of_one_name_are_told_apart_and_changes_read_in_one_line(db):
    essilor = make_refs(db)
    hoya = make_refs(db, supplier="Hoya", range_="Hoyalux", series="iD", material="Eyas")
    first = catalogue.create_lens(db, lens_values(essilor, indice="1,6", gravure_nasale="AI")).lens_id
    second = catalogue.create_lens(db, lens_values(hoya, indice="1,67", variante="Short")).lens_id
    detail = catalogue.get_lens(db, first)
    catalogue.update_lens(db, first, {**detail.form_values(), "indice": "1,67", "gravure_nasale": "AIPZ"},
                          detail.version)
    catalogue.delete_lenses(db, [second])
    deleted, modified, created_second, created_first = audit.catalogue_history(db, target="verre")
    assert modified.summary() == "Indice 1,60 → 1,67 ; Gravure nasale AI → AIPZ"
    assert modified.element == f"Verre « Varilux Comfort Max » — Essilor, indice 1,67, n° {first}"
    assert created_first.element == f"Verre « Varilux Comfort Max » — Essilor, indice 1,60, n° {first}"
    assert created_second.element == f"Verre « Varilux Comfort Max Short » — Hoya, indice 1,67, n° {second}"
    assert deleted.element == created_second.element
    assert "Gravure nasale AIPZ" in deleted.summary() and "Gamme Hoyalux" in deleted.summary()


def test_an_import_sums_up_its_counts(db):
    with db.transaction() as session:
        audit.record_import(session, "tarifs.csv", {"lignes": 144, "nouveaux": 112, "mis_a_jour": 30,
                                                      "doublons": 0, "refuses": 2})
    [entry] = audit.catalogue_history(db, action="import")
    assert entry.summary(most=6) == "144 lignes ; 112 nouveaux ; 30 mis à jour ; 2 refusés"
    assert entry.element == "Catalogue « Import de tarifs.csv »"
