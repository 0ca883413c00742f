"""Application settings: where the data lives and which database to open.

Selection order for the database URL, first match wins: the ``--database`` command-line
option, the ``ENGRAVEDETECT_DATABASE_URL`` environment variable, a ``.env`` file (in the
current folder, then in the data folder), then the default SQLite file
``catalogue.db`` in the user's data folder. ``ENGRAVEDETECT_HOME`` moves the whole data
folder (database, backups, logs, settings), which is how tests stay out of the user's folder.
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
    file_values: dict[str, str] = {}
    for candidate in ((cwd or Path.cwd()) / ".env", folder / ".env"):
        for key, value in read_env_file(candidate).items():
            file_values.setdefault(key, value)
    # Environment wins over the .env file for every setting.
    merged = {**file_values, **{k: v for k, v in env.items() if k.startswith("ENGRAVEDETECT_")}}

    if cli_url:
        url, source = cli_url, "cli"
    elif env.get(ENV_URL):
        url, source = env[ENV_URL], "env"
    elif file_values.get(ENV_URL):
        url, source = file_values[ENV_URL], "dotenv"
    else:
        url, source = default_database_url(folder), "default"

    backup = merged.get("ENGRAVEDETECT_BACKUP_DIR")
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
    )
