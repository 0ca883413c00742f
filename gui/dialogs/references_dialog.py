"""Reference data: suppliers, materials, ranges and series — add, rename, merge, delete.

A delete that would orphan lenses is refused with the number of lenses that use the item;
merging moves them (ranges and series follow a merged supplier).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from data import catalogue
from data.catalogue import Changes, ReferenceItem
from data.database import Database
from data.errors import CatalogueError
from data.kinds import KINDS, ReferenceKind
from gui.ops import Ops

TABS: tuple[tuple[ReferenceKind, str], ...] = (  # each kind's tab title (its noun: data.kinds)
    ("fournisseur", "Fournisseurs"),
    ("gamme", "Gammes"),
    ("serie", "Séries"),
    ("materiau", "Matériaux"),
)
ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _lists(db: Database, kind: str) -> tuple[list[ReferenceItem], dict[int, str]]:
    """A tab's items and the names of their parents (ranges: suppliers; series: ranges)."""
    if kind == "fournisseur":
        return catalogue.list_suppliers(db), {}
    if kind == "materiau":
        return catalogue.list_materials(db), {}
    if kind == "gamme":
        return catalogue.list_ranges(db), {s.id: s.nom for s in catalogue.list_suppliers(db)}
    ranges = catalogue.list_ranges(db)
    suppliers = {s.id: s.nom for s in catalogue.list_suppliers(db)}
    parents = {r.id: f"{r.nom} ({suppliers.get(r.parent_id or 0, '?')})" for r in ranges}
    return catalogue.list_series(db), parents


