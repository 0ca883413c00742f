"""A lens just created, duplicated or restored is selected where the result shows it; when a
filter hides it the status bar names that filter and offers to clear it. A new or duplicated
lens equal to another asks first."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from data import audit, catalogue
from data.query import LensQuery
from tests.gui.controllers.test_lens_editing import click_when_shown
from tests.gui.test_browser import tick


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def save_new_lens(window, qtbot, name: str, supplier: str = "Hoya", code: str = "") -> int:
    dialog = window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "field_nom").setText(name)
    combo = dialog.inputs["fournisseur_id"]
    combo.setCurrentIndex(combo.findText(supplier))
    dialog.findChild(QLineEdit, "field_indice").setText("1,6")
    dialog.findChild(QLineEdit, "field_gravure_nasale").setText(code)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    [lens_id] = catalogue.lens_ids(window.db, LensQuery(text=name.lower()))
    return lens_id


def test_a_new_lens_far_down_the_list_is_selected(admin_window, qtbot):
    window = admin_window
    window.table.selectRow(0)
    lens_id = save_new_lens(window, qtbot, "Zzz verre d'essai")
    qtbot.waitUntil(lambda: window.current_lens_id() == lens_id, timeout=5000)
    assert window.model.row_of_lens(lens_id) > window.model.PAGE_SIZE  # not on the first page
    assert window.statusBar().currentMessage() == "Verre ajouté."
    assert window.detail.lens is not None and window.detail.lens.id == lens_id
    assert not window.notice.isVisibleTo(window)


def test_a_filter_hiding_the_new_lens_is_named_and_can_be_cleared(admin_window, qtbot):
    window = admin_window
    tick(window.filters.supplier_list, lambda item: item.text().startswith("Hoya"))
    lens_id = save_new_lens(window, qtbot, "Verre masqué", supplier="Essilor")
    qtbot.waitUntil(lambda: window.notice.isVisibleTo(window), timeout=5000)
    assert window.notice.label.text() == "Verre ajouté, mais masqué par le filtre Fournisseur."
    assert window.notice.button.text() == "Effacer les filtres"
    assert window.current_lens_id() != lens_id
    window.notice.button.click()
    qtbot.waitUntil(lambda: window.current_lens_id() == lens_id, timeout=5000)
    assert window.filters.supplier_list.checked_values() == []
    assert not window.notice.isVisibleTo(window)


def test_in_a_ranked_search_the_new_lens_is_selected_or_the_search_named(admin_window, qtbot):
    window = admin_window
    window.filters.search_box.setText("qxq9")
    window.filters.flush_search()
    found = save_new_lens(window, qtbot, "Verre trouvé", code="QXQ9")
    qtbot.waitUntil(lambda: window.current_lens_id() == found, timeout=5000)
    assert window.model.ranked and window.statusBar().currentMessage() == "Verre ajouté."
    hidden = save_new_lens(window, qtbot, "Verre à part", code="B12")
    qtbot.waitUntil(lambda: window.notice.isVisibleTo(window), timeout=5000)
    assert window.notice.label.text() == "Verre ajouté, mais masqué par la recherche « qxq9 »."
    window.notice.button.click()
    qtbot.waitUntil(lambda: window.current_lens_id() == hidden, timeout=5000)
    assert window.filters.search_box.text() == ""


def test_a_duplicate_asks_first_then_is_selected(admin_window, qtbot):
    window = admin_window
    window.table.selectRow(3)
    original = window.detail.lens
    total = catalogue.count_lenses(window.db, LensQuery())
    dialog = window.editing.lens_dialog(original, duplicate=True)
    qtbot.addWidget(dialog)
    asked: list[str] = []
    real = window.editing.confirm_identical

    def confirm(existing):
        asked.append(f"{existing.id} {existing.nom}")
        return real(existing)

    dialog.confirm_identical = confirm
    click_when_shown("Ne pas enregistrer")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert asked == [f"{original.id} {original.nom}"]
    assert catalogue.count_lenses(window.db, LensQuery()) == total
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.save_button.isEnabled()
    click_when_shown("Enregistrer quand même")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert catalogue.count_lenses(window.db, LensQuery()) == total + 1
    qtbot.waitUntil(lambda: window.current_lens_id() not in (None, original.id), timeout=5000)
    assert window.statusBar().currentMessage() == "Verre dupliqué."
    copy = window.detail.lens
    assert (copy.nom, copy.indice, copy.fournisseur) == (original.nom, original.indice, original.fournisseur)


def test_the_identical_question_names_the_lens(admin_window):
    row = catalogue.lens_rows(admin_window.db, catalogue.lens_ids(admin_window.db, LensQuery())[:1])[0]
    click_when_shown("Ne pas enregistrer")
    assert admin_window.editing.confirm_identical(row) is False
    from gui.controllers.lens_editing import lens_name

    assert lens_name(row).startswith(f"« {row.nom} »") and f"— {row.fournisseur}, indice " in lens_name(row)
    assert lens_name(row).endswith(f"(n° {row.id})")


def test_a_lens_restored_from_history_is_selected(admin_window, qtbot):
    window = admin_window
    window.table.selectRow(5)
    lens_id = window.detail.lens.id
    window.editing.delete_lenses(confirm=False)
    window.filters.search_box.setText("rien-de-tel")
    window.filters.flush_search()
    dialog = window.editing.history_dialog()
    dialog.action.setCurrentIndex(dialog.action.findData(audit.SUPPRESSION))
    dialog.table.selectRow(0)
    assert dialog.restore_selected() == lens_id
    qtbot.waitUntil(lambda: window.notice.isVisibleTo(window), timeout=5000)
    assert "Verre restauré depuis l'historique, mais masqué par la recherche" in window.notice.label.text()
    window.notice.button.click()
    qtbot.waitUntil(lambda: window.current_lens_id() == lens_id, timeout=5000)


def test_off_the_ui_thread_the_new_lens_is_selected_once_its_result_is_shown(admin_window, qtbot, monkeypatch):
    """On a server or a large catalogue every read and write runs in a pool thread: the lens is
    looked for in the result that follows the write, not in the rows shown before it."""
    from gui.ops import Ops

    window = admin_window
    window.table.selectRow(1)
    dialog = window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "field_nom").setText("Zzz verre du serveur")
    combo = dialog.inputs["fournisseur_id"]
    combo.setCurrentIndex(combo.findText("Hoya"))
    dialog.findChild(QLineEdit, "field_indice").setText("1,6")
    monkeypatch.setattr(Ops, "SMALL_CATALOGUE", 10)  # from here on, every call in a pool thread
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.writing  # the identical-lens check runs
    qtbot.waitUntil(lambda: bool(catalogue.lens_ids(window.db, LensQuery(text="zzz verre du serveur"))), timeout=10_000)
    [lens_id] = catalogue.lens_ids(window.db, LensQuery(text="zzz verre du serveur"))
    qtbot.waitUntil(lambda: window.current_lens_id() == lens_id, timeout=10_000)
    assert window.statusBar().currentMessage() == "Verre ajouté."
    qtbot.wait(300)  # the count and any late answer: the selection stays
    assert window.current_lens_id() == lens_id
