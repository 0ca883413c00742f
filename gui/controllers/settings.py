"""The Administration menu's own dialogs: « Réglages… » and « Changer le mot de passe… ».

Both ask for admin mode first. Saved settings are in force at once: the open catalogue's
``settings`` are replaced (the next backup goes to the new folder) and admin mode counts its idle
minutes again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QDialog

from gui.controllers.admin import AdminMode
from gui.controllers.port import WindowPort
from gui.dialogs.admin_dialog import ChangePasswordDialog
from gui.dialogs.settings_dialog import SettingsDialog


class SettingsControl(QObject):
    def __init__(self, port: WindowPort, admin: AdminMode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.admin = admin

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()  # window-modal, without a nested event loop
        return dialog

    def show_settings(self) -> SettingsDialog | None:
        if not self.admin.require():
            return None
        dialog = SettingsDialog(self.port.db.settings, self.port.parent_widget())
        dialog.accepted.connect(lambda: self._apply(dialog))
        self._open(dialog)
        return dialog

    def _apply(self, dialog: SettingsDialog) -> None:
        if dialog.saved is None:
            return
        self.port.db.settings = dialog.saved
        self.admin.settings_changed()
        self.port.show_status(f"Réglages enregistrés. Sauvegardes : {dialog.saved.backup_dir}", 8000)

    def change_password(self) -> ChangePasswordDialog | None:
        if not self.admin.require():
            return None
        dialog = ChangePasswordDialog(self.port.ops, self.port.parent_widget())
        dialog.changed.connect(lambda: self.port.show_status(
            "Mot de passe administrateur changé : il vaut pour tous les postes.", 8000))
        self._open(dialog)
        return dialog
