"""The lens dialog's reference lists: searchable, with a "nouveau…" entry at the end."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from data.catalogue import ReferenceItem

NEW_ITEM = "__nouveau__"
COMBO_FIELDS = ("fournisseur_id", "gamme_id", "serie_id", "materiau_id")
KIND_OF = {"fournisseur_id": "fournisseur", "gamme_id": "gamme", "serie_id": "serie", "materiau_id": "materiau"}
NEW_LABEL = {"fournisseur_id": "Nouveau fournisseur…", "gamme_id": "Nouvelle gamme…",
             "serie_id": "Nouvelle série…", "materiau_id": "Nouveau matériau…"}


class ReferenceCombo(QComboBox):
    """A searchable list of references with a "nouveau…" entry at the end."""

    def __init__(self, name: str, optional: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"field_{name}")
        self.field = name
        self.optional = optional
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer, line = self.completer(), self.lineEdit()
        assert completer is not None and line is not None  # an editable combo has both
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        line.setPlaceholderText("— aucun(e) —" if optional else "Choisir…")

    def set_items(self, items: list[ReferenceItem], selected: int | None) -> None:
        self.blockSignals(True)
        self.clear()
        if self.optional:
            self.addItem("", None)
        for item in items:
            self.addItem(item.nom, item.id)
        self.addItem(NEW_LABEL[self.field], NEW_ITEM)
        index = self.findData(selected) if selected is not None else (0 if self.optional else -1)
        self.setCurrentIndex(index)
        if index < 0:
            self.setEditText("")
        self.blockSignals(False)

    def value(self) -> object:
        """The chosen id; None when empty; the typed text when it matches nothing."""
        text = self.currentText().strip()
        if not text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            data = self.itemData(index)
            return None if data in (None, NEW_ITEM) else data
        return "inconnu"
