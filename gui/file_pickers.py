"""File pickers that open in the folder last used for the same kind of file.

Each kind (``import``, ``export``, ``backup``, ``restore``, ``image``) remembers its own folder in
``settings.ini`` (``folders/<kind>``) in the data folder, so that a supplier's files, the
exports and the engraving pictures each reopen where the optician left them. The pickers are
Qt's own dialogs, in French once ``gui.translations`` is installed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

from data.config import data_dir

KINDS = ("import", "export", "backup", "restore", "image")


def _settings() -> QSettings:
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def last_folder(kind: str, default: Path | None = None) -> Path:
    """The folder last used for ``kind``; else ``default``, else the user's home folder."""
    assert kind in KINDS, kind
    stored = _settings().value(f"folders/{kind}", "")
    if isinstance(stored, str) and stored and Path(stored).is_dir():
        return Path(stored)
    if default is not None and default.is_dir():
        return default
    return Path(QDir.homePath())


def remember(kind: str, chosen: Path) -> None:
    assert kind in KINDS, kind
    settings = _settings()
    settings.setValue(f"folders/{kind}", str(chosen.parent))
    settings.sync()


def open_file(
    parent: QWidget | None, kind: str, title: str, filters: str, default: Path | None = None
) -> Path | None:
    path, _chosen = QFileDialog.getOpenFileName(parent, title, str(last_folder(kind, default)), filters)
    if not path:
        return None
    remember(kind, Path(path))
    return Path(path)


def save_file(
    parent: QWidget | None, kind: str, title: str, name: str, filters: str,
    default: Path | None = None,
) -> Path | None:
    start = last_folder(kind, default) / name
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(start), filters)
    if not path:
        return None
    remember(kind, Path(path))
    return Path(path)
