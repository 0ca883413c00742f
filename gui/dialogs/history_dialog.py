"""The history view: who changed what and when, for one lens or the whole catalogue.

The trail is read-only here (the app offers no way to edit it). A deleted lens can be restored
from its deletion entry, in admin mode.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data import audit, catalogue
from data.audit import ACTION_LABELS, HistoryEntry
from data.catalogue import Changes
from data.database import Database
from data.errors import CatalogueError
from gui.ops import Ops

PAGE = 200


def local_time(when: datetime) -> str:
    return when.replace(tzinfo=UTC).astimezone().strftime("%d/%m/%Y %H:%M:%S")


class HistoryDialog(QDialog):
    restored = Signal(object)  # the Changes of a lens restored from its deletion entry

    def __init__(
        self,
        ops: Ops,
        lens_id: int | None = None,
        lens_label: str = "",
        can_restore: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.ops = ops
        self.lens_id = lens_id
        self.can_restore = can_restore
        self.entries: list[HistoryEntry] = []
        self.setWindowTitle(f"Historique — {lens_label}" if lens_id else "Historique du catalogue")

        self.since = QDateEdit(self)
        self.since.setObjectName("historySince")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("dd/MM/yyyy")
        self.since.setDate(QDate.currentDate().addDays(-30))
        self.until = QDateEdit(self)
        self.until.setObjectName("historyUntil")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("dd/MM/yyyy")
        self.until.setDate(QDate.currentDate())
        self.author = QComboBox(self)
        self.author.setObjectName("historyAuthor")
        self.author.addItem("Tous les auteurs", None)
        ops.run(audit.authors, self._add_authors, lambda _exc: None, quick=True, background=True, name="auteurs")
        self.action = QComboBox(self)
        self.action.setObjectName("historyAction")
        self.action.addItem("Toutes les actions", None)
        for key, label in ACTION_LABELS.items():
            self.action.addItem(label, key)
        for widget in (self.since, self.until):
            widget.dateChanged.connect(lambda _d: self.reload())
        for combo in (self.author, self.action):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        filters = QHBoxLayout()
        if lens_id is None:
            filters.addWidget(QLabel("Du"))
            filters.addWidget(self.since)
            filters.addWidget(QLabel("au"))
            filters.addWidget(self.until)
        else:
            self.since.hide()
            self.until.hide()
        filters.addWidget(self.author)
        filters.addWidget(self.action)
        filters.addStretch(1)

        self.table = QTableWidget(0, 5, self)
        self.table.setObjectName("historyTable")
        self.table.setHorizontalHeaderLabels(["Date", "Auteur", "Action", "Élément", "Détail"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line an entry, cut with « … » (whole in its tooltip)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._show_selected)

        self.changes = QTableWidget(0, 3, self)
        self.changes.setObjectName("historyChanges")
        self.changes.setHorizontalHeaderLabels(["Champ", "Avant", "Après"])
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.verticalHeader().setVisible(False)
        self.changes.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.changes)
        split.setSizes([380, 180])

        self.count_label = QLabel()
        self.more_button = QPushButton("Afficher plus")
        self.more_button.setObjectName("historyMore")
        self.more_button.clicked.connect(self._more)
        self.restore_button = QPushButton("Restaurer ce verre")
        self.restore_button.setObjectName("historyRestore")
        self.restore_button.setEnabled(False)
        self.restore_button.setToolTip("Recrée le verre supprimé tel qu'il était (mode administrateur).")
        self.restore_button.clicked.connect(self.restore_selected)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.restore_button)
        bottom.addWidget(close)
        note = QLabel("L'historique est conservé tel quel : il ne peut être ni modifié ni effacé depuis l'application.")
        note.setStyleSheet("color: #666; font-size: 9pt;")

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(note)
        layout.addLayout(bottom)
        self.resize(1050, 640)
        self.reload()

    # ------------------------------------------------------------ reading
    def _add_authors(self, names: list[str]) -> None:
        for name in names:
            self.author.addItem(name, name)

    def _filters(self) -> dict[str, object]:
        since: date | None = None
        until: date | None = None
        if self.lens_id is None:
            since = self.since.date().toPython()  # type: ignore[assignment]
            until = self.until.date().toPython()  # type: ignore[assignment]
        return {
            "since": since,
            "until": until,
            "author": self.author.currentData(),
            "action": self.action.currentData(),
        }

    def _fetch(self, db: Database, offset: int, f: dict[str, object]) -> list[HistoryEntry]:
        """Runs off the UI thread (through ``ops``): the filters were read before."""
        if self.lens_id is not None:
            entries = audit.lens_history(db, self.lens_id)
            return [
                e for e in entries
                if (f["author"] is None or e.author == f["author"])
                and (f["action"] is None or e.action == f["action"])
            ][offset: offset + PAGE]
        return audit.catalogue_history(db, limit=PAGE, offset=offset, **f)  # type: ignore[arg-type]

    def _first_page(self, db: Database, f: dict[str, object]) -> tuple[list[HistoryEntry], int]:
        entries = self._fetch(db, 0, f)
        total = len(entries) if self.lens_id is not None else audit.count_history(db, **f)  # type: ignore[arg-type]
        return entries, total

    def reload(self) -> None:
        f = self._filters()
        self.ops.run(lambda db: self._first_page(db, f), self._show_first, self._read_failed,
                     key=f"history.{id(self)}", quick=True, name="historique")

    def _show_first(self, page: tuple[list[HistoryEntry], int]) -> None:
        self.entries, total = page
        self._fill()
        self.count_label.setText(f"{total} entrée{'s' if total > 1 else ''}")
        self.more_button.setVisible(len(self.entries) < total)

    def _read_failed(self, exc: CatalogueError) -> None:
        self.entries = []
        self._fill()
        self.count_label.setText(exc.message)
        self.more_button.setVisible(False)

    def _more(self) -> None:
        f, offset = self._filters(), len(self.entries)
        self.ops.run(lambda db: self._fetch(db, offset, f), self._add_more, self._read_failed,
                     key=f"history.{id(self)}", quick=True, name="historique")

    def _add_more(self, entries: list[HistoryEntry]) -> None:
        self.entries += entries
        self._fill()

    def _fill(self) -> None:
        self.table.setRowCount(len(self.entries))
        for row, entry in enumerate(self.entries):
            for column, text in enumerate(
                (local_time(entry.when), entry.author, entry.action_label, entry.element, entry.summary(most=6))
            ):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        # A long author or lens name must not push the Détail column out of sight.
        for column, widest in ((1, 220), (3, 420)):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.changes.setRowCount(0)
        self.restore_button.setEnabled(False)

    def selected_entry(self) -> HistoryEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows else None

    def _show_selected(self) -> None:
        entry = self.selected_entry()
        changes = entry.changes() if entry else []
        self.changes.setRowCount(len(changes))
        for row, change in enumerate(changes):
            for column, text in enumerate((change.label, change.old_text, change.new_text)):
                self.changes.setItem(row, column, QTableWidgetItem(text))
        restorable = (
            entry is not None and entry.action == audit.SUPPRESSION and entry.target == "verre"
        )
        self.restore_button.setEnabled(restorable and self.can_restore)
        self.restore_button.setToolTip(
            "Recrée le verre supprimé tel qu'il était."
            if self.can_restore
            else "Passez en mode administrateur pour restaurer un verre."
        )

    # ------------------------------------------------------------ restoring
    def restore_selected(self) -> int | None:
        """Re-create the selected deleted lens; its id once restored (None while it runs)."""
        entry = self.selected_entry()
        if entry is None:
            return None
        restored: list[int] = []
        self.restore_button.setEnabled(False)  # one restore at a time

        def done(changes: Changes) -> None:
            restored.append(changes.lens_id)
            self.restored.emit(changes)
            self.reload()

        def failed(exc: CatalogueError) -> None:
            self._show_selected()
            QMessageBox.warning(self, "Restauration impossible", exc.message)

        self.ops.run(lambda db: catalogue.restore_deleted(db, entry.id), done, failed, quick=True,
                     name="restauration")
        return restored[0] if restored else None
