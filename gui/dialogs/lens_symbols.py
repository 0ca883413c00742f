"""The lens dialog's « Symboles » field: the shapes of the lens's nasal sign, picked on the palette.

The field is one button (``field_symboles``) showing the picked shapes' drawings, in the order
picked (the order they are read on the lens); a click opens the same palette as the search
panel in a popup, under the button. The letters and digits of a sign are not shapes: they go in
« Gravure nasale » as read, which the field's tooltip recalls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from gui.symbol_art import SymbolShape, known_shapes, strip_pixmap
from gui.widgets.symbol_palette import SymbolPalette

STRIP_ICON = 20
_EMPTY = "Aucun — choisir…"


class SymbolPopup(QFrame):
    """The palette in a popup; it closes on a click outside or with Esc."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("lensSymbolPopup")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.palette_widget = SymbolPalette(self, name="lensSymbolPalette")
        self.palette_widget.setFixedWidth(10 * 30)
        note = QLabel("Cochez les formes du signe nasal ; ses lettres et chiffres vont dans "
                      "« Gravure nasale ».")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5a6472; font-size: 8pt;")
        none = QPushButton("Aucun symbole")
        none.setObjectName("lensSymbolsNone")
        none.clicked.connect(self.palette_widget.clear_checks)
        done = QPushButton("Fermer")
        done.setObjectName("lensSymbolsClose")
        done.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(none)
        buttons.addStretch(1)
        buttons.addWidget(done)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.palette_widget)
        layout.addLayout(buttons)


class SymbolField(QPushButton):
    """``changed`` when the picked shapes change; ``keys()`` in the order picked."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_EMPTY, parent)
        self.setObjectName("field_symboles")
        self.setAccessibleName("Symboles du signe nasal")
        self.setToolTip("Formes du signe gravé sous la marque nasale (œil, « e », cercle…). "
                        "Les lettres et chiffres se saisissent dans « Gravure nasale ».")
        self.setStyleSheet("QPushButton#field_symboles { text-align: left; padding: 3px 8px; }")
        self.popup = SymbolPopup(self)
        self.popup.palette_widget.checkedChanged.connect(self._picked)
        self.set_shapes(known_shapes())
        self.clicked.connect(self.open_palette)

    @property
    def palette_widget(self) -> SymbolPalette:
        return self.popup.palette_widget

    def set_shapes(self, shapes: Sequence[SymbolShape]) -> None:
        self._paths = {shape.key: shape.path for shape in shapes}
        self.palette_widget.set_shapes(shapes)
        self._show()

    def keys(self) -> list[str]:
        return list(self.palette_widget.checked_keys())

    def set_keys(self, keys: Iterable[str]) -> None:
        self.palette_widget.set_checked(keys)
        self._show()

    def open_palette(self) -> None:
        layout = self.popup.layout()
        width = self.popup.palette_widget.width() + 24
        if layout is not None:
            self.popup.setFixedSize(width, layout.totalHeightForWidth(width))
        self.popup.move(self.mapToGlobal(QPoint(0, self.height())))
        self.popup.show()
        self.palette_widget.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self) -> None:
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        keys = self.keys()
        paths = [self._paths[key] for key in keys if key in self._paths]
        labels = ", ".join(self.palette_widget.label_of(key) for key in keys)
        if paths:
            colour = self.palette().color(QPalette.ColorRole.ButtonText)
            strip = strip_pixmap(paths, colour, STRIP_ICON)
            self.setIcon(QIcon(strip))
            self.setIconSize(QSize(strip.width(), STRIP_ICON))
            self.setText(f"  {labels}")
        else:
            self.setIcon(QIcon())
            self.setText(_EMPTY)
        self.setAccessibleDescription(labels or "aucun symbole")
