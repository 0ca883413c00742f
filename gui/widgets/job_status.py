"""Progress of a background job in the status bar, with a Cancel button that really cancels."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from gui.workers.jobs import Job


class JobStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setObjectName("jobProgress")
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setObjectName("jobCancelButton")
        self.cancel_button.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._job: Job | None = None
        self.hide()

    @property
    def job(self) -> Job | None:
        return self._job

    def follow(self, job: Job, text: str, cancellable: bool = True) -> None:
        self._job = job
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(cancellable)
        self.cancel_button.setVisible(cancellable)
        job.signals.progress.connect(self._progress)
        job.signals.done.connect(self._done)
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def _cancel(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.label.setText("Annulation…")
            self.cancel_button.setEnabled(False)

    def _done(self) -> None:
        self._job = None
        self.hide()
