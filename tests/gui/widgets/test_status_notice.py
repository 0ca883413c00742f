"""gui/widgets/status_notice: the status bar's lens count keeps its place whatever it says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from gui.widgets.status_notice import fill_status_bar


def test_the_count_never_narrows_so_the_window_is_not_laid_out_again(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    _notice, _jobs, count = fill_status_bar(window)
    window.resize(900, 500)
    window.show()
    qtbot.waitExposed(window)
    count.setText("1 000 000 verres, classés par pertinence")
    qtbot.wait(20)  # laid out
    wide, bar_hint = count.width(), window.statusBar().sizeHint()
    right = count.geometry().right()
    count.setText("Comptage…")  # what it says while the next search is counted
    qtbot.wait(20)
    # Same width, same right edge, same status bar: nothing moves, the window (and its
    # table) is not laid out and repainted again after each count.
    assert count.width() == wide and count.geometry().right() == right
    assert window.statusBar().sizeHint() == bar_hint
    assert count.alignment() & Qt.AlignmentFlag.AlignRight  # the short text sits at the right
    count.setText("1 234 567 verres, classés par pertinence — précisez")
    qtbot.wait(20)
    assert count.width() > wide  # a longer text still shows whole
