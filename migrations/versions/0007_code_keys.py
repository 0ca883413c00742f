"""code keys: table verres_codes, filled for the existing lenses

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-10

A typed code (``spu5o``, ``hm50``, ``a1cx``) finds its lenses through the skeletons of their
engravings' keys (``data.catalogue.code_keys``): one row per (skeleton, lens), primary key
``(squelette, verre_id)`` so that a lookup, a start (a range) and the one-edit neighbours of a
typed code are reads of one B-tree — WITHOUT ROWID on SQLite, clustered on InnoDB — plus an
index on ``verre_id`` for the cascade and for replacing one lens's keys. Plain
``create_table``: a new table needs no batch copy on SQLite.

The keys of the lenses already there are computed in Python (the skeletons are not SQL) and
inserted by chunks: ids and codes read 20,000 at a time (keyset, in id order), rows inserted
by executemany. Lenses sharing a code share its computation (``engraving_keys`` is cached).
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from data.catalogue.code_keys import key_rows

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHUNK = 20_000


def key_string(length: int) -> sa.types.TypeEngine:
    return sa.String(length=length).with_variant(
        mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=length), 'mysql'
    ).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def upgrade() -> None:
    table = op.create_table('verres_codes',
    sa.Column('squelette', key_string(64), nullable=False),
    sa.Column('verre_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['verre_id'], ['verres.id'],
                            name=op.f('fk_verres_codes_verre_id_verres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('squelette', 'verre_id', name=op.f('pk_verres_codes')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB',
    sqlite_with_rowid=False,
    )
    op.create_index('idx_verre_code_verre', 'verres_codes', ['verre_id'], unique=False)
    assert table is not None
    _fill(table)


def _fill(table: sa.Table) -> None:
    bind = op.get_bind()
    read = sa.text("SELECT id, gravure_nasale FROM verres WHERE id > :last ORDER BY id LIMIT :n")
    last = 0
    while True:
        found = bind.execute(read, {"last": last, "n": CHUNK}).all()
        if not found:
            return
        rows = [
            {"squelette": skel, "verre_id": lens_id}
            for lens_id, engraving in found
            for skel, _ in key_rows(lens_id, engraving)
        ]
        if rows:
            bind.execute(table.insert(), rows)
        last = int(found[-1][0])


def downgrade() -> None:
    # Dropping the table drops its index on the three databases.
    op.drop_table('verres_codes')
