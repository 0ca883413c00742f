"""The import preview's working parts: the problem list (copy, save), the columns a person
names, and the references mapped to existing ones before they are created.

Each is a plain widget the import dialog lays out and reads; none talks to the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.transfer import IGNORE, ColumnSample, ImportProblem, NewReference
from data.transfer.columns import FIELD_NAMES, REQUIRED_FIELDS
from gui import file_pickers

KIND_NAMES = {"fournisseur": "Fournisseur", "gamme": "Gamme", "serie": "Série", "materiau": "Matériau"}
IGNORE_TEXT = "— ignorer —"


def counts_grid() -> tuple[QGridLayout, dict[str, QLabel]]:
    """New, updated, duplicate and refused lenses, in large figures."""
    counts: dict[str, QLabel] = {}
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
        counts[key] = value
    return grid, counts


class ProblemList(QWidget):
    """The refused lines, each with its column and its message; copied (Ctrl+C, a button)
    or saved whole (every refused line, even beyond the ones listed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("importProblems")
        self.table.setHorizontalHeaderLabels(["Ligne", "Colonne", "Problème"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)  # one line a problem; the whole text in its tooltip
        copy = QPushButton("Copier la liste")
        copy.setObjectName("importCopyProblemsButton")
        copy.setToolTip("Copie les lignes choisies, ou toute la liste (Ctrl+C)")
        copy.clicked.connect(self.copy)
        save = QPushButton("Enregistrer la liste…")
        save.setObjectName("importSaveProblemsButton")
        save.clicked.connect(self.ask_save)
        QShortcut(QKeySequence.StandardKey.Copy, self.table, self.copy, context=Qt.ShortcutContext.WidgetShortcut)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(copy)
        buttons.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.rejects: Mapping[int, str] = {}
        self.unit = "ligne"

    def show_problems(self, problems: Sequence[ImportProblem], rejects: Mapping[int, str]) -> None:
        self.rejects = rejects
        self.unit = problems[0].unit if problems else "ligne"
        self.table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            message = problem.message.replace(
                "utilisez --update", "cochez « Mettre à jour les verres qui existent déjà »"
            ).replace("(--swap les lit dans l'autre sens)", "")
            for column, text in enumerate((f"{problem.unit} {problem.line}", problem.column, message)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)

    def clear(self) -> None:
        self.table.setRowCount(0)
        self.rejects = {}

    def text(self, selected_only: bool = False) -> str:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}) if selected_only else []
        if not rows:
            rows = list(range(self.table.rowCount()))
        lines = []
        for row in rows:
            cells = [self.table.item(row, c) for c in range(3)]
            line, column, message = (c.text() if c is not None else "" for c in cells)
            lines.append(f"{line}, {column} : {message}" if column else f"{line} : {message}")
        return "\n".join(lines)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text(selected_only=True))

    def full_text(self) -> str:
        """Every refused line with all its reasons (the list shows the first thousand)."""
        if not self.rejects:
            return self.text()
        return "\n".join(f"{self.unit} {line} : {reason}" for line, reason in sorted(self.rejects.items()))

    def ask_save(self) -> None:
        path = file_pickers.save_file(
            self, "import", "Enregistrer la liste des problèmes", "problemes-import.txt", "Texte (*.txt)"
        )
        if path:
            self.save(path)

    def save(self, path: Path) -> None:
        path.write_text(self.full_text() + "\n", encoding="utf-8-sig")


