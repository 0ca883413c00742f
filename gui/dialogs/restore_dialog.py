"""Choosing a backup to restore: the list of backups with date, kind, size and lens count.

Choosing only picks the file: what the restore would do is read from the backup afterwards
and asked then (``gui.dialogs.restore_confirm``)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.formatting import size as format_size
from data.maintenance import BackupInfo, list_backups
from gui import file_pickers
from gui.models.lens_columns import FRENCH

KIND_LABELS = {
    "manual": "Manuelle",
    "auto": "Automatique",
    "pre-migration": "Avant mise à jour",
    "pre-restore": "Avant restauration",
}


class RestoreDialog(QDialog):
    def __init__(self, backup_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle("Restaurer une sauvegarde")
        self.chosen: Path | None = None
        self._backup_dir = backup_dir
        self._backups: list[BackupInfo] = list_backups(backup_dir)
        intro = QLabel(
            "Choisissez la sauvegarde à restaurer. Ce qu'elle contient vous est montré avant toute "
            "modification, et le catalogue actuel est d'abord copié dans une sauvegarde de sécurité."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(len(self._backups), 5, self)
        self.table.setObjectName("backupList")
        self.table.setHorizontalHeaderLabels(["Date", "Type", "Verres", "Taille", "Fichier"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, info in enumerate(self._backups):
            cells = (
                info.created.strftime("%d/%m/%Y %H:%M:%S"),
                KIND_LABELS.get(info.kind, info.kind),
                "—" if info.lens_count is None else FRENCH.toString(info.lens_count),
                format_size(info.size),
                info.path.name,
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (2, 3):
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter))
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._restore_selected())
        self.empty = QLabel("Aucune sauvegarde dans le dossier de sauvegarde : utilisez « Parcourir… ».")
        self.empty.setVisible(not self._backups)
        browse = QPushButton("Parcourir…")
        browse.setObjectName("browseBackupButton")
        browse.clicked.connect(self._browse)
        self.restore_button = QPushButton("Restaurer")
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self._restore_selected)
        close = QPushButton("Fermer")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(browse)
        buttons.addStretch(1)
        buttons.addWidget(close)
        buttons.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.resize(760, 420)
        if self._backups:
            self.table.selectRow(0)

    @property
    def backups(self) -> list[BackupInfo]:
        return self._backups

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def _browse(self) -> None:
        path = file_pickers.open_file(
            self, "restore", "Choisir une sauvegarde",
            "Sauvegardes (*.gz *.db *.sqlite);;Tous les fichiers (*)", default=self._backup_dir,
        )
        if path:
            self.choose(path)

    def _restore_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.choose(self._backups[rows[0].row()].path)

    def choose(self, path: Path) -> None:
        self.chosen = path
        self.accept()
