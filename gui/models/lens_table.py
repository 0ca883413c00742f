"""The lens table model: rows come from SQL a page at a time, never the whole result at once.

On a query change the model reads the first page and asks for the total count through
``gui.ops`` — inline when ops says the catalogue is small and local, in a pool thread otherwise
(the count started once the first page is painted, so that it never competes with that paint),
so the window never waits on it. A write's ``Changes`` repaint only the touched rows (like
calibre's ``refresh_ids``); a created or deleted lens re-runs the query. Further pages are read when the view first paints them; a row near the end is read from the
end of the result (a reversed ORDER BY), so jumping to the last row never reads the rows before
it. Only a bounded number of pages of cells is kept.

Ranked mode (``gui.models.answers``): when the box holds a text word, the first answer is the
ranked search's ids, best first, each with its reason; the rows are read by id a page at a time
as the view paints them, the count is the number of ids, and a « Pertinence » column (logical
column ``COL_REASON``, after the sortable ones) and the tooltip of every cell say why each lens
matched. A header click sorts the ranked set by that column in Python (``sort``); the Pertinence
header brings the ranked order back; the user's sort (``LensQuery.sort``) is left untouched, so
that clearing the box returns to it.
"""

from __future__ import annotations

import logging
from array import array
from collections import OrderedDict
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
from PySide6.QtGui import QBrush, QFont

from data import catalogue
from data.catalogue import Changes, LensRow
from data.catalogue.ranked import RankedResult
from data.database import Database
from data.errors import CatalogueError
from data.identify import ParsedQuery, Vocabulary
from data.query import LensQuery
from gui.models.answers import Answer, first_answer, resort
from gui.models.lens_columns import (
    _ALIGNMENT,
    _DISPLAY,
    _FONT,
    _FOREGROUND,
    _HORIZONTAL,
    _NO_FLAGS,
    _NUMBER_COLUMNS,
    _RIGHT,
    _ROLES,
    _ROW_FLAGS,
    _TOOLTIP,
    _UNKNOWN_COLOR,
    _VERTICAL,
    ALL_KEYS,
    ALL_LABELS,
    COL_HMIN,
    COL_NAME,
    COL_REASON,
    COLUMN_KEYS,
    COLUMNS,
    FRENCH,
    HEADER_TIPS,
    ID_ROLE,
    ROW_ROLE,
    UNKNOWN_HEIGHT,
    _display,
    format_count,
    format_index,
)
from gui.ops import Ops
from gui.workers.jobs import Job, JobRunner

log = logging.getLogger("engravedetect.gui.model")

# Names the rest of the window has always taken from here.
__all__ = ["COLUMNS", "COLUMN_KEYS", "FRENCH", "ID_ROLE", "ROW_ROLE", "UNKNOWN_HEIGHT", "LensTableModel",
           "format_count", "format_index"]

