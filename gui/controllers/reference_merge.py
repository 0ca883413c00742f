"""The integrity report's one-click merge: admin mode, a confirmation naming the lenses that
move, then ``merge_references`` through ``gui.ops`` (off the UI thread). The ``Changes`` it
returns go out on the window's events, so the table, the filter lists and the detail pane follow;
the report is told how it went. A refused merge (the data layer's rules, a reference gone
meanwhile, a read-only database) changes nothing and says why.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from data import catalogue, formatting
from data.catalogue import Changes
from data.errors import CatalogueError, NotFoundError, ValidationError
from data.maintenance import MergeOffer
from gui.controllers.admin import AdminMode
from gui.controllers.port import WindowPort
from gui.dialogs.integrity_dialog import IntegrityDialog
from gui.dialogs.merge_offer import merge_question

STALE = " Relancez la vérification pour mettre la liste à jour."


class ReferenceMerges(QObject):
    """Merges asked from integrity reports (``attach`` each report)."""

    def __init__(self, port: WindowPort, admin: AdminMode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.admin = admin
        self.last_confirmation: QMessageBox | None = None

    def attach(self, report: IntegrityDialog) -> None:
        report.mergeAsked.connect(lambda offer: self.ask(report, offer))

    def ask(self, report: IntegrityDialog, offer: MergeOffer) -> QMessageBox | None:
        """Admin mode first, then the confirmation (open, not exec: the window keeps running);
        None when admin mode was refused."""
        if not self.admin.require():
            return None
        box = QMessageBox(QMessageBox.Icon.Question, "Fusionner", merge_question(offer),
                          QMessageBox.StandardButton.NoButton, report)
        box.setObjectName("mergeConfirmation")
        accept = box.addButton("Fusionner", QMessageBox.ButtonRole.AcceptRole)
        accept.setObjectName("mergeConfirmButton")
        cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.finished.connect(lambda _result: self._answered(report, box, offer, box.clickedButton() is accept))
        self.last_confirmation = box
        box.open()
        return box

    def _answered(self, report: IntegrityDialog, box: QMessageBox, offer: MergeOffer, accepted: bool) -> None:
        box.deleteLater()
        if accepted:
            self.merge(report, offer)
        else:
            self.port.show_status("Fusion annulée : rien n'a été modifié.", 5000)

    def merge(self, report: IntegrityDialog, offer: MergeOffer) -> None:
        """Merge ``offer.other`` into ``offer.keep`` now (the confirmation was given)."""
        kind, source, target = offer.kind, offer.other.id, offer.keep.id

        def done(changes: Changes) -> None:
            self.port.events.emit_changes(changes)
            report.merged(offer, changes)
            self.port.show_status(
                f"« {offer.other.name} » fusionné dans « {offer.keep.name} » : "
                f"{formatting.count(changes.moved, 'verre déplacé', 'verres déplacés')}.", 10000)

        def failed(exc: CatalogueError) -> None:
            report.refused(offer, _reason(exc))

        report.merging(offer)
        self.port.ops.run(lambda db: catalogue.merge_references(db, kind, source, target),
                          done, failed, name="fusion")


def _reason(exc: CatalogueError) -> str:
    """Why a merge was refused, as a sentence (a rule's message without its field's name)."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.report.errors.values())
    return exc.message + (STALE if isinstance(exc, NotFoundError) else "")
