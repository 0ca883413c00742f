"""The chips under the search box: how each word was read, and which lists filter.

One chip per term of the box (« Indice 1,67 », « Fabricant Zeiss », « Gravure spu50 ») in the
order typed, then one per active list tick or height field (« Indice 1,59 (liste) »), so that
what narrows the result is always in sight. Each chip's × asks for its removal
(``removeRequested`` with the chip's key); the panel decides what removal means (edit the box,
untick a list). Chips wrap on narrow widths; the × buttons are reached with Tab and pressed with
Space, and every chip has an accessible name. Without chips the row takes no room. Showing chips
never touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QToolButton,
    QWidget,
)

BOX, LIST = "box", "list"
CHIPS_GAP = 4  # between the search box and the first line of chips

_STYLE = """
QFrame#searchChip {
    border-radius: 11px; padding: 0px 2px 0px 8px;
    background: #e8f0fb; border: 1px solid #b9cde9;
}
QFrame#searchChip[source="list"] { background: #fdf3e1; border: 1px solid #e6cf9f; }
QFrame#searchChip QLabel { color: #1f2d3d; background: transparent; border: none; }
QFrame#searchChip QToolButton {
    border: none; border-radius: 8px; padding: 0px; min-width: 16px; min-height: 16px;
    color: #4a5a6e; background: transparent; font-weight: bold;
}
QFrame#searchChip QToolButton:hover { background: #c9d8ee; color: #10233a; }
QFrame#searchChip QToolButton:focus { background: #9bb7e0; color: #10233a; }
"""


@dataclass(frozen=True)
class ChipSpec:
    """What one chip shows: its French ``label``, the ``key`` handed back on removal, whether
    it comes from the box or from a list (``source``) and the × button's ``hint``."""

    label: str
    key: object
    source: str = BOX
    hint: str = "Retirer ce mot de la recherche"


class FlowLayout(QLayout):
    """Items left to right, wrapping to the next line when the width runs out."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 4) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        margins: QMargins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > area.right() + 1 and line > 0:
                x, y, line = area.x(), y + line + self._spacing, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._spacing
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom() if self._items else 0


class Chip(QFrame):
    """One rounded chip: its words and a × button. A chip is shown again with other words
    (``show_spec``) rather than made anew: a new chip is styled from the style sheet, which
    took most of the few milliseconds a search's chips cost on the UI thread."""

    removeClicked = Signal()

    def __init__(self, spec: ChipSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchChip")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        self.label = QLabel(self)
        self.button = QToolButton(self)
        self.button.setObjectName("chipRemoveButton")
        self.button.setText("×")
        self.button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.clicked.connect(self.removeClicked)
        layout.addWidget(self.label)
        layout.addWidget(self.button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.spec = spec
        self.setProperty("source", spec.source)
        self._words(spec)

    def show_spec(self, spec: ChipSpec) -> None:
        """Show ``spec`` in this chip (its colour follows its source)."""
        if spec == self.spec:
            return
        if spec.source != self.spec.source:
            self.setProperty("source", spec.source)
            self.style().unpolish(self)
            self.style().polish(self)
        self.spec = spec
        self._words(spec)

    def _words(self, spec: ChipSpec) -> None:
        self.setAccessibleName(spec.label)
        self.setToolTip(spec.hint.replace("Retirer", "× : retirer", 1) if spec.source == BOX else spec.hint)
        self.label.setText(spec.label)
        self.label.setAccessibleName(spec.label)
        self.button.setToolTip(spec.hint)
        self.button.setAccessibleName(f"Retirer « {spec.label} »")
        self.button.setAccessibleDescription(spec.hint)


class SearchChips(QWidget):
    """The chips, wrapping; ``removeRequested(key)`` when a chip's × is clicked."""

    removeRequested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchChips")
        self.setAccessibleName("Mots compris et filtres actifs")
        self.setStyleSheet(_STYLE)
        self._flow = FlowLayout(self)
        self._chips: list[Chip] = []
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def chips(self) -> list[Chip]:
        return list(self._chips)

    def labels(self) -> list[str]:
        return [chip.spec.label for chip in self._chips]

    def set_chips(self, specs: Sequence[ChipSpec]) -> None:
        """Show these chips, in order: the chips on screen show the new words, chips are
        added or taken away only for the difference (nothing changes when they are the same)."""
        if [chip.spec for chip in self._chips] == list(specs):
            return
        focused = next((i for i, chip in enumerate(self._chips) if chip.button.hasFocus()), None)
        for chip in self._chips[len(specs):]:
            self._flow.removeWidget(chip)
            chip.hide()
            chip.deleteLater()
        del self._chips[len(specs):]
        for chip, spec in zip(self._chips, specs, strict=False):
            chip.show_spec(spec)
        for spec in specs[len(self._chips):]:
            chip = Chip(spec, self)
            chip.removeClicked.connect(lambda chip=chip: self.removeRequested.emit(chip.spec.key))
            self._flow.addWidget(chip)
            self._chips.append(chip)
        # Without chips the row takes no room (no height, no gap above); it is never hidden, so
        # that the first chip grows it as the next ones do, and what is under it is moved, not
        # painted again.
        self._flow.setContentsMargins(0, CHIPS_GAP if self._chips else 0, 0, 0)
        if focused is not None and self._chips:
            # The chip whose × had the focus may be gone: the next one takes it (keyboard removal).
            self._chips[min(focused, len(self._chips) - 1)].button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._flow.invalidate()
        self.updateGeometry()

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._flow.heightForWidth(width)
