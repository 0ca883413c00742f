"""Reads nobody waits for any more, stopped where they stand.

The window reads a search's count and its filter lists in a pool thread; when the optician types
again before they are in, their answers will be dropped, yet on a large SQLite file a GROUP BY
would go on for a hundred milliseconds, competing with the new search for the processor. A call
run inside ``abandoned_when(check)`` is stopped instead: every ``CHECK_EVERY`` steps of SQLite's
virtual machine, each statement of that thread asks ``check()``, and when it says the answer is no
longer wanted SQLite interrupts the statement and the call raises ``Cancelled``.

Only SQLite statements are stopped (``install`` is called on each new SQLite connection); on a
server the statement runs to its end and its answer is dropped as before.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from data.errors import Cancelled, CatalogueError

#: Steps of SQLite's virtual machine between two checks (a fraction of a millisecond of work).
CHECK_EVERY = 20_000

_local = threading.local()


def _stop_now() -> int:
    check: Callable[[], bool] | None = getattr(_local, "check", None)
    return 1 if check is not None and check() else 0


def install(connection: sqlite3.Connection) -> None:
    """Let the statements of ``connection`` be stopped (see the module)."""
    connection.set_progress_handler(_stop_now, CHECK_EVERY)


@contextmanager
def abandoned_when(check: Callable[[], bool]) -> Iterator[None]:
    """Run the block's SQLite statements under ``check``: once it returns True they stop, and
    the block raises ``Cancelled``."""
    previous = getattr(_local, "check", None)
    _local.check = check
    try:
        yield
    except CatalogueError as exc:
        if isinstance(exc, Cancelled) or not check():
            raise
        raise Cancelled() from exc  # the statement was interrupted: its answer is not wanted
    finally:
        _local.check = previous
