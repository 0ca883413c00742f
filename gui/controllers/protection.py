"""Protecting the data: backup, restore, integrity check and upkeep, from the window.

Every operation runs one ``data.maintenance`` function in a background job (the same functions
as the command line); the window stays usable, progress and a real Cancel show in the status
bar, and the outcome comes back as a message the user can act on. A restore replaces the open
database: ``events.database_replaced`` tells every part of the window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QMessageBox, QPlainTextEdit, QVBoxLayout

from data import maintenance
from data.formatting import size as format_size
from data.startup import open_catalogue
from gui.controllers.admin import AdminMode
from gui.controllers.background import Background, seconds
from gui.controllers.port import WindowPort
from gui.controllers.reference_merge import ReferenceMerges
from gui.dialogs.integrity_dialog import IntegrityDialog
from gui.dialogs.restore_confirm import RestoreConfirmation
from gui.dialogs.restore_dialog import RestoreDialog
from gui.models.lens_columns import FRENCH
from gui.workers.jobs import Job

log = logging.getLogger("engravedetect.gui.data")


class Protection(QObject):
    """Backup, restore, check and upkeep of the open catalogue."""

    def __init__(self, port: WindowPort, admin: AdminMode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.admin = admin
        self.background = Background(port, self)
        self.merges = ReferenceMerges(port, admin, self)
        self.last_report: IntegrityDialog | None = None
        self.last_confirmation: RestoreConfirmation | None = None

    @property
    def last_message(self) -> QMessageBox | None:
        return self.background.last_message

    # ------------------------------------------------------------ backup
    def backup(self) -> Job | None:
        db = self.port.db

        def work(progress: Any, cancelled: Any) -> maintenance.BackupResult:
            return maintenance.backup_database(db, kind="manual", progress=progress, cancel=cancelled)

        return self.background.start("Sauvegarde", "Sauvegarde en cours…", work, self._backup_done,
                                     cancelled_text="Sauvegarde annulée : aucun fichier n'a été gardé.")

    def _backup_done(self, result: maintenance.BackupResult) -> None:
        box = self.background.inform(
            "Sauvegarde terminée",
            f"La sauvegarde est enregistrée et vérifiée.\n\nFichier : {result.path}\n"
            f"Taille : {format_size(result.size_bytes)} — durée : {seconds(result.duration_s)}",
        )
        folder = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent))))
        self.port.show_status(f"Sauvegarde : {result.path}", 15000)

    def auto_backup(self) -> Job | None:
        """The start-up backup (default SQLite file, newest backup older than 24 h)."""
        db = self.port.db

        def work(progress: Any, cancelled: Any) -> maintenance.BackupResult | None:
            return maintenance.auto_backup_if_due(db, progress=progress, cancel=cancelled)

        def done(result: maintenance.BackupResult | None) -> None:
            if result is not None:
                self.port.show_status(f"Sauvegarde quotidienne faite : {result.path.name}", 10000)

        if not (db.is_sqlite and db.settings.is_default_database):
            return None
        return self.background.start("Sauvegarde quotidienne", "Sauvegarde quotidienne…", work, done, quiet_failure=True)

    # ------------------------------------------------------------ restore
    def choose_restore(self) -> None:
        if not self.admin.require():
            return
        dialog = RestoreDialog(self.port.db.settings.backup_dir, self.port.parent_widget())
        try:
            chosen = dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
        if chosen is not None:
            self.ask_restore(chosen)

    def ask_restore(self, path: Path) -> Job | None:
        """Read what restoring ``path`` would do (the backup checked, in the background), then
        ask, saying it (``last_confirmation``); the checked copy serves the restore."""
        db = self.port.db

        def work(progress: Any, cancelled: Any) -> maintenance.BackupSummary:
            return maintenance.read_backup(db, path, progress=progress, cancel=cancelled)

        return self.background.start("Lecture de la sauvegarde", "Lecture de la sauvegarde…", work, self._confirm)

    def _confirm(self, summary: maintenance.BackupSummary) -> None:
        box = RestoreConfirmation(summary, self.port.parent_widget())
        box.finished.connect(lambda _result: self._answered(box))
        self.last_confirmation = box
        box.open()

    def _answered(self, box: RestoreConfirmation) -> None:
        box.deleteLater()
        if box.clickedButton() is box.restore_button:
            self.restore(box.summary.path, box.summary.prepared)
        else:
            box.summary.discard()
            self.port.show_status("Restauration annulée : rien n'a été modifié.", 5000)

    def restore(self, path: Path, prepared: maintenance.PreparedBackup | None = None) -> Job | None:
        """Restore ``path`` at once (``prepared``: the copy ``read_backup`` checked)."""
        port = self.port
        db = port.db
        settings = db.settings

        def work(progress: Any, cancelled: Any) -> maintenance.RestoreResult:
            return maintenance.restore_backup(db, path, progress=progress, cancel=cancelled, settings=settings,
                                              prepared=prepared)

        port.set_busy(True)
        job = self.background.start("Restauration", "Restauration en cours…", work, self._restored,
                                    on_done=lambda: port.set_busy(False))
        if job is None:
            port.set_busy(False)
            if prepared is not None:
                prepared.discard()
        return job

    def _restored(self, result: maintenance.RestoreResult) -> None:
        old = self.port.db
        url = old.url.render_as_string(hide_password=False)
        old.dispose()
        opened = open_catalogue(url, old.settings, seed=False)
        self.port.events.database_replaced.emit(opened.db)
        safety = result.safety_backup or result.moved_aside
        lenses = "—" if result.lens_count is None else FRENCH.toString(result.lens_count)
        self.background.inform(
            "Restauration terminée",
            f"Catalogue restauré depuis « {result.backup_file.name} » ({lenses} verres)."
            + (f"\n\nL'ancien catalogue est conservé : {safety}" if safety else "")
            + ("\n\nLa sauvegarde venait d'une version plus ancienne : elle a été mise à jour." if result.migrated else ""),
        )

    # ------------------------------------------------------------ checks and upkeep
    def check(self, quick: bool = False) -> Job | None:
        db = self.port.db

        def work(progress: Any, cancelled: Any) -> maintenance.IntegrityReport:
            return maintenance.check_integrity(db, quick=quick, progress=progress, cancel=cancelled)

        label = "Vérification rapide…" if quick else "Vérification de l'intégrité…"
        return self.background.start("Vérification", label, work, self.show_report)

    def show_report(self, report: maintenance.IntegrityReport) -> None:
        """The report, not modal: a click selects a lens, a « Fusionner » button merges two
        near-identical references (``ReferenceMerges``)."""
        dialog = IntegrityDialog(report, self.port.parent_widget())
        dialog.lensChosen.connect(self.port.reveal_lens)
        self.merges.attach(dialog)
        dialog.setModal(False)
        dialog.show()
        self.last_report = dialog

    def _upkeep(self, name: str, text: str, function: Callable[..., Any], warning: str | None = None) -> Job | None:
        db = self.port.db
        if warning:
            self.port.show_status(warning, 8000)

        def work(progress: Any, cancelled: Any) -> maintenance.UpkeepResult:
            return function(db, progress=progress, cancel=cancelled)  # type: ignore[no-any-return]

        def done(result: maintenance.UpkeepResult) -> None:
            self.port.show_status(f"{name} : terminé ({seconds(result.duration_s)}).", 10000)

        return self.background.start(name, text, work, done, cancellable=False)

    def vacuum(self) -> Job | None:
        return self._upkeep(
            "Compactage", "Compactage de la base…", maintenance.vacuum,
            "Compactage : la base est réservée quelques instants ; les autres postes attendent.",
        )

    def analyze(self) -> Job | None:
        return self._upkeep("Statistiques", "Mise à jour des statistiques…", maintenance.analyze)

    def reindex(self) -> Job | None:
        return self._upkeep(
            "Index", "Reconstruction des index…", maintenance.rebuild_indexes,
            "Reconstruction des index : la base est réservée quelques instants.",
        )

    def show_slow_queries(self) -> QDialog:
        lines = maintenance.slow_query_log(self.port.db.settings)
        dialog = QDialog(self.port.parent_widget())
        dialog.setObjectName("slowQueriesDialog")
        dialog.setWindowTitle("Requêtes lentes")
        text = QPlainTextEdit(dialog)
        text.setReadOnly(True)
        text.setPlainText("\n".join(lines) if lines else "Aucune requête lente enregistrée.")
        layout = QVBoxLayout(dialog)
        layout.addWidget(text)
        dialog.resize(900, 400)
        dialog.show()
        return dialog
