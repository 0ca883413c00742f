"""Application settings: where the data lives and which database to open.

Selection order for the database URL, first match wins: the ``--database`` command-line
option, the ``ENGRAVEDETECT_DATABASE_URL`` environment variable, a ``.env`` file (in the
current folder, then in the data folder), then the default SQLite file
``catalogue.db`` in the user's data folder. ``ENGRAVEDETECT_HOME`` moves the whole data
folder (database, backups, logs, settings), which is how tests stay out of the user's folder.

The back-office settings (backup folder, start-up backup, how many automatic backups are kept,
idle minutes before admin mode locks) are read here from the same sources; the settings dialog
writes them into the data folder's ``.env`` (``data.preferences``). A setting given by the
environment or by a ``.env`` of the current folder wins over that file: it is "imposed", and the
dialog shows it so instead of saving a value that would not be used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

APP_NAME = "EngraveDetect"
ENV_URL = "ENGRAVEDETECT_DATABASE_URL"
ENV_HOME = "ENGRAVEDETECT_HOME"
DEFAULT_DB_NAME = "catalogue.db"
BACKUP_DIR_KEY = "ENGRAVEDETECT_BACKUP_DIR"
AUTO_BACKUP_KEY = "ENGRAVEDETECT_AUTO_BACKUP"
KEEP_DAILY_KEY = "ENGRAVEDETECT_KEEP_DAILY"
KEEP_WEEKLY_KEY = "ENGRAVEDETECT_KEEP_WEEKLY"
IDLE_MINUTES_KEY = "ENGRAVEDETECT_IDLE_MINUTES"
PREFERENCE_KEYS = (BACKUP_DIR_KEY, AUTO_BACKUP_KEY, KEEP_DAILY_KEY, KEEP_WEEKLY_KEY, IDLE_MINUTES_KEY)
_NO = {"0", "false", "non", "no", "off"}


@dataclass(frozen=True)
class PoolSettings:
    """Connection pool for server databases (the original design's figures)."""

    size: int = 20
    overflow: int = 10
    timeout_s: float = 30.0
    recycle_s: int = 3600
    pre_ping: bool = True


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    backup_dir: Path
    log_level: str = "INFO"
    slow_query_ms: float = 50.0
    pool: PoolSettings = field(default_factory=PoolSettings)
    url_source: str = "default"
    auto_backup: bool = True
    keep_daily: int = 7
    keep_weekly: int = 4
    idle_minutes: int = 15
    imposed: frozenset[str] = frozenset()  # preference keys set outside the data folder's .env

    @property
    def default_backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def backup_dir_chosen(self) -> bool:
        """True when backups go to a folder the admin chose (a USB stick, a share): that folder
        is never created by a backup, so a stick left at home is reported, not replaced by an
        empty folder on the system disk."""
        return self.backup_dir != self.default_backup_dir

    @property
    def is_default_database(self) -> bool:
        """True when the app runs on its own embedded SQLite file (sample, daily backup)."""
        return self.url_source == "default"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    home = env.get(ENV_HOME)
    if home:
        return Path(home).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_database_url(folder: Path) -> str:
    return "sqlite:///" + (folder / DEFAULT_DB_NAME).as_posix()


def read_env_file(path: Path) -> dict[str, str]:
    """The ``KEY=VALUE`` pairs of a ``.env`` file, read by python-dotenv.

    Quotes, ``export`` and comments (also after a value: ``…/db # serveur``) are dotenv's; a
    byte-order mark (Notepad's UTF-8) is skipped; ``$`` is never interpolated, so a password
    such as ``pa$word`` stays as typed. A missing or unreadable file gives nothing.
    """
    from dotenv import dotenv_values

    try:
        if not path.is_file():
            return {}
        values = dotenv_values(path, interpolate=False, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return {}
    return {key: value for key, value in values.items() if value is not None}


def _int(values: Mapping[str, str], key: str, default: int) -> int:
    try:
        return int(values[key])
    except (KeyError, ValueError):
        return default


def _float(values: Mapping[str, str], key: str, default: float) -> float:
    try:
        return float(values[key])
    except (KeyError, ValueError):
        return default


def load_settings(
    cli_url: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Settings:
    env = dict(os.environ if environ is None else environ)
    folder = data_dir(env)
    here = read_env_file((cwd or Path.cwd()) / ".env")
    file_values = {**read_env_file(folder / ".env"), **here}
    # Environment wins over the .env file for every setting.
    from_env = {k: v for k, v in env.items() if k.startswith("ENGRAVEDETECT_")}
    merged = {**file_values, **from_env}

    if cli_url:
        url, source = cli_url, "cli"
    elif env.get(ENV_URL):
        url, source = env[ENV_URL], "env"
    elif file_values.get(ENV_URL):
        url, source = file_values[ENV_URL], "dotenv"
    else:
        url, source = default_database_url(folder), "default"

    backup = merged.get(BACKUP_DIR_KEY)
    pool = PoolSettings(
        size=_int(merged, "ENGRAVEDETECT_POOL_SIZE", 20),
        overflow=_int(merged, "ENGRAVEDETECT_POOL_OVERFLOW", 10),
        timeout_s=_float(merged, "ENGRAVEDETECT_POOL_TIMEOUT", 30.0),
        recycle_s=_int(merged, "ENGRAVEDETECT_POOL_RECYCLE", 3600),
    )
    return Settings(
        database_url=url,
        data_dir=folder,
        backup_dir=Path(backup).expanduser() if backup else folder / "backups",
        log_level=merged.get("ENGRAVEDETECT_LOG_LEVEL", "INFO").upper(),
        slow_query_ms=_float(merged, "ENGRAVEDETECT_SLOW_QUERY_MS", 50.0),
        pool=pool,
        url_source=source,
        auto_backup=merged.get(AUTO_BACKUP_KEY, "1").strip().lower() not in _NO,
        keep_daily=max(1, _int(merged, KEEP_DAILY_KEY, 7)),
        keep_weekly=max(0, _int(merged, KEEP_WEEKLY_KEY, 4)),
        idle_minutes=max(1, _int(merged, IDLE_MINUTES_KEY, 15)),
        imposed=frozenset(k for k in PREFERENCE_KEYS if k in from_env or k in here),
    )
