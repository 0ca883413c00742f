"""« Réglages… » and « Changer le mot de passe… » from the Administration menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QSpinBox,
)

from data.config import load_settings
from gui.dialogs.admin_dialog import ChangePasswordDialog
from gui.dialogs.settings_dialog import SettingsDialog
from tests.gui.conftest import run_to_end


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def _menu_actions(window, title: str) -> list[str]:
    menu = next(m for m in window.menuBar().findChildren(QMenu) if m.title().replace("&", "") == title)
    return [a.objectName() for a in menu.actions()]


def test_the_administration_menu_holds_settings_and_password_for_the_admin_only(window):
    assert {"changePasswordAction", "settingsAction"} <= set(_menu_actions(window, "Administration"))
    assert not window.action("settingsAction").isEnabled()
    assert not window.action("changePasswordAction").isEnabled()
    assert window.unlock_admin("secret-admin")
    assert window.action("settingsAction").isEnabled() and window.action("changePasswordAction").isEnabled()


def _settings_dialog(window, qtbot) -> SettingsDialog:
    window.action("settingsAction").trigger()
    dialog = window.findChild(SettingsDialog, "settingsDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_a_chosen_folder_is_checked_at_once_and_the_next_backup_goes_there(admin_window, qtbot, tmp_path: Path):
    window = admin_window
    dialog = _settings_dialog(window, qtbot)
    field = dialog.findChild(QLineEdit, "field_backup_dir")
    error = dialog.findChild(QLabel, "error_backup_dir")
    assert not dialog.choose_folder(tmp_path / "clé absente")
    assert error.isVisible() and "introuvable" in error.text()
    stick = tmp_path / "clé"
    stick.mkdir()
    field.setText(str(stick))
    field.editingFinished.emit()
    assert error.isHidden()
    dialog.findChild(QSpinBox, "field_idle_minutes").setValue(3)
    dialog.findChild(QCheckBox, "field_auto_backup").setChecked(False)
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveButton"), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert window.db.settings.backup_dir == stick and not window.db.settings.auto_backup
    assert window.admin.idle_minutes() == 3 and window.admin._idle_timer.interval() == 3 * 60_000
    assert load_settings().backup_dir == stick  # kept for the next start and the command line
    job = run_to_end(qtbot, window.protection.backup())
    assert job is not None and list(stick.glob("catalogue_*.db.gz"))


def test_saving_a_folder_that_went_away_is_refused(admin_window, qtbot, tmp_path: Path):
    dialog = _settings_dialog(admin_window, qtbot)
    gone = tmp_path / "partage"
    gone.mkdir()
    assert dialog.choose_folder(gone)
    gone.rmdir()
    dialog.save()
    assert dialog.isVisible() and "introuvable" in dialog.findChild(QLabel, "error_backup_dir").text()
    assert admin_window.db.settings.backup_dir != gone


def _password_dialog(window) -> ChangePasswordDialog:
    window.action("changePasswordAction").trigger()
    dialog = window.findChild(ChangePasswordDialog, "changePasswordDialog")
    assert dialog is not None and dialog.isVisible()
    return dialog


def _fill(qtbot, dialog, current: str, new: str, confirm: str) -> None:
    for name, text in (("current", current), ("new", new), ("confirm", confirm)):
        field = dialog.findChild(QLineEdit, f"field_{name}_password")
        field.clear()
        qtbot.keyClicks(field, text)


def test_a_wrong_current_password_is_refused_and_the_right_one_changes_it(admin_window, qtbot):
    window = admin_window
    dialog = _password_dialog(window)
    _fill(qtbot, dialog, "pas-le-bon", "nouveau-mdp", "nouveau-mdp")
    dialog.save()
    error = dialog.findChild(QLabel, "error_current_password")
    assert dialog.isVisible() and "incorrect" in error.text() and error.isVisible()
    confirm = dialog.findChild(QLineEdit, "field_confirm_password")
    QApplication.sendEvent(confirm, QFocusEvent(QEvent.Type.FocusOut, Qt.FocusReason.TabFocusReason))
    assert error.isVisible()  # the cursor going back to the current password keeps the reason
    _fill(qtbot, dialog, "secret-admin", "nouveau-mdp", "nouveau-mdp")
    assert error.isHidden()
    dialog.save()
    assert not dialog.isVisible()
    window.admin.set_enabled(False)
    assert not window.unlock_admin("secret-admin")
    assert window.unlock_admin("nouveau-mdp")


def test_the_new_password_must_be_typed_twice_alike(admin_window, qtbot):
    dialog = _password_dialog(admin_window)
    _fill(qtbot, dialog, "secret-admin", "nouveau-mdp", "nouveau-mdX")
    dialog.save()
    mismatch = dialog.findChild(QLabel, "error_confirm_password")
    assert "pas identiques" in mismatch.text() and dialog.isVisible()
    confirm = dialog.findChild(QLineEdit, "field_confirm_password")
    qtbot.keyClick(confirm, Qt.Key.Key_Backspace)
    qtbot.keyClicks(confirm, "p")
    assert mismatch.isHidden()


def test_a_setting_fixed_by_the_environment_is_shown_greyed(open_window, qtbot, monkeypatch):
    monkeypatch.setenv("ENGRAVEDETECT_IDLE_MINUTES", "30")
    window = open_window()
    assert window.unlock_admin("secret-admin")
    dialog = _settings_dialog(window, qtbot)
    idle = dialog.findChild(QSpinBox, "field_idle_minutes")
    assert idle.value() == 30 and not idle.isEnabled() and "ENGRAVEDETECT_IDLE_MINUTES" in idle.toolTip()
    assert dialog.findChild(QLineEdit, "field_backup_dir").isEnabled()
