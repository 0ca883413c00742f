"""The main window: lays out the filter panel, the results (``ResultsArea``: notices, table or
gallery, empty-result message) and the detail pane, keeps the window's settings and keeps the
selection in step across them.

Everything else lives elsewhere: the actions in ``gui.actions`` (one table), editing, admin mode,
data protection and transfer in ``gui.controllers`` (which see this window only through
``WindowPort``), database calls in ``gui.ops``, what a write changed in ``gui.events``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QModelIndex, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QMainWindow,
    QMessageBox,
    QSplitter,
    QWidget,
)

from data.catalogue import Changes, LensDetail
from data.database import Database
from data.query import LensQuery
from gui import window_settings
from gui.actions import ActionSet, Rule
from gui.controllers.admin import AdminMode
from gui.controllers.lens_editing import LensEditing
from gui.controllers.protection import Protection
from gui.controllers.settings import SettingsControl
from gui.controllers.transfer import Transfer
from gui.events import Events
from gui.images import ImageStore
from gui.models.lens_columns import COLUMN_KEYS, ID_ROLE, format_count
from gui.models.lens_table import LensTableModel
from gui.ops import Ops
from gui.widgets.detail_pane import DetailPane
from gui.widgets.empty_result import WayOut, take_way_out
from gui.widgets.filter_panel import FilterPanel
from gui.widgets.filter_side import FilterSide
from gui.widgets.results_area import GALLERY_VIEW, TABLE_VIEW, ResultsArea
from gui.widgets.status_notice import fill_status_bar
from gui.workers.jobs import Job, JobRunner
from gui.written_lens import Located, WrittenLens

log = logging.getLogger("engravedetect.gui")


class MainWindow(QMainWindow):
    adminModeChanged = Signal(bool)

    def __init__(self, db: Database, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setWindowTitle("EngraveDetect Catalogue")
        self.settings = settings
        self._jobs = JobRunner(self)
        self._ops = Ops(db, self._jobs, self)
        self._events = Events(self)
        self._reselect: int | None = None  # a lens to select once the running query is shown
        self._reveal: int | None = None  # a lens to look for once the cleared filters are shown
        self._focus_first = False  # the first result to focus once the running query is shown
        self.images = ImageStore(db, db.settings.data_dir / "cache" / "images", parent=self)

        self.model = LensTableModel(self._ops, self)
        self.filters = FilterPanel(self._ops, self, events=self._events)
        self.results = ResultsArea(self.model, self._ops, self._events, self.images, self)
        self.table, self.gallery, self.stack = self.results.table, self.results.gallery, self.results.stack
        self.banner, self.readonly_banner = self.results.banner, self.results.readonly_banner
        self.empty_message = self.results.empty_message
        self.detail = DetailPane(self.images, self, ops=self._ops, events=self._events)
        self.written = WrittenLens(self.model, self._ops, self.results.select_row)
        self._lay_out()

        self.admin = AdminMode(self, self)
        self.editing = LensEditing(self, self.admin, self)
        self.protection = Protection(self, self.admin, self)
        self.transfer = Transfer(self, self.admin, self)
        self.back_office = SettingsControl(self, self.admin, self)
        self.action_set = ActionSet(self, self._slots())
        self._connect()
        self._restore_settings()
        self.apply_filters()
        self.readonly_banner.show_reason(db.read_only, db.read_only_reason)
        self.banner.refresh()
        self._admin_changed(False)

    # ------------------------------------------------------------ building
    def _lay_out(self) -> None:
        self.filter_side = FilterSide(self.filters, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        for widget in (self.filter_side, self.results, self.detail):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 1000, 320])
        self.setCentralWidget(self.splitter)
        self.notice, self.job_status, self.count_label = fill_status_bar(self)

    def _slots(self) -> dict[str, Callable[[], object]]:
        e, p, t = self.editing, self.protection, self.transfer
        return {
            "toggle_view": self.toggle_view, "focus_search": self.focus_search, "toggle_admin": self.admin.toggle,
            "remove_sample": e.remove_sample, "backup": p.backup, "restore": p.choose_restore,
            "check": p.check, "quick_check": lambda: p.check(quick=True), "vacuum": p.vacuum,
            "analyze": p.analyze, "reindex": p.reindex, "slow_queries": p.show_slow_queries,
            "import_": t.show_import, "export": t.export_view, "history": e.show_history,
            "new_lens": e.new_lens, "edit_lens": e.edit_lens, "duplicate_lens": e.duplicate_lens,
            "delete_lenses": e.delete_lenses, "undo": e.undo_delete,
            "lens_history": lambda: e.show_history(lens_only=True), "references": e.show_references,
            "settings": self.back_office.show_settings, "change_password": self.back_office.change_password,
            "symbols": e.show_symbols,
            "quit": self.close,
        }

    def _connect(self) -> None:
        self.filters.changed.connect(self.apply_filters)
        self.filters.search_box.returnPressed.connect(self.filters.flush_search)
        self.filters.statusMessage.connect(lambda message: self.show_status(message, 4000))
        self.filters.resultsRequested.connect(self.focus_results)
        self.model.countReady.connect(lambda n: self.count_label.setText(self.results.count_text(n)))
        self.empty_message.wayOutChosen.connect(self.take_way_out)
        self.model.queryFailed.connect(lambda message: self.show_status(message, 8000))
        self.model.modelReset.connect(self._after_reset)
        self.model.firstPageReady.connect(self._first_page_ready)
        self.model.firstPagePainted.connect(self.filters.read_lists_now)
        self._ops.unavailable.connect(lambda message: self.show_status(message, 15000))
        self._ops.failed.connect(lambda message: self.show_status(message, 8000))
        self._events.changed.connect(self._catalogue_changed)
        self._events.database_replaced.connect(self._database_replaced)
        self.admin.changed.connect(self._admin_changed)
        self.editing.undoChanged.connect(self._undo_changed)
        self.banner.remove_button.clicked.connect(self.editing.remove_sample)
        self.banner.sampleShown.connect(self.action_set["removeSampleAction"].setVisible)
        self.detail.readFailed.connect(lambda message: self.show_status(message, 8000))
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_changed)
        self.table.selectionModel().currentRowChanged.connect(self._table_row_changed)
        self.table.doubleClicked.connect(lambda _index: self.open_current_lens())
        self.gallery.doubleClicked.connect(lambda _index: self.open_current_lens())

    # ------------------------------------------------------------ WindowPort
    @property
    def db(self) -> Database:
        return self._ops.db

    @property
    def ops(self) -> Ops:
        return self._ops

    @property
    def events(self) -> Events:
        return self._events

    @property
    def jobs(self) -> JobRunner:
        return self._jobs

    def parent_widget(self) -> QWidget:
        return self

    def show_status(self, message: str, timeout_ms: int = 5000) -> None:
        self.notice.dismiss()
        self.statusBar().showMessage(message, timeout_ms)

    def offer_to_clear_filters(self, message: str, lens_id: int) -> None:
        self.statusBar().clearMessage()
        self.notice.show_notice(message, "Effacer les filtres", lambda: self.reveal_lens(lens_id))

    def current_lens(self) -> LensDetail | None:
        return self.detail.lens

    def current_query(self) -> LensQuery:
        return self.model.query

    def follow_job(self, job: Job, text: str, cancellable: bool = True) -> None:
        self.job_status.follow(job, text, cancellable)

    def action(self, name: str) -> QAction:
        return self.action_set[name]

    # ------------------------------------------------------------ settings
    def _restore_settings(self) -> None:
        self._sort, gallery = window_settings.restore(self.settings, self, self.splitter, self.table)
        if gallery:
            self.set_view(GALLERY_VIEW)

    def save_settings(self) -> None:
        window_settings.save(self.settings, self, self.splitter, self.table, self._sort,
                             self.stack.currentIndex() == GALLERY_VIEW)

    # ------------------------------------------------------------ filters and table
    def apply_filters(self) -> None:
        self._reselect = self.current_lens_id()
        self.model.set_query(self.filters.build_ticked_query(self._sort.key, self._sort.descending))  # box read by the model

    def _sort_changed(self, column: int, order: Qt.SortOrder) -> None:
        """A header click: the user's sort, in SQL; on a ranked result, the ranked set's order
        only (the user's sort comes back when the box is cleared)."""
        self._reselect = self.current_lens_id()
        if self.model.ranked:
            self.model.sort(column, order)
            return
        self._sort = window_settings.Sort(COLUMN_KEYS[column], order == Qt.SortOrder.DescendingOrder)
        self.model.set_query(replace(self.model.query, sort=self._sort.key, descending=self._sort.descending))

    def take_way_out(self, way: WayOut) -> None:
        """A way out of an empty result: the box's text edited (and lists cleared)."""
        take_way_out(self.filters, way)

    def focus_results(self) -> None:
        """Enter or Down in the search box: the first result selected and focused (once the
        result being read is shown)."""
        if self.model.loading:
            self._focus_first = True
            return
        self._focus_first = False
        self.results.focus_first()

    def _after_reset(self) -> None:
        if self.model.total_count() is None:
            self.count_label.setText("Comptage…")
        if self.current_lens_id() is None:
            self.detail.show_lens(None)

    def _first_page_ready(self) -> None:
        """The query's first rows are shown: select the lens that was (or is to be) selected."""
        keep, self._reselect = self._reselect, None
        if not self.written.first_page_ready() and keep is not None:
            self.select_lens(keep)
        if self.model.rowCount():
            self.empty_message.dismiss()
        if self._focus_first:
            self.focus_results()
        reveal, self._reveal = self._reveal, None
        if reveal is not None:
            self.model.locate_lens(reveal, lambda row: self._revealed(reveal, row, cleared=True))

    def current_lens_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        value = self.model.data(self.model.index(index.row(), 0), ID_ROLE)
        return int(value) if value is not None else None

    def selected_lens_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        ids = [self.model.lens_id_at(row) for row in rows]
        return [i for i in ids if i is not None]

    def select_lens(self, lens_id: int) -> bool:
        """Select a lens of the shown result; while a query runs, once its rows are shown."""
        if self.model.loading:
            self._reselect = lens_id
            return True
        row = self.model.row_of_lens(lens_id)
        if row is None:
            return False
        self.results.select_row(row)
        return True

    def select_written_lens(self, lens_id: int, done: Located) -> None:
        self.written.locate(lens_id, done)

    def reveal_lens(self, lens_id: int) -> None:
        """Select a lens in the table, clearing the filters when they hide it. Its row comes from
        the rows in memory, else from one read of the result's ids (never two)."""
        if not self.model.loading and self.select_lens(lens_id):
            return
        self.model.locate_lens(lens_id, lambda row: self._revealed(lens_id, row, cleared=False))

    def _revealed(self, lens_id: int, row: int | None, cleared: bool) -> None:
        if row is not None:
            self.results.select_row(row)
        elif not cleared:
            self._reveal = lens_id
            self.filters.clear()
        else:
            self.show_status(f"Le verre n° {lens_id} n'existe plus.", 8000)

    def _table_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.action_set.set_state(Rule.SELECTION, current.isValid())
        if not current.isValid():
            self.detail.show_lens(None)
            return
        self.results.follow_table(current)
        self.detail.show_lens_id(self.model.lens_id_at(current.row()))

    def open_current_lens(self) -> None:
        """Enter / double-click: edit the lens in admin mode, else show its engraving large."""
        if self.detail.lens is None:
            return
        if self.admin.enabled:
            self.editing.edit_lens()
        else:
            self.detail.zoom()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            self.table.hasFocus() or self.gallery.hasFocus()
        ):
            self.open_current_lens()
            return
        super().keyPressEvent(event)

    # ------------------------------------------------------------ what changed
    def _catalogue_changed(self, changes: Changes) -> None:
        """A write: the table repaints the touched rows, or re-runs its query keeping the
        selection (the detail pane, the filter lists and the banner see to themselves)."""
        if changes.everything or changes.created or changes.deleted or changes.references:
            self._reselect = self.current_lens_id()
        self.model.apply_changes(changes)

    def _database_replaced(self, db: Database) -> None:
        """Another database is open (after a restore): every part switches to it."""
        self._ops.set_database(db)
        self.model.set_database(db)
        self.images.set_database(db)
        self.admin.set_enabled(self.admin.enabled)
        self.readonly_banner.show_reason(db.read_only, db.read_only_reason)

    # ------------------------------------------------------------ admin mode and view
    def unlock_admin(self, password: str) -> bool:
        """What the admin dialog does, for tests and tools."""
        return self.admin.unlock(password)

    @property
    def admin_mode(self) -> bool:
        return self.admin.enabled

    def _admin_changed(self, enabled: bool) -> None:
        action = self.action_set["adminModeAction"]
        action.blockSignals(True)
        action.setChecked(enabled)
        action.blockSignals(False)
        action.setText("Verrouiller" if enabled else "Mode administrateur")
        self.action_set.set_state(Rule.ADMIN, enabled)
        self.banner.set_admin(enabled)
        self.adminModeChanged.emit(enabled)

    def _undo_changed(self, count: int) -> None:
        self.action_set.set_state(Rule.UNDO, count > 0)
        self.action_set["undoAction"].setText(
            f"Annuler la suppression ({format_count(count)})" if count else "Annuler la suppression"
        )

    def toggle_view(self) -> None:
        self.set_view(GALLERY_VIEW if self.stack.currentIndex() == TABLE_VIEW else TABLE_VIEW)

    def set_view(self, which: int) -> None:
        self.results.set_view(which)
        count = self.model.total_count()
        if count is not None:  # the gallery's part of the count comes and goes with it
            self.count_label.setText(self.results.count_text(count))
        toggle = self.action_set["viewToggleAction"]
        toggle.blockSignals(True)
        toggle.setChecked(which == GALLERY_VIEW)
        toggle.blockSignals(False)
        toggle.setText("Tableau" if which == GALLERY_VIEW else "Galerie")

    def focus_search(self) -> None:
        self.filters.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search_box.selectAll()

    def set_busy(self, busy: bool) -> None:
        """While the catalogue is being replaced, nothing else may read or write it."""
        central = self.centralWidget()
        if central is not None:
            central.setEnabled(not busy)
        self.action_set.set_busy(busy)
        if busy:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        else:
            QGuiApplication.restoreOverrideCursor()

    # ------------------------------------------------------------ closing
    def closeEvent(self, event: QCloseEvent) -> None:
        running = [job for job in self._jobs.running if job.exclusive]
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
        self.admin.shutdown()
        self.model.shutdown()
        self._jobs.shutdown()
        self.images.shutdown()
        self.transfer.discard_previews()
        self.db.wait_for_checkpoint()  # an import's WAL copied into the file before leaving

