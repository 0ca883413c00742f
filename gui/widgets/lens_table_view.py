"""The lens table view: rows selected whole, fixed row height, counter-first columns.

Header clicks sort (the window hands them to the model: SQL, or the ranked set). The columns an
optician compares come first (Gravure, Indice, H. min, H. max, Fournisseur, Nom); sections can
be moved, and hidden or shown again from the header's context menu. The « Pertinence » column
shows only while the rows are a ranked result (unless hidden by the user), and the sort
indicator follows what orders the rows shown. Order, widths and hidden columns are kept by key
(``column_state``), so that a column added later never shifts the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QMenu, QTableView, QWidget

from gui.models.lens_columns import (
    ALL_KEYS,
    ALL_LABELS,
    COL_REASON,
    DEFAULT_ORDER,
    DEFAULT_WIDTHS,
    REASON_KEY,
)

REASON_WIDTHS = (90, 175)  # the Pertinence column fits its reasons within these


@dataclass
class ColumnState:
    """The columns as the user left them: keys in visual order, widths, hidden keys."""

    order: list[str] = field(default_factory=lambda: list(DEFAULT_ORDER))
    widths: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_WIDTHS))
    hidden: set[str] = field(default_factory=set)


class LensTableView(QTableView):
    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lensTable")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        # The Pertinence column comes with a ranked result and goes when the box is cleared:
        # a scroll bar that came and went with it would move every row by its height and
        # paint the whole table twice for one search.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSortingEnabled(False)
        header = self.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSectionsMovable(True)
        header.setSortIndicatorShown(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        vertical = self.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.setVisible(False)
        # A column is fitted to the rows on screen only (0: the visible rows): Qt's default, a
        # thousand rows, would read ten pages of a ranked result to size the Pertinence column.
        header.setResizeContentsPrecision(0)
        self.hidden_keys: set[str] = set()  # hidden by the user (Pertinence also while not ranked)
        self.apply_column_state(ColumnState())
        model.modelReset.connect(self.follow_model)
        self.follow_model()

    # ------------------------------------------------------------ columns
    def column_state(self) -> ColumnState:
        header = self.horizontalHeader()
        order = [ALL_KEYS[header.logicalIndex(visual)] for visual in range(header.count())]
        widths = {key: header.sectionSize(i) for i, key in enumerate(ALL_KEYS) if not header.isSectionHidden(i)}
        return ColumnState(order, {**DEFAULT_WIDTHS, **widths}, set(self.hidden_keys))

    def apply_column_state(self, state: ColumnState) -> None:
        """Order, widths and hidden columns by key; unknown keys are ignored, missing ones
        keep their default place after the others."""
        header = self.horizontalHeader()
        order = [key for key in state.order if key in ALL_KEYS]
        order += [key for key in DEFAULT_ORDER if key not in order]
        for visual, key in enumerate(order):
            header.moveSection(header.visualIndex(ALL_KEYS.index(key)), visual)
        for logical, key in enumerate(ALL_KEYS):
            width = state.widths.get(key, DEFAULT_WIDTHS[key])
            header.resizeSection(logical, max(30, int(width)))
        self.hidden_keys = {key for key in state.hidden if key in ALL_KEYS}
        self._show_columns()

    def set_column_hidden(self, key: str, hidden: bool) -> None:
        if hidden:
            self.hidden_keys.add(key)
        else:
            self.hidden_keys.discard(key)
        self._show_columns()

    def _show_columns(self) -> None:
        ranked = bool(getattr(self.model(), "ranked", False))
        header = self.horizontalHeader()
        for logical, key in enumerate(ALL_KEYS):
            hide = key in self.hidden_keys or (key == REASON_KEY and not ranked)
            if header.isSectionHidden(logical) != hide:
                header.setSectionHidden(logical, hide)

    def _header_menu(self, position: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.horizontalHeader().mapToGlobal(position))

    def column_menu(self) -> QMenu:
        """Every column, ticked when shown; the last shown one cannot be hidden."""
        menu = QMenu(self)
        menu.setObjectName("columnMenu")
        header = self.horizontalHeader()
        shown = [key for key in ALL_KEYS if key != REASON_KEY and key not in self.hidden_keys]
        for visual in range(header.count()):
            logical = header.logicalIndex(visual)
            key = ALL_KEYS[logical]
            label = ALL_LABELS[logical] + (" (pendant une recherche)" if key == REASON_KEY else "")
            action = menu.addAction(label)
            action.setObjectName(f"column_{key}")
            action.setCheckable(True)
            action.setChecked(key not in self.hidden_keys)
            action.setEnabled(not (shown == [key]))
            action.toggled.connect(lambda checked, k=key: self.set_column_hidden(k, not checked))
        menu.addSeparator()
        reset = menu.addAction("Rétablir les colonnes par défaut")
        reset.setObjectName("defaultColumnsAction")
        reset.triggered.connect(lambda: self.apply_column_state(ColumnState()))
        return menu

    # ------------------------------------------------------------ following the model
    def follow_model(self) -> None:
        """A new result: the Pertinence column shows while it is ranked (fitted to its
        reasons), the sort indicator marks what orders it, and the rows are laid out at once:
        one paint of the table per result.

        Qt's reset repaints the whole table; left to themselves, its delayed layout and the
        column just shown or fitted would each ask for a second whole paint on a later timer
        (the column's repaint runs from it to the right edge, and Pertinence comes first):
        13 ms of the UI thread each, at every search. So the header keeps quiet while the
        columns are set and laid out (no sort is asked for either), and the layout is done
        now, before the first paint."""
        header = self.horizontalHeader()
        blocked = header.blockSignals(True)
        try:
            self._show_columns()
            self._follow_sort()
            self.executeDelayedItemsLayout()  # the geometry too (the last column stretched)
        finally:
            header.blockSignals(blocked)

    def _follow_sort(self) -> None:
        model = self.model()
        indicator = getattr(model, "sort_indicator", None)
        if indicator is None:
            return
        column, descending = indicator()
        header = self.horizontalHeader()
        header.setSortIndicator(column, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        if column == COL_REASON and not header.isSectionHidden(COL_REASON):
            # The reasons read whole (« un caractère en trop »), within bounds: the code,
            # index and heights must stay in view on a narrow screen.
            fitted = self.sizeHintForColumn(COL_REASON)
            header.resizeSection(COL_REASON, max(REASON_WIDTHS[0], min(REASON_WIDTHS[1], fitted)))
            self.horizontalScrollBar().setValue(0)


def build_lens_table(model: QAbstractItemModel, parent: QWidget | None = None) -> LensTableView:
    return LensTableView(model, parent)
