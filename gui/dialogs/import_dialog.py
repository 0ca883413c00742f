"""Importing a supplier catalogue: read and check everything, show a preview, then write it all.

Pass 1 (``prepare_import``) and pass 2 (``commit_import``) run in background jobs with progress
and a Cancel that writes nothing. The dialog refuses to close while a job runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data import transfer
from data.database import Database
from data.transfer import ImportReport, PreparedImport
from gui import file_pickers
from gui.workers.jobs import Job, JobRunner

DATA_GROUP = "données"
KIND_NAMES = {"fournisseur": "Fournisseur", "gamme": "Gamme", "serie": "Série", "materiau": "Matériau"}
PLANNED_REFERENCES = "Références qui seront créées :"
CREATED_REFERENCES = "Références créées par l'import :"


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportReport once written

    def __init__(self, db: Database, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Importer un catalogue fournisseur")
        self.db = db
        self.runner = runner
        self.path: Path | None = None
        self.prepared: PreparedImport | None = None
        self.job: Job | None = None
        self.final_report: ImportReport | None = None

        self.file_label = QLabel("Aucun fichier choisi.")
        self.file_label.setObjectName("importFile")
        choose = QPushButton("Choisir un fichier…")
        choose.setObjectName("importChooseButton")
        choose.clicked.connect(self._choose)
        self.update_box = QCheckBox("Mettre à jour les verres qui existent déjà (même fournisseur, nom, variante et indice)")
        self.update_box.setObjectName("importUpdate")
        self.update_box.toggled.connect(lambda _on: self.analyse())
        self.counts: dict[str, QLabel] = {}
        grid = QGridLayout()
        for column, (key, title) in enumerate(
            (("new", "Nouveaux"), ("updated", "Mis à jour"), ("duplicate", "Doublons ignorés"), ("refused", "Refusés"))
        ):
            value = QLabel("—")
            value.setObjectName(f"importCount_{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            value.setStyleSheet("font-size: 18pt; font-weight: 600;")
            caption = QLabel(title)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(value, 0, column)
            grid.addWidget(caption, 1, column)
            self.counts[key] = value
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.problems = QTableWidget(0, 3, self)
        self.problems.setObjectName("importProblems")
        self.problems.setHorizontalHeaderLabels(["Ligne", "Colonne", "Problème"])
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.verticalHeader().setVisible(False)
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.references = QListWidget(self)
        self.references.setObjectName("importNewReferences")
        self.references.setMaximumHeight(90)
        self.references_label = QLabel(PLANNED_REFERENCES, self)
        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.hide()
        self.cancel_button = QPushButton("Annuler l'opération")
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.clicked.connect(self.cancel_job)
        self.cancel_button.hide()
        self.import_button = QPushButton("Importer")
        self.import_button.setObjectName("importConfirmButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.commit)
        self.close_button = QPushButton("Fermer")
        self.close_button.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.cancel_button)
        bottom.addStretch(0)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.update_box)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        # Shown only when the file has problems: otherwise the space stays empty.
        self.problems_label = QLabel("Problèmes à corriger dans le fichier :", self)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addWidget(self.references_label)
        layout.addWidget(self.references)
        # Takes the table's place when it is hidden: the rest stays packed at the top.
        self._filler = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        layout.addItem(self._filler)
        self._layout = layout
        layout.addLayout(bottom)
        self._show_problems(False)
        self.resize(900, 620)

    # ------------------------------------------------------------ jobs
    @property
    def busy(self) -> bool:
        return self.job is not None

    def _run(self, name: str, function: Any, on_success: Any) -> Job | None:
        job = Job(name, function, exclusive=DATA_GROUP)
        running = self.runner.busy(DATA_GROUP)
        if running is not None:
            self.message.setText(f"« {running.name} » est en cours : réessayez ensuite.")
            return None
        self.job = job
        self.progress.setRange(0, transfer.PROGRESS_TOTAL)
        self.progress.setValue(0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.import_button.setEnabled(False)
        job.signals.progress.connect(lambda done, total: (self.progress.setRange(0, total), self.progress.setValue(done)))
        job.signals.finished.connect(on_success)
        job.signals.failed.connect(self._failed)
        job.signals.done.connect(self._job_done)
        self.runner.start(job)  # after connecting: a quick job may end at once
        return job

    def _job_done(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()

    def _failed(self, message: str) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("color: #b00020;")

    def cancel_job(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.cancel_button.setEnabled(False)
            self.message.setText("Annulation… rien ne sera écrit.")

    # ------------------------------------------------------------ pass 1
    def _choose(self) -> None:
        path = file_pickers.open_file(
            self, "import", "Catalogue à importer", "Catalogues (*.csv *.txt *.xlsx *.json);;Tous les fichiers (*)"
        )
        if path:
            self.set_file(path)

    def set_file(self, path: Path) -> Job | None:
        self.path = path
        self.file_label.setText(str(path))
        return self.analyse()

    def analyse(self) -> Job | None:
        if self.path is None or self.busy:
            return None
        self.discard_preview()
        self.problems.setRowCount(0)  # an earlier file's problems are not this one's
        self._show_problems(False)
        db, path, update = self.db, self.path, self.update_box.isChecked()
        self.message.setStyleSheet("")
        self.message.setText("Lecture et vérification du fichier…")

        def work(progress: Any, cancelled: Any) -> PreparedImport:
            return transfer.prepare_import(db, path, update=update, progress=progress, cancel=cancelled)

        return self._run("Analyse de l'import", work, self._show_preview)

    def _show_preview(self, prepared: PreparedImport) -> None:
        self.prepared = prepared
        report = prepared.report
        for key in self.counts:
            self.counts[key].setText(f"{getattr(report, key):,}".replace(",", "\u202f"))
        self.counts["refused"].setStyleSheet(
            "font-size: 18pt; font-weight: 600;" + (" color: #b00020;" if report.refused else "")
        )
        problems = list(report.problems)
        self.problems.setRowCount(len(problems))
        self._show_problems(bool(problems))
        for row, problem in enumerate(problems):
            message = problem.message.replace(
                "utilisez --update", "cochez « Mettre à jour les verres qui existent déjà »"
            )
            for column, text in enumerate((f"{problem.unit} {problem.line}", problem.column, message)):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.references.clear()
        self.references_label.setText(PLANNED_REFERENCES)
        for ref in report.new_references:
            self.references.addItem(f"{KIND_NAMES.get(ref.kind, ref.kind)} : {ref}")
        if report.cancelled:
            self.message.setText("Analyse annulée : rien n'a été écrit.")
        elif report.refused:
            more = f" (et {report.more_problems} autres)" if report.more_problems else ""
            self.message.setText(
                f"{report.refused} ligne(s) refusée(s){more} : corrigez le fichier puis relancez l'analyse. "
                "Rien ne sera importé tant qu'il reste une erreur (tout ou rien)."
            )
            self.message.setStyleSheet("color: #b00020;")
        elif report.to_write == 0:
            self.message.setText("Rien de nouveau à importer : tous les verres du fichier existent déjà.")
        else:
            self.message.setText(
                f"Prêt : {report.summary()}{_images(report)}. Cliquez sur « Importer » pour tout écrire en une fois."
            )
        self.import_button.setEnabled(self._can_write(prepared))

    def _show_problems(self, shown: bool) -> None:
        self.problems_label.setVisible(shown)
        self.problems.setVisible(shown)
        self._layout.setStretch(self._layout.indexOf(self._filler), 0 if shown else 1)

    @staticmethod
    def _can_write(prepared: PreparedImport) -> bool:
        report = prepared.report
        return prepared.writable and report.ok and report.to_write > 0

    def discard_preview(self) -> None:
        """Drop a preview not confirmed (its temporary file), also when the window closes. A
        running job never holds ``prepared``: ``analyse`` drops the old one before starting and
        ``commit`` takes it."""
        if self.prepared is not None:
            transfer.discard_import(self.prepared)
            self.prepared = None
        self.import_button.setEnabled(False)

    # ------------------------------------------------------------ pass 2
    def commit(self) -> Job | None:
        prepared = self.prepared
        if prepared is None or self.busy or not self._can_write(prepared):
            return None
        self.prepared = None
        db = self.db
        self.message.setText("Écriture du catalogue…")

        def work(progress: Any, cancelled: Any) -> ImportReport:
            return transfer.commit_import(db, prepared, progress=progress, cancel=cancelled)

        return self._run("Import", work, self._written)

    def _written(self, report: ImportReport) -> None:
        self.final_report = report
        if report.cancelled or not report.written:
            self.message.setText("Import annulé : rien n'a été écrit.")
            return
        self.message.setText(f"Import terminé : {report.summary()}{_images(report)}.")
        self.message.setStyleSheet("color: #1b5e20;")
        self.references_label.setText(CREATED_REFERENCES)
        self.imported.emit(report)

    # ------------------------------------------------------------ closing
    def reject(self) -> None:
        if self.busy:
            self.message.setText("Une opération est en cours : annulez-la ou attendez sa fin avant de fermer.")
            return
        self.discard_preview()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy:
            event.ignore()
            self.reject()
            return
        self.discard_preview()
        super().closeEvent(event)


def _images(report: ImportReport) -> str:
    """`` ; 2 nouvelles images de gravure`` after the counts, when the file brings any."""
    return f" ; {report.images_text()}" if report.new_images else ""
