"""The gallery's rows: the first rows of the table's result, as many as a gallery can lay out.

Qt lays out every cell of an icon view before it paints one: a million lenses froze the window
for about ten seconds when the gallery was shown, and again each time a count brought the
rows in. A gallery is for looking through a narrowed result, so it holds the result's first
:data:`GALLERY_ROWS` rows (row for row the table's: the same numbers, the same order) and the
status bar says when there are more. Each row is one cell; its data is the table's first column.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

#: Rows the gallery shows at most (a few hundred milliseconds of layout for Qt at this size).
GALLERY_ROWS = 20_000


class GalleryRows(QAbstractListModel):
    """The first ``limit`` rows of ``source``, following its resets, insertions, removals and
    changes."""

    def __init__(self, source: QAbstractItemModel, limit: int = GALLERY_ROWS) -> None:
        super().__init__(source)
        self.source = source
        self.limit = limit
        self._shown = self._capped()
        source.modelAboutToBeReset.connect(self.beginResetModel)
        source.modelReset.connect(self._reset_done)
        source.layoutAboutToBeChanged.connect(self.beginResetModel)
        source.layoutChanged.connect(self._reset_done)
        source.rowsInserted.connect(self._follow_count)
        source.rowsRemoved.connect(self._follow_count)
        source.dataChanged.connect(self._changed)

    def _capped(self) -> int:
        return min(self.source.rowCount(), self.limit)

    @property
    def cut(self) -> bool:
        """Whether the result has more rows than the gallery shows."""
        return self.source.rowCount() > self.limit

    # ------------------------------------------------------------ following the table
    def _reset_done(self) -> None:
        self._shown = self._capped()
        self.endResetModel()

    def _follow_count(self) -> None:
        """Rows came or went in the result (its count arrived): the gallery's rows end where the
        result's do, or at the limit."""
        wanted = self._capped()
        if wanted > self._shown:
            self.beginInsertRows(QModelIndex(), self._shown, wanted - 1)
            self._shown = wanted
            self.endInsertRows()
        elif wanted < self._shown:
            self.beginRemoveRows(QModelIndex(), wanted, self._shown - 1)
            self._shown = wanted
            self.endRemoveRows()

    def _changed(self, first: QModelIndex, last: QModelIndex, roles: Any = ()) -> None:
        if first.row() < self._shown:
            self.dataChanged.emit(self.index(first.row()), self.index(min(last.row(), self._shown - 1)))

    # ------------------------------------------------------------ Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= self._shown:
            return None
        return self.source.data(self.source.index(index.row(), 0), role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return self.source.flags(self.source.index(index.row(), 0)) if index.isValid() else Qt.ItemFlag.NoItemFlags
