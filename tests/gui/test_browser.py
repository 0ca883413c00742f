"""The catalogue browser: filters, search, sort, detail pane, gallery and settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThread
from PySide6.QtWidgets import QApplication, QLineEdit, QListWidget, QPushButton, QTableView

from data import catalogue
from data.catalogue import lists
from data.query import LensQuery
from gui.models.lens_columns import COLUMN_KEYS, ID_ROLE, format_count
from gui.models.lens_table import LensTableModel
from gui.models.result_rows import ResultRows
from gui.ops import Ops


def status_count(window) -> str:
    return window.count_label.text()


def tick(widget: QListWidget, predicate) -> None:
    for i in range(widget.count()):
        item = widget.item(i)
        if predicate(item):
            item.setCheckState(Qt.CheckState.Checked)
            return
    raise AssertionError("no such item")


def table_ids(window) -> list[int]:
    model = window.model
    return [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]


def test_window_opens_on_the_sample_with_named_widgets(window):
    for name, kind in (("lensTable", QTableView), ("searchBox", QLineEdit),
                       ("supplierFilter", QListWidget), ("rangeFilter", QListWidget),
                       ("seriesFilter", QListWidget), ("materialFilter", QListWidget),
                       ("indexFilter", QListWidget), ("fittingHeightFilter", QLineEdit),
                       ("clearFiltersButton", QPushButton)):
        assert window.findChild(kind, name) is not None, name
    for name in ("detailPane", "engravingImage", "galleryView"):
        assert window.findChild(object, name) is not None, name
    total = catalogue.count_lenses(window.db, LensQuery())
    assert total >= 300
    assert status_count(window) == format_count(total)
    assert window.banner.isVisibleTo(window)


def test_count_wording():
    assert format_count(0) == "0 verre"
    assert format_count(1) == "1 verre"
    assert format_count(12345) == "12\u00a0345 verres" or format_count(12345) == "12\u202f345 verres"


def test_model_passes_qtmodeltester(window, qtmodeltester):
    qtmodeltester.check(window.model)


def test_filters_combine_like_sql(window, qtbot):
    f = window.filters
    tick(f.supplier_list, lambda it: it.text().startswith("Essilor"))
    tick(f.index_list, lambda it: it.text().startswith("1,67"))
    query = window.model.query
    assert query.supplier_ids and query.indices == (1.67,)
    expected = catalogue.count_lenses(window.db, query)
    assert 0 < expected < 100
    assert window.model.rowCount() == expected
    assert status_count(window) == format_count(expected)
    ids = table_ids(window)
    for lens in catalogue.lens_rows(window.db, ids):
        assert lens.fournisseur == "Essilor" and lens.indice == pytest.approx(1.67)


def test_range_and_series_lists_follow_their_parent(window):
    f = window.filters
    all_ranges = f.range_list.count()
    tick(f.supplier_list, lambda it: it.text().startswith("Hoya"))
    supplier_id = f.supplier_list.checked_values()[0]
    expected = {r.id for r in catalogue.list_ranges(window.db, [supplier_id]) if r.lens_count}
    shown = {f.range_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(f.range_list.count())}
    assert shown == expected and len(shown) < all_ranges
    tick(f.range_list, lambda it: True)
    range_id = f.range_list.checked_values()[0]
    series = {f.series_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(f.series_list.count())}
    assert series == {s.id for s in catalogue.list_series(window.db, [range_id]) if s.lens_count}


def test_typing_in_search_narrows_the_table(window, qtbot):
    total = window.model.rowCount()
    qtbot.keyClicks(window.filters.search_box, "AI")
    qtbot.waitUntil(lambda: window.model.rowCount() < total, timeout=3000)
    narrowed = window.model.rowCount()
    assert narrowed == catalogue.count_lenses(window.db, LensQuery(text="ai"))
    for lens in catalogue.lens_rows(window.db, table_ids(window)):
        haystack = " ".join(filter(None, (lens.nom, lens.variante, lens.gravure_nasale))).lower()
        assert "ai" in haystack


def test_search_ignores_accents_and_case_and_treats_percent_literally(window, qtbot):
    box = window.filters.search_box
    box.setText("SERENITE")
    window.filters.flush_search()
    assert window.model.rowCount() > 0
    assert all("Sérénité" in r.nom for r in catalogue.lens_rows(window.db, table_ids(window)))
    for literal in ("%", "_", "100%"):
        box.setText(literal)
        window.filters.flush_search()
        assert window.model.rowCount() == 0
    assert status_count(window) == "0 verre"


def test_escape_clears_search(window, qtbot):
    box = window.filters.search_box
    box.setText("ai")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""


def test_fitting_height_keeps_unknown_minimum(window, qtbot):
    qtbot.keyClicks(window.filters.height_box, "12")
    query = window.model.query
    assert query.fitting_height == 12
    assert window.model.rowCount() == catalogue.count_lenses(window.db, query)
    heights = [r.hauteur_min for r in catalogue.lens_rows(window.db, table_ids(window))]
    assert any(h is None for h in heights)
    assert all(h is None or h <= 12 for h in heights)


def test_clear_all(window, qtbot):
    total = window.model.rowCount()
    tick(window.filters.supplier_list, lambda it: True)
    window.filters.height_box.setText("14")
    assert window.model.rowCount() < total
    qtbot.mouseClick(window.filters.clear_button, Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == total
    assert window.filters.supplier_list.checked_values() == []


@pytest.mark.parametrize("column", range(len(COLUMN_KEYS)))
def test_header_click_sorts_in_sql(window, column):
    header = window.table.horizontalHeader()
    header.setSortIndicator(column, Qt.SortOrder.DescendingOrder)
    query = window.model.query
    assert query.sort == COLUMN_KEYS[column] and query.descending
    assert table_ids(window) == list(catalogue.lens_ids(window.db, query))


def test_first_screen_reads_at_most_two_pages(window):
    model = window.model
    before = model.fetched_rows
    assert before <= 2 * model.PAGE_SIZE
    tick(window.filters.index_list, lambda it: it.text().startswith("1,6"))
    window.table.viewport().repaint()
    assert model.fetched_rows - before <= 2 * model.PAGE_SIZE


def test_jump_to_end_reads_from_the_end_only(sqlite_db, qtbot):
    """A model over many rows reaches its last row without reading the ones before it."""
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    with sqlite_db.transaction() as s:
        for i in range(1000):
            catalogue.insert_lens(s, lens_values(refs, nom=f"Verre {i:04d}"), None, False)
    model = LensTableModel(sqlite_db)
    model.set_query(LensQuery())
    assert model.rowCount() == 1000
    before = model.fetched_rows
    last = model.data(model.index(999, 0))
    assert last == "Verre 0999"
    assert model.fetched_rows - before <= model.PAGE_SIZE
    model.shutdown()


def test_selection_drives_the_detail_pane(window, qtbot):
    window.table.selectRow(3)
    lens_id = window.model.lens_id_at(3)
    detail = window.detail.lens
    assert detail is not None and detail.id == lens_id
    assert window.detail.fields["fournisseur"].text() == detail.fournisseur
    qtbot.waitUntil(lambda: window.detail.image.has_image, timeout=5000)


def test_missing_and_broken_images_show_the_placeholder(sqlite_db, open_window, qtbot):
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    catalogue.create_lens(sqlite_db, lens_values(refs, nom="A sans image"))
    catalogue.create_lens(sqlite_db, lens_values(refs, nom="B image morte",
                                                 url_gravure="http://127.0.0.1:9/absente.png"))
    window = open_window(sqlite_db.url.render_as_string(hide_password=False))
    window.table.selectRow(0)
    assert window.detail.image.status == "Pas d'image de gravure pour ce verre"
    assert not window.detail.image.has_image
    window.table.selectRow(1)
    qtbot.waitUntil(lambda: window.detail.image.status == "Image de gravure indisponible", timeout=15000)


def test_gallery_and_table_share_filters_and_selection(window, qtbot):
    window.action("viewToggleAction").trigger()
    assert window.stack.currentWidget() is window.gallery
    rows = window.gallery.model()
    assert rows.source is window.model and rows.rowCount() == window.model.rowCount()
    window.gallery.setCurrentIndex(rows.index(5))
    assert window.table.currentIndex().row() == 5
    assert window.detail.lens.id == window.model.lens_id_at(5)
    assert rows.data(rows.index(5), ID_ROLE) == window.model.lens_id_at(5)
    window.table.selectRow(2)
    assert window.gallery.currentIndex().row() == 2
    window.action("viewToggleAction").trigger()
    assert window.stack.currentWidget() is window.table


def test_the_gallery_rows_follow_a_count_that_comes_after_the_first_page(sqlite_db, qtbot, monkeypatch, qtmodeltester):
    """On a large catalogue the first page comes alone and the count brings the other rows in:
    the gallery takes them up to its limit, and lets them go with a narrower result."""
    from gui.models.gallery_rows import GalleryRows

    _many_lenses(sqlite_db)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    model = LensTableModel(sqlite_db)
    capped, whole = GalleryRows(model, limit=150), GalleryRows(model, limit=1000)
    with qtbot.waitSignal(model.countReady, timeout=10_000):
        model.set_query(LensQuery())
    assert model.rowCount() == 300 and capped.rowCount() == 150 and whole.rowCount() == 300
    assert capped.cut and not whole.cut
    qtmodeltester.check(capped)
    assert capped.data(capped.index(149), ID_ROLE) == model.lens_id_at(149)
    narrower = LensQuery(indices=(1.5,))
    with qtbot.waitSignal(model.countReady, timeout=10_000):
        model.set_query(narrower)
    expected = catalogue.count_lenses(sqlite_db, narrower)
    assert whole.rowCount() == model.rowCount() == expected and capped.rowCount() == min(150, expected)
    model.shutdown()


def test_the_gallery_shows_the_first_rows_of_a_large_result_and_says_so(window, qtbot, qtmodeltester):
    """Qt lays out every cell of a gallery before painting one (ten seconds for a million
    lenses): it holds the result's first rows, row for row the table's, and the count says so."""
    rows = window.gallery.model()
    rows.limit = 4
    window.filters.clear()
    qtbot.waitUntil(lambda: not window.model.loading and window.model.total_count() is not None, timeout=5000)
    total = window.model.total_count()
    assert total > 6
    window.action("viewToggleAction").trigger()
    assert rows.rowCount() == 4 and rows.cut
    assert [rows.data(rows.index(r), ID_ROLE) for r in range(4)] == [window.model.lens_id_at(r) for r in range(4)]
    assert status_count(window).endswith("— la galerie montre les 4 premiers")
    qtmodeltester.check(rows)
    window.table.selectRow(2)
    assert window.gallery.currentIndex().row() == 2
    window.table.selectRow(6)  # past the gallery's rows: none of its cells is selected
    assert not window.gallery.currentIndex().isValid() and not window.gallery.selectionModel().hasSelection()
    # A narrower result: the gallery ends where it does; then the whole result again.
    box = window.filters.search_box
    box.setText("AIPZ")
    window.filters.flush_search()
    qtbot.waitUntil(lambda: window.model.shown_query.text == "AIPZ" and not window.model.loading, timeout=5000)
    assert rows.rowCount() == min(4, window.model.rowCount()) and not status_count(window).endswith("premiers")
    box.clear()
    window.filters.flush_search()
    qtbot.waitUntil(lambda: window.model.total_count() == total, timeout=5000)
    assert rows.rowCount() == 4
    window.action("viewToggleAction").trigger()  # the table again: the count is the result's alone
    assert not status_count(window).endswith("premiers")


def test_settings_persist_across_a_new_window(open_window):
    first = open_window()
    first.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)
    first.table.setColumnWidth(0, 321)
    first.set_view(1)
    first.close()
    second = open_window()
    assert second.model.query.sort == "indice" and second.model.query.descending
    assert second.table.columnWidth(0) == 321
    assert second.stack.currentIndex() == 1


def test_ctrl_f_focuses_search(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    window.windowHandle().requestActivate()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    window.table.setFocus()
    assert not window.filters.search_box.hasFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.filters.search_box.hasFocus, timeout=2000)


def test_remove_sample_needs_admin_then_removes_only_sample(window):
    assert not window.admin_mode
    assert not window.action("removeSampleAction").isEnabled()
    assert window.unlock_admin("secret-admin")
    removed = window.editing.remove_sample_now()
    assert removed >= 300
    assert window.model.rowCount() == 0
    assert not window.banner.isVisibleTo(window)
    assert status_count(window) == "0 verre"


def test_large_catalogue_reads_first_page_and_count_off_the_ui_thread(sqlite_db, qtbot, monkeypatch):
    """Above the threshold nothing is read on the UI thread; a replaced query is dropped."""
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    with sqlite_db.transaction() as s:
        for i in range(750):
            catalogue.insert_lens(s, lens_values(refs, nom=f"Verre {i:03d}", indice=1.5 + (i % 3) / 10), None, False)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    monkeypatch.setattr(ResultRows, "DEEP_PAGES", 0)  # 250 rows stand for a million
    model = LensTableModel(sqlite_db)
    counts: list[int] = []
    model.countReady.connect(counts.append)
    with qtbot.waitSignal(model.firstPageReady, timeout=10_000):
        model.set_query(LensQuery(indices=(1.5,)))
        model.set_query(LensQuery(indices=(1.6,)))  # replaces the first before it is shown
        assert model.loading
    qtbot.waitUntil(lambda: bool(counts), timeout=10_000)
    assert model.shown_query.indices == (1.6,)
    assert counts == [catalogue.count_lenses(sqlite_db, LensQuery(indices=(1.6,)))]
    assert model.rowCount() == counts[0] and not model.loading
    # Scrolling deep asks for the ordered ids: then any page, however deep, is read by id.
    assert not model.ids_loaded
    model.data(model.index(model.rowCount() // 2, 0))
    qtbot.waitUntil(lambda: model.ids_loaded, timeout=10_000)
    expected = list(catalogue.lens_ids(sqlite_db, LensQuery(indices=(1.6,))))

    def ids_shown() -> list[int | None]:  # asking for a row asks for its page (off the UI thread)
        return [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]

    qtbot.waitUntil(lambda: None not in ids_shown(), timeout=10_000)
    assert ids_shown() == expected
    assert model.row_of_lens(expected[-1]) == len(expected) - 1
    model.shutdown()


def test_large_catalogue_counts_after_the_first_page_and_never_for_a_replaced_query(sqlite_db, qtbot, monkeypatch):
    """The count starts once the first page is shown (not competing with its paint); a query
    replaced in between is never counted."""
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    with sqlite_db.transaction() as s:
        for i in range(300):
            catalogue.insert_lens(s, lens_values(refs, nom=f"Verre {i:03d}", indice=1.5 + (i % 3) / 10), None, False)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    counted: list[LensQuery] = []
    real_count = catalogue.count_lenses
    monkeypatch.setattr(catalogue, "count_lenses", lambda db, q: counted.append(q) or real_count(db, q))
    model = LensTableModel(sqlite_db)
    first, second = LensQuery(indices=(1.5,)), LensQuery(indices=(1.6,))
    replaced = []

    def replace_once() -> None:
        if not replaced:
            replaced.append(True)
            assert counted[-1:] != [first]  # not started before the first page was shown
            model.set_query(second)

    model.firstPageReady.connect(replace_once)
    counts: list[int] = []
    model.countReady.connect(counts.append)
    model.set_query(first)
    qtbot.waitUntil(lambda: bool(counts), timeout=10_000)
    assert first not in counted and second in counted
    assert counts == [real_count(sqlite_db, second)] and model.shown_query == second
    model.shutdown()


def _many_lenses(db, count: int = 300) -> None:
    from tests.factories import lens_values, make_refs

    refs = make_refs(db)
    with db.transaction() as s:
        for i in range(count):
            catalogue.insert_lens(s, lens_values(refs, nom=f"Verre {i:03d}", indice=1.5 + (i % 3) / 10), None, False)


def test_large_catalogue_counts_once_the_view_has_painted_the_first_page(sqlite_db, qtbot, monkeypatch):
    """A count running beside the paint of the first page would slow that paint down (both
    need the interpreter): the count starts when the view has painted the new rows."""
    _many_lenses(sqlite_db)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    monkeypatch.setattr(LensTableModel, "COUNT_UNPAINTED_MS", 60_000)  # only a paint starts it
    paints: list[int] = []

    class View(QTableView):
        def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
            super().paintEvent(event)
            paints.append(model.rowCount())

    wanted = LensQuery(indices=(1.6,))
    started: list[int] = []  # paints done when the count of ``wanted`` started
    real_count = catalogue.count_lenses
    monkeypatch.setattr(
        catalogue, "count_lenses", lambda db, q: (q == wanted and started.append(len(paints))) or real_count(db, q)
    )
    model = LensTableModel(sqlite_db)
    view = View()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    shown_at: list[int] = []
    model.firstPageReady.connect(lambda: shown_at.append(len(paints)))
    counts: list[int] = []
    model.countReady.connect(counts.append)
    model.set_query(wanted)
    qtbot.waitUntil(lambda: bool(counts), timeout=10_000)
    assert counts == [real_count(sqlite_db, wanted)]
    assert len(started) == 1 and started[0] > shown_at[0]  # a paint came in between
    assert paints[started[0] - 1] == LensTableModel.PAGE_SIZE  # ... and it painted the first page
    model.shutdown()


def test_large_catalogue_counts_without_a_view_and_for_the_latest_query(sqlite_db, qtbot, monkeypatch):
    """With no view painting, the count starts all the same after a moment; the moment of an
    earlier query never takes the count of a later one away."""
    _many_lenses(sqlite_db)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    monkeypatch.setattr(LensTableModel, "COUNT_UNPAINTED_MS", 300)
    model = LensTableModel(sqlite_db)
    counts: list[int] = []
    model.countReady.connect(counts.append)
    first, second = LensQuery(indices=(1.5,)), LensQuery(indices=(1.6,))
    with qtbot.waitSignal(model.firstPageReady, timeout=10_000):
        model.set_query(first)
    with qtbot.waitSignal(model.firstPageReady, timeout=10_000):
        model.set_query(second)  # shown before the first query's moment is over
    qtbot.waitUntil(lambda: bool(counts), timeout=10_000)
    assert counts == [catalogue.count_lenses(sqlite_db, second)] and model.shown_query == second
    model.shutdown()


def test_each_cell_says_what_the_table_shows(sqlite_db):
    """Text, alignment, the greyed italic of an unknown height and the tooltips; the roles the
    table does not use are left to the view's defaults."""
    from PySide6.QtGui import QBrush, QFont

    from gui.models.lens_columns import (
        COL_HMAX,
        COL_HMIN,
        COL_INDEX,
        COL_NAME,
        COL_REASON,
        COLUMNS,
        ROW_ROLE,
    )
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    known = catalogue.create_lens(sqlite_db, lens_values(refs, nom="A connu", indice=1.67, variante="Court")).lens_id
    unknown = catalogue.create_lens(
        sqlite_db, lens_values(refs, nom="B inconnu", hauteur_min=None, hauteur_max=None, gravure_nasale=None)
    ).lens_id
    model = LensTableModel(sqlite_db)
    model.set_query(LensQuery())
    # The sortable columns, then « Pertinence » (empty, and hidden by the view, outside a search).
    assert model.rowCount() == 2 and model.columnCount() == len(COLUMNS) + 1 == COL_REASON + 1
    display = Qt.ItemDataRole.DisplayRole

    def cell(row: int, column: int, role=display):
        return model.data(model.index(row, column), role)

    assert cell(0, COL_REASON) is None and cell(0, COL_REASON, Qt.ItemDataRole.ToolTipRole) is None

    assert [cell(0, c) for c in range(len(COLUMNS))] == [
        "A connu", "Court", "Essilor", "Varilux", "Comfort Max", "Orma", "1,67", "14", "20", "AIPZ"
    ]
    assert [cell(1, c) for c in (COL_NAME, 1, COL_INDEX, COL_HMIN, COL_HMAX, len(COLUMNS) - 1)] == [
        "B inconnu", "", "1,60", "inconnue", "", ""
    ]
    assert cell(0, 0, ID_ROLE) == known and cell(1, 0, ID_ROLE) == unknown
    assert cell(1, 0, ROW_ROLE).id == unknown
    right = int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value)
    assert [cell(0, c, Qt.ItemDataRole.TextAlignmentRole) for c in (COL_NAME, COL_INDEX, COL_HMIN, COL_HMAX)] == [
        None, right, right, right
    ]
    font, brush = cell(1, COL_HMIN, Qt.ItemDataRole.FontRole), cell(1, COL_HMIN, Qt.ItemDataRole.ForegroundRole)
    assert isinstance(font, QFont) and font.italic()
    assert isinstance(brush, QBrush) and brush.color().name() == "#8a8a8a"
    assert "inconnue" in cell(1, COL_HMIN, Qt.ItemDataRole.ToolTipRole)
    assert cell(0, COL_HMIN, Qt.ItemDataRole.FontRole) is None  # a known height looks like any cell
    assert cell(0, COL_NAME, Qt.ItemDataRole.ToolTipRole) == "A connu — Essilor"
    for role in (Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.CheckStateRole):
        assert cell(0, COL_NAME, role) is None and cell(1, COL_HMIN, role) is None
    assert model.data(model.index(5, 0)) is None and model.data(model.index(-1, 0)) is None
    flags = model.flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsEnabled and flags & Qt.ItemFlag.ItemIsSelectable
    assert model.flags(model.index(9, 0)) == Qt.ItemFlag.NoItemFlags
    horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
    assert [model.headerData(c, horizontal) for c in range(len(COLUMNS))] == [label for _key, label in COLUMNS]
    assert model.headerData(COL_REASON, horizontal) == "Pertinence"
    assert model.headerData(COL_REASON + 1, horizontal) is None
    assert model.headerData(COL_HMIN, horizontal, Qt.ItemDataRole.ToolTipRole).startswith("Hauteur de montage")
    assert model.headerData(COL_NAME, horizontal, Qt.ItemDataRole.ToolTipRole) == "Trier par nom"
    assert model.headerData(0, vertical) == 1 and model.headerData(1, vertical) == 2
    assert model.headerData(0, vertical, Qt.ItemDataRole.ToolTipRole) is None
    model.shutdown()


