"""A list of checkable values, as the filter panel's lists are.

Besides its ticks, a list can show values *typed* in the search box (``set_typed``): they are
drawn half-ticked and bold, so the list agrees with the chips without the typed words becoming
ticks (removing the word clears them; nothing is written back into the box).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

#: The raw values behind one entry (the index list: every raw index of a group).
MEMBERS_ROLE = Qt.ItemDataRole.UserRole + 1

TYPED_TIP = "Tapé dans la recherche : retirez le mot (son ×) pour l'enlever"
OVERRIDDEN_TIP = "Sans effet tant qu'un nom de cette liste est tapé dans la recherche"
_TYPED_BRUSH = QBrush(QColor("#e8f0fb"))
_OVERRIDDEN_BRUSH = QBrush(QColor("#8a8a8a"))


class CheckList(QListWidget):
    """``checked_values`` keeps the list's order; ``checkedChanged`` follows the user's ticks."""

    checkedChanged = Signal()

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setUniformItemSizes(True)
        self.setAlternatingRowColors(False)
        self.itemChanged.connect(lambda _item: self.checkedChanged.emit())
        self.setMinimumHeight(60)
        self._typed: set[object] = set()

    def set_values(self, values: Iterable[tuple[object, str] | tuple[object, str, object]]) -> None:
        """Replace the items, keeping the ticks of values still present (no signal). A third
        element is kept as the item's members (``MEMBERS_ROLE``)."""
        values = list(values)
        if self.count() == len(values) and [v[0] for v in values] == self.values():
            self._relabel(values)  # same values: counts change in place (items, scroll stay)
            return
        keep = set(self.checked_values())
        self.blockSignals(True)
        self.clear()
        for value, label, *members in values:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, value)
            if members:
                item.setData(MEMBERS_ROLE, members[0])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if value in keep else Qt.CheckState.Unchecked)
            self.addItem(item)
        self._paint_typed()
        self.blockSignals(False)
        rows = min(max(self.count(), 2), 7)
        self.setFixedHeight(rows * self.sizeHintForRow(0) + 2 * self.frameWidth() + 4 if self.count() else 40)

    def _relabel(self, values: list[tuple[object, str] | tuple[object, str, object]]) -> None:
        self.blockSignals(True)
        for row, (_value, label, *members) in enumerate(values):
            item = self.item(row)
            item.setText(label)
            if members:
                item.setData(MEMBERS_ROLE, members[0])
        self._paint_typed()
        self.blockSignals(False)

    def show_loading(self) -> None:
        """A greyed « Chargement… » line while the values are read (it is not a value)."""
        self.blockSignals(True)
        self.clear()
        item = QListWidgetItem("Chargement…")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)
        self.blockSignals(False)

    def values(self) -> list[object]:
        """Every value listed, ticked or not."""
        found = (self.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.count()))
        return [value for value in found if value is not None]

    def label_of(self, value: object) -> str | None:
        for i in range(self.count()):
            if self.item(i).data(Qt.ItemDataRole.UserRole) == value:
                return self.item(i).text()
        return None

    def checked_values(self) -> list[object]:
        return [
            self.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.count())
            if self.item(i).checkState() == Qt.CheckState.Checked
        ]

    def checked_members(self) -> list[object]:
        """The members of the ticked entries (the value itself for an entry without members)."""
        found: list[object] = []
        for i in range(self.count()):
            item = self.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                members = item.data(MEMBERS_ROLE)
                found.extend(members if members else [item.data(Qt.ItemDataRole.UserRole)])
        return found

    def set_checked(self, values: Sequence[object]) -> None:
        wanted = set(values)
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            state = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        self._paint_typed()
        self.blockSignals(False)
        self.checkedChanged.emit()

    def clear_checks(self) -> None:
        self.blockSignals(True)
        for i in range(self.count()):
            self.item(i).setCheckState(Qt.CheckState.Unchecked)
        self._paint_typed()
        self.blockSignals(False)

    # ------------------------------------------------------------ typed in the box
    def set_typed(self, values: Iterable[object]) -> None:
        """Show these values as typed in the box (no signal, no tick)."""
        typed = set(values)
        if typed == self._typed:
            return
        self._typed = typed
        self.blockSignals(True)
        self._paint_typed()
        self.blockSignals(False)

    def typed_values(self) -> list[object]:
        return [v for v in self.values() if v in self._typed]

    def _paint_typed(self) -> None:
        first: QListWidgetItem | None = None
        for i in range(self.count()):
            item = self.item(i)
            typed = item.data(Qt.ItemDataRole.UserRole) in self._typed
            font = QFont(item.font())
            font.setBold(typed)
            item.setFont(font)
            item.setBackground(_TYPED_BRUSH if typed else QBrush())
            # A tick of a list whose kind is typed is replaced by the typed name: greyed.
            overridden = bool(self._typed) and not typed and item.checkState() == Qt.CheckState.Checked
            item.setForeground(_OVERRIDDEN_BRUSH if overridden else QBrush())
            item.setToolTip(TYPED_TIP if typed else OVERRIDDEN_TIP if overridden else "")
            if item.checkState() != Qt.CheckState.Checked:
                item.setCheckState(Qt.CheckState.PartiallyChecked if typed else Qt.CheckState.Unchecked)
            if typed and first is None:
                first = item
        if first is not None:
            self.scrollToItem(first)
