"""This PC's back-office settings: the backup folder, the start-up backup, how many automatic
backups are kept, and the minutes after which admin mode locks itself.

They are written into the data folder's ``.env``, the file ``data.config`` already reads, so the
``backup`` command, the start-up backup and the window all use them. They belong to the PC, not to
the catalogue: a USB stick is plugged into one PC, not into the server six shops share.

The rules run here, whoever saves: a backup folder must exist and take a file (really written and
removed: on network shares and Windows, permission bits say little), counts stay in bounds.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from data.config import (
    AUTO_BACKUP_KEY,
    BACKUP_DIR_KEY,
    IDLE_MINUTES_KEY,
    KEEP_DAILY_KEY,
    KEEP_WEEKLY_KEY,
    Settings,
    read_env_file,
)
from data.errors import CatalogueError, ValidationError
from data.validation import ValidationReport

KEEP_DAILY_RANGE = (1, 365)
KEEP_WEEKLY_RANGE = (0, 260)
IDLE_MINUTES_RANGE = (1, 240)
FIELDS = {BACKUP_DIR_KEY: "backup_dir", AUTO_BACKUP_KEY: "auto_backup", KEEP_DAILY_KEY: "keep_daily",
          KEEP_WEEKLY_KEY: "keep_weekly", IDLE_MINUTES_KEY: "idle_minutes"}


@dataclass(frozen=True)
class Preferences:
    backup_dir: Path
    auto_backup: bool = True
    keep_daily: int = 7
    keep_weekly: int = 4
    idle_minutes: int = 15


def current(settings: Settings) -> Preferences:
    return Preferences(settings.backup_dir, settings.auto_backup, settings.keep_daily,
                       settings.keep_weekly, settings.idle_minutes)


def folder_problem(folder: Path) -> str | None:
    """Why backups could not go into ``folder`` (French), or None when a file can be written."""
    if not str(folder).strip() or not folder.is_absolute():
        return "Indiquez un dossier complet (par exemple E:\\Sauvegardes ou /media/cle/Sauvegardes)."
    try:
        if not folder.exists():
            return (f"Le dossier {folder} est introuvable : la clé USB ou le disque réseau est-il "
                    "branché ? Branchez-le ou choisissez un autre dossier.")
        if not folder.is_dir():
            return f"{folder} est un fichier, pas un dossier."
        probe = folder / f".engravedetect-essai-{secrets.token_hex(4)}"
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        probe.unlink()
    except PermissionError:
        return f"Impossible d'écrire dans le dossier {folder} (accès refusé) : choisissez-en un autre."
    except OSError as exc:
        return f"Impossible d'écrire dans le dossier {folder} ({exc.strerror or exc}) : choisissez-en un autre."
    return None


def _in_range(report: ValidationReport, name: str, value: int, bounds: tuple[int, int], what: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        report.add(name, f"{what} : entre {low} et {high}.")


def validate(prefs: Preferences, settings: Settings) -> ValidationReport:
    """The settings' rules; the default backup folder is created when missing, a chosen one never."""
    report = ValidationReport()
    if prefs.backup_dir != settings.default_backup_dir:
        problem = folder_problem(prefs.backup_dir)
        if problem:
            report.add("backup_dir", problem)
    _in_range(report, "keep_daily", prefs.keep_daily, KEEP_DAILY_RANGE, "Jours gardés")
    _in_range(report, "keep_weekly", prefs.keep_weekly, KEEP_WEEKLY_RANGE, "Semaines gardées")
    _in_range(report, "idle_minutes", prefs.idle_minutes, IDLE_MINUTES_RANGE, "Minutes d'inactivité")
    return report


def _env_values(prefs: Preferences, settings: Settings) -> dict[str, str | None]:
    """What the ``.env`` holds for each setting (None: the key removed, the default applies)."""
    folder = None if prefs.backup_dir == settings.default_backup_dir else prefs.backup_dir.as_posix()
    return {
        BACKUP_DIR_KEY: folder,  # forward slashes: no backslash escapes, and Windows takes them
        AUTO_BACKUP_KEY: "1" if prefs.auto_backup else "0",
        KEEP_DAILY_KEY: str(prefs.keep_daily),
        KEEP_WEEKLY_KEY: str(prefs.keep_weekly),
        IDLE_MINUTES_KEY: str(prefs.idle_minutes),
    }


def _write_env(path: Path, values: dict[str, str | None]) -> None:
    """Replace those keys' lines in ``path`` (other lines, such as a database URL, stay as they
    are), through a temporary file renamed over the old one."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines() if path.exists() else []
    except (OSError, UnicodeDecodeError):
        lines = []
    kept = [line for line in lines
            if line.split("=", 1)[0].strip().removeprefix("export ").strip() not in values]
    for key, value in values.items():
        if value is not None:
            kept.append(f"{key}='{value.replace(chr(39), chr(92) + chr(39))}'")
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".env.{secrets.token_hex(4)}.tmp")
    temp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    if path.exists():
        temp.chmod(path.stat().st_mode)  # it may hold a server password: keep it private if it was
    os.replace(temp, path)


def save(settings: Settings, prefs: Preferences) -> Settings:
    """Check and store ``prefs``; the settings now in force. Imposed settings are not written.

    Raises ``ValidationError`` (field -> French message) or ``CatalogueError`` when the file
    cannot be written.
    """
    report = validate(prefs, settings)
    if not report.is_valid:
        raise ValidationError(report)
    values = {k: v for k, v in _env_values(prefs, settings).items() if k not in settings.imposed}
    path = settings.data_dir / ".env"
    try:
        _write_env(path, values)
    except OSError as exc:
        raise CatalogueError(f"Réglages non enregistrés : impossible d'écrire {path} ({exc.strerror}).") from exc
    return replace(settings, **{attr: getattr(prefs, attr) for key, attr in FIELDS.items()
                                if key not in settings.imposed})


def read_stored(settings: Settings) -> dict[str, str]:
    """The settings as the data folder's ``.env`` holds them (for tests and support)."""
    return {k: v for k, v in read_env_file(settings.data_dir / ".env").items() if k.startswith("ENGRAVEDETECT_")}
