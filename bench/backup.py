"""Backup speed against the command-line anchor, and how long the window freezes meanwhile.

    python -m bench.backup --db FILE --out OUT.json

Anchor: ``sqlite3 FILE ".backup copy"`` then ``gzip -6 copy``, timed until the ``.gz`` is closed.
The app: ``data.maintenance.backup_database`` run as the backup button runs it, in a
``gui.workers.jobs.Job`` on a ``JobRunner``, while a 10 ms ``QTimer`` ticks on the UI thread; the
longest gap between two ticks is the longest the window could not repaint or answer a click.
``backup_mb_s`` uses the app's ``compressed_s`` (until its ``.gz`` is closed, before it verifies the
copy), so both figures end at the same point.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MIB = 1024 * 1024
TIMER_MS = 10


def backup_function() -> Any | None:
    """``data.maintenance.backup_database`` when that module exists (it arrived with the jobs issue)."""
    try:
        module = importlib.import_module("data.maintenance")
    except ImportError:
        return None
    return getattr(module, "backup_database", None)


def cli_backup_seconds(db_path: Path, folder: Path) -> float | None:
    sqlite_cli, gzip_cli = shutil.which("sqlite3"), shutil.which("gzip")
    if not sqlite_cli or not gzip_cli:
        return None
    copy = folder / "cli-copy.db"
    start = time.perf_counter()
    subprocess.run([sqlite_cli, str(db_path), f".backup '{copy}'"], check=True)
    subprocess.run([gzip_cli, "-6", str(copy)], check=True)
    seconds = time.perf_counter() - start
    Path(f"{copy}.gz").unlink(missing_ok=True)
    return seconds


def app_backup(db_path: Path, folder: Path) -> dict[str, Any] | None:
    """Run the app's backup in a job while measuring the UI thread's longest stall."""
    backup = backup_function()
    if backup is None:
        return None
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from data.config import load_settings
    from data.database import open_database
    from gui.workers.jobs import Job, JobRunner

    app = QApplication.instance() or QApplication([])
    url = "sqlite:///" + db_path.as_posix()
    db = open_database(url, load_settings(cli_url=url))
    runner = JobRunner(max_threads=2)
    ticks: list[float] = []
    outcome: dict[str, Any] = {}
    timer = QTimer()
    timer.setInterval(TIMER_MS)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    job = Job("sauvegarde", lambda progress, cancelled: backup(
        db, kind="manual", dest_dir=folder, progress=progress, cancel=cancelled))
    job.signals.finished.connect(lambda result: outcome.update(result=result))
    job.signals.failed.connect(lambda message: outcome.update(error=message))
    job.signals.done.connect(loop.quit)
    try:
        timer.start()
        app.processEvents()
        ticks.append(time.perf_counter())
        started = time.perf_counter()
        runner.start(job)
        loop.exec()
        wall = time.perf_counter() - started
        timer.stop()
    finally:
        runner.shutdown()
        db.dispose()
    if "error" in outcome:
        raise RuntimeError(outcome["error"])
    result = outcome["result"]
    gaps = [(b - a) * 1000 for a, b in zip(ticks, ticks[1:], strict=False)]
    return {
        "compressed_s": result.compressed_s,
        "duration_s": result.duration_s,
        "wall_s": wall,
        "backup_mb": result.size_bytes / MIB,
        "max_ui_stall_ms": max(gaps) if gaps else None,
        "ticks": len(ticks),
    }


def measure(db_path: Path) -> dict[str, Any]:
    db_mb = db_path.stat().st_size / MIB
    with tempfile.TemporaryDirectory(prefix="edt-bench-backup-") as tmp:
        folder = Path(tmp)
        cli_s = cli_backup_seconds(db_path, folder)
        app = app_backup(db_path, folder)
    return {
        "db_mb": db_mb,
        "backup_mb_s": db_mb / app["compressed_s"] if app else None,
        "cli_backup_mb_s": db_mb / cli_s if cli_s else None,
        "max_ui_stall_ms": app["max_ui_stall_ms"] if app else None,
        "app": app,
        "cli_s": cli_s,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sauvegarde : vitesse et gel de la fenêtre.")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from bench.quiet import quiet_app_logs

    quiet_app_logs()
    args.out.write_text(json.dumps(measure(args.db)), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
