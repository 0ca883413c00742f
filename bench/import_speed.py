"""The import's figures: the app's CSV import (check, then write) against the ``sqlite3``
program's ``.import`` of the same file, the valid-only path, and the other formats once.

``import_figures(rows, catalogue_path, work_dir)`` is this step of ``make bench`` alone (the
harness calls it with a cached catalogue).
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

from bench.import_valid import valid_only_figures
from data import formatting


def say(message: str) -> None:
    print(message, flush=True)


OTHER_FORMATS = ("csv", "json", "xlsx")


def import_figures(rows: int, source: Path, work: Path, runs: int = 3, others: bool = True) -> dict[str, Any]:
    """Export ``rows`` lenses to CSV with the app, then import them into an empty catalogue.

    Both passes as the window runs them (``prepare_import``: the check and preview;
    ``commit_import``: the writing), timed apart; the anchor is the ``sqlite3`` program's
    ``.import`` of the same file into an empty table (no checks, no index, no history).

    One import is a few seconds of work on a machine whose speed drifts by a quarter from one
    second to the next (the same loop of pure Python: 0.85 to 1.27 s within a minute). So
    ``runs`` rounds alternate the anchor and the app, each into a new database, and the figures
    are each side's median: the same treatment for both, every run kept in the details.

    With ``others``, the same catalogue is also exported to JSON and XLSX and each file imported
    once, for information (no target; a slow reader of one format shows here).

    Then the valid-only path (``bench.import_valid``): the same CSV with 5 % of its lines
    refused, imported with « Importer les lignes valides » (``valid_only``), ``runs`` rounds."""
    try:
        from data.transfer import export_lenses
    except ImportError:
        say("Import : non disponible")
        return {"rows": rows, "import_rows_per_s": None}
    from bench.writes import open_url

    count = formatting.integer(rows)
    say(f"Import CSV de {count} verres ({runs} fois, en alternance avec sqlite3 .import)…")
    csv_path = work / f"import-{rows}.csv"
    exports: dict[str, tuple[Path, float]] = {}
    db = open_url("sqlite:///" + source.as_posix())
    try:
        for fmt in OTHER_FORMATS if others else ("csv",):
            path = csv_path.with_suffix(f".{fmt}")
            started = time.perf_counter()
            export_lenses(db, path, fmt)
            exports[fmt] = (path, time.perf_counter() - started)
    finally:
        db.dispose()
    ours: list[dict[str, Any]] = []
    cli: list[float] = []
    for run_number in range(runs):
        anchor_s = cli_import_seconds(csv_path, work)
        if anchor_s is not None:
            cli.append(anchor_s)
        ours.append(import_once(csv_path, work / f"import-{run_number}.db"))
    middle = sorted(ours, key=lambda run: run["seconds"])[(len(ours) - 1) // 2]
    cli_s = sorted(cli)[(len(cli) - 1) // 2] if cli else None
    say(f"Import des lignes valides : le même CSV, 5 % de lignes refusées ({runs} fois)…")
    valid_only = valid_only_figures(csv_path, work, runs)
    other: dict[str, Any] = {}
    for fmt, (path, export_s) in exports.items():
        if fmt == "csv":
            continue
        say(f"Import {fmt.upper()} du même catalogue (une fois, pour information)…")
        once = import_once(path, work / f"import-{fmt}.db", fmt)
        other[fmt] = {
            **once,
            "import_rows_per_s": once["rows"] / once["seconds"],
            "export_s": export_s,
            "file_mb": path.stat().st_size / 1024 / 1024,
        }
        path.unlink(missing_ok=True)
    return {
        "rows": middle["rows"],
        "import_rows_per_s": middle["rows"] / middle["seconds"],
        **{key: value for key, value in middle.items() if key != "rows"},
        "cli_import_rows_per_s": middle["rows"] / cli_s if cli_s else None,
        "runs_s": [run["seconds"] for run in ours],
        "cli_runs_s": cli,
        "csv_export_s": exports["csv"][1],
        "valid_only": valid_only,
        "other_formats": other,
    }


def import_once(source_path: Path, target_path: Path, fmt: str = "csv") -> dict[str, Any]:
    from bench.writes import open_url
    from data.migrate import upgrade
    from data.transfer import commit_import, prepare_import

    target = open_url("sqlite:///" + target_path.as_posix())
    try:
        upgrade(target)
        started = time.perf_counter()
        prepared = prepare_import(target, source_path, fmt)
        checked = time.perf_counter()
        report = commit_import(target, prepared, author="banc d'essai")
        seconds = time.perf_counter() - started
        # The window has the result back; SQLite copies the WAL into the file behind it.
        target.wait_for_checkpoint()
        checkpoint_s = time.perf_counter() - started - seconds
    finally:
        target.dispose()
        for path in (target_path, Path(f"{target_path}-wal"), Path(f"{target_path}-shm")):
            path.unlink(missing_ok=True)
    if not report.written:
        raise RuntimeError(f"l'import n'a rien écrit : {report.summary()}")
    return {
        "rows": report.rows,
        "seconds": seconds,
        "check_s": checked - started,
        "write_s": seconds - (checked - started),
        "background_checkpoint_s": checkpoint_s,
    }


def cli_import_seconds(csv_path: Path, work: Path) -> float | None:
    """The ``sqlite3`` program loading the same CSV into a new table of a new database file."""
    sqlite_cli = shutil.which("sqlite3")
    if not sqlite_cli:
        return None
    target = work / "cli-import.db"
    target.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run([sqlite_cli, str(target), ".mode csv", ".separator ;", f".import '{csv_path}' brut"],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - start
    target.unlink(missing_ok=True)
    return seconds
