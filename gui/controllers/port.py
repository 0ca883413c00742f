"""What a controller may ask of the window: a small interface, not the window class.

Controllers (lens editing, admin mode, data protection, transfer) are typed against
``WindowPort``; they never import ``gui.main_window``, so the window can change its layout
freely and a controller can be tested with any object that answers these few calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from data.catalogue import LensDetail
    from data.database import Database
    from data.query import LensQuery
    from gui.events import Events
    from gui.ops import Ops
    from gui.workers.jobs import Job, JobRunner


class WindowPort(Protocol):
    @property
    def db(self) -> Database: ...

    @property
    def ops(self) -> Ops: ...

    @property
    def events(self) -> Events: ...

    @property
    def jobs(self) -> JobRunner: ...

    def parent_widget(self) -> QWidget:
        """The widget dialogs and message boxes belong to."""
        ...

    def show_status(self, message: str, timeout_ms: int = 5000) -> None: ...

    def selected_lens_ids(self) -> list[int]: ...

    def current_lens(self) -> LensDetail | None:
        """The lens the detail pane shows."""
        ...

    def current_query(self) -> LensQuery:
        """The query whose lenses the table shows (what an export writes)."""
        ...

    def set_busy(self, busy: bool) -> None:
        """While the catalogue is being replaced, nothing else may read or write it."""
        ...

    def select_lens(self, lens_id: int) -> bool:
        """Select a lens the current result holds (False when the filters hide it)."""
        ...

    def select_written_lens(self, lens_id: int, done: Callable[[tuple[str, ...] | None], None]) -> None:
        """Select a lens just written once the refreshed result is shown: ``done(None)`` when
        selected, else ``done(filters)``, the filters that leave it out (``hiding_filters``'s
        keys, ``recherche`` for the search box)."""
        ...

    def offer_to_clear_filters(self, message: str, lens_id: int) -> None:
        """Say ``message`` in the status bar with « Effacer les filtres » (which then reveals
        the lens)."""
        ...

    def reveal_lens(self, lens_id: int) -> None:
        """Select a lens in the table, clearing the filters when they hide it."""
        ...

    def follow_job(self, job: Job, text: str, cancellable: bool = True) -> None:
        """Show a background job's progress (and its Cancel) in the status bar."""
        ...
