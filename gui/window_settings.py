"""What the window remembers between sessions: geometry, splitter, table columns, sort, view.

The table's columns are kept by key (order, widths, hidden ones), not as the header's binary
state: a column added by a later version takes its default place instead of shifting the
others, and the older binary state (``table/header``) is no longer read.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QSplitter

from data.query import SORT_KEYS
from gui.models.lens_columns import COLUMN_KEYS
from gui.widgets.lens_table_view import ColumnState, LensTableView


@dataclass
class Sort:
    key: str = "nom"
    descending: bool = False


def _words(value: object) -> list[str]:
    """A list kept in the settings: a comma-separated string (INI files keep lists badly)."""
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    return [word for word in str(value or "").split(",") if word]


def restore_columns(settings: QSettings, table: LensTableView) -> None:
    state = ColumnState()
    order = _words(settings.value("table/columns"))
    if order:
        state.order = order
    for item in _words(settings.value("table/widths")):
        key, _, width = item.partition("=")
        if width.isdigit():
            state.widths[key] = int(width)
    state.hidden = set(_words(settings.value("table/hidden")))
    table.apply_column_state(state)


def save_columns(settings: QSettings, table: LensTableView) -> None:
    state = table.column_state()
    settings.setValue("table/columns", ",".join(state.order))
    settings.setValue("table/widths", ",".join(f"{key}={width}" for key, width in state.widths.items()))
    settings.setValue("table/hidden", ",".join(sorted(state.hidden)))


def first_size(window: QMainWindow) -> QSize:
    """1500 × 900 on a large screen; on a laptop's (1366 × 768) the window fits inside it."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(1500, 900)
    room = screen.availableGeometry()
    return QSize(min(1500, room.width() * 95 // 100), min(900, room.height() * 90 // 100))


def restore(settings: QSettings, window: QMainWindow, splitter: QSplitter, table: LensTableView) -> tuple[Sort, bool]:
    """Put the window back as it was; the sort to apply, and whether the gallery was shown."""
    geometry = settings.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        window.resize(first_size(window))
    state = settings.value("window/splitter")
    if isinstance(state, QByteArray):
        splitter.restoreState(state)
    restore_columns(settings, table)
    header = table.horizontalHeader()
    key = str(settings.value("table/sort", "nom"))
    sort = Sort(key if key in SORT_KEYS else "nom", str(settings.value("table/descending", "false")).lower() == "true")
    header.blockSignals(True)
    header.setSortIndicator(
        COLUMN_KEYS.index(sort.key), Qt.SortOrder.DescendingOrder if sort.descending else Qt.SortOrder.AscendingOrder
    )
    header.blockSignals(False)
    return sort, str(settings.value("view/mode", "table")) == "gallery"


def save(settings: QSettings, window: QMainWindow, splitter: QSplitter, table: LensTableView, sort: Sort,
         gallery: bool) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/splitter", splitter.saveState())
    save_columns(settings, table)
    settings.setValue("table/sort", sort.key)
    settings.setValue("table/descending", "true" if sort.descending else "false")
    settings.setValue("view/mode", "gallery" if gallery else "table")
    settings.sync()
