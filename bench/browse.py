"""One browsing measurement, run in its own process so that its peak memory is its own.

    python -m bench.browse --db FILE --plan PLAN.json --model ours|qsql|raw --reps N --out OUT.json

``ours``: the app's ``LensTableModel`` in a shown ``QTableView`` (1400x900, offscreen platform).
``qsql``: Qt's ``QSqlQueryModel`` (driver QSQLITE) given the same SQL, in the same view.
``raw``: the ``sqlite3`` module running the first page as one plain statement (an anchor, not a
floor: the app reads some queries with other, faster statements).

Timings include the paint: a figure ends when ``paintEvent`` of the viewport has returned.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

VIEW_SIZE = (1400, 900)
COUNT_TIMEOUT_S = 120.0


def peak_rss_mb() -> float:
    """Peak resident memory of this process, in MiB.

    Linux's ``VmHWM`` first: ``ru_maxrss`` survives ``execve``, so a process started by a big
    parent would report the parent's peak (measured: 620 MB for a 120 MB process).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ms_since(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def load_plan(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- Qt helpers


def make_view() -> Any:
    """A QTableView that remembers when its viewport finished painting."""
    from PySide6.QtWidgets import QTableView

    class TimedTableView(QTableView):
        def __init__(self) -> None:
            super().__init__()
            self.paints = 0
            self.painted_at = 0.0

        def paintEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
            super().paintEvent(event)
            self.paints += 1
            self.painted_at = time.perf_counter()

    view = TimedTableView()
    view.resize(*VIEW_SIZE)
    view.setWindowTitle("Banc d'essai")
    view.show()
    return view


def paint_now(app: Any, view: Any) -> float:
    """Let the view lay out and paint what is visible; return when the paint ended."""
    before = view.paints
    app.processEvents()
    if view.paints == before:
        view.viewport().repaint()
    if view.paints == before:
        raise RuntimeError("la vue ne s'est pas peinte")
    return float(view.painted_at)


def wait_for(app: Any, signal: Any, done: Callable[[], bool], timeout_s: float) -> None:
    """Run the event loop until ``done()`` (checked each time ``signal`` fires) or the timeout.

    The loop sleeps between events, as the window's does: polling on a short timer would keep the
    UI thread taking Python's lock from the model's pool threads, and measure that contention
    (it tripled the time of a first page read in a pool thread) rather than the app.
    """
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    while not done():
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError("délai dépassé")
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(int(remaining * 1000) + 1, loop.quit)
        if not done():  # it may have fired before the connection
            loop.exec()
        signal.disconnect(loop.quit)


def last_row_visible(view: Any, rows: int) -> bool:
    if rows == 0:
        return True
    bottom = view.rowAt(view.viewport().height() - 2)
    return bottom in (-1, rows - 1)


# ---------------------------------------------------------------- our model


