"""The search box's keys, as at a counter: Enter or Down goes to the results, Esc once clears
the text, Esc again (the box already empty) asks for every filter to be cleared."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit


class SearchBox(QLineEdit):
    """``resultsRequested``: Enter, Return or Down. ``cleared``: Esc emptied the box.
    ``clearAllRequested``: Esc in an empty box."""

    resultsRequested = Signal()
    cleared = Signal()
    clearAllRequested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
                self.cleared.emit()
            else:
                self.clearAllRequested.emit()
            event.accept()
            return
        if key == Qt.Key.Key_Down and not event.modifiers():
            self.resultsRequested.emit()
            event.accept()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            super().keyPressEvent(event)  # returnPressed still fires
            self.resultsRequested.emit()
            event.accept()
            return
        super().keyPressEvent(event)
