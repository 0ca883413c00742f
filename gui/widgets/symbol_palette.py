"""The palette of shapes: one small checkable button per shape of the vocabulary, by group.

An optician picks what she sees on the lens (a small eye, a V in a circle) by its look, not by
its name: each button shows the shape's drawing (``gui.symbol_art``, in the palette's text colour)
and names it in its tooltip and accessible name. Buttons are 28 px squares flowing in rows under
the group headers « Traits », « Figures », « Objets », « e d'Essilor », so the whole vocabulary
fits a filter panel 230–260 px wide in about 250 px of height.

The palette only holds which shapes are picked (``checked_keys``, in the order picked) and shows
the ones typed in the search box (``set_typed``: a dashed frame); the filter panel turns that
into the query and the chips. The lens dialog uses the same palette to pick a lens's shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from gui.symbol_art import ICON_SIZE, ShapeLike, grouped, shape_icon
from gui.widgets.search_chips import FlowLayout

BUTTON_SIZE = 28
_STYLE = """
QToolButton[symbolKey] {
    border: 1px solid transparent; border-radius: 4px; padding: 0px; background: transparent;
}
QToolButton[symbolKey]:hover { border: 1px solid #9bb7e0; background: #f1f5fb; }
QToolButton[symbolKey]:checked { border: 1px solid #2f6db5; background: #cfe0f7; }
QToolButton[symbolKey][typed="true"] { border: 1px dashed #2f6db5; }
QToolButton[symbolKey]:focus { border: 1px solid #2f6db5; }
QLabel[groupHeader="true"] { color: #5a6472; font-size: 8pt; font-weight: 600; }
"""


class _FlowBox(QWidget):
    """A plain widget around a flow layout that tells its height for a width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self, spacing=2)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self.flow.heightForWidth(width)

    def sizeHint(self) -> QSize:
        width = self.width() if self.isVisible() and self.width() > BUTTON_SIZE else 7 * (BUTTON_SIZE + 2)
        return QSize(width, self.flow.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(BUTTON_SIZE, self.flow.heightForWidth(max(self.width(), BUTTON_SIZE)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.flow.heightForWidth(self.width()) != self.height():
            self.updateGeometry()  # more or fewer rows at this width: ask the panel for the room


class SymbolPalette(QWidget):
    """``checkedChanged`` when the picked shapes change (a click or :meth:`set_checked`)."""

    checkedChanged = Signal()

    def __init__(self, parent: QWidget | None = None, name: str = "symbolPalette") -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName("Palette des symboles")
        self.setStyleSheet(_STYLE)
        self._buttons: dict[str, QToolButton] = {}
        self._paths: dict[str, str] = {}
        self._labels: dict[str, str] = {}
        self._order: list[str] = []  # checked keys, in the order picked
        self._typed: set[str] = set()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(1)
        self._parts: list[QWidget] = []

    # ------------------------------------------------------------ building
    def set_shapes(self, shapes: Sequence[ShapeLike]) -> None:
        """Show these shapes (the vocabulary as read); picks of shapes that remain are kept."""
        shown = [(k, self._labels[k], self._paths[k]) for k in self._buttons]
        if shown == [(s.key, s.label, s.path) for _g, group in grouped(shapes) for s in group]:
            return  # the same vocabulary: nothing to rebuild
        for part in self._parts:
            self._layout.removeWidget(part)
            part.hide()
            part.deleteLater()
        self._parts, self._buttons, self._paths, self._labels = [], {}, {}, {}
        for group, members in grouped(shapes):
            header = QLabel(group, self)
            header.setProperty("groupHeader", True)
            box = _FlowBox(self)
            for shape in members:
                box.flow.addWidget(self._make_button(shape, box))
            self._layout.addWidget(header)
            self._layout.addWidget(box)
            self._parts += [header, box]
        kept = [key for key in self._order if key in self._buttons]
        changed = kept != self._order
        self._order = kept
        for key in kept:
            self._buttons[key].setChecked(True)
        self.set_typed(self._typed)
        self._paint_icons()
        self.updateGeometry()
        if changed:
            self.checkedChanged.emit()

    def _make_button(self, shape: ShapeLike, parent: QWidget) -> QToolButton:
        button = QToolButton(parent)
        button.setObjectName(f"symbol_{shape.key}")
        button.setProperty("symbolKey", shape.key)
        button.setCheckable(True)
        button.setFixedSize(BUTTON_SIZE, BUTTON_SIZE)
        button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
        button.setToolTip(shape.label)
        button.setAccessibleName(f"Symbole {shape.label}")
        button.setAutoRaise(True)
        button.toggled.connect(lambda on, key=shape.key: self._toggled(key, on))
        self._buttons[shape.key] = button
        self._paths[shape.key] = shape.path
        self._labels[shape.key] = shape.label
        return button

    def _paint_icons(self) -> None:
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        disabled = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        for key, button in self._buttons.items():
            button.setIcon(shape_icon(self._paths[key], colour, ICON_SIZE, disabled))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._buttons:
            self._paint_icons()  # a dark theme: the drawings follow the text colour

    # ------------------------------------------------------------ state
    def _toggled(self, key: str, on: bool) -> None:
        if on and key not in self._order:
            self._order.append(key)
        elif not on and key in self._order:
            self._order.remove(key)
        else:
            return
        self.checkedChanged.emit()

    def keys(self) -> list[str]:
        return list(self._buttons)

    def button(self, key: str) -> QToolButton | None:
        return self._buttons.get(key)

    def path_of(self, key: str) -> str | None:
        return self._paths.get(key)

    def label_of(self, key: str) -> str:
        return self._labels.get(key, key)

    def checked_keys(self) -> tuple[str, ...]:
        return tuple(self._order)

    def set_checked(self, keys: Iterable[str]) -> None:
        """Pick exactly these shapes (unknown keys are ignored); one ``checkedChanged`` at most."""
        wanted = [key for key in dict.fromkeys(keys) if key in self._buttons]
        if wanted == self._order:
            return
        self.blockSignals(True)
        for key, button in self._buttons.items():
            button.setChecked(key in wanted)
        self.blockSignals(False)
        self._order = wanted
        self.checkedChanged.emit()

    def set_key_checked(self, key: str, on: bool = True) -> None:
        button = self._buttons.get(key)
        if button is not None:
            button.setChecked(on)

    def clear_checks(self) -> None:
        self.set_checked(())

    def set_typed(self, keys: Iterable[str]) -> None:
        """Frame the shapes named in the search box (they filter already; no tick is added)."""
        self._typed = set(keys)
        for key, button in self._buttons.items():
            typed = key in self._typed
            if bool(button.property("typed")) != typed:
                button.setProperty("typed", typed)
                button.style().unpolish(button)
                button.style().polish(button)
            button.setToolTip(self._tip(key, typed))

    def _tip(self, key: str, typed: bool) -> str:
        label = self.label_of(key)
        return f"{label}\n(tapé dans la recherche)" if typed else label
