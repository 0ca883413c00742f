"""Form messages: a new lens form opens without red, a message shows once its field is left (or
Save tried) and goes once fixed, fields keep their place; password dialogs fit their text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent, QFont
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from gui.dialogs.admin_dialog import AdminDialog


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def _errors(dialog) -> list[QLabel]:
    return [label for label in dialog.findChildren(QLabel) if label.objectName().startswith("error_")]


def leave(widget) -> None:
    """What Qt sends a field when Tab or a click takes the focus elsewhere (window focus is not
    dependable under the offscreen platform)."""
    QApplication.sendEvent(widget, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))


def _field(dialog, name) -> QLineEdit:
    return dialog.findChild(QLineEdit, f"field_{name}")


def test_a_new_lens_form_opens_without_errors(admin_window, qtbot):
    dialog = admin_window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert [label.objectName() for label in _errors(dialog) if label.isVisible()] == []
    assert dialog.why_disabled.text().startswith("À remplir") and "Nom" in dialog.why_disabled.text()
    assert not dialog.save_button.isEnabled()


def test_a_message_shows_once_the_field_is_left_and_goes_once_fixed(admin_window, qtbot):
    dialog = admin_window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    below = _field(dialog, "indice")
    place = below.mapTo(dialog, below.rect().topLeft())
    name, error = _field(dialog, "nom"), dialog.findChild(QLabel, "error_nom")
    qtbot.keyClicks(name, "x")
    qtbot.keyClick(name, Qt.Key.Key_Backspace)
    assert error.isHidden()  # still typing
    leave(name)
    assert error.isVisible() and "obligatoire" in error.text()
    assert "1 champ à corriger" in dialog.why_disabled.text()
    assert below.mapTo(dialog, below.rect().topLeft()) == place  # the fields below did not move
    qtbot.keyClicks(name, "Varilux")
    assert error.isHidden()
    assert below.mapTo(dialog, below.rect().topLeft()) == place


def test_enter_with_save_off_shows_every_problem(admin_window, qtbot):
    dialog = admin_window.editing.lens_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(_field(dialog, "nom"), Qt.Key.Key_Return)
    shown = {label.objectName() for label in _errors(dialog) if label.isVisible()}
    assert {"error_nom", "error_fournisseur_id", "error_indice"} <= shown
    assert dialog.isVisible()


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_the_password_dialog_shows_its_whole_text(qtbot, scale):
    app = QApplication.instance()
    font = QFont(app.font())
    before = QFont(font)
    font.setPointSizeF(font.pointSizeF() * scale)
    app.setFont(font)
    try:
        dialog = AdminDialog(first_time=True)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        intro = dialog.findChild(QLabel, "adminIntro")
        assert intro.height() >= intro.heightForWidth(intro.width())
        assert dialog.width() <= dialog.screen().availableGeometry().width()
    finally:
        app.setFont(before)


def test_the_minimum_length_message_goes_once_the_password_is_long_enough(qtbot):
    dialog = AdminDialog(first_time=True)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, "abc")
    dialog._accept()
    assert dialog.error.isVisible() and "6 caractères" in dialog.error.text()
    qtbot.keyClicks(dialog.password, "abcdefg")  # the wrong entry was selected: typing replaces it
    assert dialog.error.isHidden()
    qtbot.keyClicks(dialog.confirm, "abcdefg")
    assert dialog.error.isHidden()
