"""The app's logs: a rotating ``database.log`` in the data folder, passwords masked, and
``logs/crash.log`` for crashes of the interpreter itself.

``mask_secrets`` hides passwords in URLs and ``password=...`` pairs; every record written to the
log goes through it. A line that cannot be written (a full disk) is dropped quietly. Python's
warnings join the log (``capture_warnings``); the window adds Qt's own messages (``gui.app``).
"""

from __future__ import annotations

import faulthandler
import logging
import os
import re
import sys
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import IO

from data.config import Settings

log = logging.getLogger("engravedetect.database")

_PASSWORD_IN_URL = re.compile(r"(?P<head>[a-zA-Z][\w+.-]*://[^:/@\s]*:)(?P<pw>[^@\s]+)(?P<at>@)")
_PASSWORD_KV = re.compile(r"(?i)(password\s*=\s*)('[^']*'|\"[^\"]*\"|\S+)")


def mask_secrets(message: str) -> str:
    """Hide passwords in URLs and ``password=...`` pairs: safe for logs and dialogs."""
    masked = _PASSWORD_IN_URL.sub(lambda m: f"{m['head']}***{m['at']}", message)
    return _PASSWORD_KV.sub(lambda m: f"{m.group(1)}***", masked)


class SecretMaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            rendered = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = mask_secrets(rendered)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = mask_secrets(logging.Formatter().formatException(record.exc_info))
        return True


class QuietFileHandler(RotatingFileHandler):
    """The log file handler: a line that cannot be written is dropped, never shown as a traceback.

    A full disk or a log file another program locks must not put Python's "--- Logging error
    ---" in front of the user, nor stop the app: one French line on stderr says the log is
    incomplete, once.
    """

    warned = False

    def handleError(self, record: logging.LogRecord) -> None:
        if QuietFileHandler.warned:
            return
        QuietFileHandler.warned = True
        error = sys.exc_info()[1]
        reason = getattr(error, "strerror", None) or "erreur d'écriture"
        try:
            print(f"Attention : le journal {self.baseFilename} ne peut plus être écrit ({reason}) ; "
                  "l'application continue sans lui.", file=sys.stderr)
        except Exception:  # noqa: BLE001 - no console (windowed app): nothing more to do
            pass


_configured_logs: set[Path] = set()


def configure_logging(settings: Settings) -> Path | None:
    """Send the app's logs to a rotating ``database.log`` in the data folder (once per folder)."""
    path = settings.data_dir / "database.log"
    root = logging.getLogger("engravedetect")
    root.setLevel(settings.log_level if settings.log_level in logging._nameToLevel else "INFO")
    if path in _configured_logs:
        return path
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        handler = QuietFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    except OSError as exc:
        log.warning("Journal indisponible (%s) : %s", path, exc)
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(SecretMaskingFilter())
    for existing in list(root.handlers):
        if isinstance(existing, RotatingFileHandler):
            root.removeHandler(existing)
            existing.close()
    root.addHandler(handler)
    _configured_logs.clear()
    _configured_logs.add(path)
    return path


def current_log_file() -> Path | None:
    """The log file ``configure_logging`` set up, if any (the crash dialog names it)."""
    for handler in logging.getLogger("engravedetect").handlers:
        if isinstance(handler, RotatingFileHandler):
            return Path(handler.baseFilename)
    return None


def capture_warnings() -> None:
    """Python's warnings (``warnings.warn``) go to the app log instead of a hidden console."""
    logging.captureWarnings(True)
    warnings_log = logging.getLogger("py.warnings")
    for handler in list(warnings_log.handlers):
        if isinstance(handler, RotatingFileHandler):
            warnings_log.removeHandler(handler)
    for handler in logging.getLogger("engravedetect").handlers:
        if isinstance(handler, RotatingFileHandler):
            warnings_log.addHandler(handler)


_crash_file: IO[str] | None = None


def capture_crashes(settings: Settings) -> Path | None:
    """A crash of the interpreter itself (a fault in a native library) writes the Python
    traceback of every thread to ``logs/crash.log`` in the data folder (``faulthandler``):
    a shop PC shows no console where it would otherwise go."""
    global _crash_file
    path = settings.log_dir / "crash.log"
    try:
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a", encoding="utf-8")  # noqa: SIM115 - held open for the process
        handle.write(f"--- démarrage {datetime.now():%Y-%m-%d %H:%M:%S}, processus {os.getpid()}\n")
        handle.flush()
    except OSError as exc:
        log.warning("Journal des plantages indisponible (%s) : %s", path, exc)
        return None
    faulthandler.enable(file=handle, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = handle
    return path
