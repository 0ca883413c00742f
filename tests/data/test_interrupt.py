"""data/interrupt: a SQLite read nobody waits for any more stops where it stands."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from data.errors import Cancelled
from data.interrupt import abandoned_when

# Long enough to be stopped midway on any machine (tens of millions of steps).
LONG = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000000) "
            "SELECT count(*) FROM n")
SHORT = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
             "SELECT count(*) FROM n")


def test_a_statement_stops_once_its_answer_is_not_wanted(sqlite_db):
    unwanted = threading.Event()
    threading.Timer(0.05, unwanted.set).start()
    started = time.perf_counter()
    with pytest.raises(Cancelled), abandoned_when(unwanted.is_set), sqlite_db.transaction() as session:
        session.execute(LONG).scalar_one()
    assert time.perf_counter() - started < 5  # stopped, not run to its end
    with sqlite_db.transaction() as session:  # the connection serves the next read
        assert session.execute(SHORT).scalar_one() == 1000


def test_a_wanted_statement_runs_to_its_end_and_other_errors_stay_themselves(sqlite_db):
    with abandoned_when(lambda: False), sqlite_db.transaction() as session:
        assert session.execute(SHORT).scalar_one() == 1000
    with pytest.raises(Exception) as raised, abandoned_when(lambda: False), sqlite_db.transaction() as session:
        session.execute(text("SELECT * FROM no_such_table"))
    assert not isinstance(raised.value, Cancelled)
