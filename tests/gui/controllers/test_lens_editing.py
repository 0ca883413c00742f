"""Editing from the window: the lens dialog, delete and undo, admin mode and read-only safety."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QPushButton

from data import catalogue
from data.config import load_settings
from data.database import open_database
from data.query import LensQuery
from gui.dialogs.lens_dialog import LensDialog


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def field(dialog, name) -> QLineEdit:
    return dialog.findChild(QLineEdit, f"field_{name}")


def error(dialog, name) -> QLabel:
    return dialog.findChild(QLabel, f"error_{name}")


def save_button(dialog) -> QPushButton:
    return dialog.findChild(QPushButton, "saveButton")


def retype(qtbot, widget: QLineEdit, text: str) -> None:
    widget.clear()
    qtbot.keyClicks(widget, text)


def edit_dialog(window, row: int = 0) -> LensDialog:
    window.table.selectRow(row)
    lens = catalogue.get_lens(window.db, window.detail.lens.id)
    dialog = window.editing.lens_dialog(lens)
    return dialog


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("indice", "2,5", "hors limites (1,00 à 2,00)"),
        ("indice", "abc", "Entrez un nombre"),
        ("indice", "", "obligatoire"),
        ("nom", "   ", "obligatoire"),
        ("nom", "x" * 101, "100 caractères au maximum"),
        ("variante", "v" * 51, "50 caractères"),
        ("hauteur_min", "-3", "entre 0 et 100"),
        ("hauteur_min", "12,5", "nombre entier"),
        ("url_source", "file:///etc/passwd", "http"),
        ("url_gravure", "javascript:alert(1)", "http"),
    ],
)
def test_bad_value_shows_message_and_disables_save(admin_window, qtbot, name, text, message):
    dialog = edit_dialog(admin_window)
    qtbot.addWidget(dialog)
    assert save_button(dialog).isEnabled()
    retype(qtbot, field(dialog, name), text)
    assert message in error(dialog, name).text()
    assert error(dialog, name).isVisibleTo(dialog)
    assert not save_button(dialog).isEnabled()


def test_swapped_heights_say_why_save_is_off(admin_window, qtbot):
    dialog = edit_dialog(admin_window)
    qtbot.addWidget(dialog)
    retype(qtbot, field(dialog, "hauteur_min"), "18")
    retype(qtbot, field(dialog, "hauteur_max"), "14")
    assert "18 mm" in error(dialog, "hauteur_max").text()
    assert not save_button(dialog).isEnabled()
    assert "1 champ à corriger" in dialog.why_disabled.text()
    retype(qtbot, field(dialog, "hauteur_max"), "20")
    assert save_button(dialog).isEnabled()


@pytest.mark.parametrize("typed", ["14 à 20mm", "≥ 14", "16/19", "18mm"])
def test_heights_as_guides_write_them_are_accepted(admin_window, qtbot, typed):
    dialog = edit_dialog(admin_window)
    qtbot.addWidget(dialog)
    retype(qtbot, field(dialog, "hauteur_max"), "")
    field(dialog, "hauteur_min").setText(typed)  # typed keys are ASCII only under offscreen
    assert not error(dialog, "hauteur_min").isVisibleTo(dialog)
    assert save_button(dialog).isEnabled()


def test_an_unreadable_height_shows_the_accepted_forms(admin_window, qtbot):
    dialog = edit_dialog(admin_window)
    qtbot.addWidget(dialog)
    retype(qtbot, field(dialog, "hauteur_min"), "environ 14")
    assert "14 à 20mm" in error(dialog, "hauteur_min").text()
    assert not save_button(dialog).isEnabled()


@pytest.mark.parametrize("typed, stored", [("1,6", 1.6), ("1.6", 1.6), ("1,74", 1.74)])
def test_valid_edit_updates_table_and_detail_in_place(admin_window, qtbot, typed, stored):
    window = admin_window
    dialog = edit_dialog(window, row=2)
    qtbot.addWidget(dialog)
    lens_id = window.detail.lens.id
    retype(qtbot, field(dialog, "indice"), typed)
    retype(qtbot, field(dialog, "gravure_nasale"), "ZZ9")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == LensDialog.DialogCode.Accepted
    saved = catalogue.get_lens(window.db, lens_id)
    assert saved.indice == stored and saved.gravure_nasale == "ZZ9" and saved.version == 2
    assert window.current_lens_id() == lens_id
    assert window.model.data(window.model.index(2, 9)) == "ZZ9"
    assert window.detail.fields["gravure_nasale"].text() == "ZZ9"


def test_new_lens_with_picture(admin_window, qtbot, tmp_path):
    from PIL import Image

    picture = tmp_path / "gravure.png"
    Image.new("RGB", (64, 40), "white").save(picture)
    window = admin_window
    before = window.model.rowCount()
    dialog = window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    assert not save_button(dialog).isEnabled()
    qtbot.keyClicks(field(dialog, "nom"), "Mon verre d'essai")
    supplier = dialog.inputs["fournisseur_id"]
    supplier.setCurrentIndex(supplier.findText("Hoya"))
    qtbot.keyClicks(field(dialog, "indice"), "1,6")
    assert dialog.set_image_file(picture)
    assert save_button(dialog).isEnabled()
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert window.model.rowCount() == before + 1
    found = catalogue.lens_ids(window.db, LensQuery(text="mon verre d'essai"))
    assert len(found) == 1
    assert catalogue.get_lens(window.db, found[0]).image_id is not None


def test_image_picker_refuses_non_images_and_big_files(admin_window, qtbot, tmp_path):
    dialog = admin_window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    text_file = tmp_path / "note.png"
    text_file.write_text("pas une image")
    assert not dialog.set_image_file(text_file)
    assert "PNG ou JPEG" in error(dialog, "image").text()
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1))
    assert not dialog.set_image_file(big)
    assert "5 Mo" in error(dialog, "image").text()
    assert not save_button(dialog).isEnabled()


def click_when_shown(button_text: str) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            for button in box.buttons():
                if button_text in button.text():
                    button.click()
                    return
        QTimer.singleShot(50, click)

    QTimer.singleShot(50, click)


def test_second_save_is_refused_with_choice_to_reload(admin_window, qtbot):
    window = admin_window
    dialog = edit_dialog(window)
    qtbot.addWidget(dialog)
    lens_id = window.detail.lens.id
    # Another PC saves the same lens through its own connection.
    url = window.db.url.render_as_string(hide_password=False)
    other = open_database(url, load_settings(cli_url=url), pool_size=1)
    try:
        current = catalogue.get_lens(other, lens_id)
        catalogue.update_lens(other, lens_id, {**current.form_values(), "nom": "Changé ailleurs"}, current.version)
    finally:
        other.dispose()
    retype(qtbot, field(dialog, "nom"), "Ma version")
    click_when_shown("Garder mes saisies")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.isVisible() or dialog.result() != LensDialog.DialogCode.Accepted
    assert field(dialog, "nom").text() == "Ma version"
    assert "modifié par un autre poste" in dialog.banner.text()
    assert catalogue.get_lens(window.db, lens_id).nom == "Changé ailleurs"
    click_when_shown("Recharger")
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert field(dialog, "nom").text() == "Changé ailleurs"
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert catalogue.get_lens(window.db, lens_id).version == 3


def test_delete_several_then_undo(admin_window):
    window = admin_window
    total = window.model.rowCount()
    window.table.selectRow(0)
    ids = [window.model.lens_id_at(r) for r in range(3)]
    from PySide6.QtCore import QItemSelectionModel

    for row in (1, 2):
        window.table.selectionModel().select(
            window.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )
    assert window.editing.delete_lenses(confirm=False) == 3
    assert window.model.rowCount() == total - 3
    assert window.action("undoAction").isEnabled()
    assert window.editing.undo_delete() == 3
    assert window.model.rowCount() == total
    assert sorted(catalogue.lens_ids(window.db, LensQuery())[:3]) == sorted(ids)


def test_read_only_mode_offers_no_way_to_write(window, qtbot):
    assert not window.admin_mode
    for action in (window.action("newLensAction"), window.action("editLensAction"), window.action("deleteLensAction"),
                   window.action("duplicateLensAction"), window.action("undoAction")):
        assert not action.isEnabled()
    total = window.model.rowCount()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    window.action("deleteLensAction").trigger()
    assert window.model.rowCount() == total
    assert catalogue.count_lenses(window.db, LensQuery()) == total
    assert not window.table.dragEnabled()
    assert not window.table.model().flags(window.model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable
    assert not window.table.model().flags(window.model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled


def test_admin_password_first_sets_then_checks(window):
    assert window.unlock_admin("premier-mdp")
    window.admin.set_enabled(False)
    assert not window.unlock_admin("mauvais-mdp")
    assert not window.admin_mode
    assert window.unlock_admin("premier-mdp")
    assert window.admin_mode and window.action("newLensAction").isEnabled()


def test_repeated_wrong_passwords_slow_down(window):
    window.unlock_admin("premier-mdp")
    window.admin.set_enabled(False)
    for _ in range(3):
        assert not window.unlock_admin("faux-mdp")
    assert not window.unlock_admin("premier-mdp")  # must wait now, even with the right one
    assert "réessayez dans" in window.statusBar().currentMessage()


def test_lost_server_keeps_the_dialog_and_its_input(admin_window, qtbot, monkeypatch):
    from data.errors import DatabaseUnavailableError

    dialog = edit_dialog(admin_window)
    qtbot.addWidget(dialog)
    retype(qtbot, field(dialog, "gravure_nasale"), "SAISIE")

    def unavailable(*args, **kwargs):
        raise DatabaseUnavailableError("Base indisponible : la connexion au serveur est perdue.")

    monkeypatch.setattr(catalogue, "update_lens", unavailable)
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() != LensDialog.DialogCode.Accepted
    assert "Base indisponible" in dialog.banner.text()
    assert field(dialog, "gravure_nasale").text() == "SAISIE"
    monkeypatch.undo()
    qtbot.mouseClick(save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.result() == LensDialog.DialogCode.Accepted