def measure_ours(db_path: Path, plan: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    from bench.queries import Scenario
    from data.config import load_settings
    from data.database import open_database
    from data.query import LensQuery
    from gui.models.lens_table import LensTableModel

    app = QApplication.instance() or QApplication([])
    url = "sqlite:///" + db_path.as_posix()
    db = open_database(url, load_settings(cli_url=url))
    model = LensTableModel(db)
    view = make_view()
    view.setModel(model)
    counted: list[float] = []
    off_ui_thread: list[bool] = []

    def on_count(_n: int) -> None:
        counted.append(time.perf_counter())
        off_ui_thread.append(QThread.currentThread() is not app.thread())

    model.countReady.connect(on_count)
    scenarios = [Scenario.from_json(item) for item in plan]
    details: list[dict[str, Any]] = []
    try:
        _one_ours(app, model, view, LensQuery(), counted)  # warm-up, not counted
        for rep in range(reps):
            for scenario in scenarios:
                result = _one_ours(app, model, view, scenario.query, counted)
                details.append({"name": scenario.name, "rep": rep, **result})
    finally:
        model.shutdown()
        db.dispose()
    return {
        "details": details,
        "rss_mb": peak_rss_mb(),
        "count_signal_off_ui_thread": any(off_ui_thread),
    }


def _one_ours(app: Any, model: Any, view: Any, query: Any, counted: list[float]) -> dict[str, Any]:
    counted.clear()
    fetched_before = model.fetched_rows
    shown: list[float] = []
    model.firstPageReady.connect(lambda: shown.append(time.perf_counter()))
    start = time.perf_counter()
    model.set_query(query)
    set_query_ms = ms_since(start)
    # The first page may be read in a pool thread: the screen is right once it arrived.
    wait_for(app, model.firstPageReady, lambda: bool(shown), COUNT_TIMEOUT_S)
    model.firstPageReady.disconnect()
    first_screen_ms = (paint_now(app, view) - start) * 1000
    wait_for(app, model.countReady, lambda: bool(counted), COUNT_TIMEOUT_S)
    count_ms = (counted[0] - start) * 1000
    app.processEvents()  # rows inserted once the count is known: let the view take them in
    rows = model.rowCount()
    fetched_first = model.fetched_rows - fetched_before
    start = time.perf_counter()
    view.scrollToBottom()
    painted = paint_now(app, view)
    if rows and model.cached_row(rows - 1) is None:
        # On a large catalogue the last page is read off the UI thread: the view painted empty
        # rows, and the jump is over once that page has arrived and been painted.
        wait_for(app, model.dataChanged, lambda: model.cached_row(rows - 1) is not None, COUNT_TIMEOUT_S)
        painted = paint_now(app, view)
    jump_ms = (painted - start) * 1000
    ok = last_row_visible(view, rows) and (rows == 0 or model.cached_row(rows - 1) is not None)
    view.scrollToTop()
    app.processEvents()
    return {
        "rows": rows,
        "first_screen_ms": first_screen_ms,
        "set_query_ms": set_query_ms,
        "count_ms": count_ms,
        "jump_to_end_ms": jump_ms,
        "last_row_painted": ok,
        "fetched_rows_first_screen": fetched_first,
        "fetched_rows_total": model.fetched_rows - fetched_before,
    }


# ---------------------------------------------------------------- QSqlQueryModel anchor


def measure_qsql(db_path: Path, plan: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    from PySide6.QtSql import QSqlDatabase, QSqlQueryModel
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    connection = QSqlDatabase.addDatabase("QSQLITE", "bench")
    connection.setDatabaseName(str(db_path))
    if not connection.open():
        raise RuntimeError(connection.lastError().text())
    model = QSqlQueryModel()
    view = make_view()
    view.setModel(model)
    details: list[dict[str, Any]] = []
    try:
        _one_qsql(app, model, view, connection, plan[0])  # warm-up
        for rep in range(reps):
            for item in plan:
                result = _one_qsql(app, model, view, connection, item)
                details.append({"name": item["name"], "rep": rep, **result})
        rss = peak_rss_mb()
    finally:
        model.clear()
        del model
        connection.close()
    return {"details": details, "rss_mb": rss, "sqlite_version": _qt_sqlite_version()}


def _one_qsql(app: Any, model: Any, view: Any, connection: Any, item: dict[str, Any]) -> dict[str, Any]:
    from PySide6.QtSql import QSqlQuery

    start = time.perf_counter()
    query = QSqlQuery(connection)
    if not query.prepare(item["full_sql"]):
        raise RuntimeError(query.lastError().text())
    for value in item["full_params"]:
        query.addBindValue(value)
    if not query.exec():
        raise RuntimeError(query.lastError().text())
    model.setQuery(query)
    if model.lastError().isValid():
        raise RuntimeError(model.lastError().text())
    first_screen_ms = (paint_now(app, view) - start) * 1000
    start = time.perf_counter()
    while model.canFetchMore():
        model.fetchMore()
    view.scrollToBottom()
    jump_ms = (paint_now(app, view) - start) * 1000
    rows = model.rowCount()
    ok = last_row_visible(view, rows)
    view.scrollToTop()
    model.clear()  # free the cached rows before the next query, as a new setQuery would
    gc.collect()
    return {"rows": rows, "first_screen_ms": first_screen_ms, "jump_to_end_ms": jump_ms, "last_row_painted": ok}


def _qt_sqlite_version() -> str:
    from PySide6.QtSql import QSqlDatabase, QSqlQuery

    query = QSqlQuery(QSqlDatabase.database("bench"))
    if query.exec("SELECT sqlite_version()") and query.next():
        return str(query.value(0))
    return "?"


# ---------------------------------------------------------------- raw sqlite3 anchor


def measure_raw(db_path: Path, plan: list[dict[str, Any]], reps: int) -> dict[str, Any]:
    connection = sqlite3.connect(db_path)
    details: list[dict[str, Any]] = []
    try:
        connection.execute(plan[0]["page_sql"], plan[0]["page_params"]).fetchall()  # warm-up
        for rep in range(reps):
            for item in plan:
                start = time.perf_counter()
                rows = connection.execute(item["page_sql"], item["page_params"]).fetchall()
                details.append({"name": item["name"], "rep": rep, "raw_first_page_ms": ms_since(start), "rows": len(rows)})
    finally:
        connection.close()
    return {"details": details, "rss_mb": peak_rss_mb(), "sqlite_version": sqlite3.sqlite_version}


MEASURES = {"ours": measure_ours, "qsql": measure_qsql, "raw": measure_raw}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Une mesure de navigation (processus à part).")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--model", choices=sorted(MEASURES), required=True)
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    result = MEASURES[args.model](args.db, load_plan(args.plan), args.reps)
    args.out.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
