"""The fitting-height field of the filter panel, which also shows a height typed in the box.

A height typed in the search box (« 16 mm ») wins over the field: the field then shows it,
read-only and tinted, and keeps its own value aside until the box's height goes.
"""

from __future__ import annotations

from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QLineEdit, QWidget

TIP = (
    "Hauteur de montage du patient, en mm : garde les verres dont la hauteur minimale "
    "ne la dépasse pas (et ceux dont la hauteur minimale est inconnue)."
)


class HeightField(QLineEdit):
    """``fittingHeightFilter``: the patient's fitting height, in mm (0 to 100)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fittingHeightFilter")
        self.setValidator(QIntValidator(0, 100, self))
        self.setPlaceholderText("mm")
        self.setClearButtonEnabled(True)
        self.setToolTip(TIP)
        self.setMaximumWidth(90)
        self._own: str | None = None  # the field's own value while it shows a typed height

    def own_value(self) -> int | None:
        """The field's own height (a height typed in the box is not the field's)."""
        text = (self._own if self._own is not None else self.text()).strip()
        return int(text) if text.isdigit() else None

    def show_typed(self, height: int | None) -> None:
        """Show the box's height (``None``: give the field its own value back); no signal."""
        self.blockSignals(True)
        if height is not None:
            if self._own is None:
                self._own = self.text()
            self.setText(str(height))
            self._typed_look(True, f"{height} mm tapé dans la recherche : retirez « Hauteur {height} mm » "
                             "pour revenir à ce champ.")
        elif self._own is not None:
            self.setText(self._own)
            self._own = None
            self._typed_look(False, TIP)
        self.blockSignals(False)

    def reset(self) -> None:
        """Empty and editable again, without a signal (every filter cleared)."""
        self.blockSignals(True)
        self._own = None
        self.clear()
        self._typed_look(False, TIP)
        self.blockSignals(False)

    def _typed_look(self, typed: bool, tip: str) -> None:
        self.setReadOnly(typed)
        self.setStyleSheet("background: #e8f0fb; font-weight: bold;" if typed else "")
        self.setToolTip(tip)
