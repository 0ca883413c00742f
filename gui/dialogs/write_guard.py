"""A dialog that refuses to close while its write runs (the outcome must land somewhere)."""

from __future__ import annotations

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDialog


class WriteGuard(QDialog):
    """Set ``writing`` while a write runs: closing, Escape and Cancel wait for its outcome."""

    writing = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.writing:
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if not self.writing:
            super().reject()
