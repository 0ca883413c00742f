"""The lens table view: rows selected whole, header clicks sort (in SQL), fixed row height."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

COLUMN_WIDTHS = (185, 75, 90, 95, 105, 120, 52, 72, 58, 100)


def build_lens_table(model: QAbstractItemModel, parent: QWidget | None = None) -> QTableView:
    table = QTableView(parent)
    table.setObjectName("lensTable")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setSortingEnabled(False)
    header = table.horizontalHeader()
    header.setSectionsClickable(True)
    header.setSortIndicatorShown(True)
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    vertical = table.verticalHeader()
    vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vertical.setDefaultSectionSize(26)
    vertical.setVisible(False)
    for column, width in enumerate(COLUMN_WIDTHS):
        table.setColumnWidth(column, width)
    return table
