"""Editing the catalogue from the window: new, edit, duplicate, delete and undo; the history and
the reference lists; removing the sample.

Every write goes through ``ops`` (off the UI thread on a server) and its ``Changes`` through
``events.changed``: the table, the detail pane and the filter lists refresh themselves.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QDialog, QMessageBox

from data import catalogue, formatting, sample
from data.catalogue import Changes, LensDetail, LensRow
from data.database import Database
from data.errors import CatalogueError, DatabaseUnavailableError
from gui.controllers.admin import AdminMode
from gui.controllers.port import WindowPort
from gui.dialogs.history_dialog import HistoryDialog
from gui.dialogs.lens_dialog import LensDialog
from gui.dialogs.references_dialog import ReferencesDialog
from gui.dialogs.symbols_dialog import SymbolsDialog
from gui.models.lens_columns import format_count

Restored = tuple[Changes, CatalogueError | None, tuple[LensDetail, ...]]


D = TypeVar("D", ReferencesDialog, SymbolsDialog)

def restore_all(db: Database, snapshots: Sequence[LensDetail]) -> Restored:
    """Re-create deleted lenses one by one: what was restored, why it stopped (if it did), and
    the lenses not restored (they stay to undo)."""
    total = Changes()
    for done, snapshot in enumerate(snapshots):
        try:
            total = total | catalogue.restore_lens(db, snapshot)
        except CatalogueError as exc:
            return total, exc, tuple(snapshots[done:])
    return total, None, ()


def warn(port: WindowPort, title: str, exc: CatalogueError) -> None:
    """A refused write in a message box; a lost server only in the status bar (ops says it
    there), never in a modal box that would pile up while the server is away."""
    if not isinstance(exc, DatabaseUnavailableError):
        QMessageBox.warning(port.parent_widget(), title, exc.message)


# hiding_filters's keys as a sentence names them (``recherche``: the search box, with its text).
FILTER_NAMES = {
    "fournisseur": "le filtre Fournisseur",
    "gamme": "le filtre Gamme",
    "serie": "le filtre Série",
    "materiau": "le filtre Matériau",
    "indice": "le filtre Indice",
    "hauteur": "la hauteur de montage",
    "symboles": "les symboles choisis",
}


def hidden_message(what: str, filters: tuple[str, ...], search: str, plural: bool = False) -> str:
    """« Verre ajouté, mais masqué par le filtre Indice et la recherche « zeiss ». »"""
    names = [
        f"la recherche « {search.strip()} »" if key == "recherche" and search.strip()
        else FILTER_NAMES.get(key, "la recherche")
        for key in filters
    ]
    by = formatting.join(names) if names else "les filtres actuels"
    return f"{what}, mais masqué{'s' if plural else ''} par {by}."


def lens_name(lens: LensRow) -> str:
    """« Varilux Comfort Max », variante Short — Essilor, indice 1,60 (n° 12): what tells
    two lenses apart."""
    variant = f", variante {lens.variante}" if lens.variante else ""
    return (f"« {lens.nom} »{variant} — {lens.fournisseur}, indice {formatting.lens_index(lens.indice)} "
            f"(n° {lens.id})")


def run_modal(dialog: QDialog) -> int:
    """Run a dialog, then free it (a dialog parented to the window would live on)."""
    try:
        return int(dialog.exec())
    finally:
        dialog.deleteLater()


class LensEditing(QObject):
    undoChanged = Signal(int)  # lenses the next undo would restore (0: nothing to undo)

    def __init__(self, port: WindowPort, admin: AdminMode, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.admin = admin
        self._undo_stack: list[tuple[LensDetail, ...]] = []
        port.events.database_replaced.connect(self._database_replaced)

    def _database_replaced(self, _db: object) -> None:
        self._undo_stack.clear()
        self.undoChanged.emit(0)

    def _emit(self, changes: Changes) -> None:
        self.port.events.emit_changes(changes)

    # ------------------------------------------------------------ the lens dialog
    def _edit(self, lens: LensDetail) -> None:
        run_modal(self.lens_dialog(lens))

    def lens_dialog(self, lens: LensDetail | None = None, duplicate: bool = False) -> LensDialog:
        """The dialog for a new, edited or duplicated lens (not shown; tests drive it)."""
        dialog = LensDialog(self.port.ops, lens, duplicate=duplicate, parent=self.port.parent_widget(),
                            confirm_identical=self.confirm_identical)
        what = "Verre dupliqué" if duplicate else "Verre ajouté"
        dialog.changed.connect(lambda changes: self._lens_written(changes, what))
        return dialog

    def confirm_identical(self, existing: LensRow) -> bool:
        """A lens equal in every field but its id exists: save all the same?"""
        box = QMessageBox(
            QMessageBox.Icon.Question, "Verre identique",
            f"Un verre identique existe déjà : {lens_name(existing)}.\n\n"
            "Enregistrer quand même ?",
            parent=self.port.parent_widget(),
        )
        box.setObjectName("identicalLensBox")
        save = box.addButton("Enregistrer quand même", QMessageBox.ButtonRole.AcceptRole)
        keep_out = box.addButton("Ne pas enregistrer", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep_out)  # Enter does not add a copy
        box.exec()
        return box.clickedButton() is save

    def _lens_written(self, changes: Changes, what: str) -> None:
        self._emit(changes)
        if changes.created:
            self.show_written(changes.created[0], what)
        elif changes.lenses:
            self.port.show_status("Verre enregistré.", 5000)

    def show_written(self, lens_id: int, what: str, plural: bool = False) -> None:
        """Select a lens just created, duplicated or restored; when the filters hide it, say
        which and offer to clear them."""
        search = self.port.current_query().text

        def located(filters: tuple[str, ...] | None) -> None:
            if filters is None:
                self.port.show_status(f"{what}.", 5000)
            else:
                self.port.offer_to_clear_filters(hidden_message(what, filters, search, plural), lens_id)

        self.port.select_written_lens(lens_id, located)

    def new_lens(self) -> None:
        if self.admin.require():
            run_modal(self.lens_dialog())

    def edit_lens(self) -> None:
        shown = self.port.current_lens()
        if shown is None or not self.admin.require():
            return
        lens_id = shown.id

        def failed(exc: CatalogueError) -> None:
            if isinstance(exc, DatabaseUnavailableError):
                return  # the status bar says so; the lens is still there
            warn(self.port, "Verre introuvable", exc)
            self._emit(Changes(deleted=frozenset({lens_id})))

        self.port.ops.run(lambda db: catalogue.get_lens(db, lens_id),
                          lambda lens: self._edit(lens), failed,
                          key="editing.open", quick=True, name="ouverture du verre")

    def duplicate_lens(self) -> None:
        shown = self.port.current_lens()
        if shown is not None and self.admin.require():
            run_modal(self.lens_dialog(shown, duplicate=True))

    # ------------------------------------------------------------ delete and undo
    def delete_lenses(self, confirm: bool = True) -> int:
        """Delete the selected lenses; how many went (0 while the write still runs)."""
        ids = self.port.selected_lens_ids()
        if not ids or not self.admin.require():
            return 0
        if confirm:
            what = "ce verre" if len(ids) == 1 else f"ces {len(ids)} verres"
            answer = QMessageBox.question(
                self.port.parent_widget(), "Supprimer",
                f"Supprimer {what} du catalogue ?\n\nCtrl+Z permet d'annuler.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        deleted: list[int] = []

        def done(changes: Changes) -> None:
            snapshots = changes.snapshots
            deleted.append(len(snapshots))
            self._undo_stack.append(tuple(snapshots))
            self.undoChanged.emit(len(snapshots))
            self._emit(changes)
            self.port.show_status(
                f"{format_count(len(snapshots))} supprimé{'s' if len(snapshots) > 1 else ''} — Ctrl+Z pour annuler.",
                10000,
            )

        def failed(exc: CatalogueError) -> None:
            warn(self.port, "Suppression impossible", exc)

        self.port.ops.run(lambda db: catalogue.delete_lenses(db, ids), done, failed, quick=True, name="suppression")
        return deleted[0] if deleted else 0

    def undo_delete(self) -> int:
        """Restore the last deleted lenses; how many came back (0 while the write still runs)."""
        if not self._undo_stack or not self.admin.require():
            return 0
        snapshots = self._undo_stack.pop()
        self.undoChanged.emit(len(self._undo_stack[-1]) if self._undo_stack else 0)
        restored: list[int] = []

        def done(answer: Restored) -> None:
            changes, problem, left = answer
            if left:
                self._undo_stack.append(left)
                self.undoChanged.emit(len(left))
            if problem is not None:
                warn(self.port, "Annulation incomplète", problem)
            restored.append(len(changes.created))
            self._emit(changes)
            count = len(changes.created)
            what = f"{format_count(count)} rétabli{'s' if count > 1 else ''}"
            if changes.created:
                self.show_written(changes.created[0], what, plural=count > 1)
            else:
                self.port.show_status(f"{what}.", 8000)

        def failed(exc: CatalogueError) -> None:
            self._undo_stack.append(snapshots)  # nothing came back: the undo stays available
            self.undoChanged.emit(len(snapshots))
            warn(self.port, "Annulation incomplète", exc)

        self.port.ops.run(lambda db: restore_all(db, snapshots), done, failed, quick=True, name="annulation")
        return restored[0] if restored else 0

    # ------------------------------------------------------------ history and references
    def history_dialog(self, lens_only: bool = False) -> HistoryDialog:
        lens = self.port.current_lens() if lens_only else None
        dialog = HistoryDialog(
            self.port.ops,
            lens_id=lens.id if lens else None,
            lens_label=lens.nom if lens else "",
            can_restore=self.admin.enabled,
            parent=self.port.parent_widget(),
        )
        dialog.restored.connect(self._restored_from_history)
        return dialog

    def _restored_from_history(self, changes: Changes) -> None:
        self._emit(changes)
        self.show_written(changes.lens_id, "Verre restauré depuis l'historique")

    def show_history(self, lens_only: bool = False) -> None:
        if lens_only and self.port.current_lens() is None:
            return
        dialog = self.history_dialog(lens_only)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def references_dialog(self) -> ReferencesDialog:
        return self._writing(ReferencesDialog(self.port.ops, self.port.parent_widget()))

    def symbols_dialog(self) -> SymbolsDialog:
        return self._writing(SymbolsDialog(self.port.ops, self.port.parent_widget()))

    def _writing(self, dialog: D) -> D:
        """An admin dialog whose writes' ``Changes`` reach the whole window."""
        dialog.changed.connect(self._emit)
        return dialog

    def show_references(self) -> None:
        if self.admin.require():
            run_modal(self.references_dialog())

    def show_symbols(self) -> None:
        if self.admin.require():
            run_modal(self.symbols_dialog())

    # ------------------------------------------------------------ sample
    def remove_sample(self) -> None:
        if not self.admin.require():
            return
        answer = QMessageBox.question(
            self.port.parent_widget(),
            "Supprimer les données d'exemple",
            "Supprimer tous les verres du catalogue d'exemple ? Vos propres verres sont conservés.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_sample_now()

    def remove_sample_now(self) -> int:
        removed: list[int] = []

        def done(changes: Changes) -> None:
            count = len(changes.deleted)
            removed.append(count)
            self._emit(changes)
            self.port.show_status(f"{format_count(count)} d'exemple supprimés.", 8000)

        def failed(exc: CatalogueError) -> None:
            warn(self.port, "Suppression impossible", exc)

        self.port.ops.run(sample.remove_sample, done, failed, quick=True, name="données d'exemple")
        return removed[0] if removed else 0
