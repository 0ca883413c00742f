"""The lens dialog's « Symboles » field: picked on the palette in a popup, saved with the lens."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QToolButton

from data import catalogue
from data.catalogue import LensDetail
from data.query import LensQuery

STORES_SYMBOLS = "symbols" in LensDetail.__dataclass_fields__


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def test_the_field_picks_shapes_on_the_palette_in_the_order_picked(admin_window, qtbot):
    dialog = admin_window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    field = dialog.findChild(QPushButton, "field_symboles")
    assert field is not None and field.text().startswith("Aucun")
    error = dialog.findChild(QLabel, "error_symboles")
    assert error is not None and error.isHidden()
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    popup = field.popup
    assert popup.isVisible()
    for key in ("e_soleil", "oeil"):
        button = popup.findChild(QToolButton, f"symbol_{key}")
        assert button is not None and button.isCheckable()
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert dialog.raw_values()["symboles"] == ["e_soleil", "oeil"]
    assert not field.icon().isNull() and "Œil" in field.text()
    popup.findChild(QPushButton, "lensSymbolsNone").click()
    assert dialog.raw_values()["symboles"] == [] and field.text().startswith("Aucun")


@pytest.mark.skipif(not STORES_SYMBOLS, reason="the catalogue does not store signs yet")
def test_a_new_lens_is_saved_with_its_shapes_and_an_edit_shows_them(admin_window, qtbot):
    window = admin_window
    dialog = window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.findChild(QLineEdit, "field_nom"), "Verre au signe")
    supplier = dialog.inputs["fournisseur_id"]
    supplier.setCurrentIndex(supplier.findText("Essilor"))
    qtbot.keyClicks(dialog.findChild(QLineEdit, "field_indice"), "1,5")
    qtbot.keyClicks(dialog.findChild(QLineEdit, "field_gravure_nasale"), "e5")
    dialog.symbol_field.set_keys(["oeil", "e_soleil"])
    save = dialog.findChild(QPushButton, "saveButton")
    assert save.isEnabled()
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    found = catalogue.lens_ids(window.db, LensQuery(text="verre au signe"))
    assert len(found) == 1
    lens = catalogue.get_lens(window.db, found[0])
    assert set(lens.symbols) == {"oeil", "e_soleil"}

    edit = window.editing.lens_dialog(lens)
    qtbot.addWidget(edit)
    assert set(edit.symbol_field.keys()) == {"oeil", "e_soleil"}
