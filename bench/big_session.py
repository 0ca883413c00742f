"""One measurement of the large-catalogue benchmark through the real window, in this process.

    python -m bench.big_session open|gallery|backup|check --url URL --out OUT.json [--started T]

Each opens the app's main window (``gui.app.open_main_window``, 1400 × 900, the platform of the
caller: offscreen in ``make bench-big``), with ``ENGRAVEDETECT_HOME`` set by the caller to a
temporary folder, and a 10 ms ``QTimer`` ticking on the UI thread: the longest gap between two
ticks is the longest time the window could not answer (a stall), whatever caused it.

- ``open``: from ``--started`` (the caller's clock just before it started this process: the
  interpreter's start and every import count) to the end of the table viewport's first paint
  holding rows.
- ``gallery``: the gallery (``galleryView``) shown, then scrolled from top to bottom, half a
  screen every ``SCROLL_EVERY_MS``, as a hand dragging the scroll bar quickly does; then the last
  screen's thumbnails awaited. Thumbnails loaded and failed are counted (a failed one shows
  « Image indisponible »).
- ``backup``: « Sauvegarder » (``backupAction``) through the window's own job: its duration and
  how many progress updates reached the status bar's bar; then a second backup, cancelled with
  the status bar's « Annuler » after ``CANCEL_AFTER_S`` (or half the first backup's time, when
  shorter): the time from the click to the job's
  end, whether a file was left in the backup folder and what the status bar said.
- ``check``: « Vérifier l'intégrité » (``integrityCheckAction``) through the window's job: its
  duration and its findings (none expected).

Every measurement reports the process's peak resident memory (``VmHWM``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.browse import peak_rss_mb

WINDOW_SIZE = (1400, 900)
TICK_MS = 10
SCROLL_EVERY_MS = 30
CANCEL_AFTER_S = 1.0
TIMEOUT_S = 3600.0
POLL_MS = 20


class Ticker:
    """A 10 ms timer on the UI thread; ``longest_gap_ms`` is the worst wait between two ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.timer = QTimer()
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.gaps: list[float] = []

    def start(self) -> None:
        self.gaps.clear()
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> dict[str, Any]:
        self.timer.stop()
        gaps = sorted(self.gaps)
        return {
            "longest_gap_ms": round(gaps[-1], 1) if gaps else None,
            "p99_gap_ms": round(gaps[int(len(gaps) * 0.99)], 1) if gaps else None,
            "ticks": len(gaps),
            "gaps_over_50ms": sum(1 for gap in gaps if gap > 50),
        }

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self.last) * 1000)
        self.last = now


