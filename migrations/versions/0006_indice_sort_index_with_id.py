"""the index sort reads (indice, id) in order on every database

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03

Lenses sorted by index are shown in ``indice, id`` order. SQLite and MariaDB keep every index
entry with the row's id after its columns, so ``idx_verre_indice (indice)`` gave that order
already; PostgreSQL keeps equal entries in heap order, so it read a whole index value (a tenth
of the catalogue, or more) and sorted it by id for every page: at 100,000 lenses, the first
page sorted by index took 58 ms, and 28 ms with a supplier and a search (6 and 8 ms with
``(indice, id)``). The index is re-created with ``id`` as its second column, alike everywhere.

A SQLite file whose statistics were gathered (``sqlite_stat1``, the maintenance's "analyse")
gets the new index's at once: dropping an index drops its statistics, and SQLite would take an
index without them for a very selective one, and pick it over ``(indice, tri_nom, id, ...)``
for an index filter shown in name order (then sort a tenth of the catalogue).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "idx_verre_indice"


def upgrade() -> None:
    op.drop_index(INDEX, table_name='verres')
    op.create_index(INDEX, 'verres', ['indice', 'id'], unique=False)
    _keep_sqlite_statistics()


def downgrade() -> None:
    op.drop_index(INDEX, table_name='verres')
    op.create_index(INDEX, 'verres', ['indice'], unique=False)
    _keep_sqlite_statistics()


def _keep_sqlite_statistics() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'sqlite':
        return
    analysed = bind.exec_driver_sql(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
    ).scalar()
    if analysed:
        op.execute(f"ANALYZE {INDEX}")