def test_a_painted_row_is_worked_out_as_each_of_its_cells_would_be(sqlite_db):
    """The roles the view paints come from the whole row at once (``painted_cells``); each
    column says what ``cell_data`` says for that cell alone, in a search or not, whatever the
    heights."""
    from gui.models.lens_columns import COL_REASON, PAINTED_ROLES, cell_data, painted_cells
    from tests.factories import lens_values, make_refs

    refs = make_refs(sqlite_db)
    ids = [
        catalogue.create_lens(sqlite_db, lens_values(refs, nom="Connu", indice=1.67)).lens_id,
        catalogue.create_lens(sqlite_db, lens_values(
            refs, nom="Inconnu", hauteur_min=None, hauteur_max=None, gravure_nasale=None)).lens_id,
    ]
    for lens in catalogue.lens_rows(sqlite_db, ids):
        for reason in (None, "", "code proche : O lu 0"):
            cells = painted_cells(lens, reason)
            for role in PAINTED_ROLES:
                for column in range(COL_REASON + 1):
                    alone, painted = cell_data(lens, column, role, reason), cells[role][column]
                    if hasattr(alone, "italic"):  # a QFont
                        assert painted.italic() == alone.italic() and painted.family() == alone.family()
                    elif hasattr(alone, "color"):  # a QBrush
                        assert painted.color() == alone.color()
                    else:
                        assert painted == alone, (lens.nom, reason, role, column)


