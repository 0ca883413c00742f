"""Revision 0002 (the audit trail) goes up, down and up again on every backend, keeping lenses."""

from __future__ import annotations

from sqlalchemy import inspect, text

from data import audit, catalogue
from data.migrate import downgrade, head_revision, schema_state, upgrade
from tests.factories import lens_values, make_refs


def table_names(db) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names())


def index_names(db) -> set[str]:
    with db.engine.connect() as conn:
        return {ix["name"] for ix in inspect(conn).get_indexes("historique")}


def test_trail_revision_goes_down_and_up_keeping_the_catalogue(db):
    assert "historique" in table_names(db)
    assert {"idx_historique_cible", "idx_historique_quand", "idx_historique_auteur"} <= index_names(db)
    refs = make_refs(db)
    lens_id = catalogue.create_lens(db, lens_values(refs)).lens_id
    assert audit.lens_history(db, lens_id)

    downgrade(db, "0001")
    assert schema_state(db).current == "0001"
    assert "historique" not in table_names(db)
    # Read by SQL: today's reads also read the tables of later revisions (the sign's shapes).
    with db.engine.connect() as conn:
        name = conn.execute(text("SELECT nom FROM verres WHERE id = :i"), {"i": lens_id}).scalar_one()
    assert name == "Varilux Comfort Max"

    upgrade(db)
    assert schema_state(db).current == head_revision()
    assert "historique" in table_names(db)
    assert audit.lens_history(db, lens_id) == []  # a lens older than the trail has no entry
    detail = catalogue.get_lens(db, lens_id)
    catalogue.update_lens(db, lens_id, {**detail.form_values(), "indice": "1,5"}, detail.version)
    assert [e.action for e in audit.lens_history(db, lens_id)] == ["modification"]
