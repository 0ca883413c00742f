"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fournisseurs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('nom_normalise', sa.String(length=100).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=100), 'mysql').with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('exemple', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("nom_normalise <> ''", name=op.f('ck_fournisseurs_nom_non_vide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fournisseurs')),
    sa.UniqueConstraint('nom_normalise', name=op.f('uq_fournisseurs_nom_normalise')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('images_gravure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donnees', sa.LargeBinary().with_variant(mysql.LONGBLOB(), 'mysql'), nullable=False),
    sa.Column('type_mime', sa.String(length=20), nullable=False),
    sa.Column('taille', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.CheckConstraint("type_mime IN ('image/png', 'image/jpeg')", name=op.f('ck_images_gravure_type_mime')),
    sa.CheckConstraint('taille > 0 AND taille <= 5242880', name=op.f('ck_images_gravure_taille')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_images_gravure')),
    sa.UniqueConstraint('sha256', name=op.f('uq_images_gravure_sha256')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('materiaux',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('nom_normalise', sa.String(length=100).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=100), 'mysql').with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('exemple', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("nom_normalise <> ''", name=op.f('ck_materiaux_nom_non_vide')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_materiaux')),
    sa.UniqueConstraint('nom_normalise', name=op.f('uq_materiaux_nom_normalise')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('parametres',
    sa.Column('cle', sa.String(length=64), nullable=False),
    sa.Column('valeur', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('cle', name=op.f('pk_parametres')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('gammes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('nom_normalise', sa.String(length=100).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=100), 'mysql').with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('fournisseur_id', sa.Integer(), nullable=False),
    sa.Column('exemple', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("nom_normalise <> ''", name=op.f('ck_gammes_nom_non_vide')),
    sa.ForeignKeyConstraint(['fournisseur_id'], ['fournisseurs.id'], name=op.f('fk_gammes_fournisseur_id_fournisseurs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gammes')),
    sa.UniqueConstraint('fournisseur_id', 'nom_normalise', name=op.f('uq_gammes_fournisseur_id_nom_normalise')),
    sa.UniqueConstraint('id', 'fournisseur_id', name=op.f('uq_gammes_id_fournisseur_id')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('nom_normalise', sa.String(length=100).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=100), 'mysql').with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('gamme_id', sa.Integer(), nullable=False),
    sa.Column('exemple', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.CheckConstraint("nom_normalise <> ''", name=op.f('ck_series_nom_non_vide')),
    sa.ForeignKeyConstraint(['gamme_id'], ['gammes.id'], name=op.f('fk_series_gamme_id_gammes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_series')),
    sa.UniqueConstraint('gamme_id', 'nom_normalise', name=op.f('uq_series_gamme_id_nom_normalise')),
    sa.UniqueConstraint('id', 'gamme_id', name=op.f('uq_series_id_gamme_id')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_table('verres',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nom', sa.String(length=100), nullable=False),
    sa.Column('variante', sa.String(length=50), nullable=True),
    sa.Column('fournisseur_id', sa.Integer(), nullable=False),
    sa.Column('gamme_id', sa.Integer(), nullable=True),
    sa.Column('serie_id', sa.Integer(), nullable=True),
    sa.Column('materiau_id', sa.Integer(), nullable=True),
    sa.Column('indice', sa.Double(), nullable=False),
    sa.Column('hauteur_min', sa.Integer(), nullable=True),
    sa.Column('hauteur_max', sa.Integer(), nullable=True),
    sa.Column('gravure_nasale', sa.String(length=50), nullable=True),
    sa.Column('url_gravure', sa.String(length=255), nullable=True),
    sa.Column('url_source', sa.String(length=255), nullable=True),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('exemple', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.Column('cree_le', sa.DateTime(), nullable=False),
    sa.Column('modifie_le', sa.DateTime(), nullable=False),
    sa.Column('recherche', sa.String(length=220).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=220), 'mysql').with_variant(sa.String(length=220, collation='C'), 'postgresql'), nullable=False),
    sa.Column('tri_nom', sa.String(length=100).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=100), 'mysql').with_variant(sa.String(length=100, collation='C'), 'postgresql'), nullable=False),
    sa.Column('tri_variante', sa.String(length=50).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=50), 'mysql').with_variant(sa.String(length=50, collation='C'), 'postgresql'), nullable=True),
    sa.Column('tri_gravure', sa.String(length=50).with_variant(mysql.VARCHAR(charset='utf8mb4', collation='utf8mb4_bin', length=50), 'mysql').with_variant(sa.String(length=50, collation='C'), 'postgresql'), nullable=True),
    sa.CheckConstraint("nom <> ''", name=op.f('ck_verres_nom_non_vide')),
    sa.CheckConstraint('hauteur_max IS NULL OR hauteur_max <= 100', name=op.f('ck_verres_hauteur_max')),
    sa.CheckConstraint('hauteur_min IS NULL OR hauteur_max IS NULL OR hauteur_min <= hauteur_max', name=op.f('ck_verres_hauteurs_ordonnees')),
    sa.CheckConstraint('hauteur_min IS NULL OR hauteur_min >= 0', name=op.f('ck_verres_hauteur_min')),
    sa.CheckConstraint('indice >= 1.0 AND indice <= 2.0', name=op.f('ck_verres_indice')),
    sa.CheckConstraint('serie_id IS NULL OR gamme_id IS NOT NULL', name=op.f('ck_verres_serie_sans_gamme')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_verres_version')),
    sa.ForeignKeyConstraint(['fournisseur_id'], ['fournisseurs.id'], name=op.f('fk_verres_fournisseur_id_fournisseurs')),
    sa.ForeignKeyConstraint(['gamme_id', 'fournisseur_id'], ['gammes.id', 'gammes.fournisseur_id'], name=op.f('fk_verres_gamme_id_fournisseur_id_gammes')),
    sa.ForeignKeyConstraint(['image_id'], ['images_gravure.id'], name=op.f('fk_verres_image_id_images_gravure'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['materiau_id'], ['materiaux.id'], name=op.f('fk_verres_materiau_id_materiaux')),
    sa.ForeignKeyConstraint(['serie_id', 'gamme_id'], ['series.id', 'series.gamme_id'], name=op.f('fk_verres_serie_id_gamme_id_series')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verres')),
    mysql_charset='utf8mb4',
    mysql_engine='InnoDB'
    )
    op.create_index('idx_verre_fournisseur', 'verres', ['fournisseur_id'], unique=False)
    op.create_index('idx_verre_gamme', 'verres', ['gamme_id', 'fournisseur_id'], unique=False)
    op.create_index('idx_verre_hauteur_min', 'verres', ['hauteur_min'], unique=False)
    op.create_index('idx_verre_image', 'verres', ['image_id'], unique=False)
    op.create_index('idx_verre_indice', 'verres', ['indice'], unique=False)
    op.create_index('idx_verre_materiau', 'verres', ['materiau_id'], unique=False)
    op.create_index('idx_verre_nom', 'verres', ['tri_nom', 'id'], unique=False)
    op.create_index('idx_verre_serie', 'verres', ['serie_id', 'gamme_id'], unique=False)


def downgrade() -> None:
    # Dropping the tables drops their indexes (MariaDB refuses to drop an index a
    # foreign key needs while the key exists).
    op.drop_table('verres')
    op.drop_table('series')
    op.drop_table('gammes')
    op.drop_table('parametres')
    op.drop_table('materiaux')
    op.drop_table('images_gravure')
    op.drop_table('fournisseurs')
