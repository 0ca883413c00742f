"""The middle of the window: the notices, the table or the gallery of the results, and the
message over an empty result. It keeps the table and the gallery on the same row, says the
count as the status bar shows it, and shows the empty message when nothing is found.

The gallery shows the result's first rows (``gui.models.gallery_rows``), row for row the table's;
the count says when it holds fewer than the result.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from data import formatting
from gui.events import Events
from gui.images import ImageStore
from gui.models.gallery_rows import GalleryRows
from gui.models.lens_columns import format_count, format_ranked_count
from gui.models.lens_table import LensTableModel
from gui.ops import Ops
from gui.widgets.banners import ReadOnlyBanner, SampleBanner
from gui.widgets.empty_result import EmptyResultMessage
from gui.widgets.gallery import GalleryView
from gui.widgets.lens_table_view import LensTableView

TABLE_VIEW, GALLERY_VIEW = 0, 1


class ResultsArea(QWidget):
    def __init__(self, model: LensTableModel, ops: Ops, events: Events, images: ImageStore,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = LensTableView(model, self)
        self.gallery = GalleryView(images, self)
        self.gallery_rows = GalleryRows(model)
        self.gallery.setModel(self.gallery_rows)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.gallery)
        self.empty_message = EmptyResultMessage(ops, self.stack)
        self.banner = SampleBanner(ops, events, self)
        self.readonly_banner = ReadOnlyBanner(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.readonly_banner, self.banner, self.stack):
            layout.addWidget(widget)
        self.gallery.selectionModel().currentChanged.connect(self._gallery_item_changed)

    @property
    def gallery_shown(self) -> bool:
        return self.stack.currentIndex() == GALLERY_VIEW

    def count_text(self, count: int) -> str:
        """The status bar's count; over an empty result for a search, the message comes up."""
        model = self.model
        if count == 0 and not model.shown_query.is_empty:
            self.empty_message.show_for(model.shown_query, model.shown_parsed)
        else:
            self.empty_message.dismiss()
        text = format_ranked_count(count, model.cut) if model.ranked else format_count(count)
        if self.gallery_shown and count > self.gallery_rows.limit:
            text += f" — la galerie montre les {formatting.integer(self.gallery_rows.limit)} premiers"
        return text

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        across = self.table.horizontalScrollBar()
        left = across.value()
        self.table.scrollTo(index)
        across.setValue(left)  # the row comes into sight; the columns stay where the user put them

    def follow_table(self, current: QModelIndex) -> None:
        """The table's current row changed: the gallery follows."""
        if not current.isValid() or self.gallery.currentIndex().row() == current.row():
            return
        if current.row() < self.gallery_rows.rowCount():
            self.gallery.selectionModel().setCurrentIndex(
                self.gallery_rows.index(current.row()), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        else:  # past the gallery's rows: nothing of it is the table's row
            self.gallery.selectionModel().clear()

    def _gallery_item_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.table.currentIndex().row() == current.row():
            return
        self.select_row(current.row())

    def focus_first(self) -> None:
        """The first result selected, and the view shown focused."""
        if self.model.rowCount():
            self.empty_message.dismiss()
            self.select_row(0)
        view = self.gallery if self.gallery_shown else self.table
        view.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_view(self, which: int) -> None:
        self.stack.setCurrentIndex(which)
        current = self.table.currentIndex()
        if which == GALLERY_VIEW and current.isValid() and current.row() < self.gallery_rows.rowCount():
            self.gallery.scrollTo(self.gallery_rows.index(current.row()))
        elif current.isValid():
            self.table.scrollTo(current)
