"""What the window remembers between sessions: geometry, splitter, table header, sort, view."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHeaderView, QMainWindow, QSplitter

from data.query import SORT_KEYS
from gui.models.lens_table import COLUMN_KEYS


@dataclass
class Sort:
    key: str = "nom"
    descending: bool = False


def first_size(window: QMainWindow) -> QSize:
    """1500 × 900 on a large screen; on a laptop's (1366 × 768) the window fits inside it."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1500, 900)
    room = screen.availableGeometry()
    return QSize(min(1500, room.width() * 95 // 100), min(900, room.height() * 90 // 100))


def restore(settings: QSettings, window: QMainWindow, splitter: QSplitter, header: QHeaderView) -> tuple[Sort, bool]:
    """Put the window back as it was; the sort to apply, and whether the gallery was shown."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(first_size(window))
    state = settings.value("window/splitter")
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    saved_header = settings.value("table/header")
    if isinstance(saved_header, QByteArray):
        header.restoreState(saved_header)
    key = str(settings.value("table/sort", "nom"))
    sort = Sort(key if key in SORT_KEYS else "nom", str(settings.value("table/descending", "false")).lower() == "true")
    header.blockSignals(True)
    header.setSortIndicator(
        COLUMN_KEYS.index(sort.key), Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
    )
    header.blockSignals(False)
    return sort, str(settings.value("view/mode", "table")) == "gallery"


def save(settings: QSettings, window: QMainWindow, splitter: QSplitter, header: QHeaderView, sort: Sort,
         gallery: bool) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", splitter.saveState())
    settings.setValue("table/header", header.saveState())
    settings.setValue("table/sort", sort.key)
    settings.setValue("table/descending", "true" if sort.descending else "false")
    settings.setValue("view/mode", "gallery" if gallery else "table")
    settings.sync()