class ReferenceTab(QWidget):
    """One kind of reference. Reads and writes go through ``ops`` (off the UI thread on a server);
    a write's ``Changes`` leave through ``changed``."""

    changed = Signal(object)  # Changes

    def __init__(self, ops: Ops, kind: ReferenceKind, noun: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"references_{kind}")
        self.ops = ops
        self.kind = kind
        self.noun = noun
        self.items: list[ReferenceItem] = []
        self.parent_names: dict[int, str] = {}
        headers = ["Nom", "Verres"] if kind in ("fournisseur", "materiau") else ["Nom", "Appartient à", "Verres"]
        self.table = QTableWidget(0, len(headers), self)
        self.table.setObjectName(f"referenceTable_{kind}")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setObjectName(f"referenceMessage_{kind}")
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        for name, text, slot in (
            ("add", "Ajouter…", self.add),
            ("rename", "Renommer…", self.rename),
            ("merge", "Fusionner dans…", self.merge),
            ("delete", "Supprimer", self.delete),
        ):
            button = QPushButton(text)
            button.setObjectName(f"{name}Reference_{kind}")
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        kind = self.kind
        self.ops.run(lambda db: _lists(db, kind), self._show, lambda exc: self._report(exc.message, ok=False),
                     key=f"references.{kind}", quick=True, name="références")

    def _show(self, lists: tuple[list[ReferenceItem], dict[int, str]]) -> None:
        self.items, self.parent_names = lists
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = [item.nom]
            if self.table.columnCount() == 3:
                cells.append(self.parent_names.get(item.parent_id or 0, ""))
            cells.append(str(item.lens_count))
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(ID_ROLE, item.id)
                self.table.setItem(row, column, cell)

    def selected(self) -> ReferenceItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _report(self, message: str, ok: bool = True) -> None:
        self.message.setText(message)
        self.message.setStyleSheet("" if ok else "color: #b00020;")

    def _write(self, call: Callable[[Database], Changes], message: Callable[[Changes], str]) -> bool:
        """Run one write; False when it was refused at once (the reason shows in the tab)."""
        refused: list[CatalogueError] = []

        def failed(exc: CatalogueError) -> None:
            refused.append(exc)
            self._report(exc.message, ok=False)

        def done(changes: Changes) -> None:
            self.reload()
            self._report(message(changes))
            self.changed.emit(changes)

        self.ops.run(call, done, failed, quick=True, name="références")
        return not refused

    def add(self) -> None:
        parent_id = None
        if self.kind in ("gamme", "serie"):
            chosen = self._choose_parent()
            if chosen is None:
                return
            parent_id = chosen
        name, ok = QInputDialog.getText(self, f"Nouveau {self.noun}", "Nom :")
        if ok:
            self.add_named(name, parent_id)

    def add_named(self, name: str, parent_id: int | None = None) -> bool:
        kind = self.kind
        return self._write(lambda db: catalogue.create_reference(db, kind, name, parent_id),
                           lambda _c: f"« {name.strip()} » ajouté.")

    def _choose_parent(self) -> int | None:
        parents: list[list[ReferenceItem]] = []
        self.ops.run(
            lambda db: catalogue.list_suppliers(db) if self.kind == "gamme" else catalogue.list_ranges(db),
            parents.append, lambda exc: self._report(exc.message, ok=False), quick=True,
        )
        if not parents:  # still being read (a server): the user asks again in a moment
            return None
        options = parents[0]
        labels = [
            o.nom if self.kind == "gamme" else self.parent_names.get(o.id, o.nom) for o in options
        ]
        if not labels:
            self._report("Créez d'abord un fournisseur." if self.kind == "gamme" else "Créez d'abord une gamme.", False)
            return None
        label, ok = QInputDialog.getItem(
            self, "Rattacher à", "Fournisseur :" if self.kind == "gamme" else "Gamme :", labels, 0, False
        )
        return options[labels.index(label)].id if ok else None

    def rename(self) -> None:
        item = self.selected()
        if item is None:
            return
        name, ok = QInputDialog.getText(self, f"Renommer le {self.noun}", "Nouveau nom :", text=item.nom)
        if ok:
            self.rename_to(item, name)

    def rename_to(self, item: ReferenceItem, name: str) -> bool:
        kind = self.kind
        return self._write(lambda db: catalogue.rename_reference(db, kind, item.id, name),
                           lambda _c: f"« {item.nom} » renommé en « {name.strip()} ».")

    def merge_candidates(self, item: ReferenceItem) -> list[ReferenceItem]:
        """Items ``item`` may merge into: same kind, and the same parent for ranges/series."""
        return [
            other for other in self.items
            if other.id != item.id and (self.kind in ("fournisseur", "materiau") or other.parent_id == item.parent_id)
        ]

    def merge(self) -> None:
        item = self.selected()
        if item is None:
            return
        candidates = self.merge_candidates(item)
        if not candidates:
            self._report("Aucun autre élément compatible pour une fusion.", ok=False)
            return
        label, ok = QInputDialog.getItem(
            self, "Fusionner", f"Fusionner « {item.nom} » dans :", [c.nom for c in candidates], 0, False
        )
        if not ok:
            return
        target = candidates[[c.nom for c in candidates].index(label)]
        answer = QMessageBox.question(
            self, "Fusionner",
            f"Les {item.lens_count} verre(s) de « {item.nom} » passeront à « {target.nom} », "
            f"puis « {item.nom} » sera supprimé. Continuer ?",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.merge_into(item, target)

    def merge_into(self, item: ReferenceItem, target: ReferenceItem) -> bool:
        kind = self.kind
        return self._write(
            lambda db: catalogue.merge_references(db, kind, item.id, target.id),
            lambda c: f"« {item.nom} » fusionné dans « {target.nom} » : {c.moved} verre(s) déplacé(s).",
        )

    def delete(self) -> None:
        item = self.selected()
        if item is None:
            return
        self.delete_item(item)

    def delete_item(self, item: ReferenceItem) -> bool:
        kind = self.kind
        return self._write(lambda db: catalogue.delete_reference(db, kind, item.id),
                           lambda _c: f"« {item.nom} » supprimé.")


class ReferencesDialog(QDialog):
    changed = Signal(object)  # the Changes of each write

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referencesDialog")
        self.setWindowTitle("Fournisseurs, gammes, séries et matériaux")
        self.tabs = QTabWidget(self)
        self.pages: dict[str, ReferenceTab] = {}
        for kind, title in TABS:
            page = ReferenceTab(ops, kind, KINDS[kind].noun, self)
            page.changed.connect(self._changed)
            self.tabs.addTab(page, title)
            self.pages[kind] = page
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(row)
        self.resize(760, 520)

    def _changed(self, changes: Changes) -> None:
        for page in self.pages.values():
            page.reload()
        self.changed.emit(changes)
