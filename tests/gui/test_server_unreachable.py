"""The server becomes unreachable mid-session: no click freezes the window.

A database on the shared PostgreSQL server; once the window shows it, the backends serving it
are terminated and the engine is pointed at a port that accepts connections and never answers
(a server hanging, the worst case: each connection attempt waits for its timeout). Then a
filter, opening a lens, a save and a delete: each click returns at once, the UI thread keeps
processing events (a timer keeps ticking), and the status bar says « Base indisponible ».
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from PySide6.QtCore import Qt, QTimer

from data.database import Database
from tests.conftest import ServerDatabase
from tests.factories import lens_values, make_refs

pytestmark = pytest.mark.server

CLICK_BUDGET_S = 0.5  # far below the connection timeout each database call now waits for
CONNECT_TIMEOUT_S = 3


@pytest.fixture
def server_url() -> Iterator[str]:
    admin = os.environ.get("ENGRAVEDETECT_TEST_POSTGRES_URL")
    if not admin:
        pytest.skip("ENGRAVEDETECT_TEST_POSTGRES_URL not set")
    server = ServerDatabase("postgresql", admin)
    url = server.create()
    try:
        yield url
    finally:
        server.drop()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections (the kernel's backlog) and never says a word."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def lose_the_server(db: Database, server_url: str, port: int) -> sa.Engine:
    """Cut this database's sessions and send every new connection to the silent port."""
    admin = sa.create_engine(os.environ["ENGRAVEDETECT_TEST_POSTGRES_URL"], isolation_level="AUTOCOMMIT",
                             poolclass=sa.NullPool)
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                             "WHERE datname = :name AND pid <> pg_backend_pid()"),
                     {"name": db.url.database})
    admin.dispose()
    old = db.engine
    hanging = sa.create_engine(
        sa.make_url(server_url).set(port=port), pool_size=2, max_overflow=2, pool_pre_ping=True,
        pool_timeout=CONNECT_TIMEOUT_S, connect_args={"connect_timeout": CONNECT_TIMEOUT_S},
    )
    db.engine = hanging
    db.sessions.configure(bind=hanging)
    old.dispose()
    return hanging


def quick(click) -> float:  # noqa: ANN001
    started = time.perf_counter()
    click()
    return time.perf_counter() - started


def test_clicks_never_freeze_the_window_when_the_server_is_gone(open_window, qtbot, server_url, silent_port):
    window = open_window(server_url)
    refs = make_refs(window.db)
    from data import catalogue

    for n in range(3):
        catalogue.create_lens(window.db, lens_values(refs, nom=f"Verre {n}"))
    assert window.unlock_admin("secret-admin")
    window.apply_filters()
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    window.table.selectRow(0)
    qtbot.waitUntil(lambda: window.detail.lens is not None, timeout=10_000)
    known = window.detail.lens
    dialog = window.editing.lens_dialog(known)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=10_000)
    dialog.inputs["gravure_nasale"].setText("PANNE")

    hanging = lose_the_server(window.db, server_url, silent_port)
    ticks: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(20)
    try:
        took = {
            "filtre": quick(lambda: (window.filters.search_box.setText("verre"), window.filters.flush_search())),
            "ouvrir": quick(lambda: window.table.selectRow(1)),
            "enregistrer": quick(lambda: qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)),
            "supprimer": quick(lambda: window.editing.delete_lenses(confirm=False)),
        }
        assert max(took.values()) < CLICK_BUDGET_S, took
        # The save runs: the dialog refuses a second save and refuses to close meanwhile.
        assert dialog.writing
        dialog.reject()
        assert dialog.result() != dialog.DialogCode.Accepted and dialog.writing
        started = time.perf_counter()
        qtbot.waitUntil(lambda: "Base indisponible" in window.statusBar().currentMessage(),
                        timeout=(CONNECT_TIMEOUT_S + 10) * 1000)
        qtbot.waitUntil(lambda: not dialog.writing, timeout=(CONNECT_TIMEOUT_S + 10) * 1000)
        waited = time.perf_counter() - started
        during = [t for t in ticks if t >= started]
        # The UI thread kept answering all along: no gap between ticks near the timeout.
        gaps = [b - a for a, b in zip(during, during[1:], strict=False)]
        assert waited > 1 and len(during) > waited / 0.2, (waited, len(during))
        assert max(gaps, default=0) < CLICK_BUDGET_S, max(gaps)
    finally:
        timer.stop()
    # The save failed without losing the input; the lens and the table are as they were.
    assert "Base indisponible" in dialog.banner.text()
    assert dialog.inputs["gravure_nasale"].text() == "PANNE"
    assert window.model.rowCount() == 3
    window.shutdown()
    hanging.dispose()
