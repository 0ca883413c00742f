"""The PostgreSQL server stops in the middle of a session, then comes back.

A private instance (never the shared server on port 5432) is stopped with ``pg_ctl stop -m fast``
while a transaction is open and again between two calls. Every call made meanwhile must fail
with ``DatabaseUnavailableError`` ("Base indisponible", French, no password) and write nothing;
once the server is back, the same ``Database`` object works again (the pool's pre-ping replaces
the dead connections) and every committed lens and audit entry is still there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from data import catalogue
from data.database import Database
from data.errors import DatabaseUnavailableError
from data.query import LensQuery
from data.startup import open_catalogue
from tests.factories import Refs, lens_values, make_refs
from tests.reliability.helpers import run_cli

pytestmark = [pytest.mark.slow, pytest.mark.server]


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    from tests.reliability.pgprivate import StoppablePostgres

    try:
        instance = StoppablePostgres()
    except RuntimeError as exc:
        pytest.skip(f"PostgreSQL (initdb) absent de cette machine : {exc}")
    with instance:
        yield instance


def trail_count(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM historique").scalar_one())


def test_the_server_stopping_mid_session_loses_nothing_and_the_session_recovers(
    server: Any, data_home: Path
) -> None:
    url = server.create_database("catalogue_boutique")
    opened = open_catalogue(url, seed=False, pool_size=2)
    db = opened.db
    stops = refused = 0
    try:
        refs = make_refs(db)
        ids = [catalogue.create_lens(db, lens_values(refs, nom=f"Verre {n}")).lens_id for n in range(5)]
        committed_entries = trail_count(db)
        edit_target = catalogue.get_lens(db, ids[0])
        kept_input = {**edit_target.form_values(), "variante": "saisie gardée"}

        # 1. The server stops while a save is inside its transaction.
        with pytest.raises(DatabaseUnavailableError) as caught:
            with db.transaction() as session:
                catalogue.insert_lens(session, lens_values(refs, nom="Coupé en vol"), None, False)
                server.halt()
                stops += 1
        refused += 1
        assert "Base indisponible" in caught.value.message
        # 2. While it is away, every kind of call says so, in French.
        for name, call in calls_while_down_offline(refs, ids[1], edit_target).items():
            with pytest.raises(DatabaseUnavailableError) as caught:
                call(db)
            refused += 1
            assert "indisponible" in caught.value.message.lower(), name
        done = run_cli(data_home, "check", "--database", url)
        assert done.returncode == 1 and "indisponible" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        server.resume()

        # 3. Back: the same Database works again; the edit kept by the dialog saves.
        assert catalogue.count_lenses(db, LensQuery()) == 5
        version = catalogue.update_lens(db, ids[0], kept_input, edit_target.version).version
        assert version == edit_target.version + 1

        # 4. A second stop between two calls, then back again.
        server.halt()
        stops += 1
        with pytest.raises(DatabaseUnavailableError):
            catalogue.create_lens(db, lens_values(refs, nom="Pendant la seconde panne"))
        refused += 1
        server.resume()
        names = {row.nom for row in catalogue.lens_page(db, LensQuery(), 0, 100)}
        assert names == {f"Verre {n}" for n in range(5)}, "a refused write left something behind"
        assert catalogue.get_lens(db, ids[0]).variante == "saisie gardée"
        assert trail_count(db) == committed_entries + 1  # the one save made after the restart
        print(f"\n[postgresql privé] arrêts={stops} appels refusés={refused} perdus=0")
    finally:
        db.dispose()


def calls_while_down_offline(
    refs: Refs, lens_id: int, known: catalogue.LensDetail
) -> dict[str, Callable[[Database], object]]:
    """Calls built without touching the database (it is down): read, search, save, delete."""
    edit = {**known.form_values(), "variante": "pendant la panne"}
    return {
        "compter": lambda db: catalogue.count_lenses(db, LensQuery(text="verre")),
        "lister": lambda db: catalogue.list_suppliers(db),
        "créer": lambda db: catalogue.create_lens(db, lens_values(refs, nom="Pendant la panne")),
        "modifier": lambda db: catalogue.update_lens(db, lens_id, edit, known.version),
        "supprimer": lambda db: catalogue.delete_lenses(db, [lens_id]),
        "ouvrir": lambda db: catalogue.get_lens(db, lens_id),
    }
