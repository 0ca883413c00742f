"""Alembic revisions: up, down, up again on every backend; no drift between models and revisions."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from data.migrate import downgrade, head_revision, schema_state, upgrade
from data.models import Base, include_in_autogenerate

ROOT = Path(__file__).resolve().parents[2]


def tables(db) -> set[str]:
    with db.engine.connect() as conn:
        return set(inspect(conn).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade(empty_db):
    assert schema_state(empty_db).is_empty
    upgrade(empty_db)
    assert schema_state(empty_db).up_to_date
    assert {"verres", "fournisseurs", "gammes", "series", "materiaux", "images_gravure"} <= tables(empty_db)
    downgrade(empty_db, "base")
    assert tables(empty_db) == set()
    upgrade(empty_db)
    assert schema_state(empty_db).current == head_revision()


def test_models_and_revisions_do_not_drift(db):
    # The same filter as migrations/env.py (what ``alembic check`` uses): it hides only the
    # per-database search structures of revisions 0003 and 0005, which the metadata cannot
    # describe.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_in_autogenerate}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_autogenerate_filter_hides_only_the_search_structures():
    hidden = [
        ("verres_fts", "table"),
        ("verres_fts_data", "table"),
        ("verres_fts_vocab", "table"),
        ("idx_verre_recherche_trgm", "index"),
        ("idx_verre_recherche_paires", "index"),
    ]
    kept = [(name, "table") for name in Base.metadata.tables] + [
        (index.name, "index") for table in Base.metadata.tables.values() for index in table.indexes
    ]
    assert not any(include_in_autogenerate(name, kind, {}) for name, kind in hidden)
    assert all(include_in_autogenerate(name, kind, {}) for name, kind in kept)


def test_alembic_check_command_from_project_root(db_url, tmp_path):
    env = {**os.environ, "ENGRAVEDETECT_DATABASE_URL": db_url, "ENGRAVEDETECT_HOME": str(tmp_path / "h")}
    alembic = [sys.executable, "-m", "alembic"]
    for args in (["upgrade", "head"], ["check"]):
        done = subprocess.run(alembic + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
    assert "No new upgrade operations detected" in done.stdout + done.stderr


def test_database_newer_than_app_is_detected(db):
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'ffff_future'")
    state = schema_state(db)
    assert state.newer_than_app and not state.up_to_date


def test_failed_migration_leaves_previous_revision(sqlite_db, monkeypatch):
    """A revision that fails half way is rolled back as a whole (transactional DDL on SQLite)."""
    from alembic.operations import Operations

    from data import migrate

    downgrade(sqlite_db, "base")

    def boom(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(Operations, "create_index", boom)
    with pytest.raises(migrate.MigrationError) as info:
        upgrade(sqlite_db)
    assert "version précédente" in str(info.value)
    assert tables(sqlite_db) == set()
    assert schema_state(sqlite_db).is_empty


def test_revision_0005_gives_postgresql_its_pairs_index_and_reference_statistics(db):
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")

    def objects() -> tuple[int, int, int]:
        with db.engine.connect() as conn:
            return tuple(conn.exec_driver_sql(sql).scalar() for sql in (  # type: ignore[return-value]
                "SELECT count(*) FROM pg_proc WHERE proname = 'recherche_paires'",
                "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_verre_recherche_paires'",
                "SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'verres_references'",
            ))

    assert objects() == (1, 1, 1)
    with db.engine.connect() as conn:
        pairs = conn.exec_driver_sql("SELECT recherche_paires('ab' || chr(31) || 'cé')").scalar()
    assert sorted(pairs) == sorted(["ab", "b\x1f", "\x1fc", "cé"])
    downgrade(db, "0004")
    assert objects() == (0, 0, 0)
    upgrade(db)
    assert objects() == (1, 1, 1)


def test_revision_0006_gives_the_index_sort_its_id_on_every_database(db):
    def columns() -> list[str | None]:
        with db.engine.connect() as conn:
            found = {i["name"]: i["column_names"] for i in inspect(conn).get_indexes("verres")}
        return found["idx_verre_indice"]

    assert columns() == ["indice", "id"]
    downgrade(db, "0005")
    assert columns() == ["indice"]
    upgrade(db)
    assert columns() == ["indice", "id"]


def test_revision_0006_keeps_the_statistics_of_an_analysed_sqlite_file(sqlite_db):
    def statistics() -> dict[str, str]:
        with sqlite_db.engine.connect() as conn:
            return dict(conn.exec_driver_sql("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'verres'").all())

    downgrade(sqlite_db, "0005")
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO fournisseurs (id, nom, nom_normalise) VALUES (1, 'Essilor', 'essilor')")
        for number in range(30):
            conn.exec_driver_sql(
                "INSERT INTO verres (nom, fournisseur_id, indice, recherche, tri_nom, exemple, version, "
                "cree_le, modifie_le) VALUES (?, 1, ?, ?, ?, 0, 1, '2026-12-03', '2026-12-03')",
                (f"V{number}", (1.5, 1.6, 1.67)[number % 3], f"v{number}", f"v{number}"))
        conn.exec_driver_sql("ANALYZE")
    assert statistics()["idx_verre_indice"].startswith("30 ")
    upgrade(sqlite_db)
    assert statistics()["idx_verre_indice"].startswith("30 10 1")  # 3 values, then unique with id
    assert "idx_verre_indice_recherche" in statistics()


def test_revision_0007_fills_the_code_keys_of_existing_lenses_and_drops_them_down(db):
    """Lenses written before the revision get their keys (alternatives, parts, Greek letters
    read as look-alikes), computed in Python by chunks; down, the table goes."""
    from data.catalogue.code_keys import key_rows

    downgrade(db, "0006")
    assert "verres_codes" not in tables(db)
    engravings = ["SPU50 14", "E3 ou E3S", "ΣIQ", None, "HM 50"]
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO fournisseurs (id, nom, nom_normalise, exemple) VALUES (1, 'Zeiss', 'zeiss', false)")
        for number, engraving in enumerate(engravings, start=1):
            conn.execute(text(
                "INSERT INTO verres (id, nom, fournisseur_id, indice, gravure_nasale, recherche, tri_nom, "
                "exemple, version, cree_le, modifie_le) VALUES (:i, :n, 1, 1.5, :g, :n, :n, false, 1, "
                "'2026-12-10', '2026-12-10')"), {"i": number, "n": f"v{number}", "g": engraving})
    upgrade(db)
    with db.engine.connect() as conn:
        stored = set(conn.exec_driver_sql("SELECT squelette, verre_id FROM verres_codes").all())
    expected = {row for number, engraving in enumerate(engravings, start=1)
                for row in key_rows(number, engraving)}
    assert stored == expected
    assert ("5pu50", 1) in stored and ("e35", 2) in stored and ("51q", 3) in stored
    assert not any(lens_id == 4 for _, lens_id in stored)
    downgrade(db, "0006")
    assert "verres_codes" not in tables(db)
    upgrade(db)


def test_code_keys_are_one_b_tree_on_sqlite(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        sql = conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'verres_codes'").scalar_one()
    assert "WITHOUT ROWID" in sql


def test_revision_0008_seeds_the_built_in_shapes_and_goes_down_and_up(db):
    """The 48 shapes of ``data.symbols`` are rows in the vocabulary's order, built in; the
    tables go down and come back with them; a lens's shapes cascade with the lens."""
    from data.symbols import SHAPES

    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, cle, libelle, groupe, dessin, integre FROM symboles ORDER BY id").all()
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        (s.key, s.label, s.group, s.path) for s in SHAPES]
    assert [r[0] for r in rows] == list(range(1, len(SHAPES) + 1)) and all(r[5] for r in rows)
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("verres_symboles")}
    assert "idx_verre_symbole_symbole" in indexes
    downgrade(db, "0007")
    assert not {"symboles", "verres_symboles"} & tables(db)
    upgrade(db)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM symboles").scalar_one() == len(SHAPES)


