"""A status bar message with one button, for a message the user can act on at once (« Verre
ajouté, mais masqué par le filtre Indice » — « Effacer les filtres »).

A plain status message cannot hold a button. The notice sits at the left of the status bar,
goes after its time, when its button is clicked, or when another message comes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from gui.widgets.job_status import JobStatus


class StatusNotice(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusNotice")
        self.label = QLabel(self)
        self.label.setObjectName("statusNoticeText")
        self.button = QPushButton(self)
        self.button.setObjectName("statusNoticeButton")
        self.button.clicked.connect(self._clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        layout.addStretch(1)
        self._action: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.hide()

    def show_notice(self, text: str, button_text: str, action: Callable[[], None],
                    timeout_ms: int = 20000) -> None:
        self.label.setText(text)
        self.button.setText(button_text)
        self._action = action
        self.show()
        self._timer.start(timeout_ms)

    def dismiss(self) -> None:
        self._timer.stop()
        self._action = None
        self.hide()

    def _clicked(self) -> None:
        action = self._action
        self.dismiss()
        if action is not None:
            action()


class CountLabel(QLabel):
    """The lens count at the right of the status bar. Its width only grows (to its widest
    text so far): a count going from « Comptage… » to « 1 234 567 verres » and back after each
    search would otherwise change the status bar's size, and the window would lay itself out
    and repaint the whole table again after every count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._widest = 0

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = super().sizeHint()
        self._widest = max(self._widest, hint.width())
        return QSize(self._widest, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return self.sizeHint()


def fill_status_bar(window: QMainWindow) -> tuple[StatusNotice, JobStatus, QLabel]:
    """The window's status bar: a notice with its button (left; plain messages show there too),
    then the running jobs and the lens count (right). Returns them in that order."""
    count = CountLabel(window)
    count.setObjectName("countLabel")
    count.setStyleSheet("font-weight: 600; padding: 0 8px;")
    jobs = JobStatus(window)
    notice = StatusNotice(window)
    bar = window.statusBar()
    bar.addWidget(notice, 1)
    bar.addPermanentWidget(jobs)
    bar.addPermanentWidget(count)
    return notice, jobs, count
