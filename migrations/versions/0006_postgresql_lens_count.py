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
lenses it sees. Roles given their rights on the tables before this revision keep working: every
role may read the number, and the triggers move it with their owner's rights (SECURITY DEFINER,
search path fixed). SQLite counts a table fast by itself; MariaDB is left as it is.
"""
from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNT_TABLE = "verres_nombre"

# What each trigger does to the number (``nouveaux``/``anciens``: the statement's rows).
CHANGES = {
    "ajout": "n + (SELECT count(*) FROM nouveaux)",
    "retrait": "n - (SELECT count(*) FROM anciens)",
    "vidage": "0",
}


def _functions(schema: str) -> list[str]:
    return [
        f"CREATE FUNCTION {COUNT_TABLE}_{kind}() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f'SET search_path = "{schema}", pg_temp AS $$ BEGIN UPDATE {COUNT_TABLE} SET n = {change}; '
        "RETURN NULL; END $$"
        for kind, change in CHANGES.items()
    ]


POSTGRESQL_UPGRADE = (
    f"CREATE TRIGGER {COUNT_TABLE}_ajout AFTER INSERT ON verres REFERENCING NEW TABLE AS nouveaux "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_ajout()",
    f"CREATE TRIGGER {COUNT_TABLE}_retrait AFTER DELETE ON verres REFERENCING OLD TABLE AS anciens "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_retrait()",
    f"CREATE TRIGGER {COUNT_TABLE}_vidage AFTER TRUNCATE ON verres "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {COUNT_TABLE}_vidage()",
)
POSTGRESQL_DOWNGRADE = (
    *(f"DROP TRIGGER IF EXISTS {COUNT_TABLE}_{kind} ON verres" for kind in CHANGES),
    *(f"DROP FUNCTION IF EXISTS {COUNT_TABLE}_{kind}()" for kind in CHANGES),
    f"DROP TABLE IF EXISTS {COUNT_TABLE}",
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    schema = bind.exec_driver_sql("SELECT current_schema()").scalar()
    op.execute(f"CREATE TABLE {COUNT_TABLE} (n bigint NOT NULL)")
    op.execute(f"INSERT INTO {COUNT_TABLE} (n) SELECT count(*) FROM verres")
    op.execute(f"GRANT SELECT ON {COUNT_TABLE} TO PUBLIC")  # a number, readable by every role
    for statement in [*_functions(str(schema)), *POSTGRESQL_UPGRADE]:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_DOWNGRADE:
            op.execute(statement)
