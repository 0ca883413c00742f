"""The admin's vocabulary dialog: refusals, and a new shape reaching the palette, the search box,
the drawing pad's proposals and the history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu, QToolButton

from data import audit, catalogue
from data.symbols import SHAPES
from gui.dialogs.symbols_dialog import EMPTY_DRAWING, NO_LABEL
from tests.data.symbols.test_traced import heart


def open_dialog(window, qtbot):
    assert window.unlock_admin("secret-admin")
    dialog = window.editing.symbols_dialog()
    qtbot.waitUntil(lambda: len(dialog.items) >= len(SHAPES), timeout=10_000)
    return dialog


def error(dialog, name: str) -> str:
    label = dialog.findChild(QLabel, f"error_{name}")
    assert label is not None
    return label.text()


def draw(dialog, strokes) -> None:
    for stroke in strokes:
        dialog.pad.add_stroke(stroke)


def test_the_action_is_in_the_administration_menu_and_needs_admin_mode(window):
    action = window.action("symbolsAction")
    assert action.text() == "Formes de signes…" and not action.isEnabled()
    menus = [a.menu() for a in window.menuBar().actions() if isinstance(a.menu(), QMenu)]
    admin_menu = next(m for m in menus if m.title() == "Ad&ministration")
    assert action in admin_menu.actions()
    assert window.unlock_admin("secret-admin")
    assert action.isEnabled()


def test_the_dialog_lists_every_shape_drawn_with_its_label_and_key(window, qtbot):
    dialog = open_dialog(window, qtbot)
    assert dialog.objectName() == "symbolsDialog"
    assert dialog.list.count() == len(SHAPES)
    first = dialog.list.item(0)
    assert first.text().startswith(f"{SHAPES[0].label}\nclé : {SHAPES[0].key}")
    assert not first.icon().isNull()


def test_an_empty_drawing_is_refused_and_nothing_is_written(window, qtbot):
    dialog = open_dialog(window, qtbot)
    dialog.label_edit.insert("Cœur")  # « œ » has no key QTest can press
    assert dialog.key_label.text() == "coeur"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert error(dialog, "dessin") == EMPTY_DRAWING
    assert "n'est pas ajoutée" in dialog.message.text()
    assert len(catalogue.list_symbols(window.db)) == len(SHAPES)
    draw(dialog, heart())
    assert error(dialog, "dessin") == ""  # a stroke answers the message


def test_a_missing_label_is_refused(window, qtbot):
    dialog = open_dialog(window, qtbot)
    draw(dialog, heart())
    assert not dialog.save()
    assert error(dialog, "libelle") == NO_LABEL
    assert len(catalogue.list_symbols(window.db)) == len(SHAPES)


def test_a_name_another_shape_answers_to_is_refused_as_typed(window, qtbot):
    dialog = open_dialog(window, qtbot)
    draw(dialog, heart())
    for typed, owner in (("OEIL", "Œil"), ("œil", "Œil"), ("Barre   horizontale", "Barre horizontale"),
                         ("slash", "Barre oblique")):
        dialog.label_edit.setText(typed)
        assert f"« {owner} »" in error(dialog, "libelle")  # said while typing, before Save
        assert not dialog.save()
    assert len(catalogue.list_symbols(window.db)) == len(SHAPES)


def test_a_new_shape_reaches_the_palette_the_search_box_the_pad_and_the_history(window, qtbot):
    dialog = open_dialog(window, qtbot)
    dialog.label_edit.insert("Cœur")  # « œ » has no key QTest can press
    draw(dialog, heart())
    assert dialog.save()
    assert "« Cœur » ajoutée (clé coeur)" in dialog.message.text()
    assert dialog.label_edit.text() == "" and dialog.pad.is_empty()
    qtbot.waitUntil(lambda: "coeur" in dialog.keys(), timeout=10_000)
    assert dialog.list.currentItem().text().startswith("Cœur\nclé : coeur")

    # The palette re-reads the vocabulary on the write's Changes.
    palette = window.filters.symbols.palette_widget
    qtbot.waitUntil(lambda: palette.button("coeur") is not None, timeout=10_000)
    button = window.filters.findChild(QToolButton, "symbol_coeur")
    assert button is not None and button.toolTip() == "Cœur" and not button.icon().isNull()

    # Typed by name in the search box (accents and case ignored): a chip says so.
    box = window.filters.search_box
    box.setFocus()
    qtbot.keyClicks(box, "COEUR")
    window.filters.flush_search()
    qtbot.waitUntil(lambda: "coeur" in window.filters.parsed().symbols, timeout=10_000)
    assert any("Cœur" in label for label in window.filters.chips.labels())

    # The drawing pad proposes it when it is drawn again, smaller and elsewhere.
    search = window.filters.symbols
    with qtbot.waitSignal(search.proposalsShown, timeout=10_000):
        for stroke in heart(cx=60, cy=60, r=25):
            search.pad.add_stroke(stroke)
    qtbot.waitUntil(lambda: bool(search.proposed_keys()), timeout=10_000)
    qtbot.waitUntil(lambda: search.proposed_keys()[0] == "coeur", timeout=10_000)

    # The history keeps who added it.
    entries = audit.catalogue_history(window.db, target="symbole")
    assert entries and entries[0].label == "Cœur" and entries[0].new["cle"] == "coeur"
