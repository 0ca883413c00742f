"""The main toolbar: every action it holds stays in sight at any window width.

With room, each button shows its icon and its text; when the text would no longer fit (an 800 or
1024-pixel screen, 150 % scaling), the buttons show their icon only, the text in their tooltip,
rather than hiding actions behind Qt's « » » overflow button.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QToolBar, QWidget

TEXT = Qt.ToolButtonStyle.ToolButtonTextBesideIcon
ICONS = Qt.ToolButtonStyle.ToolButtonIconOnly


class AdaptiveToolBar(QToolBar):
    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setMovable(False)
        self.setToolButtonStyle(TEXT)
        self._text_width: int | None = None  # the width the buttons need with their text
        self._texts: tuple[str, ...] = ()

    def action_changed(self) -> None:
        """An action changed (its text may be longer: « Annuler la suppression (3) »)."""
        texts = tuple(action.text() for action in self.actions())
        if texts != self._texts:
            self._texts, self._text_width = texts, None
            self._adapt(self.width())

    def text_width(self) -> int:
        if self._text_width is None:
            style = self.toolButtonStyle()
            self.setToolButtonStyle(TEXT)
            self._text_width = self.sizeHint().width()
            self.setToolButtonStyle(style)
        return self._text_width

    def _adapt(self, width: int) -> None:
        wanted = TEXT if self.text_width() <= width else ICONS
        if wanted != self.toolButtonStyle():
            self.setToolButtonStyle(wanted)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._adapt(event.size().width())
        super().resizeEvent(event)
