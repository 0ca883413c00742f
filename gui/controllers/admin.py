"""Admin mode: the password that unlocks writing, and the lock that follows inactivity.

Reading is open to everyone; every write asks for admin mode first (``require``). The mode locks
itself after the settings' idle minutes (15 by default, « Réglages… ») without a key press, click
or wheel turn.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox

from data import admin
from data.errors import CatalogueError
from gui.controllers.port import WindowPort
from gui.dialogs.admin_dialog import AdminDialog

_ACTIVITY_EVENTS = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel}


class AdminMode(QObject):
    changed = Signal(bool)

    def __init__(self, port: WindowPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._port = port
        self.enabled = False
        self.unlock_error = ""
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._idle_lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def unlock(self, password: str) -> bool:
        """What the admin dialog does, for tests and tools."""
        db = self._port.db
        self.unlock_error = ""
        if db.read_only:
            self.unlock_error = db.read_only_reason or "Base en lecture seule."
        else:
            try:
                if admin.unlock(db, password):
                    self.set_enabled(True)
                    return True
                self.unlock_error = "Mot de passe incorrect."
            except CatalogueError as exc:
                self.unlock_error = exc.message
        self._port.show_status(self.unlock_error, 8000)
        return False

    def idle_minutes(self) -> int:
        return self._port.db.settings.idle_minutes

    def settings_changed(self) -> None:
        """New idle minutes count from now."""
        if self.enabled:
            self._idle_timer.start(self.idle_minutes() * 60_000)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.enabled and event.type() in _ACTIVITY_EVENTS:
            self._idle_timer.start(self.idle_minutes() * 60_000)
        return False

    def _idle_lock(self) -> None:
        if self.enabled:
            self.set_enabled(False)
            self._port.show_status(
                f"Mode administrateur verrouillé après {self.idle_minutes()} min d'inactivité.", 10000
            )

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled and not self._port.db.read_only
        if self.enabled:
            self._idle_timer.start(self.idle_minutes() * 60_000)
        else:
            self._idle_timer.stop()
        self.changed.emit(self.enabled)
        self._port.show_status(
            "Mode administrateur : modifications autorisées." if self.enabled
            else "Catalogue verrouillé : consultation seule.",
            5000,
        )

    def toggle(self) -> None:
        if self.enabled:
            self.set_enabled(False)
            return
        self.changed.emit(False)  # the checkable action stays unchecked until unlocked
        self.ask()

    def ask(self) -> bool:
        db = self._port.db
        parent = self._port.parent_widget()
        if db.read_only:
            QMessageBox.information(parent, "Lecture seule", db.read_only_reason or "Base en lecture seule.")
            return False
        dialog = AdminDialog(first_time=not admin.has_password(db), parent=parent)
        try:
            while dialog.exec() == AdminDialog.DialogCode.Accepted:
                if self.unlock(dialog.password.text()):
                    return True
                dialog.show_error(self.unlock_error)
            return False
        finally:
            dialog.deleteLater()

    def require(self) -> bool:
        return self.enabled or self.ask()

    def shutdown(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._idle_timer.stop()
