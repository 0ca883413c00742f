"""The integrity report's one-click merge of two near-identical references: the button beside a
finding, and the words the confirmation uses.

The button merges into the name more lenses use (« Fusionner dans « Essilor » »); its menu
offers the other direction for the admin who prefers the other name. It only asks: admin mode,
the confirmation and the write are the controller's (``gui.controllers.reference_merge``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from data import formatting
from data.kinds import KINDS
from data.maintenance import MergeOffer


def offer_text(offer: MergeOffer) -> str:
    """The finding's line in the report: both names and their lens counts, the kept one first."""
    keep, other = offer.keep, offer.other
    return (f"{KINDS[offer.kind].title} « {keep.name} » ({formatting.lenses(keep.lenses)}) et "
            f"« {other.name} » ({formatting.lenses(other.lenses)})")


def merge_label(offer: MergeOffer) -> str:
    return f"Fusionner dans « {offer.keep.name} »"


def merge_question(offer: MergeOffer) -> str:
    """The confirmation: what goes where, how many lenses move, what follows."""
    kind, keep, other = KINDS[offer.kind], offer.keep.name, offer.other.name
    n = offer.other.lenses
    if n == 0:
        moved = f"Aucun verre n'utilise « {other} »."
    else:
        verb = "passera" if n == 1 else "passeront"
        moved = f"{formatting.lenses(n)} {verb} de « {other} » à « {keep} »."
    children = {
        "fournisseur": " Ses gammes et séries suivent (celles de même nom sont réunies).",
        "gamme": " Ses séries suivent (celles de même nom sont réunies).",
    }.get(offer.kind, "")
    return (
        f"Fusionner {kind.the} « {other} » dans « {keep} » ?\n\n{moved}{children}\n"
        f"« {other} » disparaîtra ensuite. L'historique garde la trace de chaque verre déplacé."
    )


class MergeButton(QToolButton):
    """« Fusionner dans « Essilor » », with « Fusionner plutôt dans « ESSILOR FR » » in its menu.
    ``asked`` carries the offer in the chosen direction (``other`` goes into ``keep``)."""

    asked = Signal(object)  # MergeOffer

    def __init__(self, offer: MergeOffer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.offer: MergeOffer = offer
        self.stale = False
        self.setObjectName("mergeButton")
        self.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.main_action = QAction(self)
        self.main_action.triggered.connect(lambda: self.asked.emit(self.offer))
        self.setDefaultAction(self.main_action)
        self.reverse_action = QAction(self)
        self.reverse_action.setObjectName("mergeReverseAction")
        self.reverse_action.triggered.connect(lambda: self.asked.emit(self.offer.reversed()))
        menu = QMenu(self)
        menu.addAction(self.reverse_action)
        self.setMenu(menu)
        self.show_offer(offer)

    def show_offer(self, offer: MergeOffer) -> None:
        """Show ``offer`` (its counts may have changed after another merge)."""
        self.offer = offer
        self.main_action.setText(merge_label(offer))
        self.main_action.setToolTip(
            f"« {offer.other.name} » ({formatting.lenses(offer.other.lenses)}) rejoint "
            f"« {offer.keep.name} » ({formatting.lenses(offer.keep.lenses)}), puis disparaît."
        )
        self.reverse_action.setText(f"Fusionner plutôt dans « {offer.other.name} »")

    def set_stale(self, reason: str) -> None:
        """One of the two references was merged away meanwhile: the offer no longer holds."""
        self.stale = True
        self.main_action.setText("Relancez la vérification")
        self.main_action.setToolTip(reason)
        self.setEnabled(False)
