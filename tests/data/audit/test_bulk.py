"""The audit trail of writes in bulk (an import batch; SQLite's entries built in SQL), on the
three databases."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from data import audit, catalogue
from data.models import Verre
from tests.data.audit.helpers import entries
from tests.factories import lens_values, make_refs


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
    with db.transaction() as s:
        vowel = audit.record_import(s, "essilor_2026.csv", {"ajoutes": 0})
    [summary] = [e for e in audit.catalogue_history(db, action="import") if e.id == vowel]
    assert summary.label == "Import d'essilor_2026.csv"  # French elides « de » before a vowel


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
