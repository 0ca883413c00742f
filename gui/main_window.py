"""The main window: wires the filter panel, the table/gallery, the detail pane and the actions.

Each area lives in its own module; this class only connects them and keeps window state.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from data import admin, catalogue, sample
from data.catalogue import LensDetail
from data.database import Database
from data.errors import CatalogueError
from data.query import SORT_KEYS
from gui.data_actions import DataActions
from gui.dialogs.admin_dialog import AdminDialog
from gui.dialogs.history_dialog import HistoryDialog
from gui.dialogs.import_dialog import ImportDialog
from gui.dialogs.lens_dialog import LensDialog
from gui.dialogs.references_dialog import ReferencesDialog
from gui.images import ImageStore
from gui.models.lens_table import COLUMN_KEYS, ID_ROLE, LensTableModel, format_count
from gui.widgets.detail_pane import DetailPane
from gui.widgets.filter_panel import FilterPanel
from gui.widgets.gallery import GalleryView
from gui.widgets.job_status import JobStatus
from gui.workers.jobs import JobRunner

log = logging.getLogger("engravedetect.gui")
RESOURCES = Path(__file__).resolve().parent.parent / "resources"
TABLE_VIEW, GALLERY_VIEW = 0, 1


def icon(name: str) -> QIcon:
    path = RESOURCES / "icons" / f"{name}.svg"
    return QIcon(str(path)) if path.exists() else QIcon()


class MainWindow(QMainWindow):
    adminModeChanged = Signal(bool)

    def __init__(self, db: Database, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.db = db
        self.settings = settings
        self.admin_mode = False
        self.unlock_error = ""
        self.jobs = JobRunner(self)
        self.setWindowTitle("EngraveDetect Catalogue")
        self.images = ImageStore(db, db.settings.data_dir / "cache" / "images", self.jobs, self)

        self.model = LensTableModel(db, self, runner=self.jobs)
        self.filters = FilterPanel(db, self, runner=self.jobs)
        self.table = self._build_table()
        self.gallery = GalleryView(self.images, self)
        self.gallery.setModel(self.model)
        self.detail = DetailPane(self.images, self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.gallery)
        self.banner = self._build_sample_banner()
        self.readonly_banner = self._build_readonly_banner()

        centre = QWidget(self)
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.addWidget(self.readonly_banner)
        centre_layout.addWidget(self.banner)
        centre_layout.addWidget(self.stack)
        filter_scroll = QScrollArea(self)
        filter_scroll.setWidget(self.filters)
        filter_scroll.setWidgetResizable(True)
        filter_scroll.setMinimumWidth(250)
        filter_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(filter_scroll)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 1000, 320])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setStyleSheet("font-weight: 600; padding: 0 8px;")
        self.job_status = JobStatus(self)
        self.statusBar().addPermanentWidget(self.job_status)
        self.statusBar().addPermanentWidget(self.count_label)

        self._build_actions()
        self.data_actions = DataActions(self)
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._idle_lock)
        QApplication.instance().installEventFilter(self)  # type: ignore[union-attr]
        self._connect()
        self._restore_settings()
        self.apply_filters()
        self._refresh_banners()
        self._apply_admin_state()

    # ------------------------------------------------------------ building
    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("lensTable")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setSortingEnabled(False)
        header = table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.sortIndicatorChanged.connect(self._sort_changed)
        vertical = table.verticalHeader()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(26)
        vertical.setVisible(False)
        for column, width in enumerate((185, 75, 90, 95, 105, 120, 52, 72, 58, 100)):
            table.setColumnWidth(column, width)
        return table

    def _build_sample_banner(self) -> QFrame:
        banner = QFrame(self)
        banner.setObjectName("sampleBanner")
        banner.setStyleSheet(
            "#sampleBanner { background: #fff4d6; border: 1px solid #e6c36a; border-radius: 4px; }"
        )
        text = QLabel(
            "<b>Catalogue d'exemple</b> : noms de fabricants réels, mais codes de gravure, "
            "hauteurs et dessins inventés pour la démonstration. Ne l'utilisez pas pour "
            "identifier un verre réel."
        )
        text.setWordWrap(True)
        self.remove_sample_button = QPushButton("Supprimer les données d'exemple")
        self.remove_sample_button.setObjectName("removeSampleButton")
        self.remove_sample_button.clicked.connect(self.remove_sample)
        layout = QHBoxLayout(banner)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(text, 1)
        layout.addWidget(self.remove_sample_button)
        return banner

    def _build_readonly_banner(self) -> QLabel:
        label = QLabel(self)
        label.setObjectName("readOnlyBanner")
        label.setWordWrap(True)
        label.setStyleSheet(
            "background: #e8eefc; border: 1px solid #9fb3e6; border-radius: 4px; padding: 6px;"
        )
        return label

    def _action(self, name: str, text: str, slot: object = None, shortcut: str | QKeySequence | None = None,
                tip: str = "") -> QAction:
        action = QAction(icon(name), text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        if slot is not None:
            action.triggered.connect(slot)  # type: ignore[arg-type]
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.view_toggle_action = a("viewToggleAction", "Galerie", self.toggle_view, "Ctrl+G",
                                    "Basculer entre le tableau et la galerie des gravures")
        self.view_toggle_action.setCheckable(True)
        self.find_action = a("findAction", "Rechercher", self.focus_search, QKeySequence.StandardKey.Find)
        self.admin_action = a("adminModeAction", "Mode administrateur", self.toggle_admin, None,
                              "Déverrouiller les modifications du catalogue (mot de passe)")
        self.admin_action.setCheckable(True)
        self.remove_sample_action = a("removeSampleAction", "Supprimer les données d'exemple", self.remove_sample)
        # Actions of capabilities delivered separately; hidden until they are wired.
        self.backup_action = a("backupAction", "Sauvegarder", None, "Ctrl+Shift+S",
                               "Sauvegarder maintenant tout le catalogue (images comprises)")
        self.restore_action = a("restoreAction", "Restaurer…", None, None,
                                "Remplacer le catalogue par une sauvegarde")
        self.integrity_action = a("integrityCheckAction", "Vérifier l'intégrité", None, None,
                                  "Contrôler la base et les règles du catalogue")
        self.quick_check_action = a("quickCheckAction", "Vérification rapide")
        self.vacuum_action = a("vacuumAction", "Compacter la base")
        self.analyze_action = a("analyzeAction", "Mettre à jour les statistiques")
        self.reindex_action = a("reindexAction", "Reconstruire les index")
        self.slow_queries_action = a("slowQueriesAction", "Requêtes lentes…")
        self.import_action = a("importAction", "Importer…")
        self.export_action = a("exportAction", "Exporter…")
        self.history_action = a("historyAction", "Historique")
        self.new_lens_action = a("newLensAction", "Nouveau verre", self.new_lens, QKeySequence.StandardKey.New,
                                 "Ajouter un verre au catalogue")
        self.edit_lens_action = a("editLensAction", "Modifier", self.edit_lens, "Ctrl+E",
                                  "Modifier le verre sélectionné")
        self.duplicate_lens_action = a("duplicateLensAction", "Dupliquer", self.duplicate_lens, "Ctrl+D",
                                       "Créer un verre à partir du verre sélectionné")
        self.delete_lens_action = a("deleteLensAction", "Supprimer", self.delete_lenses,
                                    QKeySequence.StandardKey.Delete, "Supprimer les verres sélectionnés")
        self.undo_action = a("undoAction", "Annuler la suppression", self.undo_delete,
                             QKeySequence.StandardKey.Undo, "Rétablir les derniers verres supprimés")
        self.lens_history_action = a("lensHistoryAction", "Historique du verre", self.show_lens_history,
                                     None, "Qui a modifié ce verre, et quand")
        self.history_action.triggered.connect(self.show_history)
        self.history_action.setToolTip("Qui a modifié quoi, et quand ; restaurer un verre supprimé")
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.references_action = a("referencesAction", "Fournisseurs et références…", self.show_references,
                                   None, "Ajouter, renommer, fusionner ou supprimer fournisseurs, gammes, séries, matériaux")
        self.import_action.triggered.connect(self.show_import)
        self.import_action.setToolTip("Importer un catalogue fournisseur (CSV, Excel, JSON)")
        self.export_action.triggered.connect(self.export_view)
        self.export_action.setToolTip("Exporter les verres affichés (CSV, Excel, JSON)")
        self.pending_actions: list[QAction] = []
        for action in self.pending_actions:
            action.setVisible(False)
            action.setEnabled(False)
        self.write_actions = [self.new_lens_action, self.edit_lens_action, self.duplicate_lens_action,
                              self.delete_lens_action, self.undo_action, self.import_action,
                              self.restore_action, self.remove_sample_action, self.references_action]
        self._undo_stack: list[list[LensDetail]] = []

        toolbar = QToolBar("Outils", self)
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.view_toggle_action)
        toolbar.addSeparator()
        for action in (self.new_lens_action, self.edit_lens_action, self.duplicate_lens_action,
                       self.delete_lens_action, self.undo_action, self.backup_action, self.history_action):
            toolbar.addAction(action)
        toolbar.addAction(self.import_action)
        toolbar.addAction(self.export_action)
        toolbar.addSeparator()
        toolbar.addAction(self.admin_action)
        self.addToolBar(toolbar)

        menu = self.menuBar()
        file_menu = menu.addMenu("&Fichier")
        file_menu.addActions([self.import_action, self.export_action])
        file_menu.addSeparator()
        quit_action = QAction("Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        lens_menu = menu.addMenu("&Catalogue")
        lens_menu.addActions([self.find_action, self.new_lens_action, self.edit_lens_action,
                              self.duplicate_lens_action, self.delete_lens_action, self.undo_action])
        lens_menu.addSeparator()
        lens_menu.addActions([self.lens_history_action, self.history_action])
        lens_menu.addSeparator()
        lens_menu.addAction(self.references_action)
        lens_menu.addSeparator()
        lens_menu.addAction(self.remove_sample_action)
        view_menu = menu.addMenu("&Affichage")
        view_menu.addAction(self.view_toggle_action)
        data_menu = menu.addMenu("&Données")
        data_menu.addActions([self.backup_action, self.restore_action])
        data_menu.addSeparator()
        data_menu.addActions([self.integrity_action, self.quick_check_action])
        upkeep_menu = data_menu.addMenu("Maintenance")
        upkeep_menu.addActions([self.vacuum_action, self.analyze_action, self.reindex_action,
                                self.slow_queries_action])
        admin_menu = menu.addMenu("Ad&ministration")
        admin_menu.addAction(self.admin_action)

    def _connect(self) -> None:
        self.filters.changed.connect(self.apply_filters)
        self.filters.search_box.returnPressed.connect(self.filters.flush_search)
        self.model.countReady.connect(self._show_count)
        self.model.queryFailed.connect(lambda message: self.statusBar().showMessage(message, 8000))
        self.model.modelReset.connect(self._after_reset)
        self.table.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self.gallery.selectionModel().currentChanged.connect(self._gallery_item_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_current_lens())
        self.gallery.doubleClicked.connect(lambda _index: self.open_current_lens())

    # ------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1500, 900)
        splitter = s.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)
        header = s.value("table/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
        sort = str(s.value("table/sort", "nom"))
        descending = str(s.value("table/descending", "false")).lower() == "true"
        if sort not in SORT_KEYS:
            sort = "nom"
        self._sort_key, self._descending = sort, descending
        header_view = self.table.horizontalHeader()
        header_view.blockSignals(True)
        header_view.setSortIndicator(
            COLUMN_KEYS.index(sort),
            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder,
        )
        header_view.blockSignals(False)
        if str(s.value("view/mode", "table")) == "gallery":
            self.set_view(GALLERY_VIEW)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.setValue("table/sort", self._sort_key)
        s.setValue("table/descending", "true" if self._descending else "false")
        s.setValue("view/mode", "gallery" if self.stack.currentIndex() == GALLERY_VIEW else "table")
        s.sync()

    # ------------------------------------------------------------ filters and table
    def apply_filters(self) -> None:
        selected = self.current_lens_id()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        try:
            self.model.set_query(self.filters.build_query(self._sort_key, self._descending))
        finally:
            QGuiApplication.restoreOverrideCursor()
        if selected is not None:
            self.select_lens(selected)

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        self._sort_key = COLUMN_KEYS[column]
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.model.set_query(replace(self.model.query, sort=self._sort_key, descending=self._descending))

    def _show_count(self, count: int) -> None:
        self.count_label.setText(format_count(count))

    def _after_reset(self) -> None:
        if self.model.total_count() is None:
            self.count_label.setText("Comptage…")
        if self.current_lens_id() is None:
            self.detail.show_lens(None)

    def current_lens_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(self.model.index(index.row(), 0), ID_ROLE)
        return int(value) if value is not None else None

    def select_lens(self, lens_id: int) -> bool:
        row = self.model.row_of_lens(lens_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.show_lens(None)
            return
        gallery_index = self.model.index(current.row(), 0)
        if self.gallery.currentIndex().row() != current.row():
            self.gallery.selectionModel().setCurrentIndex(
                gallery_index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        self._show_detail(current.row())

    def _gallery_item_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid() or self.table.currentIndex().row() == current.row():
            return
        self.table.selectionModel().setCurrentIndex(
            self.model.index(current.row(), 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _show_detail(self, row: int) -> None:
        lens_id = self.model.lens_id_at(row)
        if lens_id is None:
            self.detail.show_lens(None)
            return
        try:
            self.detail.show_lens(catalogue.get_lens(self.db, lens_id))
        except CatalogueError as exc:
            self.detail.show_lens(None)
            self.statusBar().showMessage(exc.message, 8000)

    def open_current_lens(self) -> None:
        """Enter / double-click: edit the lens in admin mode, else show its engraving large."""
        if self.detail.lens is None:
            return
        if self.admin_mode:
            self.edit_lens()
        else:
            self.detail.zoom()

    # ------------------------------------------------------------ editing
    def require_admin(self) -> bool:
        return self.admin_mode or self.ask_admin()

    def lens_dialog(self, lens: LensDetail | None = None, duplicate: bool = False) -> LensDialog:
        """The dialog for a new, edited or duplicated lens (not shown; tests drive it)."""
        dialog = LensDialog(self.db, lens, duplicate=duplicate, parent=self)
        if lens is not None and not duplicate:
            dialog.saved.connect(self._lens_edited)
        else:
            dialog.saved.connect(self._lens_added)
        return dialog

    @staticmethod
    def _run_modal(dialog: QDialog) -> int:
        """Run a dialog, then free it (a dialog parented to the window would live on)."""
        try:
            return int(dialog.exec())
        finally:
            dialog.deleteLater()

    def new_lens(self) -> None:
        if self.require_admin():
            self._run_modal(self.lens_dialog())

    def edit_lens(self) -> None:
        if self.detail.lens is None or not self.require_admin():
            return
        try:
            lens = catalogue.get_lens(self.db, self.detail.lens.id)
        except CatalogueError as exc:
            QMessageBox.warning(self, "Verre introuvable", exc.message)
            self.reload()
            return
        self._run_modal(self.lens_dialog(lens))

    def duplicate_lens(self) -> None:
        if self.detail.lens is not None and self.require_admin():
            self._run_modal(self.lens_dialog(self.detail.lens, duplicate=True))

    def _lens_edited(self, lens_id: int) -> None:
        self.filters.reload()
        self.model.update_lens_row(lens_id)
        if self.detail.lens is not None and self.detail.lens.id == lens_id:
            self.detail.show_lens(catalogue.get_lens(self.db, lens_id))
        self.statusBar().showMessage("Verre enregistré.", 5000)

    def _lens_added(self, lens_id: int) -> None:
        self.reload()
        if not self.select_lens(lens_id):
            self.statusBar().showMessage(
                "Verre ajouté (il n'apparaît pas avec les filtres actuels).", 8000
            )
            return
        self.statusBar().showMessage("Verre ajouté.", 5000)

    def history_dialog(self, lens_only: bool = False) -> HistoryDialog:
        lens = self.detail.lens if lens_only else None
        dialog = HistoryDialog(
            self.db,
            lens_id=lens.id if lens else None,
            lens_label=lens.nom if lens else "",
            can_restore=self.admin_mode,
            parent=self,
        )
        dialog.lensRestored.connect(self._lens_restored)
        return dialog

    def references_dialog(self) -> ReferencesDialog:
        dialog = ReferencesDialog(self.db, self)
        dialog.changed.connect(self.reload)
        return dialog

    def show_references(self) -> None:
        if self.require_admin():
            self._run_modal(self.references_dialog())

    def import_dialog(self) -> ImportDialog:
        dialog = ImportDialog(self.db, self.jobs, self)
        dialog.imported.connect(lambda _report: self.reload())
        return dialog

    def show_import(self) -> None:
        if self.require_admin():
            self._run_modal(self.import_dialog())

    def export_view(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self, "Exporter les verres affichés", "catalogue.csv",
            "CSV pour tableur (*.csv);;Excel (*.xlsx);;JSON (*.json)",
        )
        if path:
            self.data_actions.export(Path(path))

    def show_history(self) -> None:
        dialog = self.history_dialog()
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def show_lens_history(self) -> None:
        if self.detail.lens is not None:
            dialog = self.history_dialog(lens_only=True)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()

    def _lens_restored(self, lens_id: int) -> None:
        self.reload()
        self.reveal_lens(lens_id)
        self.statusBar().showMessage("Verre restauré depuis l'historique.", 8000)

    def selected_lens_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.lens_id_at(row) for row in rows]
        return [i for i in ids if i is not None]

    def delete_lenses(self, confirm: bool = True) -> int:
        ids = self.selected_lens_ids()
        if not ids or not self.require_admin():
            return 0
        if confirm:
            what = "ce verre" if len(ids) == 1 else f"ces {len(ids)} verres"
            answer = QMessageBox.question(
                self, "Supprimer", f"Supprimer {what} du catalogue ?\n\nCtrl+Z permet d'annuler.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return 0
        try:
            snapshots = list(catalogue.delete_lenses(self.db, ids).snapshots)
        except CatalogueError as exc:
            QMessageBox.warning(self, "Suppression impossible", exc.message)
            return 0
        self._undo_stack.append(snapshots)
        self._update_undo()
        self.reload()
        self.statusBar().showMessage(
            f"{format_count(len(snapshots))} supprimé{'s' if len(snapshots) > 1 else ''} — Ctrl+Z pour annuler.",
            10000,
        )
        return len(snapshots)

    def undo_delete(self) -> int:
        if not self._undo_stack or not self.require_admin():
            return 0
        snapshots = self._undo_stack.pop()
        restored: list[int] = []
        try:
            for snapshot in snapshots:
                restored.append(catalogue.restore_lens(self.db, snapshot).lens_id)
        except CatalogueError as exc:
            QMessageBox.warning(self, "Annulation incomplète", exc.message)
        self._update_undo()
        self.reload()
        if restored:
            self.select_lens(restored[0])
        self.statusBar().showMessage(f"{format_count(len(restored))} rétabli(s).", 8000)
        return len(restored)

    def _update_undo(self) -> None:
        self.undo_action.setEnabled(self.admin_mode and bool(self._undo_stack))
        if self._undo_stack:
            n = len(self._undo_stack[-1])
            self.undo_action.setText(f"Annuler la suppression ({format_count(n)})")
        else:
            self.undo_action.setText("Annuler la suppression")

    def keyPressEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.table.hasFocus() or self.gallery.hasFocus()
        ):
            self.open_current_lens()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ view
    def toggle_view(self) -> None:
        self.set_view(GALLERY_VIEW if self.stack.currentIndex() == TABLE_VIEW else TABLE_VIEW)

    def set_view(self, which: int) -> None:
        self.stack.setCurrentIndex(which)
        self.view_toggle_action.blockSignals(True)
        self.view_toggle_action.setChecked(which == GALLERY_VIEW)
        self.view_toggle_action.blockSignals(False)
        self.view_toggle_action.setText("Tableau" if which == GALLERY_VIEW else "Galerie")
        current = self.table.currentIndex()
        if which == GALLERY_VIEW and current.isValid():
            self.gallery.scrollTo(self.model.index(current.row(), 0))
        elif current.isValid():
            self.table.scrollTo(current)

    def focus_search(self) -> None:
        self.filters.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search_box.selectAll()

    # ------------------------------------------------------------ admin mode
    def unlock_admin(self, password: str) -> bool:
        """What the admin dialog does, for tests and tools."""
        self.unlock_error = ""
        if self.db.read_only:
            self.unlock_error = self.db.read_only_reason or "Base en lecture seule."
        else:
            try:
                if admin.unlock(self.db, password):
                    self.set_admin_mode(True)
                    return True
                self.unlock_error = "Mot de passe incorrect."
            except CatalogueError as exc:
                self.unlock_error = exc.message
        self.statusBar().showMessage(self.unlock_error, 8000)
        return False

    def idle_minutes(self) -> int:
        try:
            return max(1, int(str(self.settings.value("admin/idle_minutes", 15))))
        except ValueError:
            return 15

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.admin_mode and event.type() in _ACTIVITY_EVENTS:
            self._idle_timer.start(self.idle_minutes() * 60_000)
        return False

    def _idle_lock(self) -> None:
        if self.admin_mode:
            self.set_admin_mode(False)
            self.statusBar().showMessage(
                f"Mode administrateur verrouillé après {self.idle_minutes()} min d'inactivité.", 10000
            )

    def set_admin_mode(self, enabled: bool) -> None:
        self.admin_mode = enabled and not self.db.read_only
        if self.admin_mode:
            self._idle_timer.start(self.idle_minutes() * 60_000)
        else:
            self._idle_timer.stop()
        self._apply_admin_state()
        self.adminModeChanged.emit(self.admin_mode)
        self.statusBar().showMessage(
            "Mode administrateur : modifications autorisées." if self.admin_mode
            else "Catalogue verrouillé : consultation seule.",
            5000,
        )

    def toggle_admin(self) -> None:
        if self.admin_mode:
            self.set_admin_mode(False)
            return
        self.admin_action.setChecked(False)
        self.ask_admin()

    def ask_admin(self) -> bool:
        if self.db.read_only:
            QMessageBox.information(self, "Lecture seule", self.db.read_only_reason or "Base en lecture seule.")
            return False
        dialog = AdminDialog(first_time=not admin.has_password(self.db), parent=self)
        try:
            while dialog.exec() == AdminDialog.DialogCode.Accepted:
                if self.unlock_admin(dialog.password.text()):
                    return True
                dialog.show_error(self.unlock_error)
            return False
        finally:
            dialog.deleteLater()

    def _apply_admin_state(self) -> None:
        self.admin_action.blockSignals(True)
        self.admin_action.setChecked(self.admin_mode)
        self.admin_action.blockSignals(False)
        self.admin_action.setText("Verrouiller" if self.admin_mode else "Mode administrateur")
        for action in self.write_actions:
            if action not in self.pending_actions:
                action.setEnabled(self.admin_mode)
        self._update_undo()
        self.remove_sample_button.setToolTip(
            "" if self.admin_mode else "Demande le mot de passe administrateur."
        )

    # ------------------------------------------------------------ sample
    def _refresh_banners(self) -> None:
        has_sample = sample.has_sample(self.db)
        self.banner.setVisible(has_sample)
        self.remove_sample_action.setVisible(has_sample)
        self.readonly_banner.setVisible(self.db.read_only)
        self.readonly_banner.setText(self.db.read_only_reason or "")

    def remove_sample(self) -> None:
        if not self.admin_mode and not self.ask_admin():
            return
        answer = QMessageBox.question(
            self,
            "Supprimer les données d'exemple",
            "Supprimer tous les verres du catalogue d'exemple ? Vos propres verres sont conservés.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.remove_sample_now()

    def remove_sample_now(self) -> int:
        try:
            removed = sample.remove_sample(self.db)
        except CatalogueError as exc:
            QMessageBox.warning(self, "Suppression impossible", exc.message)
            return 0
        self.reload()
        self.statusBar().showMessage(f"{format_count(removed)} d'exemple supprimés.", 8000)
        return removed

    def set_database(self, db: Database) -> None:
        """Switch every part to another open database (after a restore)."""
        self.db = db
        self.model.set_database(db)
        self.filters.set_database(db)
        self.images.set_database(db)
        self.detail.show_lens(None)
        self._undo_stack.clear()
        self.set_admin_mode(self.admin_mode)
        self.reload()

    def set_busy(self, busy: bool) -> None:
        """While the catalogue is being replaced, nothing else may read or write it."""
        self.centralWidget().setEnabled(not busy)
        for action in self.findChildren(QAction):
            if action is not self.view_toggle_action and action.objectName():
                action.setEnabled(not busy and (action not in self.write_actions or self.admin_mode))
        if busy:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QGuiApplication.restoreOverrideCursor()
            self._apply_admin_state()

    def reveal_lens(self, lens_id: int) -> bool:
        """Select a lens in the table, clearing the filters when they hide it."""
        if self.select_lens(lens_id):
            return True
        for attempt in range(2):
            ids = catalogue.lens_ids(self.db, self.model.query)
            try:
                row = ids.index(lens_id)
            except ValueError:
                if attempt == 0:
                    self.filters.clear()
                continue
            self.model.row_at(row)
            return self.select_lens(lens_id)
        self.statusBar().showMessage(f"Le verre n° {lens_id} n'existe plus.", 8000)
        return False

    def reload(self) -> None:
        """Re-read everything after the catalogue changed underneath (edit, import, restore)."""
        self.filters.reload()
        self.apply_filters()
        self._refresh_banners()

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        running = [job for job in self.jobs.running if job.exclusive]
        if running:
            answer = QMessageBox.question(
                self,
                "Tâche en cours",
                f"« {running[0].name} » est en cours. L'annuler et fermer ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.save_settings()
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Cancel jobs and wait for their threads (also used by tests at teardown)."""
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self._idle_timer.stop()
        self.jobs.shutdown()
        for dialog in self.findChildren(ImportDialog):
            dialog.discard_preview()  # a preview left open: its temporary file goes too
        self.db.wait_for_checkpoint()  # an import's WAL copied into the file before leaving


_ACTIVITY_EVENTS = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.Wheel,
}
