"""The window's left side: the filter panel in a scrolling area, with « Effacer les filtres »
pinned below it, in sight whatever the window's height (a 700-pixel screen does not show every
list at once)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from gui.widgets.filter_panel import FilterPanel


class FilterSide(QWidget):
    def __init__(self, panel: FilterPanel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterSide")
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("filterScroll")
        self.scroll_area.setWidget(panel)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.addWidget(self.scroll_area, 1)
        inner = panel.layout()
        if inner is not None:
            inner.removeWidget(panel.clear_button)  # out of the scrolling part
        layout.addWidget(panel.clear_button)
