"""The « Symboles » section of the filter panel: the palette, the drawing pad and its proposals.

Open by default and collapsible (its header says how many shapes are picked when closed), so a
counter PC that never meets a sign can fold it away. Under the palette, the pad (120 px) and, at
its right, the five shapes the drawing looks like (``sketchProposal_1`` … ``_5``, best first,
each with the dynamic property ``symbolKey``): one click picks that shape in the palette.
``sketchClear`` empties the pad and the proposals; picks stay (the chips remove those).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.symbol_art import ICON_SIZE, SymbolShape, shape_icon
from gui.widgets.sketch_pad import PROPOSALS, SketchPad, SketchRecogniser
from gui.widgets.symbol_palette import BUTTON_SIZE, SymbolPalette

_HINT = "Dessinez : les formes proches s'affichent ici."


class SymbolSearch(QWidget):
    """``changed`` when the picked shapes change; ``proposalsShown`` after each answer of the pad."""

    changed = Signal()
    proposalsShown = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("symbolSearch")
        self._shapes: dict[str, SymbolShape] = {}
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("symbolSectionToggle")
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setStyleSheet("QToolButton { font-weight: bold; border: none; }")
        self.toggle.setToolTip("Afficher ou masquer la palette des symboles et la zone de dessin")
        self.toggle.toggled.connect(self._set_open)

        self.palette_widget = SymbolPalette(self)
        self.palette_widget.checkedChanged.connect(self._picked_changed)
        self.pad = SketchPad(self)
        self.recogniser = SketchRecogniser(self)
        self.pad.strokeFinished.connect(lambda: self.recogniser.ask(self.pad.strokes()))
        self.pad.cleared.connect(self._pad_cleared)
        self.recogniser.proposed.connect(self.show_proposals)

        self.proposal_buttons: list[QToolButton] = []
        grid = QGridLayout()
        grid.setSpacing(2)
        grid.setContentsMargins(0, 0, 0, 0)
        for rank in range(1, PROPOSALS + 1):
            button = QToolButton(self)
            button.setObjectName(f"sketchProposal_{rank}")
            button.setFixedSize(BUTTON_SIZE, BUTTON_SIZE)
            button.setIconSize(QSize(ICON_SIZE, ICON_SIZE))
            button.setAutoRaise(True)
            button.setStyleSheet("QToolButton { border: 1px solid #c5cfdc; border-radius: 4px; }"
                                 "QToolButton:hover { background: #e8f0fb; border-color: #2f6db5; }")
            button.clicked.connect(lambda _c=False, b=button: self._proposal_clicked(b))
            button.hide()
            self.proposal_buttons.append(button)
            grid.addWidget(button, (rank - 1) // 3, (rank - 1) % 3)
        self.hint = QLabel(_HINT, self)
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #6b7380; font-size: 8pt;")
        self.clear_button = QPushButton("Effacer", self)
        self.clear_button.setObjectName("sketchClear")
        self.clear_button.setToolTip("Vider la zone de dessin et les propositions")
        self.clear_button.clicked.connect(self.pad.clear)
        self.clear_button.setEnabled(False)
        self.pad.strokeFinished.connect(lambda: self.clear_button.setEnabled(True))

        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.setSpacing(4)
        side.addWidget(self.hint)
        side.addLayout(grid)
        side.addStretch(1)
        side.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)
        pad_row = QHBoxLayout()
        pad_row.setContentsMargins(0, 0, 0, 0)
        pad_row.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignTop)
        pad_row.addLayout(side, 1)
        self.body = QWidget(self)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.palette_widget)
        body.addLayout(pad_row)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toggle)
        layout.addWidget(self.body)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._set_open(True)

    # ------------------------------------------------------------ vocabulary and picks
    def set_shapes(self, shapes: Sequence[SymbolShape]) -> None:
        self._shapes = {shape.key: shape for shape in shapes}
        self.recogniser.shapes = tuple(shapes)
        self.palette_widget.set_shapes(shapes)

    def checked_keys(self) -> tuple[str, ...]:
        return self.palette_widget.checked_keys()

    def label_of(self, key: str) -> str:
        return self.palette_widget.label_of(key)

    def clear(self) -> None:
        """Every shape unpicked and the pad emptied (Esc twice, « Effacer les filtres »)."""
        self.pad.clear()
        self.palette_widget.clear_checks()

    def _picked_changed(self) -> None:
        self._show_title()
        self.changed.emit()

    def _set_open(self, on: bool) -> None:
        self.body.setVisible(on)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self._show_title()

    def _show_title(self) -> None:
        picked = len(self.checked_keys())
        closed = not self.toggle.isChecked()
        self.toggle.setText(f"Symboles ({picked})" if closed and picked else "Symboles")

    # ------------------------------------------------------------ pad
    def proposed_keys(self) -> list[str]:
        return [str(b.property("symbolKey")) for b in self.proposal_buttons if b.isVisibleTo(self)]

    def show_proposals(self, found: list[tuple[str, float]]) -> None:
        colour = self.palette().color(QPalette.ColorRole.WindowText)
        shown = [(key, self._shapes[key]) for key, _score in found if key in self._shapes]
        for rank, button in enumerate(self.proposal_buttons, start=1):
            if rank <= len(shown):
                key, shape = shown[rank - 1]
                button.setProperty("symbolKey", key)
                button.setIcon(shape_icon(shape.path, colour, ICON_SIZE))
                button.setToolTip(f"{rank}. {shape.label} — cliquer pour l'ajouter à la recherche")
                button.setAccessibleName(f"Proposition {rank} : {shape.label}")
                button.show()
            else:
                button.setProperty("symbolKey", None)
                button.hide()
        self.hint.setVisible(not shown)
        self.hint.setText(_HINT if self.pad.is_empty() else "Aucune forme proche.")
        self.clear_button.setEnabled(not self.pad.is_empty())
        self.proposalsShown.emit()

    def _pad_cleared(self) -> None:
        self.recogniser.forget()
        self.show_proposals([])

    def _proposal_clicked(self, button: QToolButton) -> None:
        key = button.property("symbolKey")
        if key:
            self.palette_widget.set_key_checked(str(key), True)
