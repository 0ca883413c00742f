"""The two notices above the table: the sample catalogue, and a database opened read-only.

The sample notice keeps to one line whatever the width (its text elided, whole in its tooltip):
on an 800-pixel screen it must not eat the table, and its button stays whole (a shorter text
when the room is short, never a cut one).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

from data import sample
from data.catalogue import Changes
from gui.events import Events
from gui.ops import Ops

REMOVE_TEXT = "Supprimer les données d'exemple"
REMOVE_SHORT = "Supprimer l'exemple"
SAMPLE_NOTICE = (
    "noms de fabricants réels, mais codes de gravure, hauteurs et dessins inventés pour la "
    "démonstration. Ne l'utilisez pas pour identifier un verre réel."
)


class ElidedLabel(QLabel):
    """Plain text on one line after a bold ``prefix``, cut with « … » when the room is short
    (whole in the tooltip)."""

    def __init__(self, text: str, parent: QWidget | None = None, prefix: str = "") -> None:
        super().__init__(text, parent)
        self.prefix = prefix
        self.setToolTip(f"{prefix}{text}")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.contentsRect()
        left = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if self.prefix:
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            metrics = QFontMetrics(bold)
            shown = metrics.elidedText(self.prefix, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(rect, left, shown)
            rect.setLeft(rect.left() + metrics.horizontalAdvance(shown))
            painter.setFont(self.font())
        elided = self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect, left, elided)


class SampleBanner(QFrame):
    """Says the catalogue is the sample one; its button removes the sample. It looks again
    whenever lenses went (a deletion, an import, a restore, the sample removed)."""

    sampleShown = Signal(bool)

    def __init__(self, ops: Ops, events: Events, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        events.changed.connect(self._catalogue_changed)
        events.database_replaced.connect(lambda _db: self.refresh())
        self.setObjectName("sampleBanner")
        self.setStyleSheet(
            "#sampleBanner { background: #fff4d6; border: 1px solid #e6c36a; border-radius: 4px; }"
        )
        self.notice = ElidedLabel(SAMPLE_NOTICE, prefix="Catalogue d'exemple : ")
        self.notice.setObjectName("sampleNotice")
        self.remove_button = QPushButton(REMOVE_TEXT)
        self.remove_button.setObjectName("removeSampleButton")
        self.remove_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 2, 4, 2)
        layout.addWidget(self.notice, 1)
        layout.addWidget(self.remove_button)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The button's full text while it leaves the notice some room, else the short one."""
        button = self.remove_button
        full = button.fontMetrics().horizontalAdvance(REMOVE_TEXT) + 40
        button.setText(REMOVE_TEXT if event.size().width() - full >= 260 else REMOVE_SHORT)
        super().resizeEvent(event)

    def refresh(self) -> None:
        self._ops.run(sample.has_sample, self._show, lambda _exc: None, key="banner.sample", quick=True, background=True,
                      name="catalogue d'exemple")

    def _show(self, has_sample: bool) -> None:
        self.setVisible(has_sample)
        self.sampleShown.emit(has_sample)

    def _catalogue_changed(self, changes: Changes) -> None:
        if changes.everything or changes.deleted:
            self.refresh()

    def set_admin(self, admin: bool) -> None:
        self.remove_button.setToolTip("" if admin else "Demande le mot de passe administrateur.")


class ReadOnlyBanner(QLabel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        self.setWordWrap(True)
        self.setStyleSheet(
            "background: #e8eefc; border: 1px solid #9fb3e6; border-radius: 4px; padding: 6px;"
        )

    def show_reason(self, read_only: bool, reason: str | None) -> None:
        self.setVisible(read_only)
        self.setText(reason or "")
