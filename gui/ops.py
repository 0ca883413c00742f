"""Every database call a widget makes goes through here.

A call is a plain function of the open ``Database``. ``Ops.run`` runs it in a pool thread and
brings the answer (or the failure) back on the UI thread through the callbacks; the function
itself never touches a widget. Calls that share a ``key`` (the table's first page, the detail
pane's lens, a dialog's list) keep only the latest answer: an older one arriving late is dropped.

Inline, on the UI thread, only when both hold — decided here and nowhere else:
- the caller says the call is quick (one lens, one list, one small write), and
- the catalogue is a small local SQLite file (``SMALL_CATALOGUE`` lenses at most).
On a server every call leaves the UI thread: a lost server (or a pool waiting 30 s for a
connection) must never freeze the window.

Two lanes of pool threads: what a person waits for on screen (the table's first page, the lens
shown, a save) never queues behind reads that may wait (counts, filter lists, the vocabulary:
``background=True``) nor behind the window's long jobs (backups, imports, checks). A keyed call
whose key was asked again before it started is skipped, and one running on a SQLite file stops
at its next check (``data.interrupt``): only the latest one is worth the work.

A failure is a ``CatalogueError`` with a French message; a lost server
(``DatabaseUnavailableError``) is also announced by ``unavailable`` so the window can say
« Base indisponible » in its status bar while it keeps answering.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from data import catalogue
from data.database import Database, mask_secrets
from data.errors import Cancelled, CatalogueError, DatabaseUnavailableError
from data.interrupt import abandoned_when
from data.query import LensQuery
from gui.workers.jobs import Job, JobRunner

log = logging.getLogger("engravedetect.gui.ops")

T = TypeVar("T")
Call = Callable[[Database], T]
Done = Callable[[T], None]
Failed = Callable[[CatalogueError], None]

UNAVAILABLE = "Base indisponible"


class Ops(QObject):
    """The database calls of one window, on one database at a time."""

    unavailable = Signal(str)  # the server cannot be reached: the French message
    failed = Signal(str)  # a call without its own failure callback failed: the French message

    SMALL_CATALOGUE = 50_000  # lenses up to which a quick call on a local SQLite file runs inline

    def __init__(self, db: Database, runner: JobRunner | None = None, parent: QObject | None = None) -> None:
        """``runner`` runs the background calls (the window's, shared with its long jobs); the
        calls a person waits for have a pool of their own."""
        super().__init__(parent)
        self._db = db
        self._runner = runner if runner is not None else JobRunner(self, max_threads=2)
        self._front = JobRunner(self, max_threads=2)
        self._generations: dict[str, int] = {}
        self._catalogue_size: int | None = None

    @property
    def db(self) -> Database:
        return self._db

    def set_database(self, db: Database) -> None:
        """Another database (after a restore): every answer still due from the old one is dropped."""
        self._db = db
        self._catalogue_size = None
        for key in self._generations:
            self._generations[key] += 1

    def shutdown(self) -> None:
        """Drop every answer still due and wait for the calls running (window closing, tests)."""
        for key in self._generations:
            self._generations[key] += 1
        self._front.shutdown()
        self._runner.shutdown()

    # ------------------------------------------------------------ the one decision
    def inline_ok(self) -> bool:
        """Whether a quick call may run on the UI thread: a small local SQLite catalogue."""
        if not self._db.is_sqlite:
            return False
        if self._catalogue_size is None:
            try:
                self._catalogue_size = catalogue.count_lenses(self._db, LensQuery())
            except CatalogueError:
                self._catalogue_size = self.SMALL_CATALOGUE + 1
        return self._catalogue_size <= self.SMALL_CATALOGUE

    def forget_size(self) -> None:
        """Lenses were added or removed: the size is counted again when next needed."""
        self._catalogue_size = None

    # ------------------------------------------------------------ running
    def latest(self, key: str) -> int:
        """Start a new generation of ``key``: answers of the older ones will be dropped."""
        generation = self._generations.get(key, 0) + 1
        self._generations[key] = generation
        return generation

    def is_latest(self, key: str | None, generation: int) -> bool:
        return key is None or self._generations.get(key) == generation

    def run(
        self,
        call: Call[T],
        done: Done[T] | None = None,
        failed: Failed | None = None,
        *,
        key: str | None = None,
        quick: bool = False,
        background: bool = False,
        name: str = "opération",
    ) -> Job | None:
        """Run ``call(db)``; ``done(result)`` or ``failed(error)`` follow on the UI thread.

        ``background``: nobody waits for it on screen (a count, the lists): it runs in the
        background lane, never ahead of a first page. Returns the job when the call runs in a
        pool thread, None when it ran inline (its callback has then already run).
        """
        generation = self.latest(key) if key is not None else 0
        db = self._db
        if quick and self.inline_ok():
            try:
                result = call(db)
            except CatalogueError as exc:
                self._fail(key, generation, failed, exc)
            except Exception as exc:  # noqa: BLE001 - reported to the user, never swallowed
                log.exception("Opération « %s » en échec", name)
                self._fail(key, generation, failed, CatalogueError(f"Erreur inattendue : {mask_secrets(str(exc))}"))
            else:
                self._deliver(key, generation, done, result)
            return None
        def work(_progress: object, _cancelled: object) -> T:
            if key is None:
                return call(db)
            if not self.is_latest(key, generation):
                raise Cancelled()  # asked again before it started: its answer would be dropped
            with abandoned_when(lambda: not self.is_latest(key, generation)):
                return call(db)  # asked again meanwhile: a SQLite statement stops where it is

        job = Job(name, work, keep_result=False)  # the pool keeps the job: never its answer
        job.signals.finished.connect(lambda result: self._deliver(key, generation, done, result))
        job.signals.failed.connect(lambda message: self._fail(key, generation, failed, _error_of(job, message)))
        (self._runner if background else self._front).start(job)
        return job

    def _deliver(self, key: str | None, generation: int, done: Done[Any] | None, result: Any) -> None:
        if self.is_latest(key, generation) and done is not None:
            done(result)

    def _fail(self, key: str | None, generation: int, failed: Failed | None, error: CatalogueError) -> None:
        if isinstance(error, DatabaseUnavailableError):
            self.unavailable.emit(unavailable_message(error))
        if not self.is_latest(key, generation):
            return
        if failed is not None:
            failed(error)
        elif not isinstance(error, DatabaseUnavailableError):
            self.failed.emit(error.message)


def unavailable_message(error: CatalogueError) -> str:
    """The status bar's words for a lost server: always starting with « Base indisponible »."""
    message = error.message
    return message if message.startswith(UNAVAILABLE) else f"{UNAVAILABLE} : {message}"


def _error_of(job: Job, message: str) -> CatalogueError:
    exc = job.exception
    return exc if isinstance(exc, CatalogueError) else CatalogueError(message)