class ColumnsPanel(QWidget):
    """Each column of the file with its first values and a list to choose its field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("importColumns")
        self.table.setHorizontalHeaderLabels(["Colonne du fichier", "Premières valeurs", "Champ du catalogue"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.apply_button = QPushButton("Relire avec ces colonnes")
        self.apply_button.setObjectName("importApplyColumnsButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.note, 1)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.combos: list[tuple[str, QComboBox]] = []

    def show_columns(self, samples: Sequence[ColumnSample], chosen: Mapping[str, str]) -> None:
        self.table.setRowCount(len(samples))
        self.combos = []
        for row, sample in enumerate(samples):
            self.table.setItem(row, 0, QTableWidgetItem(sample.header))
            values = QTableWidgetItem(" · ".join(sample.values) or "(vide)")
            values.setToolTip("\n".join(sample.values))
            self.table.setItem(row, 1, values)
            combo = QComboBox()
            combo.setObjectName(f"importColumn_{row}")
            combo.addItem(IGNORE_TEXT, IGNORE)
            for key, name in FIELD_NAMES.items():
                combo.addItem(name + (" (obligatoire)" if key in REQUIRED_FIELDS else ""), key)
            wanted = chosen.get(sample.header, sample.field or "")
            combo.setCurrentIndex(max(0, combo.findData(wanted)))
            if sample.suggestion and not sample.field:
                combo.setToolTip(f"Proposé d'après l'en-tête ou les valeurs : {FIELD_NAMES[sample.suggestion]}")
            combo.currentIndexChanged.connect(self._check)
            self.table.setCellWidget(row, 2, combo)
            self.combos.append((sample.header, combo))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 220)
        self._check()

    def choice(self) -> dict[str, str]:
        return {header: str(combo.currentData()) for header, combo in self.combos}

    def _check(self) -> None:
        held = [v for v in self.choice().values() if v]
        missing = [FIELD_NAMES[f] for f in REQUIRED_FIELDS if f not in held]
        twice = sorted({FIELD_NAMES[v] for v in held if held.count(v) > 1})
        if missing:
            self.note.setText("Champs obligatoires sans colonne : " + ", ".join(missing) + ".")
        elif twice:
            self.note.setText("Deux colonnes pour un même champ : " + ", ".join(twice) + ".")
        else:
            self.note.setText("Le choix est retenu pour les fichiers qui ont les mêmes en-têtes.")
        self.apply_button.setEnabled(not missing and not twice)


class ReferencesPanel(QWidget):
    """Each reference the import would create, with the existing one it may be: accept the
    proposal, choose another, or keep it new."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Références qui seront créées :", self)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("importNewReferences")
        self.table.setHorizontalHeaderLabels(["Type", "Nom dans le fichier", "Dans le catalogue"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.accept_button = QPushButton("Accepter les propositions")
        self.accept_button.setObjectName("importAcceptProposalsButton")
        self.accept_button.clicked.connect(self.accept_proposals)
        self.apply_button = QPushButton("Relire avec ces correspondances")
        self.apply_button.setObjectName("importApplyReferencesButton")
        buttons = QHBoxLayout()
        buttons.addWidget(self.label, 1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.apply_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.rows: list[tuple[NewReference, QComboBox]] = []

    def show_references(
        self, references: Sequence[NewReference], existing: Mapping[str, Sequence[str]], created: bool = False
    ) -> None:
        self.label.setText("Références créées par l'import :" if created else "Références qui seront créées :")
        self.table.setRowCount(len(references))
        self.rows = []
        proposals = False
        for row, ref in enumerate(references):
            owner = f" (de {' › '.join(ref.parents)})" if ref.parents else ""
            self.table.setItem(row, 0, QTableWidgetItem(KIND_NAMES.get(ref.kind, ref.kind)))
            self.table.setItem(row, 1, QTableWidgetItem(ref.name + owner))
            combo = QComboBox()
            combo.setObjectName(f"importReference_{row}")
            combo.addItem(f"Créer « {ref.name} »", "")
            for name, score in ref.suggestions:
                combo.addItem(f"{name} (proposé{'' if score >= 1 else ', proche'})", name)
            listed = {name for name, _score in ref.suggestions}
            for name in existing.get(ref.kind, ()):
                if name not in listed:
                    combo.addItem(name, name)
            combo.setEnabled(not created)
            proposals = proposals or bool(ref.suggestions)
            self.table.setCellWidget(row, 2, combo)
            self.rows.append((ref, combo))
        self.table.resizeColumnToContents(0)
        self.table.setColumnWidth(2, 260)
        self.accept_button.setVisible(proposals and not created)
        self.apply_button.setVisible(bool(references) and not created)

    def count(self) -> int:
        """How many references are listed."""
        return self.table.rowCount()

    def accept_proposals(self) -> None:
        for ref, combo in self.rows:
            if ref.suggestions:
                combo.setCurrentIndex(1)
        self.apply_button.click()

    def choice(self) -> dict[tuple[str, str], str]:
        """(kind, name in the file) -> existing name, for every row mapped."""
        return {(ref.kind, ref.name): str(combo.currentData()) for ref, combo in self.rows if combo.currentData()}
