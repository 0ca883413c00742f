"""Building the application and its main window."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from data.config import load_settings
from data.errors import CatalogueError
from data.startup import open_catalogue
from gui.main_window import MainWindow


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("EngraveDetect Catalogue")
        app.setOrganizationName("EngraveDetect")
    assert isinstance(app, QApplication)
    return app


def open_main_window(database_url: str | None = None) -> MainWindow:
    """The main window ready to show: database open, migrations applied, no modal dialog.

    Reuses the running QApplication (or makes one); keeps QSettings under the data folder.
    Raises the data layer's CatalogueError when the database cannot be opened.
    """
    application()
    settings = load_settings(cli_url=database_url)
    opened = open_catalogue(database_url, settings)
    qsettings = QSettings(str(settings.data_dir / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(opened.db, qsettings)
    window.data_actions.auto_backup()
    if opened.seeded:
        window.statusBar().showMessage(
            f"Catalogue d'exemple chargé ({opened.seeded} verres) pour découvrir l'application.", 10000
        )
    elif opened.backup_file:
        window.statusBar().showMessage(
            f"Base mise à jour ; sauvegarde préalable : {opened.backup_file}", 10000
        )
    return window


def run(database_url: str | None = None) -> int:
    app = application()
    try:
        window = open_main_window(database_url)
    except CatalogueError as exc:
        QMessageBox.critical(None, "EngraveDetect Catalogue", f"Impossible d'ouvrir le catalogue.\n\n{exc.message}")
        return 2
    window.show()
    return app.exec()
