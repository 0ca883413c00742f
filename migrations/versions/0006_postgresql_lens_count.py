"""PostgreSQL: the number of lenses kept by triggers

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25

PostgreSQL only. Counting every lens (the unfiltered catalogue: at start, after clearing the
filters, after a sort) reads a whole index and checks each row's visibility: 4 ms at 100,000
lenses, 40 at a million, the most frequent count of all. ``verres_nombre`` holds that number in
one row, moved by statement-level triggers after each INSERT, DELETE or TRUNCATE on ``verres``
(one update per statement, not per row: an import or a restore of 100,000 lenses moves it a few
times). It is an ordinary row under MVCC, so every transaction reads the number that matches the
lenses it sees. SQLite counts a table fast by itself; MariaDB is left as it is.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_TABLE = "verres_nombre"

POSTGRESQL_UPGRADE = (
    f"CREATE TABLE {COUNT_TABLE} (n bigint NOT NULL)",
    f"INSERT INTO {COUNT_TABLE} (n) SELECT count(*) FROM verres",
    f"CREATE FUNCTION {COUNT_TABLE}_ajout() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE {COUNT_TABLE} SET n = n + (SELECT count(*) FROM nouveaux); RETURN NULL; END $$",
    f"CREATE FUNCTION {COUNT_TABLE}_retrait() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE {COUNT_TABLE} SET n = n - (SELECT count(*) FROM anciens); RETURN NULL; END $$",
    f"CREATE FUNCTION {COUNT_TABLE}_vidage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"UPDATE {COUNT_TABLE} SET n = 0; RETURN NULL; END $$",
    f"CREATE TRIGGER {COUNT_TABLE}_ajout AFTER INSERT ON verres REFERENCING NEW TABLE AS nouveaux "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_ajout()",
    f"CREATE TRIGGER {COUNT_TABLE}_retrait AFTER DELETE ON verres REFERENCING OLD TABLE AS anciens "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_retrait()",
    f"CREATE TRIGGER {COUNT_TABLE}_vidage AFTER TRUNCATE ON verres "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_vidage()",
)
POSTGRESQL_DOWNGRADE = (
    *(f"DROP TRIGGER IF EXISTS {COUNT_TABLE}_{kind} ON verres"
      for kind in ("vidage", "retrait", "ajout")),
    *(f"DROP FUNCTION IF EXISTS {COUNT_TABLE}_{kind}()" for kind in ("vidage", "retrait", "ajout")),
    f"DROP TABLE IF EXISTS {COUNT_TABLE}",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_UPGRADE:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
