"""The rows of the shown result, a page at a time: what the table model reads and keeps.

A page the view needs is read through ``gui.ops``: inline on a small local catalogue (the cells
are there when the view paints), otherwise in a pool thread — the view paints empty cells and
the rows fill in when the page arrives (``arrived``), so scrolling deep on a server or a large
file never waits on the UI thread. A row near the end is read from the end of the result (a
reversed ORDER BY), so jumping to the last row never reads the rows before it. Deep in a large
result the ordered ids (8 bytes a lens) are loaded once, in their own thread, and pages are then
read by id. Only ``MAX_PAGES`` pages of cells are kept.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence

from data import catalogue
from data.catalogue import LensRow
from data.database import Database
from data.query import LensQuery
from gui.ops import Ops
from gui.workers.jobs import Job, JobRunner

Page = list[LensRow | None]


class ResultRows:
    """Pages of one result (``generation``), its count, its ordered ids once known."""

    PAGE_SIZE = 100
    MAX_PAGES = 60
    DEEP_PAGES = 3  # pages this far from both ends are worth reading by id

    def __init__(self, ops: Ops, ids_runner: JobRunner, arrived: Callable[[int, int], None],
                 failed: Callable[[str], None]) -> None:
        """``arrived(first, last)``: rows read off the UI thread are in; ``failed(message)``."""
        self._ops = ops
        self._ids_runner = ids_runner
        self._arrived = arrived
        self._failed = failed
        self.generation = 0
        self.query = LensQuery()  # the query the pages and the ids run (box text read)
        self.pages: OrderedDict[int, Page] = OrderedDict()
        self._pending: set[int] = set()  # pages asked for and not yet arrived
        self.count: int | None = None
        self.shown = 0  # rows the view shows (the count once known, else the first page's)
        self.ids: array[int] | None = None  # ordered ids of the result, once loaded
        self._ids_job: Job | None = None
        self._ids_generation = -1
        self.fetched_rows = 0  # cells of this many rows read from the database (for tests, bench)
        self.version = 0  # grows whenever a row may read differently (see ``changed``)

    def changed(self) -> None:
        """Rows came, went or changed: what was worked out from them (the model's painted
        cells) is out of date."""
        self.version += 1

    # ------------------------------------------------------------ a new result
    def start(self, generation: int, query: LensQuery, first: Sequence[LensRow | None],
              ids: Sequence[int] | None = None, read: Mapping[int, LensRow] | None = None) -> None:
        """The result of ``generation``: its first page, and for a ranked result all its ids
        (with the rows already read, a ranked set sorted by a column)."""
        self.generation, self.query = generation, query
        self.changed()
        self.pages.clear()
        self._pending.clear()
        self.ids, self.count = None, None
        self.fetched_rows += sum(1 for row in first if row is not None)
        if ids is not None:
            self.ids = array("q", ids)
            self.count = len(ids)
            self._keep(ids, read or {})
        self.pages[0] = list(first)
        if len(first) < self.PAGE_SIZE:
            self.count = len(first)
        self.shown = self.count if self.count is not None else len(first)

    def resorted(self, generation: int, shown: Sequence[int], read: Mapping[int, LensRow]) -> None:
        """The same ranked set in another order: pages come by id."""
        self.generation = generation
        self.changed()
        self.pages.clear()
        self._pending.clear()
        self.ids = array("q", shown)
        self.count = self.shown = len(shown)
        self._keep(shown, read)

    def _keep(self, ids: Sequence[int], read: Mapping[int, LensRow]) -> None:
        """Pages of rows already read, as many as are kept."""
        if not read:
            return
        size = self.PAGE_SIZE
        for number in range(min(self.MAX_PAGES, (len(ids) + size - 1) // size)):
            self.pages[number] = [read.get(i) for i in ids[number * size:(number + 1) * size]]

    # ------------------------------------------------------------ rows
    def row(self, row: int) -> LensRow | None:
        """The lens of ``row``; None while its page is being read (or past the end)."""
        if not 0 <= row < self.shown:
            return None
        number, offset = divmod(row, self.PAGE_SIZE)
        page = self.pages.get(number)
        if page is None:
            page = self._read_page(number)
            if page is None:
                return None
        else:
            self.pages.move_to_end(number)
        return page[offset] if offset < len(page) else None

    def cached(self, row: int) -> LensRow | None:
        """The row if its page is already in memory (no database read)."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page = self.pages.get(number)
        return page[offset] if page is not None and offset < len(page) else None

    def row_of_lens(self, lens_id: int) -> int | None:
        """Row number of a lens among the pages in memory, or in the ordered ids once loaded."""
        for number, page in self.pages.items():
            for offset, lens in enumerate(page):
                if lens is not None and lens.id == lens_id:
                    return number * self.PAGE_SIZE + offset
        if self.ids is not None:
            try:
                return self.ids.index(lens_id)
            except ValueError:
                return None
        return None

    def replace(self, row: int, lens: LensRow | None) -> bool:
        """A lens re-read after a write, put in its row if that page is still kept."""
        number, offset = divmod(row, self.PAGE_SIZE)
        page = self.pages.get(number)
        if page is None or offset >= len(page):
            return False
        page[offset] = lens
        self.changed()
        return True

    # ------------------------------------------------------------ reading a page
    def _read_page(self, number: int) -> Page | None:
        """Read page ``number`` (inline on a small local catalogue: returned at once; else in a
        pool thread: None now, ``arrived`` later)."""
        if number in self._pending:
            return None
        start = number * self.PAGE_SIZE
        end = min(start + self.PAGE_SIZE, self.shown)
        size = max(0, end - start)
        deep = self.DEEP_PAGES * self.PAGE_SIZE
        if (self.ids is None and self.count is not None and start > deep and self.count - end > deep
                and not self._ops.inline_ok()):
            self._request_ids()  # this page by OFFSET now; the next ones by id
        read = self._reader(start, end, size)
        generation, inline, got = self.generation, [True], []

        def done(rows: list[LensRow | None]) -> None:
            if inline[0]:
                got.append(rows)
            else:
                self._page_arrived(generation, number, size, rows)

        self._pending.add(number)
        self._ops.run(read, done, lambda exc: self._page_failed(generation, number, exc.message),
                      quick=True, name="page de résultats")
        inline[0] = False  # an answer from a pool thread comes later, through the event loop
        if not got:
            return None
        self._pending.discard(number)
        return self._store(number, got[0], size)

    def _page_arrived(self, generation: int, number: int, size: int, rows: list[LensRow | None]) -> None:
        if generation != self.generation or number not in self._pending:
            return  # another result is shown now
        self._pending.discard(number)
        self._store(number, rows, size)
        first = number * self.PAGE_SIZE
        self._arrived(first, first + size - 1)

    def _reader(self, start: int, end: int, size: int) -> Callable[[Database], list[LensRow | None]]:
        """The read of rows ``start``–``end`` as a plain function of the database."""
        ids, count, query = self.ids, self.count, self.query
        if ids is not None and size:
            wanted = ids[start:end].tolist()

            def by_id(db: Database) -> list[LensRow | None]:
                found = {row.id: row for row in catalogue.lens_rows(db, wanted)}
                return [found.get(i) for i in wanted]
            return by_id
        if count is not None and start > count // 2:
            from_end = count - end

            def from_the_end(db: Database) -> list[LensRow | None]:
                return list(reversed(catalogue.lens_page(db, query, from_end, size, reverse=True)))
            return from_the_end

        def forward(db: Database) -> list[LensRow | None]:
            return list(catalogue.lens_page(db, query, start, size, reverse=False))
        return forward

    def _store(self, number: int, rows: list[LensRow | None], size: int) -> Page:
        self.fetched_rows += sum(1 for row in rows if row is not None)
        rows.extend([None] * (size - len(rows)))
        self.pages[number] = rows
        self.changed()
        while len(self.pages) > self.MAX_PAGES:
            self.pages.popitem(last=False)
        return rows

    def _page_failed(self, generation: int, number: int, message: str) -> None:
        if generation == self.generation:
            self._pending.discard(number)
        self._failed(message)

    # ------------------------------------------------------------ ordered ids
    def locate(self, lens_id: int, found: Callable[[int | None], None],
               counted: Callable[[int], None] | None = None) -> None:
        """The row of a lens, from the rows in memory or the ordered ids — read once for this
        result (off the UI thread on a large catalogue) and kept. ``counted(n)``: the ids read
        tell the result's count before its own read came back."""
        row = self.row_of_lens(lens_id)
        if row is not None or self.ids is not None:
            found(row)
            return
        generation, query = self.generation, self.query

        def located(ids: array[int]) -> None:
            if generation != self.generation:
                found(None)
                return
            if self.count is None and counted is not None:
                counted(len(ids))
            self._apply_ids(generation, ids)
            try:
                found(ids.index(lens_id))
            except ValueError:
                found(None)

        self._ops.run(lambda db: catalogue.lens_ids(db, query), located,
                      lambda exc: self._locate_failed(exc.message, found),
                      key="table.locate", quick=True, name="recherche du verre")

    def _request_ids(self) -> None:
        """Load the ordered ids of the result, so that any page, however deep, is read by id.
        Asked only when the user scrolls deep into a large result; runs in its own thread so it
        never delays the next query's first page, and is cancelled as soon as the query changes."""
        if self.ids is not None or self._ids_generation == self.generation:
            return
        self.cancel_ids()
        generation, db, query = self.generation, self._ops.db, self.query
        self._ids_generation = generation
        job = Job("identifiants", lambda _p, cancelled: catalogue.lens_ids(db, query, cancelled), keep_result=False)
        job.signals.finished.connect(lambda ids, g=generation: self._apply_ids(g, ids))
        self._ids_job = job
        self._ids_runner.start(job)

    def _locate_failed(self, message: str, found: Callable[[int | None], None]) -> None:
        self._failed(message)
        found(None)

    def cancel_ids(self) -> None:
        if self._ids_job is not None:
            self._ids_job.cancel()
            self._ids_job = None

    def _apply_ids(self, generation: int, ids: array[int]) -> None:
        if generation == self.generation and len(ids) == self.count:
            self.ids = ids
