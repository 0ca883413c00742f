"""the name-order indexes carry the folded search text

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25

A search for a common fragment (``ai``, ``comfort``) shows its first page by reading lenses in
name order until a page is full: with ``recherche`` in the index, each lens is tested without
reading its row (a million-lens catalogue: 40 ms became 3 ms). The six indexes that keep the
name order, ``(tri_nom, id)`` and ``(filter, tri_nom, id)``, are replaced by the same columns
plus ``recherche``. The new ones are created before the old ones are dropped: the range and
series ones serve composite foreign keys, which MariaDB never leaves without an index.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (old name, new name, columns before recherche)
REPLACED = (
    ("idx_verre_nom", "idx_verre_nom_recherche", ["tri_nom", "id"]),
    ("idx_verre_fournisseur_nom", "idx_verre_fournisseur_recherche", ["fournisseur_id", "tri_nom", "id"]),
    ("idx_verre_gamme_nom", "idx_verre_gamme_recherche", ["gamme_id", "fournisseur_id", "tri_nom", "id"]),
    ("idx_verre_serie_nom", "idx_verre_serie_recherche", ["serie_id", "gamme_id", "tri_nom", "id"]),
    ("idx_verre_materiau_nom", "idx_verre_materiau_recherche", ["materiau_id", "tri_nom", "id"]),
    ("idx_verre_indice_nom", "idx_verre_indice_recherche", ["indice", "tri_nom", "id"]),
)


def upgrade() -> None:
    for _old, new, columns in REPLACED:
        op.create_index(new, 'verres', [*columns, "recherche"], unique=False)
    for old, _new, _columns in REPLACED:
        op.drop_index(old, table_name='verres')


def downgrade() -> None:
    for old, _new, columns in REPLACED:
        op.create_index(old, 'verres', columns, unique=False)
    for _old, new, _columns in REPLACED:
        op.drop_index(new, table_name='verres')
