"""Progress and cancellation: the two callables every long job takes, written once.

- ``progress(done, total)`` (``Progress``) is called from the job's own thread; ``total`` is
  fixed for one job, so a progress bar can show ``done / total``.
- ``cancel`` (``Cancel``) is polled between steps: a callable returning True once the user asked
  to stop (what the GUI's jobs pass), or a ``threading.Event``. A job that sees it raises
  ``data.errors.Cancelled`` (``check_cancel``) after removing what it had started to write.

``Steps`` maps the phases of one job onto a single 0..``TOTAL`` scale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from data.errors import Cancelled

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
TOTAL = 1000  # the scale of a job whose steps are not countable things (thousandths)


class Flag(Protocol):
    """A ``threading.Event``, seen from the job: only its state is read."""

    def is_set(self) -> bool: ...


Cancel = CancelCheck | Flag


def is_cancelled(cancel: Cancel | None) -> bool:
    """True once ``cancel`` says the user asked to stop (None: never)."""
    if cancel is None:
        return False
    if callable(cancel):
        return bool(cancel())
    return bool(cancel.is_set())


def check_cancel(cancel: Cancel | None) -> None:
    """Raise ``Cancelled`` when the user asked to stop."""
    if is_cancelled(cancel):
        raise Cancelled()


class Steps:
    """One job's ``progress(done, total)`` in thousandths, fed by phases of it.

    ``phase(start, end)`` opens the share [start, end] of the job (fractions of 1);
    ``fraction(value)`` reports ``value`` (0..1) of the current phase, then honours ``cancel``.
    Each value is reported once (a progress bar is not flooded with repeats).
    """

    TOTAL = TOTAL

    def __init__(
        self, callback: Progress | None, cancel: Cancel | None = None,
        start: float = 0.0, end: float = 1.0,
    ) -> None:
        self.callback = callback
        self.cancel = cancel
        self.start = start
        self.span = end - start
        self.last = -1

    def phase(self, start: float, end: float) -> None:
        self.start, self.span = start, end - start
        self.fraction(0.0)

    def fraction(self, value: float) -> None:
        """Report ``value`` (0..1) of the current phase, then honour a cancel request."""
        done = int(self.TOTAL * (self.start + self.span * min(1.0, max(0.0, value))))
        if self.callback is not None and done != self.last:
            self.last = done
            self.callback(done, self.TOTAL)
        check_cancel(self.cancel)

    def finish(self) -> None:
        if self.callback is not None and self.last != self.TOTAL:
            self.last = self.TOTAL
            self.callback(self.TOTAL, self.TOTAL)
