"""symbols: tables symboles and verres_symboles, the built-in shapes seeded

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

The vocabulary of shapes a nasal sign is made of (``data.symbols``) becomes data: one row per
shape (key, French label, palette group, drawing path, ``integre`` for the shapes shipped with
the app) so that an admin can add one without a release, and ``verres_symboles`` says which
shapes a lens's sign has (primary key ``(verre_id, symbole_id)``, cascade from the lens, a shape
in use cannot be deleted; an index on ``(symbole_id, verre_id)`` finds the lenses of a picked
shape). The 48 built-in shapes are inserted in the vocabulary's order, so their ids follow it
(a lens's shapes are listed in id order). Plain ``create_table``: new tables need no batch copy.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

from data.symbols import SHAPES

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def key_string(length: int) -> sa.types.TypeEngine:
    return sa.String(length=length).with_variant(
        mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=length), 'mysql'
    ).with_variant(sa.String(length=length, collation='C'), 'postgresql')


def upgrade() -> None:
    shapes = op.create_table('symboles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cle', key_string(40), nullable=False),
    sa.Column('libelle', sa.String(length=100), nullable=False),
    sa.Column('groupe', sa.String(length=50), nullable=False),
    sa.Column('dessin', sa.Text(), nullable=False),
    sa.Column('integre', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('cree_le', sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql'), nullable=False),
    sa.CheckConstraint("cle <> '' AND cle = lower(cle) AND cle NOT LIKE '% %'",
                       name=op.f('ck_symboles_cle')),
    sa.CheckConstraint("dessin <> ''", name=op.f('ck_symboles_dessin_non_vide')),
    sa.CheckConstraint("libelle <> ''", name=op.f('ck_symboles_libelle_non_vide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_symboles')),
    sa.UniqueConstraint('cle', name=op.f('uq_symboles_cle')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB',
    )
    op.create_table('verres_symboles',
    sa.Column('verre_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('symbole_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.ForeignKeyConstraint(['symbole_id'], ['symboles.id'],
                            name=op.f('fk_verres_symboles_symbole_id_symboles'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['verre_id'], ['verres.id'],
                            name=op.f('fk_verres_symboles_verre_id_verres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('verre_id', 'symbole_id', name=op.f('pk_verres_symboles')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB',
    )
    op.create_index('idx_verre_symbole_symbole', 'verres_symboles', ['symbole_id', 'verre_id'],
                    unique=False)
    assert shapes is not None
    now = datetime.now(UTC).replace(tzinfo=None)
    op.bulk_insert(shapes, [
        {'id': position, 'cle': shape.key, 'libelle': shape.label, 'groupe': shape.group,
         'dessin': shape.path, 'integre': True, 'cree_le': now}
        for position, shape in enumerate(SHAPES, start=1)
    ])
    if op.get_bind().dialect.name == 'postgresql':
        # Explicit ids leave the sequence behind: the next shape an admin adds takes the next id.
        op.execute("SELECT setval(pg_get_serial_sequence('symboles', 'id'), "
                   "(SELECT max(id) FROM symboles))")


def downgrade() -> None:
    op.drop_table('verres_symboles')
    op.drop_table('symboles')
