"""Server connections: what every new connection is told once (PostgreSQL's plans)."""

from __future__ import annotations

import pytest
from sqlalchemy import bindparam, func, select, text

from data.config import load_settings
from data.database import Database, open_database
from data.errors import DBOperationError
from data.models import Verre


def _postgresql_only(db: Database) -> None:
    if db.backend != "postgresql":
        pytest.skip("PostgreSQL only")


def _many_lenses(db: Database, count: int) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO fournisseurs (id, nom, nom_normalise, exemple) VALUES (1, 'F', 'f', false)"
        ))
        conn.execute(text(
            "INSERT INTO verres (nom, fournisseur_id, indice, recherche, tri_nom, exemple, version, "
            "cree_le, modifie_le) SELECT 'Verre ' || n, 1, 1.5, 'verre ai ' || n, 'verre ' || n, "
            "false, 1, now(), now() FROM generate_series(1, :count) AS n"
        ), {"count": count})
        conn.execute(text("ANALYZE verres"))


def test_postgresql_plans_a_repeated_statement_for_its_values(db: Database) -> None:
    """psycopg prepares a statement run five times; its plan must still follow each fragment.

    With one generic plan, a fragment the trigram index cannot serve (``ai``: two characters)
    would read the whole index; every plan here is made for its own fragment.
    """
    _postgresql_only(db)
    _many_lenses(db, 5000)
    stmt = select(func.count()).select_from(Verre).where(Verre.recherche.like(bindparam("p")))
    with db.transaction() as session:
        # psycopg prepares at the 6th run; PostgreSQL may go generic from the 6th prepared one
        for fragment in ("zq", "ai", "x", "74", "comfort", "elite", "aipz", "hd", "1.6", "z") * 2:
            session.execute(stmt, {"p": f"%{fragment}%"})
        generic, custom = session.execute(text(
            "SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
            "FROM pg_prepared_statements"
        )).one()
    assert custom >= 10  # prepared, and planned again for each fragment
    assert generic == 0


def test_the_plan_settings_outlive_a_rolled_back_transaction(db_url: str, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    database = open_database(db_url, load_settings(cli_url=db_url), pool_size=1)
    try:
        with pytest.raises(DBOperationError):
            with database.transaction() as session:
                session.execute(text("SELECT 1 / 0"))
        with database.transaction() as session:
            assert session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
            assert session.execute(text("SHOW join_collapse_limit")).scalar() == "1"
    finally:
        database.dispose()
