"""Identification at the counter, in the window: the box's words ranked with a reason on every
row, header sorts over the ranked set, ways out of an empty result, counter-first columns."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from data import catalogue
from data.catalogue.code_keys import rebuild_code_keys
from data.database import Database
from data.identify import parse
from data.query import LensQuery
from gui.models import answers
from gui.models.lens_columns import (
    ALL_KEYS,
    COL_ENGRAVING,
    COL_INDEX,
    COL_NAME,
    COL_REASON,
    DEFAULT_WIDTHS,
    ID_ROLE,
    REASON_KEY,
    format_ranked_count,
)
from gui.models.lens_table import LensTableModel
from gui.widgets.empty_result import WayOut, ways_out, why
from tests.factories import lens_values, make_refs

MISREAD = "code proche : O lu 0"


@dataclass
class Counter:
    """A small catalogue as at the counter: ZEISS's SPU50 14 at 1,5 is the lens to find."""

    db: Database
    target: int
    names: dict[int, str]

    @property
    def url(self) -> str:
        return self.db.url.render_as_string(hide_password=False)


def fill(db: Database) -> Counter:
    zeiss = make_refs(db, "ZEISS", "SmartLife", "Individual", "Clarlet")
    essilor = make_refs(db)
    made = {}
    for refs, nom, code, index in (
        (zeiss, "SmartLife Individual", "SPU50 14", 1.5),
        (zeiss, "SmartLife Pure", "SPL67", 1.67),
        (zeiss, "Progressive Plus", "KSP 1.67 KB", 1.67),
        (essilor, "Varilux Comfort", "AIPZ", 1.6),
        (essilor, "Varilux Physio", "AI", 1.67),
        (essilor, "Varilux X", "XR", 1.5),
        (essilor, "Anatomic", "E3 ou E3S ou E3XS", 1.5),
    ):
        made[catalogue.create_lens(db, lens_values(refs, nom=nom, gravure_nasale=code, indice=index)).lens_id] = nom
    with db.transaction() as session:
        rebuild_code_keys(session)  # until the keys follow every write
    target = next(i for i, nom in made.items() if nom == "SmartLife Individual")
    return Counter(db, target, made)


@pytest.fixture
def counter(sqlite_db) -> Counter:
    return fill(sqlite_db)


