"""The integrity report: findings grouped by kind; clicking one selects the lens in the table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data.maintenance import KIND_TITLES, IntegrityReport

LENS_ROLE = Qt.ItemDataRole.UserRole + 1


class IntegrityDialog(QDialog):
    lensChosen = Signal(int)

    def __init__(self, report: IntegrityReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityDialog")
        self.setWindowTitle("Vérification de l'intégrité")
        n = len(report.findings)
        self.summary = QLabel(
            "Aucun problème trouvé : la base et les règles du catalogue sont respectées."
            if report.ok
            else f"{n} problème{'s' if n > 1 else ''} trouvé{'s' if n > 1 else ''}. "
            "Cliquez sur un verre pour le sélectionner dans le tableau."
        )
        self.summary.setObjectName("integritySummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("integrityFindings")
        self.tree.setHeaderHidden(True)
        for kind, findings in report.by_kind().items():
            group = QTreeWidgetItem([f"{KIND_TITLES.get(kind, kind)} ({len(findings)})"])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for finding in findings:
                child = QTreeWidgetItem([finding.message])
                child.setToolTip(0, finding.message)
                if finding.lens_id is not None:
                    child.setData(0, LENS_ROLE, finding.lens_id)
                group.addChild(child)
            self.tree.addTopLevelItem(group)
        self.tree.expandAll()
        self.tree.itemClicked.connect(self._clicked)
        self.tree.setVisible(not report.ok)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(720, 460 if not report.ok else 140)

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        lens_id = item.data(0, LENS_ROLE)
        if lens_id is not None:
            self.lensChosen.emit(int(lens_id))
