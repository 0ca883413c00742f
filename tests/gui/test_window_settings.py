"""The window's first size (nothing remembered yet) fits the screen it opens on."""

from __future__ import annotations

from gui.app import open_main_window


def test_the_first_window_fits_a_small_screen(qtbot, data_home) -> None:
    window = open_main_window()
    try:
        qtbot.waitUntil(lambda: not window.jobs.running, timeout=30_000)
        room = window.screen().availableGeometry()  # offscreen: 800 × 800
        assert window.width() <= room.width() and window.height() <= room.height()
        assert window.width() >= min(1500, room.width() * 9 // 10)
    finally:
        window.shutdown()
        window.close()
        window.deleteLater()
        window.db.dispose()
