"""Background jobs: one plain function run in a pool thread, its outcome delivered as signals.

The function runs off the UI thread and never touches widgets; it receives ``progress(done,
total)`` and ``cancelled()`` callables (``data.progress``); a function that sees ``cancelled()``
stops by raising ``data.errors.Cancelled``. Signals reach the UI thread through queued connections.
Closing the window cancels jobs and waits for them (``JobRunner.shutdown``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from data.database import mask_secrets
from data.errors import Cancelled, CatalogueError
from data.progress import CancelCheck, Progress

log = logging.getLogger("engravedetect.jobs")

JobFunction = Callable[[Progress, CancelCheck], Any]


class JobSignals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)
    done = Signal()  # after finished or failed, whatever the outcome


class Job(QRunnable):
    """``keep_result=False``: the result is only sent (``finished``), never kept on the job. The
    thread pool keeps every job it ran (PySide holds a reference to a runnable that does not
    delete itself), so a job that is run by the thousand, a picture, must not hold its result;
    the function, with what it captured, is let go once run."""

    def __init__(self, name: str, function: JobFunction, exclusive: str | None = None,
                 keep_result: bool = True) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.exclusive = exclusive
        self.signals = JobSignals()
        self._function: JobFunction | None = function
        self._keep_result = keep_result
        self._cancel = threading.Event()
        self.finished_event = threading.Event()
        self.result: Any = None  # what the function returned, once finished
        self.error: str | None = None  # the French failure message, once failed
        self.exception: BaseException | None = None  # what the function raised, once failed

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def _progress(self, done: int, total: int) -> None:
        self.signals.progress.emit(int(done), int(total))

    def _fail(self, message: str) -> None:
        self.error = message
        self.signals.failed.emit(message)

    def run(self) -> None:
        function, self._function = self._function, None
        assert function is not None, "a job runs once"
        try:
            result = function(self._progress, self.is_cancelled)
        except Cancelled as exc:
            self.exception = exc
            self._fail(exc.message)
        except CatalogueError as exc:
            self.exception = exc
            self._fail(exc.message)
        except Exception as exc:  # noqa: BLE001 - carried back to the UI, never swallowed
            self.exception = exc
            log.exception("Tâche « %s » en échec", self.name)
            self._fail(f"Erreur inattendue : {mask_secrets(str(exc))}")
        else:
            if self._keep_result:
                self.result = result
            self.signals.finished.emit(result)
            del result
        finally:
            # Every signal is posted before the event is set: whoever sees the event set can
            # process events and be sure the outcome has been delivered.
            self.signals.done.emit()
            self.finished_event.set()


class JobRunner(QObject):
    """Owns a thread pool and the jobs running in it."""

    jobsChanged = Signal()

    def __init__(self, parent: QObject | None = None, max_threads: int = 4) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(max_threads)
        self._jobs: list[Job] = []

    @property
    def running(self) -> list[Job]:
        return [job for job in self._jobs if not job.finished_event.is_set()]

    def busy(self, exclusive: str) -> Job | None:
        return next((j for j in self.running if j.exclusive == exclusive), None)

    def start(self, job: Job) -> bool:
        """Start ``job``; refuse (False) when another job of the same exclusive group runs.

        Connect to the job's signals BEFORE starting it: a quick job may end at once.
        """
        if job.exclusive and self.busy(job.exclusive):
            return False
        self._jobs = self.running + [job]
        job.signals.done.connect(self._forget)
        self.pool.start(job)
        self.jobsChanged.emit()
        return True

    def _forget(self) -> None:
        self._jobs = self.running
        self.jobsChanged.emit()

    def cancel_all(self) -> None:
        for job in self.running:
            job.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        self.cancel_all()
        return bool(self.pool.waitForDone(timeout_ms))