def run_until(_app: Any, done: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    """Run the event loop until ``done()``, asked every ``POLL_MS``: the loop sleeps between
    events, as the window's own loop does (a busy loop here would be measured as the app's)."""
    from PySide6.QtCore import QEventLoop, QTimer

    deadline = time.perf_counter() + timeout_s
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(POLL_MS)
    poll.timeout.connect(lambda: loop.quit() if done() or time.perf_counter() > deadline else None)
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("délai dépassé")
        poll.start()
        loop.exec()
        poll.stop()


class Session:
    """The window, shown, with its first page painted in the table or the gallery, whichever the
    window's settings show (``painted_at``: perf time)."""

    def __init__(self, url: str) -> None:
        from PySide6.QtCore import QEvent, QObject, QTimer

        from gui.app import application, open_main_window

        self.app = application()
        self.window = open_main_window(url)
        self.window.resize(*WINDOW_SIZE)
        self.painted_at: float | None = None
        session = self

        class FirstPaint(QObject):
            def eventFilter(self, _watched: Any, event: Any) -> bool:  # noqa: N802 - Qt override
                if (event.type() == QEvent.Type.Paint and session.painted_at is None
                        and session.window.model.rowCount() > 0):
                    QTimer.singleShot(0, session._painted)  # once this paint is over
                return False

        self._watch = FirstPaint()
        for view in (self.window.table, self.window.gallery):  # the view the settings kept
            view.viewport().installEventFilter(self._watch)
        self.window.show()
        run_until(self.app, lambda: self.painted_at is not None, 120)
        self.ticker = Ticker()

    def _painted(self) -> None:
        if self.painted_at is None:
            self.painted_at = time.perf_counter()

    def close(self) -> None:
        self.window.shutdown()
        self.window.close()
        self.app.processEvents()
        self.window.db.dispose()


def measure_open(url: str, started: float) -> dict[str, Any]:
    in_process = time.perf_counter()
    session = Session(url)
    painted_wall = time.time() - (time.perf_counter() - (session.painted_at or 0.0))
    rows = session.window.model.rowCount()
    session.close()
    return {"open_s": round(painted_wall - started, 3), "window_s": round((session.painted_at or 0) - in_process, 3),
            "rows": rows}


def measure_gallery(url: str) -> dict[str, Any]:
    from PySide6.QtCore import QTimer

    from gui.widgets.results_area import GALLERY_VIEW

    session = Session(url)
    window, app = session.window, session.app
    model = window.model
    run_until(app, lambda: model.total_count() is not None, 120)
    loaded: set[str] = set()
    failed: set[str] = set()
    window.images.loaded.connect(loaded.add)
    window.images.failed.connect(failed.add)
    window.set_view(GALLERY_VIEW)
    gallery = window.gallery
    app.processEvents()
    bar = gallery.verticalScrollBar()
    step = max(1, gallery.viewport().height() // 2)
    steps = 0

    def scroll() -> None:
        nonlocal steps
        bar.setValue(min(bar.maximum(), bar.value() + step))
        steps += 1

    scroller = QTimer()
    scroller.setInterval(SCROLL_EVERY_MS)
    scroller.timeout.connect(scroll)
    session.ticker.start()
    started = time.perf_counter()
    scroller.start()
    run_until(app, lambda: bar.value() >= bar.maximum())
    scroller.stop()
    scrolled_s = time.perf_counter() - started
    visible = _visible_keys(window)
    run_until(app, lambda: all(key in loaded or key in failed for key in visible), 300)
    settled_s = time.perf_counter() - started - scrolled_s
    stalls = session.ticker.stop()
    result = {
        **stalls, "lenses": model.total_count(), "scroll_steps": steps, "step_px": step,
        "scrolled_px": bar.maximum(), "scroll_s": round(scrolled_s, 2),
        "last_screen_thumbnails": len(visible), "last_screen_shown_s": round(settled_s, 2),
        "thumbnails_loaded": len(loaded), "thumbnails_failed": len(failed),
        "image_cache_mb": round(window.images.cached_bytes / 2**20, 1),
    }
    session.close()
    return result


def _visible_keys(window: Any) -> set[str]:
    """The picture keys of the gallery items on screen now (the viewport probed every 40 px)."""
    from PySide6.QtCore import QPoint

    from gui.images import row_image_key

    gallery = window.gallery
    rect = gallery.viewport().rect()
    rows = {gallery.indexAt(QPoint(x, y)).row()
            for x in range(0, rect.width(), 40) for y in range(0, rect.height(), 40)}
    keys = {row_image_key(lens) for row in rows if row >= 0 and (lens := window.model.row_at(row)) is not None}
    return {key for key in keys if key is not None}


def _backup_files(window: Any) -> set[Path]:
    folder = window.db.settings.backup_dir
    return set(folder.iterdir()) if folder.exists() else set()


def trigger(session: Session, action: str) -> Any:
    """Trigger one of the window's actions; return the job it started (the status bar's)."""
    session.window.action(action).trigger()
    job = session.window.job_status.job
    if job is None:
        raise RuntimeError(f"{action} n'a démarré aucune tâche")
    return job


def run_job(session: Session, action: str) -> tuple[Any, float, dict[str, Any]]:
    """The job of ``action`` run to its end, the ticker running: (job, seconds, stalls)."""
    session.ticker.start()
    started = time.perf_counter()
    job = trigger(session, action)
    run_until(session.app, job.finished_event.is_set)
    duration = time.perf_counter() - started
    session.app.processEvents()
    stalls = session.ticker.stop()
    if job.result is None:
        raise RuntimeError(f"{action} en échec : {job.error}")
    return job, duration, stalls


def measure_backup(url: str) -> dict[str, Any]:
    session = Session(url)
    window = session.window
    before = _backup_files(window)
    updates: list[int] = []
    window.job_status.bar.valueChanged.connect(updates.append)
    job, duration, stalls = run_job(session, "backupAction")
    result = job.result
    backup = {"backup_s": round(duration, 2), "progress_updates": len(updates), "file": result.path.name,
              "file_mb": round(result.size_bytes / 1e6, 1), "longest_gap_ms": stalls["longest_gap_ms"]}
    if window.protection.last_message is not None:
        window.protection.last_message.close()
    # About a second in; half-way through on a catalogue whose whole backup takes less.
    backup.update(_cancel(session, before | {result.path}, min(CANCEL_AFTER_S, duration / 2)))
    backup["rss_mb"] = round(peak_rss_mb(), 1)
    session.close()
    return backup


def _cancel(session: Session, before: set[Path], after_s: float) -> dict[str, Any]:
    """A second backup cancelled with the status bar's « Annuler » after ``after_s``."""
    window, app = session.window, session.app
    job = trigger(session, "backupAction")
    deadline = time.perf_counter() + after_s
    run_until(app, lambda: job.finished_event.is_set() or time.perf_counter() >= deadline)
    clicked = time.perf_counter()
    window.job_status.cancel_button.click()
    run_until(app, job.finished_event.is_set)
    ended = time.perf_counter()
    app.processEvents()
    left = sorted(path.name for path in _backup_files(window) - before)
    return {"cancel_after_s": round(after_s, 2), "cancel_to_end_s": round(ended - clicked, 3),
            "cancelled": job.is_cancelled() and job.result is None, "files_left": left,
            "status": window.statusBar().currentMessage()}


def measure_check(url: str) -> dict[str, Any]:
    session = Session(url)
    job, duration, stalls = run_job(session, "integrityCheckAction")
    report = job.result
    found = {"check_s": round(duration, 2), "findings": len(report.findings),
             "first_findings": [f.message for f in report.findings[:5]], "longest_gap_ms": stalls["longest_gap_ms"],
             "rss_mb": round(peak_rss_mb(), 1)}
    if session.window.protection.last_report is not None:
        session.window.protection.last_report.close()
    session.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Une mesure du gros catalogue par la vraie fenêtre.")
    parser.add_argument("what", choices=("open", "gallery", "backup", "check"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--started", type=float, help="heure (time.time()) du lancement du processus")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    if args.what == "open":
        result = measure_open(args.url, args.started or time.time())
    elif args.what == "gallery":
        result = measure_gallery(args.url)
    elif args.what == "backup":
        result = measure_backup(args.url)
    else:
        result = measure_check(args.url)
    result.setdefault("rss_mb", round(peak_rss_mb(), 1))
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
