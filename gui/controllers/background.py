"""Starting a background job for a controller, and telling the user how it went.

Jobs of the "données" group never overlap (a backup, a restore, an export cannot run together);
progress and a real Cancel show in the status bar; the outcome comes back as a message the user
can act on, in a non-modal box (the window stays usable behind it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from data.errors import Cancelled
from gui.controllers.port import WindowPort
from gui.models.lens_columns import FRENCH
from gui.workers.jobs import Job

DATA_GROUP = "données"


def seconds(value: float) -> str:
    return FRENCH.toString(value, "f", 1) + " s"


class Background(QObject):
    def __init__(self, port: WindowPort, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.port = port
        self.last_message: QMessageBox | None = None

    def start(
        self,
        name: str,
        text: str,
        function: Callable[[Any, Any], Any],
        on_success: Callable[[Any], None],
        cancellable: bool = True,
        quiet_failure: bool = False,
        on_done: Callable[[], None] | None = None,
        cancelled_text: str | None = None,
    ) -> Job | None:
        """Run ``function(progress, cancelled)`` in the data group; None when another one runs.

        A job the user cancelled is no failure: ``cancelled_text`` (by default « <name> annulée :
        rien n'a été modifié. ») goes to the status bar instead of a warning box."""
        running = self.port.jobs.busy(DATA_GROUP)
        if running is not None:
            self.inform("Tâche en cours", f"« {running.name} » est en cours : attendez qu'elle se termine.")
            return None
        job = Job(name, function, exclusive=DATA_GROUP)
        job.signals.finished.connect(on_success)
        said = cancelled_text or f"{name} annulée : rien n'a été modifié."

        def failed(message: str) -> None:
            if isinstance(job.exception, Cancelled):
                self.port.show_status(said, 10000)
            elif quiet_failure:
                self.port.show_status(message, 10000)
            else:
                self.inform(f"{name} : échec", message, QMessageBox.Icon.Warning)

        job.signals.failed.connect(failed)
        if on_done is not None:
            job.signals.done.connect(on_done)
        self.port.follow_job(job, text, cancellable)
        self.port.jobs.start(job)
        return job

    def inform(self, title: str, text: str, icon: QMessageBox.Icon = QMessageBox.Icon.Information) -> QMessageBox:
        """A non-modal message: the window stays usable behind it."""
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, self.port.parent_widget())
        box.setObjectName("dataMessage")
        box.setModal(False)
        box.show()
        self.last_message = box
        return box
