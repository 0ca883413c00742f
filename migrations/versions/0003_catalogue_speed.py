"""speed at a million lenses: sort keys, sort and filter indexes, search index; exact timestamps

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

- ``verres.tri_gamme`` / ``tri_serie`` / ``tri_materiau``: folded names of the lens's references,
  so that sorting by them reads an index instead of sorting every lens (backfilled here).
- One ``(key, id)`` index per sort key, and filter indexes that keep the name order
  (``(fournisseur_id, tri_nom, id)``...); the range and series ones replace the old
  ``idx_verre_gamme`` / ``idx_verre_serie`` (same leading columns, so they still serve the
  composite foreign keys; created before the old ones are dropped, as MariaDB requires).
- SQLite: ``verres_fts``, a contentless FTS5 trigram index over ``recherche`` plus a separator
  (so every pair of characters starts a trigram), its vocabulary table, and triggers that keep it
  right whoever writes (service, import, restore, raw SQL). PostgreSQL: ``pg_trgm`` GIN index on
  ``recherche`` (skipped, with a warning, if the extension cannot be created: search stays
  right, only slower). MariaDB keeps scanning.
- MariaDB: every timestamp becomes ``DATETIME(6)`` (microseconds, like the other two).
"""
from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("engravedetect.migrations")

SORT_KEYS = ("tri_gamme", "tri_serie", "tri_materiau")
NEW_INDEXES = (
    ("idx_verre_variante", ["tri_variante", "id"]),
    ("idx_verre_gravure", ["tri_gravure", "id"]),
    ("idx_verre_hauteur_min", ["hauteur_min", "id"]),
    ("idx_verre_hauteur_max", ["hauteur_max", "id"]),
    ("idx_verre_tri_gamme", ["tri_gamme", "id"]),
    ("idx_verre_tri_serie", ["tri_serie", "id"]),
    ("idx_verre_tri_materiau", ["tri_materiau", "id"]),
    ("idx_verre_fournisseur_nom", ["fournisseur_id", "tri_nom", "id"]),
    ("idx_verre_gamme_nom", ["gamme_id", "fournisseur_id", "tri_nom", "id"]),
    ("idx_verre_serie_nom", ["serie_id", "gamme_id", "tri_nom", "id"]),
    ("idx_verre_materiau_nom", ["materiau_id", "tri_nom", "id"]),
    ("idx_verre_indice_nom", ["indice", "tri_nom", "id"]),
)
OLD_INDEXES = (
    ("idx_verre_gamme", ["gamme_id", "fournisseur_id"]),
    ("idx_verre_serie", ["serie_id", "gamme_id"]),
    ("idx_verre_materiau", ["materiau_id"]),
    ("idx_verre_hauteur_min", ["hauteur_min"]),
)
TIMESTAMPS = (
    ("images_gravure", "cree_le"),
    ("verres", "cree_le"),
    ("verres", "modifie_le"),
    ("historique", "quand"),
)
PG_TRIGRAM_INDEX = "idx_verre_recherche_trgm"

FTS_TABLE = "verres_fts"
FTS_TEXT = "recherche || char(31)"  # a separator after the last field: see data.query
SQLITE_FTS = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(recherche, content='', columnsize=0, "
    "detail=none, tokenize='trigram case_sensitive 1')",
    f"CREATE VIRTUAL TABLE {FTS_TABLE}_vocab USING fts5vocab({FTS_TABLE}, row)",
    f"INSERT INTO {FTS_TABLE}(rowid, recherche) SELECT id, {FTS_TEXT} FROM verres",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON verres BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, recherche) VALUES (new.id, new.{FTS_TEXT}); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON verres BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, recherche) VALUES ('delete', old.id, old.{FTS_TEXT}); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF id, recherche ON verres "
    "WHEN old.id <> new.id OR old.recherche IS NOT new.recherche BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, recherche) VALUES ('delete', old.id, old.{FTS_TEXT}); "
    f"INSERT INTO {FTS_TABLE}(rowid, recherche) VALUES (new.id, new.{FTS_TEXT}); END",
)
SQLITE_FTS_DROP = (
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_update",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_delete",
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_insert",
    f"DROP TABLE IF EXISTS {FTS_TABLE}_vocab",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
)


def key_string(length: int) -> sa.types.TypeEngine:
    return sa.String(length=length).with_variant(
        mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=length), 'mysql'
    ).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name in SORT_KEYS:
        op.add_column('verres', sa.Column(name, key_string(100), nullable=True))
    _backfill_sort_keys()
    op.drop_index('idx_verre_hauteur_min', table_name='verres')
    for name, columns in NEW_INDEXES:
        op.create_index(name, 'verres', columns, unique=False)
    for name, _columns in OLD_INDEXES:
        if name != 'idx_verre_hauteur_min':
            op.drop_index(name, table_name='verres')
    if dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        _postgresql_trigram_index()
    elif dialect == 'mysql':
        for table, column in TIMESTAMPS:
            op.alter_column(table, column, type_=mysql.DATETIME(fsp=6),
                            existing_type=sa.DateTime(), existing_nullable=False)


def _backfill_sort_keys() -> None:
    op.execute(
        "UPDATE verres SET "
        "tri_gamme = (SELECT g.nom_normalise FROM gammes g WHERE g.id = verres.gamme_id), "
        "tri_serie = (SELECT s.nom_normalise FROM series s WHERE s.id = verres.serie_id), "
        "tri_materiau = (SELECT m.nom_normalise FROM materiaux m WHERE m.id = verres.materiau_id) "
        "WHERE gamme_id IS NOT NULL OR materiau_id IS NOT NULL"
    )


def _postgresql_trigram_index() -> None:
    """pg_trgm is a trusted extension (PostgreSQL 13+); a user who may not create it still gets
    a working catalogue, with fragment search scanning the table."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        log.warning("Extension pg_trgm indisponible (%s) : recherche sans index.", type(exc).__name__)
        return
    savepoint.commit()
    op.execute(f"CREATE INDEX {PG_TRIGRAM_INDEX} ON verres USING gin (recherche gin_trgm_ops)")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_FTS_DROP:
            op.execute(statement)
    elif dialect == 'postgresql':
        op.execute(f"DROP INDEX IF EXISTS {PG_TRIGRAM_INDEX}")
    elif dialect == 'mysql':
        for table, column in TIMESTAMPS:
            op.alter_column(table, column, type_=sa.DateTime(),
                            existing_type=mysql.DATETIME(fsp=6), existing_nullable=False)
    for name, columns in OLD_INDEXES:
        if name != 'idx_verre_hauteur_min':
            op.create_index(name, 'verres', columns, unique=False)
    for name, _columns in NEW_INDEXES:
        op.drop_index(name, table_name='verres')
    op.create_index('idx_verre_hauteur_min', 'verres', ['hauteur_min'], unique=False)
    for name in SORT_KEYS:
        if dialect == 'sqlite':
            op.execute(f"ALTER TABLE verres DROP COLUMN {name}")  # SQLite 3.35+: no table copy
        else:
            op.drop_column('verres', name)
