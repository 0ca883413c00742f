"""When the catalogue cannot be opened: say why in French and offer to restore a backup."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from data import admin, maintenance
from data.config import Settings
from data.database import open_database
from data.errors import CatalogueError
from gui import file_pickers

log = logging.getLogger("engravedetect.gui.startup")


class StartupProblemWindow(QMainWindow):
    """Shown instead of the catalogue when the database cannot be opened."""

    def __init__(
        self,
        message: str,
        url: str,
        settings: Settings,
        reopen: Callable[[], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("startupProblem")
        self.setWindowTitle("EngraveDetect Catalogue — catalogue indisponible")
        self.url = url
        self.settings = settings
        self._reopen = reopen
        self.is_file = url.startswith("sqlite")
        backups = [b for b in maintenance.list_backups(settings.backup_dir) if b.fmt != "pgdump"]
        self.latest = backups[0] if backups and self.is_file else None
        title = QLabel("<h2>Le catalogue ne peut pas être ouvert</h2>")
        self.message = QLabel(message)
        self.message.setObjectName("startupMessage")
        self.message.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        if not self.is_file:
            self.hint.setText(
                "Vérifiez que le serveur de base de données est démarré et joignable depuis ce poste "
                "(réseau, nom du serveur, mot de passe), puis cliquez sur « Réessayer »."
            )
        elif self.latest is not None:
            when = self.latest.created.strftime("%d/%m/%Y à %H:%M")
            count = f", {self.latest.lens_count} verres" if self.latest.lens_count is not None else ""
            self.hint.setText(
                f"La dernière sauvegarde date du {when}{count}. La restaurer remplace le fichier "
                "abîmé, qui est mis de côté (rien n'est effacé)."
            )
        else:
            self.hint.setText(
                "Aucune sauvegarde n'a été trouvée dans le dossier de sauvegarde. "
                "Choisissez un fichier de sauvegarde si vous en avez un (clé USB, autre poste)."
            )
        self.error = QLabel()
        self.error.setObjectName("startupError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: 600;")
        self.error.hide()
        self.restore_latest = QPushButton("Restaurer la dernière sauvegarde")
        self.restore_latest.setObjectName("restoreLatestButton")
        self.restore_latest.setEnabled(self.latest is not None)
        self.restore_latest.clicked.connect(lambda: self.restore(self.latest.path if self.latest else None))
        choose = QPushButton("Choisir une sauvegarde…")
        choose.setObjectName("chooseBackupButton")
        choose.setEnabled(self.is_file)
        choose.clicked.connect(self._choose)
        retry = QPushButton("Réessayer")
        retry.clicked.connect(self._reopen)
        quit_button = QPushButton("Quitter")
        quit_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_latest)
        buttons.addWidget(choose)
        buttons.addStretch(1)
        buttons.addWidget(retry)
        buttons.addWidget(quit_button)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addLayout(buttons)
        self.setCentralWidget(body)
        self.resize(760, 320)

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.show()

    def _choose(self) -> None:
        path = file_pickers.open_file(self, "restore", "Choisir une sauvegarde", "Tous les fichiers (*)",
                                      default=self.settings.backup_dir)
        if path:
            self.restore(path)

    def restore(self, path: Path | None, password: str | None = None) -> bool:
        """Restore ``path`` over the unreadable catalogue, after checking the admin password
        against the backup itself (the current file cannot tell it)."""
        if path is None:
            return False
        if password is None:
            password, ok = QInputDialog.getText(
                self, "Mot de passe administrateur",
                "Mot de passe administrateur (celui de la sauvegarde) :", QLineEdit.EchoMode.Password,
            )
            if not ok:
                return False
        try:
            target = Path(self.url.removeprefix("sqlite:///"))
            prepared = maintenance.prepare_restore(path, target.parent, self.settings)
            try:
                copy = open_database(prepared.sqlite_url(), self.settings, pool_size=1)
                try:
                    allowed = admin.unlock(copy, password)
                finally:
                    copy.dispose()
                if not allowed:
                    self.show_error("Restauration refusée : mot de passe administrateur incorrect.")
                    return False
                maintenance.restore_backup(self.url, path, settings=self.settings, prepared=prepared)
            finally:
                prepared.discard()
        except CatalogueError as exc:
            self.show_error(f"Restauration impossible : {exc.message}")
            return False
        self._reopen()
        return True
