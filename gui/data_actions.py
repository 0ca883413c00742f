"""Protecting the data from the window: backup, restore, integrity check and upkeep.

Every operation runs one ``data.maintenance`` function in a background job (the same functions
as the command line); the window stays usable, progress and a real Cancel show in the status
bar, and the outcome comes back as a message the user can act on. Jobs of the "données" group
never overlap (a backup and a restore cannot run together).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QMessageBox, QPlainTextEdit, QVBoxLayout

from data import maintenance, transfer
from data.formatting import size as format_size
from data.startup import open_catalogue
from gui.dialogs.integrity_dialog import IntegrityDialog
from gui.dialogs.restore_dialog import RestoreDialog
from gui.models.lens_table import FRENCH
from gui.workers.jobs import Job

if TYPE_CHECKING:
    from gui.main_window import MainWindow

log = logging.getLogger("engravedetect.gui.data")
DATA_GROUP = "données"


def _seconds(value: float) -> str:
    return FRENCH.toString(value, "f", 1) + " s"


class DataActions(QObject):
    """Owns the data-protection actions of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.last_message: QMessageBox | None = None
        self.last_report: IntegrityDialog | None = None
        window.backup_action.triggered.connect(self.backup)
        window.restore_action.triggered.connect(self.choose_restore)
        window.integrity_action.triggered.connect(self.check)
        window.quick_check_action.triggered.connect(lambda: self.check(quick=True))
        window.vacuum_action.triggered.connect(self.vacuum)
        window.analyze_action.triggered.connect(self.analyze)
        window.reindex_action.triggered.connect(self.reindex)
        window.slow_queries_action.triggered.connect(self.show_slow_queries)

    # ------------------------------------------------------------ plumbing
    def _start(
        self,
        name: str,
        text: str,
        function: Callable[[Any, Any], Any],
        on_success: Callable[[Any], None],
        cancellable: bool = True,
        quiet_failure: bool = False,
        on_done: Callable[[], None] | None = None,
    ) -> Job | None:
        job = Job(name, function, exclusive=DATA_GROUP)
        running = self.window.jobs.busy(DATA_GROUP)
        if running is not None:
            self._inform("Tâche en cours", f"« {running.name} » est en cours : attendez qu'elle se termine.")
            return None
        job.signals.finished.connect(on_success)
        if quiet_failure:
            job.signals.failed.connect(lambda m: self.window.statusBar().showMessage(m, 10000))
        else:
            job.signals.failed.connect(lambda m, n=name: self._inform(f"{n} : échec", m, QMessageBox.Icon.Warning))
        if on_done is not None:
            job.signals.done.connect(on_done)
        self.window.job_status.follow(job, text, cancellable)
        self.window.jobs.start(job)
        return job

    def _inform(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        """A non-modal message: the window stays usable behind it."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setObjectName("dataMessage")
        box.setModal(False)
        box.show()
        self.last_message = box
        return box

    # ------------------------------------------------------------ backup
    def backup(self) -> Job | None:
        db = self.window.db

        def work(progress: Any, cancelled: Any) -> maintenance.BackupResult:
            return maintenance.backup_database(db, kind="manual", progress=progress, cancel=cancelled)

        return self._start("Sauvegarde", "Sauvegarde en cours…", work, self._backup_done)

    def _backup_done(self, result: maintenance.BackupResult) -> None:
        box = self._inform(
            "Sauvegarde terminée",
            f"La sauvegarde est enregistrée et vérifiée.\n\nFichier : {result.path}\n"
            f"Taille : {format_size(result.size_bytes)} — durée : {_seconds(result.duration_s)}",
        )
        folder = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
        folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(result.path.parent))))
        self.window.statusBar().showMessage(f"Sauvegarde : {result.path}", 15000)

    def auto_backup(self) -> Job | None:
        """The start-up backup (default SQLite file, newest backup older than 24 h)."""
        db = self.window.db

        def work(progress: Any, cancelled: Any) -> maintenance.BackupResult | None:
            return maintenance.auto_backup_if_due(db, progress=progress, cancel=cancelled)

        def done(result: maintenance.BackupResult | None) -> None:
            if result is not None:
                self.window.statusBar().showMessage(f"Sauvegarde quotidienne faite : {result.path.name}", 10000)

        if not (db.is_sqlite and db.settings.is_default_database):
            return None
        return self._start("Sauvegarde quotidienne", "Sauvegarde quotidienne…", work, done, quiet_failure=True)

    # ------------------------------------------------------------ restore
    def choose_restore(self) -> None:
        if not self.window.require_admin():
            return
        dialog = RestoreDialog(self.window.db.settings.backup_dir, self.window)
        try:
            chosen = dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
        if chosen is not None:
            self.restore(chosen)

    def restore(self, path: Path) -> Job | None:
        window = self.window
        db = window.db
        settings = db.settings

        def work(progress: Any, cancelled: Any) -> maintenance.RestoreResult:
            return maintenance.restore_backup(db, path, progress=progress, cancel=cancelled, settings=settings)

        window.set_busy(True)
        job = self._start("Restauration", "Restauration en cours…", work, self._restored,
                          on_done=lambda: window.set_busy(False))
        if job is None:
            window.set_busy(False)
        return job

    def _restored(self, result: maintenance.RestoreResult) -> None:
        window = self.window
        url = window.db.url.render_as_string(hide_password=False)
        window.db.dispose()
        opened = open_catalogue(url, window.db.settings, seed=False)
        window.set_database(opened.db)
        safety = result.safety_backup or result.moved_aside
        lenses = "—" if result.lens_count is None else FRENCH.toString(result.lens_count)
        self._inform(
            "Restauration terminée",
            f"Catalogue restauré depuis « {result.backup_file.name} » ({lenses} verres)."
            + (f"\n\nL'ancien catalogue est conservé : {safety}" if safety else "")
            + ("\n\nLa sauvegarde venait d'une version plus ancienne : elle a été mise à jour." if result.migrated else ""),
        )

    # ------------------------------------------------------------ export
    def export(self, path: Path) -> Job | None:
        """Export the lenses the table shows (its filters) to ``path``."""
        db, query = self.window.db, self.window.model.query

        def work(progress: Any, cancelled: Any) -> Any:
            return transfer.export_lenses(db, path, None, query, progress=progress, cancel=cancelled)

        def done(result: Any) -> None:
            if result.cancelled:
                self.window.statusBar().showMessage("Export annulé : aucun fichier écrit.", 8000)
                return
            text = f"{FRENCH.toString(result.count)} verre(s) exporté(s) dans :\n{result.path}"
            if result.images_folder:
                text += (
                    f"\n\n{FRENCH.toString(result.images)} image(s) de gravure écrite(s) dans :\n"
                    f"{result.images_folder}"
                )
            box = self._inform("Export terminé", text)
            folder = box.addButton("Ouvrir le dossier", QMessageBox.ButtonRole.ActionRole)
            folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(result.path).parent))))

        return self._start("Export", "Export en cours…", work, done)

    # ------------------------------------------------------------ checks and upkeep
    def check(self, quick: bool = False) -> Job | None:
        db = self.window.db

        def work(progress: Any, cancelled: Any) -> maintenance.IntegrityReport:
            return maintenance.check_integrity(db, quick=quick, progress=progress, cancel=cancelled)

        label = "Vérification rapide…" if quick else "Vérification de l'intégrité…"
        return self._start("Vérification", label, work, self._report)

    def _report(self, report: maintenance.IntegrityReport) -> None:
        dialog = IntegrityDialog(report, self.window)
        dialog.lensChosen.connect(self.window.reveal_lens)
        dialog.setModal(False)
        dialog.show()
        self.last_report = dialog

    def _upkeep(self, name: str, text: str, function: Callable[..., Any], warning: str | None = None) -> Job | None:
        db = self.window.db
        if warning:
            self.window.statusBar().showMessage(warning, 8000)

        def work(progress: Any, cancelled: Any) -> maintenance.UpkeepResult:
            return function(db, progress=progress, cancel=cancelled)  # type: ignore[no-any-return]

        def done(result: maintenance.UpkeepResult) -> None:
            self.window.statusBar().showMessage(f"{name} : terminé ({_seconds(result.duration_s)}).", 10000)

        return self._start(name, text, work, done, cancellable=False)

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
        lines = maintenance.slow_query_log(self.window.db.settings)
        dialog = QDialog(self.window)
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
