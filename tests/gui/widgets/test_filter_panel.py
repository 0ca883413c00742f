"""The search box, its chips and the filter lists, in the real window on the sample catalogue
(a real SQLite file)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from data import catalogue
from data.query import LensQuery
from gui.widgets.check_list import MEMBERS_ROLE
from tests.factories import lens_values, make_refs


def type_in_box(window, qtbot, text: str) -> None:
    panel = window.filters
    qtbot.waitUntil(lambda: panel.vocabulary_ready, timeout=10_000)
    panel.search_box.setFocus()
    qtbot.keyClicks(panel.search_box, text)
    panel.flush_search()


def chip_labels(window) -> list[str]:
    return window.filters.chips.labels()


def item_of(widget, label_start: str):
    for i in range(widget.count()):
        if widget.item(i).text().startswith(label_start):
            return widget.item(i)
    raise AssertionError(f"no item {label_start!r} in {widget.objectName()}")


def test_chips_say_how_each_word_was_read_in_the_order_typed(window, qtbot):
    type_in_box(window, qtbot, "zeiss spu50 1,67 16 mm")
    assert chip_labels(window) == ["Fabricant Zeiss", "Gravure spu50", "Indice 1,67", "Hauteur 16 mm"]
    chips = window.filters.chips
    assert chips.objectName() == "searchChips" and chips.isVisibleTo(window)
    for chip in chips.chips():
        assert chip.accessibleName() == chip.spec.label
        assert chip.button.accessibleName() == f"Retirer « {chip.spec.label} »"
        assert chip.button.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_a_chip_that_comes_moves_the_panel_under_it_without_painting_it_again(window, qtbot):
    """The chips row is never hidden, only empty (no room), and every part of the panel under it
    is opaque: Qt then moves those parts by copying their pixels when a chip comes or goes,
    instead of painting the palette's buttons and the lists again while the search runs."""
    from PySide6.QtCore import QEvent, QObject

    panel = window.filters
    assert panel.chips.isVisibleTo(window) and panel.chips.heightForWidth(panel.chips.width()) == 0
    parts = [w for w in panel.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
             if w.isVisibleTo(window) and w is not panel.clear_button]
    assert parts and all(part.autoFillBackground() for part in parts)

    palette = panel.symbols.palette_widget
    qtbot.waitUntil(lambda: bool(palette.findChildren(QToolButton)))  # the shapes are read
    window.show()
    qtbot.waitExposed(window)
    qtbot.wait(200)  # the window's first paint is over
    painted: list[str] = []

    class Paints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if event.type() == QEvent.Type.Paint and watched.objectName().startswith("symbol_"):
                painted.append(watched.objectName())
            return False

    watch = Paints()
    buttons = [b for b in palette.findChildren(QToolButton) if b.objectName().startswith("symbol_")]
    for button in buttons:
        button.installEventFilter(watch)
    top = panel.symbols.y()
    type_in_box(window, qtbot, "zeiss")
    qtbot.waitUntil(lambda: panel.symbols.y() > top)  # the first chip pushed the palette down
    qtbot.wait(50)
    assert len(painted) < len(buttons) // 2, painted


def test_the_lists_show_what_was_typed_without_ticking_it(window, qtbot):
    panel = window.filters
    type_in_box(window, qtbot, "zeiss 1,67 16 mm")
    zeiss = item_of(panel.supplier_list, "Zeiss")
    assert zeiss.checkState() == Qt.CheckState.PartiallyChecked and zeiss.font().bold()
    assert item_of(panel.index_list, "1,67").checkState() == Qt.CheckState.PartiallyChecked
    assert panel.supplier_list.checked_values() == [] and panel.index_list.checked_values() == []
    assert panel.height_box.text() == "16" and panel.height_box.isReadOnly()
    assert panel.search_box.text() == "zeiss 1,67 16 mm"  # nothing written back
    query = window.model.browse_query  # the sorted list the model shows for the typed words
    assert query.supplier_ids == (zeiss.data(Qt.ItemDataRole.UserRole),)
    assert query.indices == (1.67,) and query.fitting_height == 16 and query.text == ""
    assert window.model.rowCount() == catalogue.count_lenses(window.db, query) > 0

    # The range list follows the typed maker: Zeiss's ranges only.
    ranges = {r.id for r in catalogue.list_ranges(window.db, query.supplier_ids)}
    assert set(panel.range_list.values()) <= ranges


def test_removing_a_chip_takes_its_word_out_of_the_box(window, qtbot):
    panel = window.filters
    type_in_box(window, qtbot, "zeiss spu50 1,67 16 mm")
    chip = next(c for c in panel.chips.chips() if c.spec.label == "Indice 1,67")
    qtbot.mouseClick(chip.button, Qt.MouseButton.LeftButton)
    assert panel.search_box.text() == "zeiss spu50 16 mm"
    assert chip_labels(window) == ["Fabricant Zeiss", "Gravure spu50", "Hauteur 16 mm"]
    assert item_of(panel.index_list, "1,67").checkState() == Qt.CheckState.Unchecked
    assert window.model.query.indices == ()

    height = next(c for c in panel.chips.chips() if c.spec.label == "Hauteur 16 mm")
    height.button.setFocus()
    qtbot.keyClick(height.button, Qt.Key.Key_Space)  # the keyboard reaches and presses the ×
    assert panel.search_box.text() == "zeiss spu50"
    assert panel.height_box.text() == "" and not panel.height_box.isReadOnly()
    assert window.model.query.fitting_height is None


