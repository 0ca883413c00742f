"""audit trail: table historique

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

One row per change (who, when, what, old and new values as JSON text). Plain ``create_table``
and ``create_index``: a new table needs no batch copy on SQLite.
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('historique',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('quand', sa.DateTime(), nullable=False),
    sa.Column('auteur', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('cible', sa.String(length=20), nullable=False),
    sa.Column('cible_id', sa.Integer(), nullable=True),
    sa.Column('libelle', sa.String(length=255), nullable=False),
    sa.Column('anciennes_valeurs', sa.Text(), nullable=True),
    sa.Column('nouvelles_valeurs', sa.Text(), nullable=True),
    sa.Column('lot', sa.Integer(), nullable=True),
    sa.Column('entree_annulee', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_historique')),
    sa.UniqueConstraint('entree_annulee', name=op.f('uq_historique_entree_annulee')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_index('idx_historique_cible', 'historique', ['cible', 'cible_id', 'id'], unique=False)
    op.create_index('idx_historique_quand', 'historique', ['quand', 'id'], unique=False)
    op.create_index('idx_historique_auteur', 'historique', ['auteur', 'quand'], unique=False)
    op.create_index('idx_historique_action', 'historique', ['action', 'quand'], unique=False)
    op.create_index('idx_historique_lot', 'historique', ['lot'], unique=False)


def downgrade() -> None:
    # Dropping the table drops its indexes on the three databases.
    op.drop_table('historique')