def _list_items(widget: QListWidget) -> dict[object, str]:
    return {widget.item(i).data(Qt.ItemDataRole.UserRole): widget.item(i).text() for i in range(widget.count())}


def test_large_catalogue_rereads_the_filter_lists_off_the_ui_thread(sqlite_db, qtbot, monkeypatch):
    """Above the threshold the lists are re-read in a pool thread: they keep their values and
    ticks meanwhile, then show the new counts; ticks changed meanwhile re-read their lists."""
    from gui.widgets.filter_panel import FilterPanel
    from tests.factories import lens_values, make_refs

    essilor = make_refs(sqlite_db)
    hoya = make_refs(sqlite_db, "Hoya", "Hoyalux", "iD MyStyle", "Eyas")
    for i in range(30):
        refs = essilor if i % 3 else hoya
        catalogue.create_lens(sqlite_db, lens_values(refs, nom=f"Verre {i:02d}", indice=1.5 + (i % 3) / 10))
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    panel = FilterPanel(sqlite_db)
    # Until the first lists arrive, each says it is loading (a line that is not a value).
    assert panel.supplier_list.count() == 1 and panel.supplier_list.item(0).text() == "Chargement…"
    assert panel.supplier_list.values() == [] and panel.build_query() == LensQuery()
    with qtbot.waitSignal(panel.listsReloaded, timeout=10_000):
        pass
    assert _list_items(panel.supplier_list) == {essilor.supplier: "Essilor (20)", hoya.supplier: "Hoya (10)"}
    tick(panel.supplier_list, lambda it: it.text().startswith("Hoya"))
    # The dependent list is read off the UI thread too: it follows the tick when it arrives.
    qtbot.waitUntil(lambda: set(_list_items(panel.range_list)) == {hoya.range_}, timeout=10_000)

    catalogue.create_lens(sqlite_db, lens_values(hoya, nom="Nouveau"))
    on_ui_thread: list[bool] = []
    real_read = lists.list_suppliers
    monkeypatch.setattr(lists, "list_suppliers", lambda db: on_ui_thread.append(
        QThread.currentThread() is QApplication.instance().thread()) or real_read(db))
    with qtbot.waitSignal(panel.listsReloaded, timeout=10_000):
        panel.reload()
        assert _list_items(panel.supplier_list)[hoya.supplier] == "Hoya (10)"  # still the old lists
    assert on_ui_thread == [False]
    assert _list_items(panel.supplier_list)[hoya.supplier] == "Hoya (11)"
    assert panel.supplier_list.checked_values() == [hoya.supplier]  # ticks kept
    assert _list_items(panel.range_list) == {hoya.range_: "Hoyalux (11)"}

    # A tick changed while the lists were read: the range list follows the new ticks.
    with qtbot.waitSignal(panel.listsReloaded, timeout=10_000):
        panel.reload()
        tick(panel.supplier_list, lambda it: it.text().startswith("Essilor"))
    qtbot.waitUntil(lambda: set(_list_items(panel.range_list)) == {essilor.range_, hoya.range_}, timeout=10_000)
    panel.ops.shutdown()