def test_shape_rows_refuse_bad_keys_and_empty_labels(db):
    import sqlalchemy.exc

    for key, label in (("Oeil Bleu", "Œil bleu"), ("", "Rien"), ("neuf", "")):
        # MariaDB reports a failed CHECK as an OperationalError, the others as IntegrityError.
        with pytest.raises(sqlalchemy.exc.DBAPIError), db.engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO symboles (cle, libelle, groupe, dessin, integre, cree_le) "
                "VALUES (:k, :l, 'Objets', 'M 0 0 L 10 10', false, '2026-12-07')"), {"k": key, "l": label})


def test_revision_0009_folds_again_the_texts_that_hold_invisible_characters(db):
    """A soft hyphen or a zero-width space stored before 0009 was folded into a space: the
    revision recomputes those keys, and ``varilux`` finds the lens again."""
    from sqlalchemy import text

    from data import catalogue
    from data.query import LensQuery

    downgrade(db, "0006")
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO fournisseurs (id, nom, nom_normalise) VALUES (1, :n, 'essi lor')"),
                     {"n": "Essi\u00adlor"})
        conn.execute(text("INSERT INTO fournisseurs (id, nom, nom_normalise) VALUES (2, 'Hoya', 'hoya')"))
        conn.execute(text("INSERT INTO gammes (id, nom, nom_normalise, fournisseur_id) "
                          "VALUES (1, :n, 'vari lux', 1)"), {"n": "Vari\u200blux"})
        conn.execute(text(
            "INSERT INTO verres (id, nom, fournisseur_id, gamme_id, indice, gravure_nasale, recherche, "
            "tri_nom, tri_gravure, tri_gamme, exemple, version, cree_le, modifie_le) VALUES "
            "(1, :nom, 1, 1, 1.5, :code, :recherche, 'va rilux', 'ai pz', 'vari lux', :false, 1, "
            ":now, :now)"),
            {"nom": "Va\u00adrilux", "code": "AI\u2060PZ", "recherche": "va rilux\x1f\x1fai pz",
             "false": False, "now": datetime(2026, 12, 7)})
        conn.execute(text(
            "INSERT INTO verres (id, nom, fournisseur_id, indice, recherche, tri_nom, exemple, version, "
            "cree_le, modifie_le) VALUES (2, 'Hoyalux', 2, 1.5, 'hoyalux\x1f\x1f', 'hoyalux', :false, 1, "
            ":now, :now)"), {"false": False, "now": datetime(2026, 12, 7)})
    upgrade(db)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT recherche, tri_nom, tri_gravure, tri_gamme FROM verres "
                                 "WHERE id = 1")).one() == ("varilux\x1f\x1faipz", "varilux", "aipz", "varilux")
        assert conn.execute(text("SELECT nom_normalise FROM fournisseurs ORDER BY id")).scalars().all() == [
            "essilor", "hoya"]
        assert conn.execute(text("SELECT recherche FROM verres WHERE id = 2")).scalar() == "hoyalux\x1f\x1f"
    assert list(catalogue.lens_ids(db, LensQuery(text="varilux"))) == [1]
    assert list(catalogue.lens_ids(db, LensQuery(text="aipz"))) == [1]