def test_ticked_lists_show_as_chips_whose_cross_unticks(window, qtbot):
    panel = window.filters
    item_of(panel.index_list, "1,67").setCheckState(Qt.CheckState.Checked)
    panel.height_box.setText("14")
    assert chip_labels(window) == ["Indice 1,67 (liste)", "Hauteur 14 mm (champ)"]
    qtbot.mouseClick(panel.chips.chips()[0].button, Qt.MouseButton.LeftButton)
    assert panel.index_list.checked_values() == [] and window.model.query.indices == ()
    assert chip_labels(window) == ["Hauteur 14 mm (champ)"]


def test_escape_once_clears_the_text_twice_every_filter(window, qtbot):
    panel = window.filters
    total = catalogue.count_lenses(window.db, LensQuery())
    item_of(panel.supplier_list, "Essilor").setCheckState(Qt.CheckState.Checked)
    panel.height_box.setText("16")
    type_in_box(window, qtbot, "1,67 ai")
    messages: list[str] = []
    panel.statusMessage.connect(messages.append)

    qtbot.keyClick(panel.search_box, Qt.Key.Key_Escape)
    assert panel.search_box.text() == "" and panel.supplier_list.checked_values()
    assert window.model.query.fitting_height == 16
    assert "Échap encore" in messages[-1]

    qtbot.keyClick(panel.search_box, Qt.Key.Key_Escape)
    assert panel.supplier_list.checked_values() == [] and panel.height_box.text() == ""
    assert window.model.query == LensQuery(sort=window.model.query.sort, descending=window.model.query.descending)
    assert chip_labels(window) == [] and panel.chips.heightForWidth(panel.chips.width()) == 0
    assert window.model.rowCount() == total
    assert messages[-1] == "Tous les filtres sont effacés."
    assert "Tous les filtres sont effacés." in window.statusBar().currentMessage()


def test_enter_or_down_in_the_box_goes_to_the_first_result(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Down):
        window.table.clearSelection()
        type_in_box(window, qtbot, "")
        window.filters.search_box.setText("ai")
        window.filters.search_box.setFocus()
        with qtbot.waitSignal(window.filters.resultsRequested, timeout=2000):
            qtbot.keyClick(window.filters.search_box, key)
        qtbot.waitUntil(window.table.hasFocus, timeout=2000)
        assert window.table.currentIndex().row() == 0
        assert window.model.query.text == "ai"


def test_index_list_groups_indices_named_alike(sqlite_db, open_window, qtbot):
    refs = make_refs(sqlite_db)
    for i, index in enumerate((1.59, 1.59, 1.591, 1.5)):
        catalogue.create_lens(sqlite_db, lens_values(refs, nom=f"Verre {i}", indice=index))
    window = open_window(sqlite_db.url)
    entry = item_of(window.filters.index_list, "1,59")
    assert entry.text() == "1,59 (3)" and entry.data(MEMBERS_ROLE) == (1.59, 1.591)
    assert not any(window.filters.index_list.item(i).text().startswith("1,591")
                   for i in range(window.filters.index_list.count()))
    entry.setCheckState(Qt.CheckState.Checked)
    assert set(window.model.query.indices) == {1.59, 1.591}
    assert window.model.rowCount() == 3


def test_list_counts_follow_the_other_filters(window, qtbot):
    panel = window.filters
    db = window.db
    zeiss_all = item_of(panel.supplier_list, "Zeiss").text()
    type_in_box(window, qtbot, "1,67 16 mm")
    expected = catalogue.count_lenses(db, LensQuery(supplier_ids=(item_of(panel.supplier_list, "Zeiss")
                                                                   .data(Qt.ItemDataRole.UserRole),),
                                                    indices=(1.67,), fitting_height=16))
    assert item_of(panel.supplier_list, "Zeiss").text() == f"Zeiss ({expected})" != zeiss_all
    # Ticking a maker narrows the other lists, never its own.
    essilor_before = item_of(panel.supplier_list, "Essilor").text()
    item_of(panel.supplier_list, "Zeiss").setCheckState(Qt.CheckState.Checked)
    assert item_of(panel.supplier_list, "Essilor").text() == essilor_before
    assert item_of(panel.index_list, "1,67").text() == f"1,67 ({expected})"
    QApplication.processEvents()


def test_chips_wrap_on_a_narrow_panel(window, qtbot):
    type_in_box(window, qtbot, "zeiss spu50 1,67 16 mm varilux")
    chips = window.filters.chips
    assert chips.heightForWidth(1000) < chips.heightForWidth(160)
    assert all(isinstance(c.button, QToolButton) for c in chips.chips())


def test_a_tick_replaced_by_a_typed_word_is_greyed_and_has_no_chip(window, qtbot):
    from gui.widgets.check_list import OVERRIDDEN_TIP

    panel = window.filters
    item_of(panel.index_list, "1,50").setCheckState(Qt.CheckState.Checked)
    type_in_box(window, qtbot, "1,67")
    assert item_of(panel.index_list, "1,50").toolTip() == OVERRIDDEN_TIP
    assert chip_labels(window) == ["Indice 1,67"] and window.model.browse_query.indices == (1.67,)
    qtbot.mouseClick(panel.chips.chips()[0].button, Qt.MouseButton.LeftButton)
    assert item_of(panel.index_list, "1,50").toolTip() == ""
    assert chip_labels(window) == ["Indice 1,50 (liste)"] and window.model.browse_query.indices == (1.5,)
