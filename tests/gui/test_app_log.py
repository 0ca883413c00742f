"""Crashes of the interpreter, Qt's messages and Python's warnings reach the data folder's logs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import warnings
from PySide6.QtCore import qWarning
from data.config import load_settings
from gui.app import start_logging

start_logging(load_settings())
warnings.warn("avertissement python de test postgresql://u:motdepasse@h/db")
qWarning("message Qt de test")
import faulthandler
faulthandler._sigsegv()
"""


def test_a_crash_a_qt_message_and_a_python_warning_reach_the_logs(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, "ENGRAVEDETECT_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode != 0  # the interpreter crashed on purpose
    crash = (home / "logs" / "crash.log").read_text(encoding="utf-8")
    assert "Segmentation fault" in crash
    log = (home / "database.log").read_text(encoding="utf-8")
    assert "avertissement python de test" in log and "motdepasse" not in log
    assert "message Qt de test" in log


def test_the_crash_dialog_names_the_log_file(qapp, monkeypatch, data_home):
    from data.config import load_settings
    from data.logs import configure_logging
    from gui.app import install_crash_handler

    log_path = configure_logging(load_settings())
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    install_crash_handler(qapp)
    try:
        raise RuntimeError("panne")
    except RuntimeError:
        sys.excepthook(*sys.exc_info())
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog" and w.isVisible())
    assert str(log_path) in box.text()
    box.close()
