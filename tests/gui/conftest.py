from __future__ import annotations

from collections.abc import Iterator

import pytest

from gui.app import open_main_window
from gui.main_window import MainWindow


@pytest.fixture
def open_window(qtbot):
    """Factory: open a main window (default database unless a URL is given); closed at teardown."""
    windows: list[MainWindow] = []

    def opener(url: str | None = None) -> MainWindow:
        window = open_main_window(url)
        # The start-up backup runs in the background; let it end so that closing the window
        # at teardown does not stop to ask about a running job.
        qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
        window.resize(1400, 900)
        windows.append(window)
        return window

    yield opener
    for window in windows:
        # Jobs first (cancel and join), so closing never stops to ask about a running job.
        window.shutdown()
        window.close()
        window.deleteLater()
        window.db.dispose()


@pytest.fixture
def window(open_window) -> Iterator[MainWindow]:
    """The main window on the default SQLite file, with the sample catalogue."""
    yield open_window()


def run_to_end(qtbot, job, timeout: int = 60_000):
    """Wait until a background job has ended and its signals have reached the UI thread."""
    from PySide6.QtWidgets import QApplication

    assert job is not None
    qtbot.waitUntil(job.finished_event.is_set, timeout=timeout)
    QApplication.processEvents()
    return job
