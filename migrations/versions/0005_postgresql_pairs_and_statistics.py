"""PostgreSQL: an index of the pairs of characters for 2-character searches; reference statistics

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25

PostgreSQL only (SQLite and MariaDB are left as they are):

- ``recherche_paires(texte)``: every pair of consecutive characters of a text, and a GIN index
  ``idx_verre_recherche_paires`` on the pairs of ``verres.recherche``. pg_trgm cannot serve a
  2-character fragment (``ai``, ``zq``, ``74``: no trigram inside it), so those searches read every
  lens; "the text holds ``zq``" is exactly "``zq`` is one of its pairs", which this index answers
  (count of ``zq`` at 100,000 lenses: 19 ms -> 0.2 ms). SQLite serves the same searches from its
  FTS5 vocabulary.
- ``verres_references``: extended statistics (functional dependencies) on ``fournisseur_id``,
  ``gamme_id``, ``serie_id``. A series belongs to one range, a range to one supplier: without
  them the planner multiplies the three selectivities and takes 4,000 lenses for 100, then sorts
  them all instead of reading the name-order index (10 ms -> 0.7 ms).
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAIRS_FUNCTION = "recherche_paires"
PAIRS_INDEX = "idx_verre_recherche_paires"
REFERENCE_STATISTICS = "verres_references"

POSTGRESQL_UPGRADE = (
    # Without DISTINCT (GIN keeps each key once per row): 5 µs a lens instead of 8.
    f"CREATE FUNCTION {PAIRS_FUNCTION}(texte text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT "
    "PARALLEL SAFE AS $$ SELECT array(SELECT substr(texte, i, 2) "
    "FROM generate_series(1, length(texte) - 1) AS i) $$",
    f"CREATE INDEX {PAIRS_INDEX} ON verres USING gin ({PAIRS_FUNCTION}(recherche))",
    f"CREATE STATISTICS {REFERENCE_STATISTICS} (dependencies) "
    "ON fournisseur_id, gamme_id, serie_id FROM verres",
)
POSTGRESQL_DOWNGRADE = (
    f"DROP STATISTICS IF EXISTS {REFERENCE_STATISTICS}",
    f"DROP INDEX IF EXISTS {PAIRS_INDEX}",
    f"DROP FUNCTION IF EXISTS {PAIRS_FUNCTION}(text)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