class LensTableModel(QAbstractTableModel):
    countReady = Signal(int)
    firstPageReady = Signal()
    queryFailed = Signal(str)

    PAGE_SIZE = 100
    MAX_PAGES = 60
    COUNT_UNPAINTED_MS = 100  # a count waiting for a paint that does not come starts after this

    def __init__(self, source: Database | Ops, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ops = source if isinstance(source, Ops) else Ops(source, parent=self)
        self._query = LensQuery()  # the query whose rows are shown
        self._requested = self._query  # the latest query asked for (may still be loading)
        self._pages: OrderedDict[int, list[LensRow | None]] = OrderedDict()
        self._count: int | None = None
        self._shown_rows = 0
        self._generation = 0
        self._ids: array[int] | None = None  # ordered ids of a large result, once loaded
        self._ids_runner = JobRunner(self, max_threads=1)
        self._ids_job: Job | None = None
        self._ids_generation = -1
        self.fetched_rows = 0  # cells of this many rows read from the database (for tests, bench)
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

    @property
    def _db(self) -> Database:
        return self._ops.db

    def total_count(self) -> int | None:
        return self._count

    def set_database(self, db: Database) -> None:
        """Show the same query on another database (ops has switched to it already)."""
        if db is not self._ops.db:
            self._ops.set_database(db)
        self._vocabulary = None
        self.set_query(self._requested)

    DEEP_PAGES = 3  # pages this far from both ends are worth reading by id

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
        self._cancel_ids()
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
        first = answer.rows
        self.fetched_rows += sum(1 for row in first if row is not None)
        if answer.vocabulary is not None:
            self._vocabulary = answer.vocabulary
        self.beginResetModel()
        self._query, self._sql, self._parsed = answer.query, answer.sql, answer.parsed
        self._ranked, self._ranked_sort = answer.ranked, answer.ranked_sort
        self._pages.clear()
        self._ids = None
        self._count = None
        if answer.ranked is not None:
            self._ids = array("q", answer.shown)
            self._count = len(answer.shown)
            self._keep_rows(answer.shown, answer.read)
        self._pages[0] = list(first)
        if len(first) < self.PAGE_SIZE:
            self._count = len(first)
        self._shown_rows = self._count if self._count is not None else len(first)
        self.endResetModel()
        self.firstPageReady.emit()
        if self._count is not None:
            self.countReady.emit(self._count)
        elif self._small_catalogue():
            sql = self._sql
            self._ops.run(
                lambda db: catalogue.count_lenses(db, sql),
                lambda n: self._apply_count(generation, n),
                lambda exc: self._count_failed(generation, exc.message),
                key="table.count", quick=True, name="comptage",
            )
        else:
            # Once the view has painted the first page: a count starting at once would compete
            # with the paint for the interpreter (its SQL is built and its result read in
            # Python, and each cell the view paints asks the model in Python): the view's first
            # screen took 5 to 10 ms longer. The first cell asked for (``data``) means the view
            # is painting; the count starts when that paint is over. Without a view painting
            # (hidden window, tests), it starts after COUNT_UNPAINTED_MS all the same.
            self._count_waiting = (generation, self._sql)
            QTimer.singleShot(self.COUNT_UNPAINTED_MS, self, lambda: self._start_waiting_count(generation))

    def _keep_rows(self, ids: tuple[int, ...], read: dict[int, LensRow] | Any) -> None:
        """Pages of rows already read (a ranked set sorted by a column), as many as are kept."""
        if not read:
            return
        for number in range(min(self.MAX_PAGES, (len(ids) + self.PAGE_SIZE - 1) // self.PAGE_SIZE)):
            chunk = ids[number * self.PAGE_SIZE:(number + 1) * self.PAGE_SIZE]
            self._pages[number] = [read.get(i) for i in chunk]

    def refresh(self) -> None:
        """Re-read the current query (lenses created or deleted, an import, a restore). The
        query is asked for as a new value (equal, not the same object), so that ``loading``
        holds until its rows are shown: a lens just written is looked for in those rows."""
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
            page = self._pages.get(row // self.PAGE_SIZE)
            if page is None:
                continue
            page[row % self.PAGE_SIZE] = found.get(lens_id)
            self.dataChanged.emit(self.index(row, 0), self.index(row, COL_REASON))

    def _small_catalogue(self) -> bool:
        return self._ops.inline_ok()

    def _start_waiting_count(self, generation: int) -> None:
        """The count of ``generation`` no paint started (a newer query's is left waiting)."""
        waiting = self._count_waiting
        if waiting is not None and waiting[0] == generation:
            self._count_waiting = None
            self._count_in_background(*waiting)

    def _count_after_paint(self) -> None:
        """Called from ``data`` while a count waits: the view is painting the first page, and
        a timer started now fires once that paint is over."""
        waiting, self._count_waiting = self._count_waiting, None
        if waiting is not None:
            QTimer.singleShot(0, self, lambda: self._count_in_background(*waiting))

    def _count_in_background(self, generation: int, query: LensQuery) -> None:
        if generation != self._generation:
            return  # replaced (or shut down) before the count could start
        self._ops.run(
            lambda db: catalogue.count_lenses(db, query),
            lambda n: self._apply_count(generation, n),
            lambda exc: self._count_failed(generation, exc.message),
            key="table.count", name="comptage",
        )

    def _count_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.queryFailed.emit(message)

    def _apply_count(self, generation: int, count: int) -> None:
        if generation != self._generation:
            return  # a newer query replaced this one meanwhile
        self._count = count
        if count > self._shown_rows:
            self.beginInsertRows(QModelIndex(), self._shown_rows, count - 1)
            self._shown_rows = count
            self.endInsertRows()
        elif count < self._shown_rows:
            self.beginRemoveRows(QModelIndex(), count, self._shown_rows - 1)
            self._shown_rows = count
            self.endRemoveRows()
        self.countReady.emit(count)

    def _request_ids(self) -> None:
        """Load the ordered ids (8 bytes a lens) of the shown result, so that any page, however
        deep, is read by id. Asked only when the user scrolls deep into a large result; runs in
        its own thread so it never delays the next query's first page, and is cancelled as soon
        as the query changes."""
        if self._ids is not None or self._ids_generation == self._generation:
            return
        self._cancel_ids()
        generation, db, query = self._generation, self._db, self._sql
        self._ids_generation = generation
        job = Job("identifiants", lambda _p, cancelled: catalogue.lens_ids(db, query, cancelled))
        job.signals.finished.connect(lambda ids, g=generation: self._apply_ids(g, ids))
        self._ids_job = job
        self._ids_runner.start(job)

    def _cancel_ids(self) -> None:
        if self._ids_job is not None:
            self._ids_job.cancel()
            self._ids_job = None

    def _apply_ids(self, generation: int, ids: array[int]) -> None:
        if generation == self._generation and len(ids) == self._count:
            self._ids = ids

    def shutdown(self) -> None:
        self._generation += 1
        self._cancel_ids()
        self._ids_runner.shutdown()
        self._ops.shutdown()

    def locate_lens(self, lens_id: int, found: Callable[[int | None], None]) -> None:
        """The row of a lens in the shown result, from the rows in memory or the ordered ids —
        read once for this query (off the UI thread on a large catalogue) and kept."""
        row = self.row_of_lens(lens_id)
        if row is not None or self._ids is not None:
            found(row)
            return
        generation, query = self._generation, self._sql

        def located(ids: array[int]) -> None:
            if generation != self._generation:
                found(None)
                return
            if self._count is None:
                # The whole result's ids tell its count: the rows exist before the count's
                # own read comes back (a lens revealed deep in a result just shown).
                self._apply_count(generation, len(ids))
            if len(ids) == self._count:
                self._ids = ids
            try:
                found(ids.index(lens_id))
            except ValueError:
                found(None)

        self._ops.run(lambda db: catalogue.lens_ids(db, query), located,
                      lambda exc: (self.queryFailed.emit(exc.message), found(None)),
                      key="table.locate", quick=True, name="recherche du verre")

    # ----------------------------------------------------------- pages
    def _read(self, offset: int, limit: int, reverse: bool) -> list[LensRow]:
        return self._read_page(self._sql, offset, limit, reverse)

    def _read_page(self, query: LensQuery, offset: int, limit: int, reverse: bool) -> list[LensRow]:
        rows = catalogue.lens_page(self._db, query, offset, limit, reverse=reverse)
        self.fetched_rows += len(rows)
        return rows

    def _page(self, number: int) -> list[LensRow | None]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        start = number * self.PAGE_SIZE
        end = min(start + self.PAGE_SIZE, self._shown_rows)
        size = max(0, end - start)
        if (
            self._ids is None
            and self._count is not None
            and start > self.DEEP_PAGES * self.PAGE_SIZE
            and self._count - end > self.DEEP_PAGES * self.PAGE_SIZE
            and not self._small_catalogue()
        ):
            self._request_ids()  # this page by OFFSET now; the next ones by id
        try:
            if self._ids is not None and size:
                wanted = self._ids[start:end]
                found = {row.id: row for row in catalogue.lens_rows(self._db, wanted)}
                self.fetched_rows += len(found)
                rows: list[LensRow | None] = [found.get(i) for i in wanted]
            elif self._count is not None and start > self._count // 2:
                from_end = self._count - end
                rows = list(reversed(self._read(from_end, size, reverse=True)))
            else:
                rows = list(self._read(start, size, reverse=False))
        except CatalogueError as exc:
            self.queryFailed.emit(exc.message)
            rows = []
        rows.extend([None] * (size - len(rows)))
        self._pages[number] = rows
        while len(self._pages) > self.MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def row_at(self, row: int) -> LensRow | None:
        if not 0 <= row < self._shown_rows:
            return None
        page = self._page(row // self.PAGE_SIZE)
        offset = row % self.PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def cached_row(self, row: int) -> LensRow | None:
        """The row if its page is already in memory (no database read)."""
        page = self._pages.get(row // self.PAGE_SIZE)
        if page is None:
            return None
        offset = row % self.PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def lens_id_at(self, row: int) -> int | None:
        lens = self.row_at(row)
        return lens.id if lens else None

    @property
    def ids_loaded(self) -> bool:
        return self._ids is not None

    def row_of_lens(self, lens_id: int) -> int | None:
        """Row number of a lens among the pages in memory, or in the ordered ids once loaded."""
        for number, page in self._pages.items():
            for offset, lens in enumerate(page):
                if lens is not None and lens.id == lens_id:
                    return number * self.PAGE_SIZE + offset
        if self._ids is not None:
            try:
                return self._ids.index(lens_id)
            except ValueError:
                return None
        return None

    # ----------------------------------------------------------- Qt model API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown_rows

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else COL_REASON + 1

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == _DISPLAY:
            if orientation == _VERTICAL:
                return section + 1
            return ALL_LABELS[section] if 0 <= section <= COL_REASON else None
        if role == _TOOLTIP and orientation == _HORIZONTAL and 0 <= section <= COL_REASON:
            return HEADER_TIPS.get(ALL_KEYS[section], f"Trier par {ALL_LABELS[section].lower()}")
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else _NO_FLAGS

    # The view asks for every cell it paints, about 2,000 times a screen, for seven roles each
    # (text, font, colours, alignment, icon, check box): the roles this model never answers are
    # turned away first, and nothing here builds a Qt enum value per call.
    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._count_waiting is not None:
            self._count_after_paint()
        if role not in _ROLES:
            return None
        row = index.row()  # -1 for an invalid index
        if not 0 <= row < self._shown_rows:
            return None
        lens = self.row_at(row)
        if lens is None:
            return None
        column = index.column()
        if self._ranked is not None and (column == COL_REASON or role == _TOOLTIP):
            return self._ranked_data(lens, column, role)
        if column == COL_REASON:
            return None
        if role == _DISPLAY:
            return _display(lens, column)
        if role == _ALIGNMENT:
            return _RIGHT if column in _NUMBER_COLUMNS else None
        if role == ID_ROLE:
            return lens.id
        if role == ROW_ROLE:
            return lens
        if column == COL_HMIN and lens.hauteur_min is None:
            if role == _FOREGROUND:
                return QBrush(_UNKNOWN_COLOR)
            if role == _FONT:
                font = QFont()
                font.setItalic(True)
                return font
            if role == _TOOLTIP:
                return "Hauteur minimale inconnue : ce verre reste affiché quel que soit le filtre de hauteur."
        if role == _TOOLTIP and column == COL_NAME:
            return f"{lens.nom} — {lens.fournisseur}"
        return None

    def _ranked_data(self, lens: LensRow, column: int, role: int) -> Any:
        """A ranked row: the reason in the Pertinence column, and on every cell's tooltip with
        the code as engraved (and what the cell itself would say)."""
        assert self._ranked is not None
        reason = self._ranked.reasons.get(lens.id, "")
        if role == _DISPLAY:
            return reason if column == COL_REASON else _display(lens, column)
        if role == _TOOLTIP:
            lines = [f"Pertinence : {reason}", f"Gravure : {lens.gravure_nasale or '—'}"]
            if column == COL_HMIN and lens.hauteur_min is None:
                lines.append("Hauteur minimale inconnue : ce verre reste affiché quel que soit le filtre de hauteur.")
            elif column == COL_NAME:
                lines.append(f"{lens.nom} — {lens.fournisseur}")
            return "\n".join(lines)
        if role == ID_ROLE:
            return lens.id
        if role == ROW_ROLE:
            return lens
        return None

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
        self._pages.clear()
        self._ids = array("q", shown)
        self._count = self._shown_rows = len(shown)
        self._keep_rows(shown, read)
        self.endResetModel()
        self.firstPageReady.emit()
        self.countReady.emit(self._count)
