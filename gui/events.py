"""What happened to the catalogue, told to every part of the window at once.

Every write made from the GUI emits ``changed`` with the ``Changes`` it returned; each part
decides what it must refresh (the table repaints only the touched rows, the detail pane re-reads
only the lens it shows, the filter lists re-read their values). ``database_replaced`` tells that
another database is now open (after a restore). Nobody calls another widget's ``reload()``.

One ``Events`` belongs to one open catalogue (the window creates it and hands it to its parts):
two windows on two databases, as tests open them, never repaint each other.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from data.catalogue import Changes


class Events(QObject):
    changed = Signal(object)  # Changes
    database_replaced = Signal(object)  # Database

    def emit_changes(self, changes: Changes) -> None:
        if not changes.empty:
            self.changed.emit(changes)
