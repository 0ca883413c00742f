"""The gallery: engraving thumbnails with names, over the same model as the table.

Thumbnails are requested only when painted, and cached by the image store. A lens without a
stored picture shows its engraving drawn from its sign (``gui.engraving_drawing``): the marks,
its shapes and its code as read.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from data.catalogue import LensRow
from gui.engraving_drawing import engraving_pixmap
from gui.images import ImageStore, placeholder, row_image_key
from gui.models.lens_columns import ROW_ROLE, format_index

THUMB = QSize(208, 130)
CELL = QSize(224, 196)


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, images: ImageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._images = images
        self._placeholders = {
            text: placeholder(THUMB, text)
            for text in ("Image indisponible", "Chargement…")
        }

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return CELL

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        lens: LensRow | None = index.data(ROW_ROLE)
        rect: QRect = option.rect.adjusted(4, 4, -4, -4)  # type: ignore[attr-defined]
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        palette: QPalette = option.palette  # type: ignore[attr-defined]
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight).lighter(170))
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawRect(rect.adjusted(0, 0, -1, -1))
        if lens is not None:
            key = row_image_key(lens)
            thumb = None
            if key is None:
                thumb = engraving_pixmap(THUMB, lens.gravure_nasale, lens.symbols)
            elif self._images.is_broken(key):
                thumb = self._placeholders["Image indisponible"]
            else:
                thumb = self._images.scaled(key, THUMB) or self._placeholders["Chargement…"]
            x = rect.x() + (rect.width() - thumb.width()) // 2
            painter.drawPixmap(x, rect.y() + 4 + (THUMB.height() - thumb.height()) // 2, thumb)
            text_rect = QRect(rect.x() + 4, rect.y() + THUMB.height() + 8, rect.width() - 8, 22)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            name = painter.fontMetrics().elidedText(
                lens.nom + (f" {lens.variante}" if lens.variante else ""),
                Qt.TextElideMode.ElideRight,
                text_rect.width(),
            )
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, name)
            font.setBold(False)
            painter.setFont(font)
            painter.setPen(QColor("#555"))
            second = QRect(text_rect.x(), text_rect.bottom(), text_rect.width(), 20)
            detail = f"{lens.fournisseur} · {format_index(lens.indice)} · {lens.gravure_nasale or '—'}"
            painter.drawText(
                second,
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter,
                painter.fontMetrics().elidedText(detail, Qt.TextElideMode.ElideRight, second.width()),
            )
        painter.restore()


class GalleryView(QListView):
    def __init__(self, images: ImageStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("galleryView")
        # Cells in rows that wrap (a list flowing left to right): laid out by Qt in a tenth of
        # an icon view's time, which keeps every cell's place (2.3 s for a million against 9.4).
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setGridSize(CELL + QSize(8, 8))
        self.setSelectionMode(QListView.SelectionMode.ExtendedSelection)
        self.setItemDelegate(GalleryDelegate(images, self))
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(40)
        images.loaded.connect(lambda _key: self.viewport().update())
        images.failed.connect(lambda _key: self.viewport().update())
