"""gui/ops: off the UI thread unless quick on a small local file, latest answer only, failures
carried back to the UI thread in French."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from data.errors import DatabaseUnavailableError, NotFoundError
from gui.ops import Ops


def on_ui_thread() -> bool:
    return QThread.currentThread() is QApplication.instance().thread()


@pytest.fixture
def ops(sqlite_db, qtbot):
    ops = Ops(sqlite_db)
    yield ops
    ops.shutdown()


def test_a_quick_call_on_a_small_sqlite_file_runs_inline(ops):
    seen: list[bool] = []
    assert ops.inline_ok()
    assert ops.run(lambda db: on_ui_thread(), seen.append, quick=True) is None
    assert seen == [True]


def test_a_call_not_declared_quick_runs_off_the_ui_thread(ops, qtbot):
    ran_on_ui: list[bool] = []
    answered_on_ui: list[bool] = []
    job = ops.run(lambda db: ran_on_ui.append(on_ui_thread()), lambda _r: answered_on_ui.append(on_ui_thread()))
    assert job is not None
    qtbot.waitUntil(lambda: bool(answered_on_ui), timeout=5000)
    assert ran_on_ui == [False] and answered_on_ui == [True]


def test_above_the_small_catalogue_even_quick_calls_leave_the_ui_thread(ops, qtbot, monkeypatch):
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", -1)
    ops.forget_size()
    seen: list[bool] = []
    assert ops.run(lambda db: on_ui_thread(), seen.append, quick=True) is not None
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [False]


def test_an_older_answer_of_the_same_key_arriving_late_is_dropped(ops, qtbot):
    release = threading.Event()
    answers: list[str] = []

    def slow(_db):
        release.wait(5)
        return "ancienne"

    ops.run(slow, answers.append, key="liste")
    ops.run(lambda _db: "récente", answers.append, key="liste")
    qtbot.waitUntil(lambda: answers == ["récente"], timeout=5000)
    release.set()
    qtbot.wait(200)
    assert answers == ["récente"]


def test_a_lost_server_is_announced_and_the_failure_comes_back_on_the_ui_thread(ops, qtbot):
    failures: list[tuple[str, bool]] = []

    def lost(_db):
        raise DatabaseUnavailableError("Base indisponible : la connexion au serveur est perdue.")

    with qtbot.waitSignal(ops.unavailable, timeout=5000) as said:
        ops.run(lost, None, lambda exc: failures.append((exc.message, on_ui_thread())))
    assert said.args[0].startswith("Base indisponible")
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures[0][1] and "indisponible" in failures[0][0]


def test_a_failure_without_its_own_callback_is_reported_in_french(ops, qtbot):
    def missing(_db):
        raise NotFoundError("Verre introuvable.")

    with qtbot.waitSignal(ops.failed, timeout=5000) as said:
        ops.run(missing)
    assert said.args == ["Verre introuvable."]
    with qtbot.waitSignal(ops.failed, timeout=5000) as said:
        ops.run(lambda _db: 1 / 0)
    assert said.args[0].startswith("Erreur inattendue")


def test_what_a_person_waits_for_never_queues_behind_background_reads(ops, qtbot, monkeypatch):
    """Counts and lists run in their own lane: with that lane full, a first page still comes."""
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", -1)
    ops.forget_size()
    release = threading.Event()
    busy = [ops.run(lambda _db: release.wait(10), background=True) for _ in range(4)]
    answers: list[str] = []
    try:
        ops.run(lambda _db: "première page", answers.append, key="table.page", quick=True)
        qtbot.waitUntil(lambda: answers == ["première page"], timeout=5000)
        assert not any(job.finished_event.is_set() for job in busy if job is not None)
    finally:
        release.set()


def test_a_keyed_call_asked_again_before_it_started_is_never_run(ops, qtbot):
    """Only the latest of a key is worth the work: an older one still queued is skipped."""
    release = threading.Event()
    ran: list[str] = []
    ops.run(lambda _db: release.wait(10))  # the two threads of the lane taken...
    ops.run(lambda _db: release.wait(10))
    ops.run(lambda _db: ran.append("ancienne"), key="liste")  # ... so these two wait
    answers: list[str] = []
    ops.run(lambda _db: ran.append("récente") or "récente", answers.append, key="liste")
    release.set()
    qtbot.waitUntil(lambda: answers == ["récente"], timeout=5000)
    assert ran == ["récente"]


def test_a_running_sqlite_read_asked_again_stops_where_it_stands(ops, qtbot):
    """On a SQLite file the older read is interrupted (not run to its end beside the new one)."""
    from sqlalchemy import text

    long_read = text("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50000000) "
                     "SELECT count(*) FROM n")
    started = threading.Event()

    def slow(db):
        with db.transaction() as session:
            started.set()
            return session.execute(long_read).scalar_one()

    answers: list[object] = []
    first = ops.run(slow, answers.append, key="liste")
    assert first is not None and started.wait(5)
    ops.run(lambda _db: "récente", answers.append, key="liste")
    qtbot.waitUntil(lambda: answers == ["récente"], timeout=5000)
    assert first.finished_event.wait(5) and first.error is not None  # stopped, not finished


def test_an_answer_is_let_go_once_delivered(ops, qtbot):
    """The thread pool keeps every job it ran (PySide holds a runnable that does not delete
    itself): a job must not keep its answer, or every page, list and count of a session stays."""
    import gc
    import weakref

    class Answer:
        pass

    delivered: list[weakref.ref[Answer]] = []
    job = ops.run(lambda db: Answer(), lambda answer: delivered.append(weakref.ref(answer)))
    assert job is not None
    qtbot.waitUntil(lambda: bool(delivered) and job.finished_event.is_set(), timeout=5000)
    QApplication.processEvents()
    gc.collect()
    assert delivered[0]() is None