def test_large_catalogue_reads_deep_pages_off_the_ui_thread_and_paints_them_when_they_arrive(
        sqlite_db, qtbot, monkeypatch):
    """Scrolling deep on a large catalogue (or a server) never reads on the UI thread: the view
    gets empty cells at once, then the rows once their page has arrived."""
    _many_lenses(sqlite_db, 450)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    readers: list[bool] = []
    real_page = catalogue.lens_page

    def page(db, query, offset, limit, reverse=False):
        readers.append(QThread.currentThread() is QApplication.instance().thread())
        return real_page(db, query, offset, limit, reverse=reverse)

    monkeypatch.setattr(catalogue, "lens_page", page)
    model = LensTableModel(sqlite_db)
    counts: list[int] = []
    model.countReady.connect(counts.append)
    model.set_query(LensQuery())
    qtbot.waitUntil(lambda: bool(counts), timeout=10_000)
    readers.clear()
    row = 250  # page 2, read forward by OFFSET
    assert model.data(model.index(row, 0), ID_ROLE) is None  # not there yet: nothing waited for
    with qtbot.waitSignal(model.dataChanged, timeout=10_000) as changed:
        pass
    first, last = changed.args[0].row(), changed.args[1].row()
    assert first <= row <= last
    expected = list(catalogue.lens_ids(sqlite_db, LensQuery()))
    assert model.data(model.index(row, 0), ID_ROLE) == expected[row]
    assert readers and not any(readers)
    model.shutdown()


