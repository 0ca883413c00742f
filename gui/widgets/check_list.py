"""A list of checkable values, as the filter panel's lists are.

Besides its ticks, a list can show values *typed* in the search box (``set_typed``): they are
drawn half-ticked and bold, so the list agrees with the chips without the typed words becoming
ticks (removing the word clears them; nothing is written back into the box).

A list may hold hundreds of ranges or series: the window asks for its ticks on every keystroke
and redraws it on every count change, so the values, labels and ticks are kept on the Python side
(the ticks read again only after a change), a count change relabels only the items whose label
changed, and the typed look is redrawn only on the items whose look changes.
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
        self.itemChanged.connect(self._user_ticked)
        self.setMinimumHeight(60)
        self._typed: set[object] = set()
        self._values: list[object] = []  # the value of each row
        self._labels: list[str] = []  # the label of each row
        self._rows: dict[object, int] = {}  # the row of each value
        self._checked: list[object] | None = None  # the ticked values, once read after a change
        self._looks: dict[int, tuple[bool, bool]] = {}  # rows drawn typed and/or overridden

    def _user_ticked(self, _item: QListWidgetItem) -> None:
        self._checked = None
        self.checkedChanged.emit()

    def set_values(self, values: Iterable[tuple[object, str] | tuple[object, str, object]]) -> None:
        """Replace the items, keeping the ticks of values still present (no signal). A third
        element is kept as the item's members (``MEMBERS_ROLE``)."""
        values = list(values)
        if self.count() == len(values) and [v[0] for v in values] == self._values:
            self._relabel(values)  # same values: counts change in place (items, scroll stay)
            return
        keep = set(self.checked_values())
        self.blockSignals(True)
        self._forget_items()
        self.clear()
        self._values = [v[0] for v in values]
        self._labels = [v[1] for v in values]
        self._rows = {value: row for row, value in enumerate(self._values)}
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
            if label == self._labels[row] and not members:
                continue
            item = self.item(row)
            item.setText(label)
            self._labels[row] = label
            if members:
                item.setData(MEMBERS_ROLE, members[0])
        self._paint_typed()
        self.blockSignals(False)

    def _forget_items(self) -> None:
        self._values, self._labels, self._rows, self._looks = [], [], {}, {}
        self._checked = None

    def show_loading(self) -> None:
        """A greyed « Chargement… » line while the values are read (it is not a value)."""
        self.blockSignals(True)
        self._forget_items()
        self.clear()
        item = QListWidgetItem("Chargement…")
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(item)
        self.blockSignals(False)

    def values(self) -> list[object]:
        """Every value listed, ticked or not."""
        return list(self._values)

    def label_of(self, value: object) -> str | None:
        row = self._rows.get(value)
        return None if row is None else self._labels[row]

    def checked_values(self) -> list[object]:
        """The ticked values, in the list's order."""
        if self._checked is None:
            self._checked = [
                self._values[i] for i in range(len(self._values))
                if self.item(i).checkState() == Qt.CheckState.Checked
            ]
        return list(self._checked)

    def checked_members(self) -> list[object]:
        """The members of the ticked entries (the value itself for an entry without members)."""
        found: list[object] = []
        for value in self.checked_values():
            members = self.item(self._rows[value]).data(MEMBERS_ROLE)
            found.extend(members if members else [value])
        return found

    def set_checked(self, values: Sequence[object]) -> None:
        wanted = set(values)
        self._checked = None
        self.blockSignals(True)
        for i in range(self.count()):
            item = self.item(i)
            state = item.data(Qt.ItemDataRole.UserRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if state else Qt.CheckState.Unchecked)
        self._paint_typed()
        self.blockSignals(False)
        self.checkedChanged.emit()

    def clear_checks(self) -> None:
        self._checked = None
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
        return [v for v in self._values if v in self._typed]

    def _paint_typed(self) -> None:
        """Draw typed values bold and half-ticked, and ticks a typed name overrides greyed —
        only on the rows whose look changes (a new item starts plain)."""
        checked = set(self.checked_values())
        looks: dict[int, tuple[bool, bool]] = {}
        for value in self._typed:
            row = self._rows.get(value)
            if row is not None:
                looks[row] = (True, False)
        if self._typed:  # a tick of a list whose kind is typed is replaced by the typed name
            for value in checked:
                row = self._rows[value]
                looks.setdefault(row, (False, True))
        for row in sorted(set(looks) | set(self._looks)):
            look = looks.get(row, (False, False))
            if self._looks.get(row, (False, False)) != look:
                self._draw(row, *look, checked=self._values[row] in checked)
        self._looks = {row: look for row, look in looks.items() if look != (False, False)}
        typed_rows = [row for row, (typed, _) in looks.items() if typed]
        if typed_rows:
            self.scrollToItem(self.item(min(typed_rows)))

    def _draw(self, row: int, typed: bool, overridden: bool, checked: bool) -> None:
        item = self.item(row)
        font = QFont(item.font())
        font.setBold(typed)
        item.setFont(font)
        item.setBackground(_TYPED_BRUSH if typed else QBrush())
        item.setForeground(_OVERRIDDEN_BRUSH if overridden else QBrush())
        item.setToolTip(TYPED_TIP if typed else OVERRIDDEN_TIP if overridden else "")
        if not checked:
            item.setCheckState(Qt.CheckState.PartiallyChecked if typed else Qt.CheckState.Unchecked)
