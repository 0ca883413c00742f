"""Importing a supplier catalogue: read and check everything, show a preview, then write it all,
or only the valid lines.

Pass 1 (``prepare_import``) and pass 2 (``commit_import``) run in background jobs with progress
and a Cancel that writes nothing. The dialog refuses to close while a job runs.

The preview works on a supplier's file as it comes: the refused lines with their value and
reason (copied, saved), « Importer les N verres valides » that writes the others and hands the
refused lines back beside the file (``<name>.refus.csv``), one click to swap index and
material on the lines that look swapped, the file's columns with their first values and a list
to name each one (kept in the settings for files with the same headers), and each new
reference with the existing one it may be (kept for the next files).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpacerItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from data import formatting, transfer
from data.database import Database
from data.transfer import ImportOptions, ImportReport, PreparedImport, RejectsResult
from gui import file_pickers
from gui.dialogs.import_memory import ImportMemory, Preview, analyse_file
from gui.dialogs.import_panels import ColumnsPanel, ProblemList, ReferencesPanel, counts_grid
from gui.workers.jobs import Job, JobRunner

DATA_GROUP = "données"


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportReport once written

    def __init__(self, db: Database, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle("Importer un catalogue fournisseur")
        self.db = db
        self.runner = runner
        self.memory = ImportMemory(QSettings(str(db.settings.data_dir / "settings.ini"), QSettings.Format.IniFormat))
        self.path: Path | None = None
        self.prepared: PreparedImport | None = None
        self.job: Job | None = None
        self.final_report: ImportReport | None = None
        self.rejects_written: RejectsResult | None = None
        self.options = ImportOptions()
        self.headers_key = ""

        self.file_label = QLabel("Aucun fichier choisi.")
        self.file_label.setObjectName("importFile")
        choose = QPushButton("Choisir un fichier…")
        choose.setObjectName("importChooseButton")
        choose.clicked.connect(self._choose)
        self.update_box = QCheckBox("Mettre à jour les verres qui existent déjà (même fournisseur, nom, variante, indice, et même matériau et gravure quand ils sont donnés)")
        self.update_box.setObjectName("importUpdate")
        self.update_box.toggled.connect(lambda _on: self.analyse())
        grid, self.counts = counts_grid()
        self.message = QLabel()
        self.message.setObjectName("importMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.swap_button = QPushButton()
        self.swap_button.setObjectName("importSwapButton")
        self.swap_button.clicked.connect(self.swap_lines)
        self.swap_button.hide()

        self.problem_list = ProblemList(self)
        self.problems = self.problem_list.table
        self.columns_panel = ColumnsPanel(self)
        self.columns_panel.apply_button.clicked.connect(self.apply_columns)
        self.ref_panel = ReferencesPanel(self)
        self.ref_panel.apply_button.clicked.connect(self.apply_references)
        self.references = self.ref_panel
        self.references_label = self.ref_panel.label
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("importTabs")
        self.tabs.addTab(self.problem_list, "Problèmes")
        self.tabs.addTab(self.columns_panel, "Colonnes")
        self.tabs.addTab(self.ref_panel, "Références")

        self.progress = QProgressBar(self)
        self.progress.setObjectName("importProgress")
        self.progress.hide()
        self.cancel_button = QPushButton("Annuler l'opération")
        self.cancel_button.setObjectName("importCancelButton")
        self.cancel_button.clicked.connect(self.cancel_job)
        self.cancel_button.hide()
        self.valid_button = QPushButton("Importer les verres valides")
        self.valid_button.setObjectName("importValidButton")
        self.valid_button.setToolTip(
            "Écrit les lignes valides en une fois ; les lignes refusées sont rendues, avec leur motif, "
            "dans un fichier à côté du vôtre."
        )
        self.valid_button.clicked.connect(self.commit_valid)
        self.valid_button.hide()
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
        bottom.addWidget(self.valid_button)
        bottom.addWidget(self.import_button)
        swap_row = QHBoxLayout()
        swap_row.addWidget(self.swap_button)
        swap_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.update_box)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addLayout(swap_row)
        # Shown only when the file has problems: otherwise the space stays empty.
        self.problems_label = QLabel("Problèmes à corriger dans le fichier :", self)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.tabs, 1)
        # Takes the tabs' place when they are hidden: the rest stays packed at the top.
        self._filler = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)
        layout.addItem(self._filler)
        self._layout = layout
        layout.addLayout(bottom)
        self._show_tabs(problems=False, columns=False, references=False)
        self.resize(1000, 700)

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
        self.valid_button.hide()
        job.signals.progress.connect(self._show_progress)
        job.signals.finished.connect(on_success)
        job.signals.failed.connect(self._failed)
        job.signals.done.connect(self._job_done)
        self.runner.start(job)  # after connecting: a quick job may end at once
        return job

    def _job_done(self) -> None:
        self.job = None
        self.progress.hide()
        self.cancel_button.hide()

    def _show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

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
        self.options = ImportOptions(aliases=self.memory.aliases())
        self.headers_key = ""
        self.file_label.setText(str(path))
        return self.analyse()

    def analyse(self) -> Job | None:
        if self.path is None or self.busy:
            return None
        self.discard_preview()
        self.problem_list.clear()  # an earlier file's problems are not this one's
        self.swap_button.hide()
        self._show_tabs(problems=False, columns=False, references=False)
        db, path, update, options = self.db, self.path, self.update_box.isChecked(), self.options
        remembered = self.memory.columns()
        self.message.setStyleSheet("")
        self.message.setText("Lecture et vérification du fichier…")

        def work(progress: Any, cancelled: Any) -> Preview:
            return analyse_file(db, path, update, options, remembered, progress, cancelled)

        return self._run("Analyse de l'import", work, self._show_preview)

    def _show_preview(self, preview: Preview) -> None:
        self.headers_key = preview.headers_key
        unknown = any(s.field is None for s in preview.samples)
        self.columns_panel.show_columns(
            preview.samples, preview.columns or transfer.proposed_columns(preview.samples)
        )
        if preview.prepared is None:
            for label in self.counts.values():
                label.setText("—")
            self.message.setText(
                preview.columns_problem.split(" En-têtes lus")[0]
                + " Choisissez le champ de chaque colonne ci-dessous, puis « Relire avec ces colonnes »."
            )
            self.message.setStyleSheet("color: #b00020;")
            self._show_tabs(problems=False, columns=True, references=False)
            self.tabs.setCurrentWidget(self.columns_panel)
            return
        prepared = preview.prepared
        self.prepared = prepared
        report = prepared.report
        for key in self.counts:
            self.counts[key].setText(_number(getattr(report, key)))
        self.counts["refused"].setStyleSheet(
            "font-size: 18pt; font-weight: 600;" + (" color: #b00020;" if report.refused else "")
        )
        problems = list(report.problems)
        self.problem_list.show_problems(problems, prepared.rejects)
        self.ref_panel.show_references(report.new_references, preview.existing)
        self._show_tabs(
            problems=bool(problems), columns=unknown or bool(preview.columns),
            references=bool(report.new_references),
        )
        if report.swappable:
            self.swap_button.setText(
                f"Inverser indice et matériau sur {formatting.count(report.swappable, 'ligne concernée', 'lignes concernées')}"
            )
            self.swap_button.show()
        self.message.setStyleSheet("")
        if report.cancelled:
            self.message.setText("Analyse annulée : rien n'a été écrit.")
        elif report.refused:
            lines = formatting.count(report.refused_lines, "ligne refusée", "lignes refusées")
            more = f" (les {_number(len(problems))} premières sont listées)" if report.more_problems else ""
            self.message.setText(
                f"{lines}{more}. Corrigez le fichier puis relancez l'analyse (tout ou rien), ou importez "
                "les verres valides : les lignes refusées vous seront rendues dans un fichier, avec leur motif."
            )
            self.message.setStyleSheet("color: #b00020;")
        elif report.to_write == 0:
            self.message.setText("Rien de nouveau à importer : tous les verres du fichier existent déjà.")
        else:
            self.message.setText(
                f"Prêt : {report.summary()}{_images(report)}. Cliquez sur « Importer » pour tout écrire en une fois."
            )
        self.import_button.setEnabled(self._can_write(prepared))
        valid = prepared.writable and bool(report.refused) and report.to_write > 0 and not report.cancelled
        self.valid_button.setText(
            f"Importer les {formatting.count(report.to_write, 'verre valide', 'verres valides')}"
            if report.to_write != 1 else "Importer le verre valide"
        )
        self.valid_button.setVisible(valid)

    def _show_tabs(self, *, problems: bool, columns: bool, references: bool) -> None:
        self.problems_label.setVisible(problems)
        self.problems.setVisible(problems)
        for widget, shown in ((self.problem_list, problems), (self.columns_panel, columns), (self.ref_panel, references)):
            self.tabs.setTabVisible(self.tabs.indexOf(widget), shown)
        any_tab = problems or columns or references
        self.tabs.setVisible(any_tab)
        if problems:
            self.tabs.setCurrentWidget(self.problem_list)
        self._layout.setStretch(self._layout.indexOf(self._filler), 0 if any_tab else 1)

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
        self.valid_button.hide()

    # ------------------------------------------------------------ what the person says
    def swap_lines(self) -> Job | None:
        """Read index and material the other way round on the lines that look swapped."""
        self.options = replace(self.options, swap=True)
        return self.analyse()

    def apply_columns(self) -> Job | None:
        columns = self.columns_panel.choice()
        self.options = replace(self.options, columns=columns)
        if self.headers_key:
            self.memory.remember_columns(self.headers_key, columns)
        return self.analyse()

    def apply_references(self) -> Job | None:
        chosen = self.ref_panel.choice()
        for (kind, name), target in chosen.items():
            self.memory.remember_alias(kind, name, target)
        self.options = replace(self.options, aliases={**self.options.aliases, **chosen})
        return self.analyse()

    # ------------------------------------------------------------ pass 2
    def commit(self) -> Job | None:
        """Write everything (all or nothing: only when no line is refused)."""
        prepared = self.prepared
        if prepared is None or self.busy or not self._can_write(prepared):
            return None
        return self._commit(prepared, hand_back=False)

    def commit_valid(self) -> Job | None:
        """Write the valid lines; hand the refused ones back beside the file."""
        prepared = self.prepared
        if prepared is None or self.busy or not prepared.writable or not prepared.report.refused:
            return None
        return self._commit(prepared, hand_back=True)

    def _commit(self, prepared: PreparedImport, hand_back: bool) -> Job | None:
        self.prepared = None
        db, path = self.db, self.path
        self.message.setStyleSheet("")
        self.message.setText("Écriture du catalogue…")

        def work(progress: Any, cancelled: Any) -> tuple[ImportReport, RejectsResult | None]:
            report = transfer.commit_import(db, prepared, progress=progress, cancel=cancelled)
            rejects = None
            if hand_back and report.written and path is not None:
                rejects = transfer.write_rejects(path, report.format, prepared.rejects)
            return report, rejects

        return self._run("Import", work, self._written)

    def _written(self, result: tuple[ImportReport, RejectsResult | None]) -> None:
        report, rejects = result
        self.final_report = report
        self.rejects_written = rejects
        if report.cancelled or not report.written:
            self.message.setText("Import annulé : rien n'a été écrit.")
            return
        text = f"Import terminé : {report.summary()}{_images(report)}."
        if rejects is not None:
            text = (
                f"Import terminé : {formatting.count(report.to_write, 'verre écrit', 'verres écrits')}"
                f"{_images(report)}. {formatting.count(rejects.lines, 'ligne refusée', 'lignes refusées')}, "
                f"rien d'elles n'a été écrit : elles vous sont rendues avec leur motif dans\n{rejects.path}\n"
                "Corrigez-les puis importez ce fichier."
            )
        self.message.setText(text)
        self.message.setStyleSheet("color: #1b5e20;")
        self.swap_button.hide()
        self.ref_panel.show_references(report.new_references, {}, created=True)
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


def _number(n: int) -> str:
    return f"{n:,}".replace(",", "\u202f")
