"""gui/widgets/check_list: ticks, typed values and labels, kept on the Python side, always agree
with the items on screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from gui.widgets.check_list import CheckList


def _bold(lst: CheckList, row: int) -> bool:
    return QFont(lst.item(row).font()).bold()


def test_ticks_follow_the_user_the_code_and_a_refill(qtbot):
    lst = CheckList("testList")
    qtbot.addWidget(lst)
    lst.set_values([(1, "Un (3)"), (2, "Deux (5)"), (3, "Trois (1)")])
    assert lst.checked_values() == []
    lst.item(2).setCheckState(Qt.CheckState.Checked)  # as a click does: itemChanged
    lst.item(0).setCheckState(Qt.CheckState.Checked)
    assert lst.checked_values() == [1, 3]  # the list's order
    lst.set_checked([2])
    assert lst.checked_values() == [2]
    lst.set_values([(2, "Deux (4)"), (3, "Trois (0)")])  # other values: the tick of 2 kept
    assert lst.checked_values() == [2] and lst.values() == [2, 3]
    lst.clear_checks()
    assert lst.checked_values() == []


def test_a_count_change_relabels_in_place(qtbot):
    lst = CheckList("testList")
    qtbot.addWidget(lst)
    lst.set_values([(1, "Un (3)"), (2, "Deux (5)")])
    first = lst.item(0)
    lst.set_values([(1, "Un (2)"), (2, "Deux (5)")])
    assert lst.item(0) is first and first.text() == "Un (2)" and lst.label_of(1) == "Un (2)"
    assert lst.label_of(2) == "Deux (5)" and lst.label_of(9) is None


def test_typed_values_are_drawn_and_undrawn_and_override_the_ticks(qtbot):
    lst = CheckList("testList")
    qtbot.addWidget(lst)
    lst.set_values([(1, "Un"), (2, "Deux"), (3, "Trois")])
    lst.set_checked([3])
    lst.set_typed([1])
    assert _bold(lst, 0) and lst.item(0).checkState() == Qt.CheckState.PartiallyChecked
    assert not _bold(lst, 1) and lst.item(1).checkState() == Qt.CheckState.Unchecked
    assert lst.item(2).toolTip().startswith("Sans effet")  # a tick a typed name overrides
    assert lst.checked_values() == [3] and lst.typed_values() == [1]
    lst.set_typed([])
    assert not _bold(lst, 0) and lst.item(0).checkState() == Qt.CheckState.Unchecked
    assert lst.item(2).toolTip() == "" and lst.item(2).checkState() == Qt.CheckState.Checked
    lst.set_typed([2])
    lst.set_values([(2, "Deux (1)"), (4, "Quatre")])  # new items: the typed one drawn again
    assert _bold(lst, 0) and lst.item(0).checkState() == Qt.CheckState.PartiallyChecked
    assert not _bold(lst, 1)
