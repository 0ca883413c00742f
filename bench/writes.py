"""Saving an edited lens through the catalogue service: the original design's transaction time.

Each save does what the edit dialog does: read the lens (``get_lens``), change a field, then
``update_lens`` with the version it read (optimistic locking, and the audit entry once the audit
trail exists). Only ``update_lens`` is timed. Writes go to a working copy, never to the cached
catalogue, so the cache stays identical to what the generator made.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

from data import catalogue
from data.config import load_settings
from data.database import Database, open_database

AUTHOR = "banc d'essai"


def working_copy(source: Path, target: Path) -> Path:
    """Copy a catalogue with SQLite's online backup API (a file copy could miss the WAL)."""
    for leftover in (target, Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()
    return target


def open_url(url: str, pool_size: int | None = None) -> Database:
    return open_database(url, load_settings(cli_url=url), pool_size=pool_size)


def edited(detail: catalogue.LensDetail, label: str) -> dict[str, object]:
    """The dialog's values after the user changed the variant (what a typical edit touches)."""
    values = detail.form_values()
    values["variante"] = label
    return values


def save_lens(db: Database, lens_id: int, values: dict[str, object], version: int) -> int:
    """``update_lens`` as the dialog calls it, with the author its audit entry records; the new
    version."""
    saved = catalogue.update_lens(db, lens_id, values, version, author=AUTHOR).version
    assert saved is not None
    return saved


def measure_saves(url: str, count: int, rows: int, seed: int = 7) -> list[float]:
    """``count`` saves of different lenses; returns each ``update_lens`` time in ms."""
    rng = random.Random(seed)
    db = open_url(url, pool_size=2)
    timings: list[float] = []
    try:
        for number, lens_id in enumerate(rng.sample(range(1, rows + 1), count)):
            detail = catalogue.get_lens(db, lens_id)
            values = edited(detail, f"Banc {number}")
            start = time.perf_counter()
            save_lens(db, lens_id, values, detail.version)
            timings.append((time.perf_counter() - start) * 1000)
    finally:
        db.dispose()
    return timings
