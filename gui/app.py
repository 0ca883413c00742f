"""Building the application and its main window."""

from __future__ import annotations

import gc
import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import (
    QMessageLogContext,
    QSettings,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from data.config import Settings, load_settings
from data.errors import CatalogueError
from data.logs import (
    capture_crashes,
    capture_warnings,
    configure_logging,
    current_log_file,
    mask_secrets,
)
from data.shipped import RESOURCES_DIR
from data.startup import open_catalogue
from gui.main_window import MainWindow
from gui.startup_problem import StartupProblemWindow
from gui.translations import install_french

log = logging.getLogger("engravedetect.gui")
qt_log = logging.getLogger("engravedetect.qt")
RESOURCES = RESOURCES_DIR


#: How long a pool thread running Python (a search building its SQL, reading its rows) may keep
#: the interpreter before the UI thread gets it back: Python's default, 5 ms, is felt at every
#: keystroke and paint while a query runs beside them.
UI_SWITCH_INTERVAL_S = 0.001


def application() -> QApplication:
    app = QApplication.instance()
    if app is None:
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        app = QApplication(sys.argv[:1])
        app.setApplicationName("EngraveDetect Catalogue")
        app.setOrganizationName("EngraveDetect")
        install_french(app)
        icon = RESOURCES / "icons" / "app.svg"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))
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
    window.protection.auto_backup()
    if opened.seeded:
        window.statusBar().showMessage(
            f"Catalogue d'exemple chargé ({opened.seeded} verres) pour découvrir l'application.", 10000
        )
    elif opened.backup_file:
        window.statusBar().showMessage(
            f"Base mise à jour ; sauvegarde préalable : {opened.backup_file}", 10000
        )
    if not _collector_settled:
        settle_collector()
    return window


_collector_settled = False


def settle_collector() -> None:
    """What exists once the first window is built (modules, the ORM's mappings, Qt's wrappers:
    hundreds of thousands of objects that live as long as the app) is put out of the cycle
    collector's sight (``gc.freeze``): a full collection that scanned them all stopped the
    window for 110 ms in the middle of a gallery scroll through 10,000 photos. Once per process."""
    global _collector_settled
    _collector_settled = True
    gc.collect()
    gc.freeze()


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


def start_logging(settings: Settings) -> Path | None:
    """Everything that would go to a console a shop PC never shows goes to the data folder:
    the app log (``database.log``) with Python's warnings and Qt's own messages, and
    ``logs/crash.log`` for a crash of the interpreter. Returns the app log's path."""
    path = configure_logging(settings)
    capture_warnings()
    capture_crashes(settings)
    qInstallMessageHandler(_qt_message)
    return path


def install_crash_handler(app: QApplication) -> None:
    """An unexpected error shows a French dialog (details can be copied) and goes to the log;
    the app keeps running."""

    def handle(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, value, trace)
            return
        details = mask_secrets("".join(traceback.format_exception(kind, value, trace)))
        log.error("Erreur inattendue :\n%s", details)
        log_file = current_log_file()
        where = f"\n\nLe détail est aussi enregistré dans le journal :\n{log_file}" if log_file else ""
        box = QMessageBox(QMessageBox.Icon.Critical, "Erreur inattendue",
                          "Une erreur inattendue s'est produite. Votre travail enregistré n'est pas "
                          "perdu ; l'application continue.\n\nSi le problème se répète, copiez les "
                          "détails et transmettez-les à votre support." + where)
        box.setObjectName("crashDialog")
        box.setDetailedText(details)
        copy = box.addButton("Copier les détails", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QApplication.clipboard().setText(details))
        box.addButton("Continuer", QMessageBox.ButtonRole.AcceptRole)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()  # not exec(): the event loop, and the app, keep running
        shown.append(box)
        del shown[:-3]

    shown: list[QMessageBox] = []
    sys.excepthook = handle


def run(database_url: str | None = None) -> int:
    settings = load_settings(cli_url=database_url)
    start_logging(settings)
    app = application()
    install_crash_handler(app)
    windows: list[QMainWindow] = []

    def show_catalogue() -> None:
        for old in windows:
            old.close()
        windows.clear()
        try:
            window: QMainWindow = open_main_window(database_url)
        except CatalogueError as exc:
            log.warning("Catalogue indisponible : %s", exc.message)
            window = StartupProblemWindow(
                exc.message, database_url or settings.database_url, settings, show_catalogue
            )
        windows.append(window)
        window.show()

    show_catalogue()
    return app.exec()
