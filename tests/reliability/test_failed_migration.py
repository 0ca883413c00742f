"""A schema migration that fails half way: the catalogue comes back exactly as it was, and the
user is told what happened.

A planted revision (in a temporary copy of the migrations folder) creates a table, adds a column,
changes every lens name, then fails. SQLite and PostgreSQL roll the whole migration back (one
transaction); MariaDB commits each DDL statement on its own, so the app drops what the migration
created and loads the pre-migration backup back.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from data import catalogue, migrate
from data.config import load_settings
from data.database import Database, open_database
from data.migrate import MigrationError, head_revision, schema_state
from data.query import LensQuery
from data.startup import open_catalogue
from tests.factories import lens_values, make_refs

FAILING_REVISION = textwrap.dedent(
    '''
    """planted failure for the reliability suite"""
    import sqlalchemy as sa
    from alembic import op

    revision = "9999"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        op.create_table(
            "essai_panne",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("verre_id", sa.Integer(), sa.ForeignKey("verres.id")),
        )
        op.add_column("verres", sa.Column("colonne_essai", sa.Integer(), nullable=True))
        op.execute("UPDATE verres SET nom = 'abime', colonne_essai = 1")
        raise RuntimeError("panne simulée au milieu de la mise à jour")


    def downgrade() -> None:
        pass
    '''
)


def shape(db: Database) -> tuple[set[str], list[str], list[str], str | None]:
    """Tables, lens columns, lens names and revision: what a half-done migration would change."""
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        tables = set(inspector.get_table_names())
        columns = sorted(c["name"] for c in inspector.get_columns("verres"))
        names = [r[0] for r in conn.exec_driver_sql("SELECT nom FROM verres ORDER BY id")]
    return tables, columns, names, schema_state(db).current


def plant_failing_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at a copy of its migrations with a failing revision on top of the head."""
    folder = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / "9999_panne.py").write_text(
        FAILING_REVISION.format(head=head_revision()), encoding="utf-8")
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    return folder


def test_a_migration_failing_half_way_leaves_the_catalogue_as_it_was(
    db: Database, db_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    refs = make_refs(db)
    for n in range(3):
        catalogue.create_lens(db, lens_values(refs, nom=f"Verre {n}"))
    before = shape(db)
    db.dispose()
    plant_failing_revision(tmp_path, monkeypatch)

    with pytest.raises(MigrationError) as caught:
        open_catalogue(db_url, seed=False, pool_size=2)
    message = caught.value.message
    assert message.startswith("La mise à jour du schéma a échoué")
    assert "sauvegarde" in message and "Traceback" not in message
    backups = list(load_settings(cli_url=db_url).backup_dir.glob("catalogue_*-pre-migration*"))
    assert len(backups) == 1, "every backend gets a backup before a migration"
    if db.backend == "mysql":
        assert caught.value.restored_from == backups[0]
        assert "remise dans son état d'avant la mise à jour" in message
    else:
        assert caught.value.restored_from is None
        assert "reste à sa version précédente" in message

    monkeypatch.undo()  # the app without the broken revision: the catalogue must be as before
    again = open_database(db_url, load_settings(cli_url=db_url), pool_size=2)
    try:
        assert shape(again) == before
        catalogue.create_lens(again, lens_values(refs, nom="Après la panne"))
        assert catalogue.count_lenses(again, LensQuery()) == 4
    finally:
        again.dispose()


@pytest.mark.parametrize("backend", ["mariadb"])
def test_a_failed_first_migration_of_an_empty_mariadb_base_leaves_it_empty(
    empty_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No backup exists before the very first migration: the app removes what it created."""
    plant_failing_revision(tmp_path, monkeypatch)
    with pytest.raises(MigrationError) as caught:
        migrate.upgrade(empty_db)
    assert "vide" in caught.value.message
    with empty_db.engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