def cell(model, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def rows(model) -> list[int]:
    return [cell(model, r, 0, ID_ROLE) for r in range(model.rowCount())]


def type_in_box(window, qtbot, text: str) -> None:
    box = window.findChild(QLineEdit, "searchBox")
    box.clear()
    box.setFocus()
    qtbot.keyClicks(box, text)
    qtbot.waitUntil(lambda: window.model.shown_query.text == text and not window.model.loading, timeout=5000)


def click_header(qtbot, table, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


def test_misread_code_with_maker_and_index_comes_first_with_its_reason(counter, open_window, qtbot):
    window = open_window(counter.url)
    window.show()
    qtbot.waitExposed(window)
    header = window.table.horizontalHeader()
    header.setSortIndicator(COL_INDEX, Qt.SortOrder.DescendingOrder)  # the user's own sort
    assert window.model.query.sort == "indice"
    type_in_box(window, qtbot, "zeiss spu5o 1,5")
    model = window.model
    assert model.ranked
    assert rows(model)[0] == counter.target
    assert cell(model, 0, COL_REASON) == MISREAD
    for column in range(model.columnCount()):
        assert MISREAD in cell(model, 0, column, Qt.ItemDataRole.ToolTipRole), column
    assert "SPU50 14" in cell(model, 0, COL_INDEX, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(COL_REASON, Qt.Orientation.Horizontal) == "Pertinence"
    assert not header.isSectionHidden(COL_REASON) and header.visualIndex(COL_REASON) == 0
    assert header.sortIndicatorSection() == COL_REASON
    assert window.count_label.text() == f"{model.rowCount()} verre" + ("s" if model.rowCount() > 1 else "")

    # A click on Nom sorts the ranked set by name; the user's sort is kept for later.
    type_in_box(window, qtbot, "sp")  # a search with several rows
    ranked_ids = rows(model)
    assert model.ranked and len(ranked_ids) >= 2
    click_header(qtbot, window.table, COL_NAME)
    qtbot.waitUntil(lambda: header.sortIndicatorSection() == COL_NAME and model.ranked, timeout=3000)
    names = [cell(model, r, COL_NAME) for r in range(model.rowCount())]
    assert names == sorted(names, key=str.lower) and sorted(rows(model)) == sorted(ranked_ids)
    assert all(cell(model, r, COL_REASON) for r in range(model.rowCount()))  # reasons stay on their rows
    click_header(qtbot, window.table, COL_REASON)
    qtbot.waitUntil(lambda: rows(model) == ranked_ids, timeout=3000)

    # Clearing the box returns to the user's sort; the Pertinence column goes.
    window.findChild(QLineEdit, "searchBox").clear()
    window.filters.flush_search()
    qtbot.waitUntil(lambda: not model.ranked, timeout=3000)
    assert model.query.sort == "indice" and model.query.descending
    assert header.sortIndicatorSection() == COL_INDEX and header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert header.isSectionHidden(COL_REASON)
    assert rows(model) == list(catalogue.lens_ids(counter.db, model.query))


def test_rows_stay_in_place_when_the_pertinence_column_comes_and_goes(counter, open_window, qtbot):
    """The Pertinence column widens the table past its viewport at a counter's screen size: a
    horizontal scroll bar that came with it and went with a cleared box would move every row
    and paint the whole table twice for one search."""
    window = open_window(counter.url)
    window.resize(1400, 700)
    window.show()
    qtbot.waitExposed(window)
    table = window.table
    # Wide enough for the browsing columns, too narrow once Pertinence is added to them.
    browsing = sum(width for key, width in DEFAULT_WIDTHS.items() if key != REASON_KEY)
    window.resize(window.width() - table.viewport().width() + browsing + 40, 700)
    qtbot.waitUntil(lambda: table.viewport().width() == browsing + 40, timeout=3000)
    browse_height = table.viewport().height()
    type_in_box(window, qtbot, "sp")
    assert window.model.ranked
    qtbot.wait(50)  # the layout the new column asks for
    assert table.horizontalHeader().length() > table.viewport().width()
    assert table.viewport().height() == browse_height
    window.findChild(QLineEdit, "searchBox").clear()
    window.filters.flush_search()
    qtbot.waitUntil(lambda: not window.model.ranked, timeout=3000)
    qtbot.wait(50)
    assert table.viewport().height() == browse_height


def test_each_result_paints_the_table_once(counter, open_window, qtbot):
    """A search's answer paints the table's rows once: not again when its layout is done, nor
    when the Pertinence column comes, goes or is fitted to the reasons (it comes first, so its
    repaint would cover every column), each a whole second paint of the table at every search."""
    from PySide6.QtCore import QEvent, QObject

    window = open_window(counter.url)
    window.show()
    qtbot.waitExposed(window)
    viewport = window.table.viewport()
    whole: list[int] = []

    class Paints(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 - Qt override
            if watched is viewport and event.type() == QEvent.Type.Paint and event.rect() == viewport.rect():
                whole.append((window.model.rowCount(), [(r.y(), r.height()) for r in event.region()]))
            return False

    watch = Paints()
    viewport.installEventFilter(watch)
    box = window.findChild(QLineEdit, "searchBox")
    for text in ("sp", "hde", "", "e3s"):  # Pertinence shown, fitted again, hidden, shown
        qtbot.wait(300)  # what the last answer brought (its count, the lists) is on screen
        whole.clear()
        box.setText(text)
        window.filters.flush_search()
        qtbot.waitUntil(lambda t=text: window.model.shown_query.text == t and not window.model.loading, timeout=5000)
        qtbot.wait(300)
        assert window.model.ranked == bool(text)
        assert len(whole) == 1, (text, whole)
    viewport.removeEventFilter(watch)


def test_filter_words_alone_narrow_the_sorted_list(counter, open_window, qtbot):
    window = open_window(counter.url)
    type_in_box(window, qtbot, "zeiss 1,67")
    model = window.model
    assert not model.ranked and window.table.horizontalHeader().isSectionHidden(COL_REASON)
    shown = {counter.names[i] for i in rows(model)}
    assert shown == {"SmartLife Pure", "Progressive Plus"}
    assert window.count_label.text() == "2 verres"


def test_empty_answer_says_why_and_a_way_out_finds_the_lens(counter, open_window, qtbot):
    window = open_window(counter.url)
    window.show()
    type_in_box(window, qtbot, "spu5o 1,67")
    assert window.model.rowCount() == 0
    message = window.findChild(QWidgetType(), "emptyResultMessage")
    qtbot.waitUntil(message.isVisible, timeout=3000)
    assert message.title.text().startswith("Aucun verre SPU5O à l'indice 1,67")
    labels = [button.text() for button in message.buttons]
    assert "Sans l'indice : 1 verre" in labels
    assert any(label.startswith("Code proche : SPU50") for label in labels)
    assert labels[-1] == "Effacer la recherche"
    button = message.findChild(QPushButton, f"wayOut_{labels.index('Sans l' + chr(39) + 'indice : 1 verre')}")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.filters.search_box.text() == "spu5o"
    assert rows(window.model) == [counter.target]
    assert not message.isVisible()


def QWidgetType():  # noqa: N802 - a type, for findChild
    from PySide6.QtWidgets import QWidget

    return QWidget


def test_ways_out_edit_what_was_typed():
    words = parse("zeiss spu5o 1,67", vocabulary_of(("ZEISS",)))
    query = LensQuery(text=words.text)
    ways = ways_out(query, words, ["sans l'indice : 3 verres", "code proche : SPU50 14",
                                   "sans le fabricant : 2 verres"])
    assert [(w.label, w.text) for w in ways] == [
        ("sans l'indice : 3 verres", "zeiss spu5o"),
        ("code proche : SPU50 14", "zeiss SPU50 1,67"),
        ("sans le fabricant : 2 verres", "spu5o 1,67"),
        ("effacer la recherche", ""),
    ]
    assert why(query, words) == "Aucun verre SPU5O de ZEISS à l'indice 1,67"
    essilor = parse("essilor cx5s 1,5", vocabulary_of(("Essilor",)))
    assert why(LensQuery(text=essilor.text), essilor) == "Aucun verre CX5S d'Essilor à l'indice 1,50"
    ticked = LensQuery(text="hm5o", indices=(1.6,))
    ways = ways_out(ticked, parse("hm5o", vocabulary_of(())), ["sans l'indice : 1 verre", "code proche : HM 50"])
    assert ways[0] == WayOut("sans l'indice : 1 verre", "hm5o", clear_indices=True)
    assert ways[1].text == "HM50"
    assert ways[-1].clear_all


def test_a_near_code_found_at_another_index_only_drops_the_index_too():
    words = parse("zeiss sbr6o 1,67", vocabulary_of(("ZEISS",)))
    ways = ways_out(LensQuery(text=words.text), words, ["code proche : SBR-60 (indice 1,60)"])
    assert (ways[0].label, ways[0].text, ways[0].clear_indices) == (
        "code proche : SBR-60 (indice 1,60)", "zeiss SBR60", False)
    ticked = LensQuery(text="sbr6o", indices=(1.67,))
    ways = ways_out(ticked, parse("sbr6o", vocabulary_of(())), ["code proche : SBR-60 (indice 1,60)"])
    assert (ways[0].text, ways[0].clear_indices) == ("SBR60", True)


def test_a_sign_read_wrong_offers_its_greek_word_as_a_shape_or_the_shapes_alone():
    words = parse("oeil pi 1,5", vocabulary_of(()))
    query = LensQuery(text=words.text, symbols=("soleil",))
    ways = ways_out(query, words, ["symbole Pi au lieu de « pi » : 3 verres", "sans la gravure : 7 verres"])
    assert ways[0] == WayOut("symbole Pi au lieu de « pi » : 3 verres", "oeil 1,5", symbols=("pi",))
    assert ways[1] == WayOut("sans la gravure : 7 verres", "oeil 1,5")
    assert why(query, words) == "Aucun verre PI avec les symboles Soleil et Œil à l'indice 1,50"
    one = parse("sigma", vocabulary_of(()))
    assert why(LensQuery(text="sigma", symbols=("oeil",)), one) == "Aucun verre SIGMA avec le symbole Œil"


def test_the_greek_word_way_out_picks_the_shape_and_finds_the_sign(sqlite_db, open_window, qtbot):
    refs = make_refs(sqlite_db)
    wanted = catalogue.create_lens(sqlite_db, {**lens_values(refs, nom="Varilux Design", gravure_nasale="e7",
                                                              indice=1.67), "symboles": ["oeil", "pi"]}).lens_id
    catalogue.create_lens(sqlite_db, {**lens_values(refs, nom="Varilux Liberty", gravure_nasale="e5"),
                                      "symboles": ["oeil"]})
    window = open_window(sqlite_db.url.render_as_string(hide_password=False))
    window.show()
    type_in_box(window, qtbot, "oeil pi")
    assert window.model.rowCount() == 0
    message = window.findChild(QWidgetType(), "emptyResultMessage")
    qtbot.waitUntil(message.isVisible, timeout=3000)
    assert message.title.text() == "Aucun verre PI avec le symbole Œil."
    labels = [button.text() for button in message.buttons]
    assert labels[:2] == ["Symbole Pi au lieu de « pi » : 2 verres", "Sans la gravure : 2 verres"]
    qtbot.mouseClick(message.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=3000)
    assert window.filters.search_box.text() == "oeil"
    assert window.filters.symbols.checked_keys() == ("pi",)
    assert "Symbole Pi" in window.filters.chips.labels()
    assert rows(window.model)[0] == wanted and not message.isVisible()


def vocabulary_of(makers: tuple[str, ...]):
    from data.identify import Vocabulary

    return Vocabulary(tuple(enumerate(makers, start=1)))


def test_sorting_a_ranked_set_sorts_as_sql_does():
    from data.catalogue import LensRow

    def row(i: int, nom: str, h: int | None) -> LensRow:
        return LensRow(i, nom, None, "F", None, None, None, 1.5, h, None, None, None, None, 1)

    found = [row(1, "éte", 12), row(2, "Ete", None), row(3, "alpha", 14), row(4, "", 10)]
    assert [r.id for r in answers.sort_rows(found, "nom", False)] == [3, 1, 2, 4]
    assert [r.id for r in answers.sort_rows(found, "nom", True)] == [2, 1, 3, 4]
    assert [r.id for r in answers.sort_rows(found, "hauteur_min", True)] == [3, 1, 4, 2]


def test_a_cut_ranked_result_says_it_holds_the_best(counter, open_window, qtbot, monkeypatch):
    monkeypatch.setattr(answers, "RANKED_LIMIT", 1)
    window = open_window(counter.url)
    type_in_box(window, qtbot, "a")
    assert window.model.ranked and window.model.cut
    n = window.model.rowCount()
    assert window.count_label.text() == format_ranked_count(n, True)
    assert window.count_label.text().endswith("premiers verres, classés par pertinence — précisez")


def test_ranked_model_passes_qtmodeltester(counter, qtmodeltester):
    model = LensTableModel(counter.db)
    model.set_query(LensQuery(text="spu5o"))
    assert model.ranked and rows(model)[0] == counter.target
    qtmodeltester.check(model)
    model.sort(COL_ENGRAVING, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.shutdown()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_ranked_answer_off_the_ui_thread_on_a_server(db, qtbot):
    found = fill(db)
    model = LensTableModel(db)
    with qtbot.waitSignal(model.firstPageReady, timeout=20_000):
        model.set_query(LensQuery(text="zeiss spu5o 1,5"))
    assert model.ranked and rows(model)[0] == found.target
    assert cell(model, 0, COL_REASON) == MISREAD
    model.shutdown()


def test_columns_put_the_counter_first_and_are_kept(open_window, qtbot):
    first = open_window()
    header = first.table.horizontalHeader()
    visible = [ALL_KEYS[header.logicalIndex(v)] for v in range(header.count())
               if not header.isSectionHidden(header.logicalIndex(v))]
    assert visible == ["gravure_nasale", "indice", "hauteur_min", "hauteur_max", "fournisseur", "nom",
                       "variante", "gamme", "serie", "materiau"]
    assert header.sectionsMovable()
    menu = first.table.column_menu()
    labels = [a.text() for a in menu.actions() if a.isCheckable()]
    assert "Variante" in labels and "Matériau" in labels
    menu.findChild(QAction, "column_variante").trigger()
    assert header.isSectionHidden(ALL_KEYS.index("variante"))
    header.moveSection(header.visualIndex(COL_NAME), 1)
    first.close()
    second = open_window()
    header = second.table.horizontalHeader()
    assert header.isSectionHidden(ALL_KEYS.index("variante"))
    assert header.visualIndex(COL_NAME) == 1
    menu = second.table.column_menu()
    menu.findChild(QAction, "column_variante").trigger()
    assert not header.isSectionHidden(ALL_KEYS.index("variante"))


def test_narrow_window_keeps_the_code_index_and_heights_in_view(window, qtbot):
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    assert not window.detail.isVisible()  # no lens shown: no room taken
    assert window.banner.height() <= 44
    table = window.table
    header = table.horizontalHeader()
    for key in ("gravure_nasale", "indice", "hauteur_min", "hauteur_max"):
        column = ALL_KEYS.index(key)
        assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width(), key
    window.focus_results()
    assert window.table.currentIndex().row() == 0
    qtbot.waitUntil(window.detail.isVisible, timeout=3000)
    QApplication.processEvents()
    column = ALL_KEYS.index("hauteur_max")
    assert header.sectionViewportPosition(column) + header.sectionSize(column) <= table.viewport().width()
