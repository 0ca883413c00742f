"""The lens table model: rows come from SQL a page at a time, never the whole result at once.

On a query change the model reads the first page and asks for the total count through
``gui.ops`` — inline when ops says the catalogue is small and local, in a pool thread otherwise
(the count started once the first page is painted, so that it never competes with that paint),
so the window never waits on it. A write's ``Changes`` repaint only the touched rows (like
calibre's ``refresh_ids``); a created or deleted lens re-runs the query. Further pages are read
when the view first paints them (``gui.models.result_rows``); each cell is written by
``gui.models.lens_columns``.

Ranked mode (``gui.models.answers``): when the box holds a text word, the first answer is the
ranked search's ids, best first, each with its reason; the rows are read by id a page at a time
as the view paints them, the count is the number of ids, and a « Pertinence » column (logical
column ``COL_REASON``, after the sortable ones) and the tooltip of every cell say why each lens
matched. A header click sorts the ranked set by that column in Python (``sort``); the Pertinence
header brings the ranked order back; the user's sort (``LensQuery.sort``) is left untouched, so
that clearing the box returns to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)

from data import catalogue
from data.catalogue import Changes, LensRow
from data.catalogue.values import RankedResult
from data.database import Database
from data.identify import ParsedQuery, Vocabulary
from data.query import LensQuery
from gui.models.answers import Answer, first_answer, resort
from gui.models.lens_columns import (
    COL_REASON,
    COLUMN_KEYS,
    COLUMNS,
    PAINTED_ROLES,
    answers_role,
    cell_data,
    header_data,
    item_flags,
    painted_cells,
)
from gui.models.result_rows import ResultRows
from gui.ops import Ops
from gui.workers.jobs import JobRunner


class LensTableModel(QAbstractTableModel):
    countReady = Signal(int)
    firstPageReady = Signal()
    firstPagePainted = Signal()  # the view has painted the first page: later reads may start
    queryFailed = Signal(str)

    PAGE_SIZE = ResultRows.PAGE_SIZE
    COUNT_UNPAINTED_MS = 100  # reads waiting for a paint that does not come start after this

    def __init__(self, source: Database | Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = source if isinstance(source, Ops) else Ops(source, parent=self)
        self._query = LensQuery()  # the query whose rows are shown
        self._requested = self._query  # the latest query asked for (may still be loading)
        self._generation = 0
        self._ids_runner = JobRunner(self, max_threads=1)
        self._rows = ResultRows(self._ops, self._ids_runner, self._rows_arrived, self.queryFailed.emit)
        self._paint_waiting: int | None = None  # the generation whose first paint is awaited
        self._paint_seen: int | None = None  # the generation whose first paint has started
        # The row whose painted cells were worked out last (``data``), and the rows' version then.
        self._cells_row = -1
        self._cells_version = -1
        self._cells: dict[int, tuple[Any, ...]] = {}
        self._count_waiting: tuple[int, LensQuery] | None = None  # a count waiting for the paint
        self._sql = self._query  # the query the sorted pages and the count run (box text read)
        self._ranked: RankedResult | None = None  # the ranked result shown, best first
        self._ranked_sort: tuple[str, bool] | None = None  # a column's order over the ranked set
        self._parsed: ParsedQuery | None = None
        self._vocabulary: Vocabulary | None = None  # the names the box knows, kept until they change

    # ----------------------------------------------------------- queries
    @property
    def query(self) -> LensQuery:
        """The latest query asked for (its rows may still be loading)."""
        return self._requested

    @property
    def shown_query(self) -> LensQuery:
        return self._query

    @property
    def ranked(self) -> bool:
        """Whether the rows shown are a ranked result (the box holds a text word)."""
        return self._ranked is not None

    @property
    def ranked_result(self) -> RankedResult | None:
        return self._ranked

    @property
    def cut(self) -> bool:
        """A ranked result holding only the best lenses (the words were too vague)."""
        return self._ranked is not None and self._ranked.cut

    @property
    def shown_parsed(self) -> ParsedQuery | None:
        """How the box of the shown result was read (None for an empty box)."""
        return self._parsed

    @property
    def browse_query(self) -> LensQuery:
        """The query the shown rows run in SQL: the box's filter words applied, its text read."""
        return self._sql

    def sort_indicator(self) -> tuple[int, bool]:
        """The header section that orders the rows shown, and whether it is descending."""
        if self._ranked is not None:
            if self._ranked_sort is None:
                return COL_REASON, False
            return COLUMN_KEYS.index(self._ranked_sort[0]), self._ranked_sort[1]
        return COLUMN_KEYS.index(self._query.sort), self._query.descending

    def reason_at(self, row: int) -> str | None:
        """Why the lens of ``row`` matched the search (ranked mode only)."""
        if self._ranked is None:
            return None
        lens = self.row_at(row)
        return None if lens is None else self._ranked.reasons.get(lens.id)

    @property
    def loading(self) -> bool:
        return self._requested is not self._query

    @property
    def db(self) -> Database:
        return self._ops.db

    def total_count(self) -> int | None:
        return self._rows.count

    def set_database(self, db: Database) -> None:
        """Show the same query on another database (ops has switched to it already)."""
        if db is not self._ops.db:
            self._ops.set_database(db)
        self._vocabulary = None
        self.set_query(self._requested)

    def set_query(self, query: LensQuery) -> None:
        """Show ``query``'s result: first page, then the count.

        On a small catalogue both are read at once on the UI thread (a few milliseconds). On a
        large one, or on a server, the first page is read in a pool thread: the current rows stay
        on screen until it arrives, and a query replaced meanwhile is dropped when its page comes
        back. A failure leaves the current rows on screen and says why (``queryFailed``).
        """
        if query != self._requested:
            self._ranked_sort = None  # new words: best first again
        self._generation += 1
        self._requested = query
        self._rows.cancel_ids()
        self._ops.latest("table.count")  # the count of the query replaced is not wanted any more
        generation, size = self._generation, self.PAGE_SIZE
        known, order = self._vocabulary, self._ranked_sort
        self._ops.run(
            lambda db: first_answer(db, query, size, known, order),
            lambda answer: self._show_first_page(generation, answer),
            lambda exc: self._count_failed(generation, exc.message),
            key="table.page", quick=True, name="première page",
        )

    def _show_first_page(self, generation: int, answer: Answer) -> None:
        if generation != self._generation:
            return  # a newer query replaced this one meanwhile
        if answer.vocabulary is not None:
            self._vocabulary = answer.vocabulary
        self.beginResetModel()
        self._query, self._sql, self._parsed = answer.query, answer.sql, answer.parsed
        self._ranked, self._ranked_sort = answer.ranked, answer.ranked_sort
        ranked = answer.ranked is not None
        self._rows.start(generation, answer.sql, answer.rows, answer.shown if ranked else None, answer.read)
        self.endResetModel()
        self._paint_waiting = generation
        QTimer.singleShot(self.COUNT_UNPAINTED_MS, self, lambda: self._painted(generation))
        self.firstPageReady.emit()
        if self._rows.count is not None:
            self.countReady.emit(self._rows.count)
        elif self._small_catalogue():
            sql = self._sql
            self._ops.run(
                lambda db: catalogue.count_lenses(db, sql),
                lambda n: self._apply_count(generation, n),
                lambda exc: self._count_failed(generation, exc.message),
                key="table.count", quick=True, background=True, name="comptage",
            )
        else:
            # Once the view has painted the first page: a count starting at once would compete
            # with the paint for the interpreter (its SQL is built and its result read in
            # Python, and each cell the view paints asks the model in Python): the view's first
            # screen took 5 to 10 ms longer. The filter lists wait for the same moment
            # (``firstPagePainted``).
            self._count_waiting = (generation, self._sql)

    def refresh(self) -> None:
        """Re-read the current query (lenses created or deleted, an import, a restore), asked
        as a new equal value: ``loading`` holds until the rows that follow the write are shown."""
        self._ops.forget_size()
        self.set_query(replace(self._requested))

    def apply_changes(self, changes: Changes) -> None:
        """What a write changed: re-run the query when rows came or went (or names changed
        everywhere), else repaint only the touched rows."""
        if changes.everything or changes.references:
            self._vocabulary = None  # names may have come, gone or changed
        if changes.everything or changes.created or changes.deleted or changes.references:
            self.refresh()
        elif changes.lenses:
            self.refresh_ids(changes.lenses)

    def refresh_ids(self, ids: Iterable[int]) -> None:
        """Re-read the given lenses among the rows in memory and repaint their rows in place."""
        rows = {lens_id: row for lens_id in ids if (row := self.row_of_lens(lens_id)) is not None}
        if not rows:
            return
        generation, wanted = self._generation, list(rows)
        self._ops.run(lambda db: catalogue.lens_rows(db, wanted),
                      lambda fresh: self._repaint(generation, rows, fresh),
                      lambda exc: self.queryFailed.emit(exc.message), quick=True, name="verres modifiés")

    def _repaint(self, generation: int, rows: dict[int, int], fresh: list[LensRow]) -> None:
        if generation != self._generation:
            return  # the query changed meanwhile: its rows are read anew
        found = {lens.id: lens for lens in fresh}
        for lens_id, row in rows.items():
            if self._rows.replace(row, found.get(lens_id)):
                self.dataChanged.emit(self.index(row, 0), self.index(row, COL_REASON))

    def _small_catalogue(self) -> bool:
        return self._ops.inline_ok()

    def _paint_started(self) -> None:
        """Called from ``data`` while a first paint is awaited: the view is painting the first
        page (the first cell asked for), and a timer started now fires once that paint is over.
        Without a view painting (hidden window, tests), the moment comes after
        COUNT_UNPAINTED_MS all the same."""
        generation = self._paint_seen = self._paint_waiting
        if generation is not None:
            QTimer.singleShot(0, self, lambda: self._painted(generation))

    def _painted(self, generation: int) -> None:
        """The first page of ``generation`` is on screen (or waited for long enough): its count
        starts, then whoever waits for ``firstPagePainted``. Once per query; a replaced query's
        moment never comes."""
        if self._paint_waiting != generation or generation != self._generation:
            return
        self._paint_waiting = None
        waiting, self._count_waiting = self._count_waiting, None
        if waiting is not None and waiting[0] == generation:
            self._count_in_background(*waiting)
        self.firstPagePainted.emit()

    def _count_in_background(self, generation: int, query: LensQuery) -> None:
        if generation != self._generation:
            return  # replaced (or shut down) before the count could start
        self._ops.run(
            lambda db: catalogue.count_lenses(db, query),
            lambda n: self._apply_count(generation, n),
            lambda exc: self._count_failed(generation, exc.message),
            key="table.count", background=True, name="comptage",
        )

    def _count_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.queryFailed.emit(message)

    def _apply_count(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return  # a newer query replaced this one meanwhile
        rows = self._rows
        rows.count = count
        if count > rows.shown:
            self.beginInsertRows(QModelIndex(), rows.shown, count - 1)
            rows.shown = count
            rows.changed()
            self.endInsertRows()
        elif count < rows.shown:
            self.beginRemoveRows(QModelIndex(), count, rows.shown - 1)
            rows.shown = count
            rows.changed()
            self.endRemoveRows()
        self.countReady.emit(count)

    def shutdown(self) -> None:
        self._generation += 1
        self._rows.cancel_ids()
        self._ids_runner.shutdown()
        self._ops.shutdown()

    def locate_lens(self, lens_id: int, found: Callable[[int | None], None]) -> None:
        """The row of a lens in the shown result (None when it is not there, or when another
        query was asked for meanwhile)."""
        generation = self._generation
        self._rows.locate(lens_id, lambda row: found(row if generation == self._generation else None),
                          counted=lambda count: self._apply_count(generation, count))

    # ----------------------------------------------------------- rows
    @property
    def fetched_rows(self) -> int:
        """Cells of this many rows read from the database (for tests, bench)."""
        return self._rows.fetched_rows

    def _rows_arrived(self, first: int, last: int) -> None:
        """Rows read off the UI thread are in: the view paints them."""
        last = min(last, self._rows.shown - 1)
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, COL_REASON))

    def row_at(self, row: int) -> LensRow | None:
        """The lens of ``row`` (None while its page is being read off the UI thread)."""
        return self._rows.row(row)

    def cached_row(self, row: int) -> LensRow | None:
        """The row if its page is already in memory (no database read)."""
        return self._rows.cached(row)

    def lens_id_at(self, row: int) -> int | None:
        lens = self.row_at(row)
        return lens.id if lens else None

    @property
    def ids_loaded(self) -> bool:
        return self._rows.ids is not None

    def row_of_lens(self, lens_id: int) -> int | None:
        """Row number of a lens among the pages in memory, or in the ordered ids once loaded."""
        return self._rows.row_of_lens(lens_id)

    # ----------------------------------------------------------- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._rows.shown

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COL_REASON + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        return header_data(section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return item_flags(index.isValid())

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._paint_waiting is not None and self._paint_seen != self._paint_waiting:
            self._paint_started()
        if role in PAINTED_ROLES:
            # The view asks 4 roles of each of a row's 12 cells in turn (2,400 calls a screen):
            # the row is worked out at its first cell, the others read it.
            row, rows = index.row(), self._rows
            if row != self._cells_row or rows.version != self._cells_version:
                lens = rows.row(row)  # None for an invalid index, or a page still coming
                if lens is None:
                    return None
                ranked = self._ranked
                self._cells = painted_cells(lens, None if ranked is None else ranked.reasons.get(lens.id, ""))
                self._cells_row, self._cells_version = row, rows.version
            return self._cells[role][index.column()]
        if not answers_role(role):
            return None
        lens = self._rows.row(index.row())  # None for an invalid index, or a page still coming
        if lens is None:
            return None
        ranked = self._ranked
        return cell_data(lens, index.column(), role, None if ranked is None else ranked.reasons.get(lens.id, ""))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click. On a ranked result: the Pertinence column gives the ranked order
        back, another sorts the ranked set by that column (the user's sort is kept for when the
        box is cleared). Otherwise the query's sort, in SQL."""
        descending = order == Qt.SortOrder.DescendingOrder
        if self._ranked is not None and self._requested is self._query:
            self._sort_ranked(None if column == COL_REASON else (COLUMN_KEYS[column], descending))
            return
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMN_KEYS[column]
        if key == self._requested.sort and descending == self._requested.descending:
            return
        self.set_query(replace(self._requested, sort=key, descending=descending))

    def _sort_ranked(self, order: tuple[str, bool] | None) -> None:
        """The ranked set in a column's order (its rows read once, off the UI thread on a large
        catalogue), or back in the ranked order (no read: pages come by id)."""
        ranked = self._ranked
        if ranked is None or order == self._ranked_sort:
            return
        self._generation += 1
        generation, answer_of = self._generation, self._answer_sorted
        if order is None:
            answer_of(generation, order, ranked.ids, {})
            return
        self._ops.run(lambda db: resort(db, ranked, order),
                      lambda found: answer_of(generation, order, *found),
                      lambda exc: self._count_failed(generation, exc.message),
                      key="table.page", quick=True, name="tri des résultats")

    def _answer_sorted(self, generation: int, order: tuple[str, bool] | None, shown: tuple[int, ...],
                       read: dict[int, LensRow]) -> None:
        if generation != self._generation or self._ranked is None:
            return
        self.beginResetModel()
        self._ranked_sort = order
        self._rows.resorted(generation, shown, read)
        self.endResetModel()
        self.firstPageReady.emit()
        self.countReady.emit(len(shown))
