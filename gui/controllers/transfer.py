"""Import and export from the window.

An import runs in its own dialog (preview, then write, each in a background job) and changes the
whole catalogue: ``events.changed`` carries ``EVERYTHING``. An export writes the lenses the
table shows (its filters and order) in a background job of the data group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox

from data import transfer
from data.catalogue import EVERYTHING
from gui import file_pickers
from gui.controllers.admin import AdminMode
from gui.controllers.background import Background
from gui.controllers.port import WindowPort
from gui.dialogs.import_dialog import ImportDialog
from gui.models.lens_columns import FRENCH
from gui.workers.jobs import Job


class Transfer(QObject):
    def __init__(self, port: WindowPort, admin: AdminMode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.admin = admin
        self.background = Background(port, self)

    @property
    def last_message(self) -> QMessageBox | None:
        return self.background.last_message

    # ------------------------------------------------------------ import
    def import_dialog(self) -> ImportDialog:
        dialog = ImportDialog(self.port.db, self.port.jobs, self.port.parent_widget())
        dialog.imported.connect(lambda _report: self.port.events.emit_changes(EVERYTHING))
        return dialog

    def show_import(self) -> None:
        if self.admin.require():
            dialog = self.import_dialog()
            try:
                dialog.exec()
            finally:
                dialog.deleteLater()

    # ------------------------------------------------------------ export
    def export_view(self) -> None:
        path = file_pickers.save_file(
            self.port.parent_widget(), "export", "Exporter les verres affichés", "catalogue.csv",
            "CSV pour tableur (*.csv);;Excel (*.xlsx);;JSON (*.json)",
        )
        if path:
            self.export(path)

    def export(self, path: Path) -> Job | None:
        """Export the lenses the table shows (its filters) to ``path``."""
        db, query = self.port.db, self.port.current_query()

        def work(progress: Any, cancelled: Any) -> Any:
            return transfer.export_lenses(db, path, None, query, progress=progress, cancel=cancelled)

        def done(result: Any) -> None:
            if result.cancelled:
                self.port.show_status("Export annulé : aucun fichier écrit.", 8000)
                return
            text = f"{FRENCH.toString(result.count)} verre(s) exporté(s) dans :\n{result.path}"
            if result.images_folder:
                text += (
                    f"\n\n{FRENCH.toString(result.images)} image(s) de gravure écrite(s) dans :\n"
                    f"{result.images_folder}"
                )
            box = self.background.inform("Export terminé", text)
            folder = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
            folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(result.path).parent))))

        return self.background.start("Export", "Export en cours…", work, done)

    def discard_previews(self) -> None:
        """At shutdown: a preview left open loses its temporary file."""
        for dialog in self.port.parent_widget().findChildren(ImportDialog):
            dialog.discard_preview()
