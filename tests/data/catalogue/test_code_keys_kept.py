"""Every path that writes an engraving keeps the code keys (``verres_codes``) equal to a
recomputation from the engravings, on the three databases: single writes, the undo and the
history's restore, the import (each of its ways), the sample, the portable restore; the
integrity check reports stale keys and « Reconstruire les index » repairs them."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from data import audit, catalogue, maintenance
from data.catalogue.code_keys import engraving_skeletons, stale_code_keys
from data.config import load_settings
from data.database import Database, open_database
from data.migrate import upgrade
from data.models import Historique, Verre, VerreCode
from data.sample import load_sample
from data.transfer import import_lenses, sqlite_copy
from tests.factories import lens_values, make_refs

HEADER = "Fournisseur;Gamme;Série;Nom;Variante;Matériau;Indice;Hauteur min;Hauteur max;Gravure nasale;URL source\n"


def keys_right(db: Database) -> int:
    """Assert the keys are those the engravings give; return how many rows they are."""
    with db.transaction() as session:
        assert stale_code_keys(session) == []
        stored = session.execute(select(func.count()).select_from(VerreCode)).scalar_one()
        engravings = session.execute(select(Verre.gravure_nasale)).scalars().all()
    assert stored == sum(len(engraving_skeletons(e)) for e in engravings)
    return int(stored)


def keys_of(db: Database, lens_id: int) -> set[str]:
    with db.transaction() as session:
        return set(session.execute(
            select(VerreCode.squelette).where(VerreCode.verre_id == lens_id)
        ).scalars())


def csv(path: Path, count: int, code: str = "SPU50 14", start: int = 0) -> Path:
    rows = [
        f"Zeiss;Progressive;Individual;Verre {i};;Orma;1,5;14;20;{code if i % 3 else 'E3 ou E3S'};"
        for i in range(start, start + count)
    ]
    path.write_text(HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_single_writes_the_undo_and_the_history_keep_the_keys(db: Database) -> None:
    refs = make_refs(db)
    created = catalogue.create_lens(db, lens_values(refs, gravure_nasale="SPU50 14"))
    (lens_id,) = created.created
    assert keys_of(db, lens_id) == {"5pu5014", "5pu50", "14"}
    catalogue.update_lens(db, lens_id, lens_values(refs, gravure_nasale="HM-50"), expected_version=1)
    assert keys_of(db, lens_id) == {"hm50"}
    catalogue.update_lens(db, lens_id, lens_values(refs, gravure_nasale=None), expected_version=2)
    assert keys_of(db, lens_id) == set()
    catalogue.update_lens(db, lens_id, lens_values(refs, gravure_nasale="AIPZ"), expected_version=3)
    keys_right(db)

    deleted = catalogue.delete_lenses(db, [lens_id])
    assert keys_of(db, lens_id) == set() and keys_right(db) == 0
    catalogue.restore_lens(db, deleted.snapshots[0])  # the undo
    assert keys_of(db, lens_id) == {"a1p2"}
    catalogue.delete_lenses(db, [lens_id])
    with db.transaction() as session:
        entry = session.execute(
            select(Historique.id).where(Historique.action == audit.SUPPRESSION)
            .order_by(Historique.id.desc()).limit(1)
        ).scalar_one()
    catalogue.restore_deleted(db, entry)  # the history dialog's « Restaurer »
    assert keys_of(db, lens_id) == {"a1p2"}
    assert keys_right(db) == 1


def test_an_import_writes_the_keys_of_its_new_and_updated_lenses(db: Database, tmp_path: Path) -> None:
    assert import_lenses(db, csv(tmp_path / "a.csv", 30)).written
    assert keys_right(db) == 20 * 3 + 10 * 2
    # Another code is another lens (the import's identity rule): 20 new lenses, their own keys.
    assert import_lenses(db, csv(tmp_path / "b.csv", 30, code="HM-50"), update=True).new == 20
    assert keys_right(db) == 20 * 3 + 10 * 2 + 20
    # A code given to lenses that had none: an update, whose keys replace the (empty) old ones.
    assert import_lenses(db, csv(tmp_path / "c.csv", 30, code="", start=100)).written
    assert import_lenses(db, csv(tmp_path / "d.csv", 30, code="KR 1.60 POL", start=100), update=True).updated == 20
    assert keys_right(db) == 20 * 3 + 10 * 2 + 20 + 10 * 2 + 20 * 4


def test_a_large_sqlite_import_copied_by_sqlite_gets_its_keys(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new lenses copied by one INSERT ... SELECT (indexes set aside): keys from the spill."""
    monkeypatch.setattr(sqlite_copy, "PAUSE_MIN_ROWS", 50)
    catalogue.create_lens(sqlite_db, lens_values(make_refs(sqlite_db), gravure_nasale="c74"))
    copied: list[object] = []
    real_copy = sqlite_copy.SqliteBatch.copy_new_lenses
    monkeypatch.setattr(sqlite_copy.SqliteBatch, "copy_new_lenses", lambda self: copied.append(real_copy(self)))
    assert import_lenses(sqlite_db, csv(tmp_path / "big.csv", 300)).new == 300
    assert copied  # the copy, not the row-by-row path
    assert keys_right(sqlite_db) == 1 + 200 * 3 + 100 * 2


def test_the_sample_has_its_keys(db: Database) -> None:
    load_sample(db)
    assert keys_right(db) > 345


def test_a_portable_restore_ends_with_right_keys(db: Database, tmp_path: Path) -> None:
    """Even from a backup whose keys were wrong (written by an app that did not keep them)."""
    source_url = "sqlite:///" + (tmp_path / "source.db").as_posix()
    source = open_database(source_url, load_settings(cli_url=source_url))
    try:
        upgrade(source)
        load_sample(source)
        with source.transaction() as session:
            session.execute(text("DELETE FROM verres_codes WHERE verre_id % 2 = 0"))
            session.execute(text("INSERT INTO verres_codes (squelette, verre_id) VALUES ('zz', 3)"))
            assert stale_code_keys(session)
        made = maintenance.backup_database(source, dest_dir=tmp_path / uuid.uuid4().hex, fmt="portable")
    finally:
        source.dispose()
    upgrade(db)
    maintenance.restore_backup(db, made.path)
    assert keys_right(db) > 345


def test_the_check_reports_stale_keys_and_the_index_rebuild_repairs_them(db: Database) -> None:
    refs = make_refs(db)
    (good,) = catalogue.create_lens(db, lens_values(refs, nom="Bon", gravure_nasale="AIPZ")).created
    (bad,) = catalogue.create_lens(db, lens_values(refs, nom="Faux", gravure_nasale="SPU50")).created
    assert not [f for f in maintenance.check_integrity(db).findings if f.kind == "cles_gravure"]
    with db.transaction() as session:
        session.execute(text("DELETE FROM verres_codes WHERE verre_id = :i"), {"i": bad})
    findings = [f for f in maintenance.check_integrity(db).findings if f.kind == "cles_gravure"]
    assert [f.lens_id for f in findings] == [bad]
    assert "Reconstruire les index" in findings[0].message
    maintenance.rebuild_indexes(db)
    assert keys_of(db, bad) == {"5pu50"} and keys_of(db, good) == {"a1p2"}
    keys_right(db)
    assert not [f for f in maintenance.check_integrity(db).findings if f.kind == "cles_gravure"]