def test_the_first_paint_of_each_query_is_announced_once_after_the_view_painted_it(sqlite_db, qtbot, monkeypatch):
    """``firstPagePainted`` (the filter lists wait for it) comes after the view painted the new
    first page, once per query shown; a replaced query never announces it."""
    _many_lenses(sqlite_db)
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)
    monkeypatch.setattr(LensTableModel, "COUNT_UNPAINTED_MS", 60_000)  # only a paint announces it
    paints: list[int] = []

    class View(QTableView):
        def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
            super().paintEvent(event)
            paints.append(model.rowCount())

    model = LensTableModel(sqlite_db)
    view = View()
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.setModel(model)
    view.show()
    qtbot.waitExposed(view)
    shown: list[int] = []
    announced: list[int] = []
    model.firstPageReady.connect(lambda: shown.append(len(paints)))
    model.firstPagePainted.connect(lambda: announced.append(len(paints)))
    with qtbot.waitSignal(model.firstPagePainted, timeout=10_000):
        model.set_query(LensQuery(indices=(1.5,)))
        model.set_query(LensQuery(indices=(1.6,)))  # replaces the first before it is shown
    assert len(shown) == 1 and announced[0] > shown[0]  # a paint came in between
    qtbot.wait(300)
    assert len(announced) == 1  # once, whatever the later paints
    model.shutdown()
