"""The integrity report: findings grouped by kind; clicking one selects the lens in the table.

Near-identical references carry a « Fusionner dans « … » » button (``merge_offer``): the dialog
asks (``mergeAsked``), the controller confirms and writes, then tells the dialog how it went
(``merging``, ``merged``, ``refused``). A merged finding leaves the list; the findings that named
the reference merged away can no longer be trusted and say so. The dialog refuses to close while
a merge runs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from data import formatting
from data.catalogue import Changes
from data.maintenance import KIND_TITLES, IntegrityReport, MergeOffer, ReferenceSide
from gui.dialogs.merge_offer import MergeButton, offer_text
from gui.dialogs.write_guard import WriteGuard

LENS_ROLE = Qt.ItemDataRole.UserRole + 1
ERROR_STYLE = "color: #b00020;"


def _summary(count: int, lenses: bool, merges: bool, merged: bool = False) -> str:
    if count == 0 and merged:
        return "Plus aucun problème dans ce rapport : les doublons signalés sont fusionnés."
    if count == 0:
        return "Aucun problème trouvé : la base et les règles du catalogue sont respectées."
    hints = []
    if lenses:
        hints.append("Cliquez sur un verre pour le sélectionner dans le tableau.")
    if merges:
        hints.append("« Fusionner » réunit deux références en une (mode administrateur) ; "
                     "la flèche propose de garder l'autre nom.")
    return " ".join([formatting.count(count, "problème trouvé", "problèmes trouvés") + ".", *hints])


class IntegrityDialog(WriteGuard):
    lensChosen = Signal(int)
    mergeAsked = Signal(object)  # MergeOffer: merge its ``other`` into its ``keep``

    def __init__(self, report: IntegrityReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("integrityDialog")
        self.setWindowTitle("Vérification de l'intégrité")
        self.count = len(report.findings)
        self.has_lenses = any(f.lens_id is not None for f in report.findings)
        self.summary = QLabel()
        self.summary.setObjectName("integritySummary")
        self.summary.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("integrityFindings")
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.buttons: dict[QTreeWidgetItem, MergeButton] = {}
        for kind, findings in report.by_kind().items():
            group = QTreeWidgetItem()
            group.setData(1, Qt.ItemDataRole.UserRole, kind)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            self.tree.addTopLevelItem(group)
            for finding in findings:
                child = QTreeWidgetItem([finding.message])
                child.setToolTip(0, finding.message)
                if finding.lens_id is not None:
                    child.setData(0, LENS_ROLE, finding.lens_id)
                group.addChild(child)
                if finding.merge is not None:
                    child.setText(0, offer_text(finding.merge))
                    button = MergeButton(finding.merge)
                    button.asked.connect(self.mergeAsked)
                    self.tree.setItemWidget(child, 1, button)
                    self.buttons[child] = button
            self._retitle(group)
        self._resummarise()
        self.tree.expandAll()
        self.tree.itemClicked.connect(self._clicked)
        self.tree.setVisible(not report.ok)
        self.status = QLabel()
        self.status.setObjectName("integrityMergeStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Fermer")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(900 if self.buttons else 720, 460 if not report.ok else 140)

    def merge_buttons(self) -> list[MergeButton]:
        return list(self.buttons.values())

    def _resummarise(self, merged: bool = False) -> None:
        self.summary.setText(_summary(self.count, self.has_lenses, bool(self.buttons), merged))

    def _retitle(self, group: QTreeWidgetItem) -> None:
        kind = str(group.data(1, Qt.ItemDataRole.UserRole))
        group.setText(0, f"{KIND_TITLES.get(kind, kind)} ({group.childCount()})")

    def _clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        lens_id = item.data(0, LENS_ROLE)
        if lens_id is not None:
            self.lensChosen.emit(int(lens_id))

    # ------------------------------------------------------------ a merge, told by the controller
    def merging(self, offer: MergeOffer) -> None:
        """The merge runs: no other merge, no closing, until it has landed."""
        self.writing = True
        for button in self.buttons.values():
            button.setEnabled(False)
        self._say(f"Fusion de « {offer.other.name} » dans « {offer.keep.name} »…")

    def merged(self, offer: MergeOffer, changes: Changes) -> None:
        """The finding goes; the others that named the reference merged away are marked, and
        the kept one's lens count grows in the others that name it."""
        self.writing = False
        gone, kept = offer.other, offer.keep
        grown = ReferenceSide(kept.id, kept.name, kept.lenses + changes.moved)
        for item, button in list(self.buttons.items()):
            shown = button.offer
            if shown.involves(offer.kind, gone.id) and shown.involves(offer.kind, kept.id):
                self._remove(item)
            elif shown.involves(offer.kind, gone.id):
                button.set_stale(f"« {gone.name} » a été fusionné dans « {kept.name} » : relancez la "
                                 "vérification pour revoir ce doublon.")
            elif shown.involves(offer.kind, kept.id):
                sides = sorted((grown, shown.other if shown.keep.id == kept.id else shown.keep),
                               key=lambda side: side.id)
                button.show_offer(MergeOffer.between(offer.kind, sides[0], sides[1]))
                item.setText(0, offer_text(button.offer))
        for button in self.buttons.values():
            button.setEnabled(not button.stale)
        followed = {"fournisseur": "ses gammes et séries", "gamme": "ses séries"}.get(offer.kind)
        self._say(f"« {gone.name} » fusionné dans « {kept.name} » : "
                  f"{formatting.count(changes.moved, 'verre déplacé', 'verres déplacés')}."
                  + (f" {followed.capitalize()} ont suivi : relancez la vérification pour y voir "
                     "d'éventuels nouveaux doublons." if followed else ""))

    def refused(self, offer: MergeOffer, message: str) -> None:
        """Nothing was written: the finding stays, with the reason."""
        self.writing = False
        for button in self.buttons.values():
            button.setEnabled(not button.stale)
        self._say(f"Fusion de « {offer.other.name} » dans « {offer.keep.name} » refusée : {message}",
                  ok=False)

    def _remove(self, item: QTreeWidgetItem) -> None:
        button = self.buttons.pop(item)
        self.tree.removeItemWidget(item, 1)
        button.deleteLater()
        group = item.parent()
        assert group is not None  # a finding always sits under its kind
        group.removeChild(item)
        if group.childCount():
            self._retitle(group)
        else:
            self.tree.takeTopLevelItem(self.tree.indexOfTopLevelItem(group))
        self.count -= 1
        self._resummarise(merged=True)
        self.tree.setVisible(self.count > 0)

    def _say(self, text: str, ok: bool = True) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("" if ok else ERROR_STYLE)
        self.status.show()
