"""Application-wide behaviour: the crash handler and closing during a job."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from gui.app import install_crash_handler
from gui.workers.jobs import Job


def test_unexpected_error_shows_french_dialog_and_logs_it(qapp, monkeypatch, data_home):
    from data.config import load_settings
    from data.database import configure_logging

    log_path = configure_logging(load_settings())
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_handler(qapp)
    try:
        raise RuntimeError("panne postgresql://marc:motdepasse@serveur/cat")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog" and w.isVisible()]
    assert boxes, "no crash dialog shown"
    box = boxes[-1]
    assert "erreur inattendue" in box.text().lower()
    assert "motdepasse" not in box.detailedText() and "marc:***@serveur" in box.detailedText()
    copy = next(b for b in box.buttons() if b.text() == "Copier les détails")
    copy.click()
    assert "RuntimeError" in QApplication.clipboard().text()
    box.close()
    for handler in __import__("logging").getLogger("engravedetect").handlers:
        handler.flush()
    content = log_path.read_text(encoding="utf-8")
    assert "RuntimeError" in content and "motdepasse" not in content


def test_closing_during_a_job_asks_then_cancels_and_waits(window, monkeypatch):
    import threading

    release = threading.Event()

    def slow(progress, cancelled):
        while not cancelled():
            release.wait(0.01)
        return None

    job = Job("Sauvegarde", slow, exclusive="données")
    window.jobs.start(job)
    answers = iter([QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes])
    asked: list[str] = []

    def question(parent, title, text, *args, **kwargs):
        asked.append(text)
        return next(answers)

    monkeypatch.setattr(QMessageBox, "question", question)
    assert not window.close()  # "No": the window stays, the job goes on
    assert not job.is_cancelled() and not job.finished_event.is_set()
    assert window.close()  # "Yes": cancelled, joined, closed
    assert job.is_cancelled() and job.finished_event.is_set()
    assert len(asked) == 2 and "Sauvegarde" in asked[0]
