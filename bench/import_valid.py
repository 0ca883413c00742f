"""The import's valid-only path: a supplier file with 5 % of its lines refused, imported with
« Importer les lignes valides » as the window runs it.

The file is the CSV the app exported for the import figure (``bench.import_speed.import_figures``), with
one line in twenty made invalid, deterministically and alternately as real guides are: an index
« Tbc », a name over the schema's 100 characters. Each round imports it into a new SQLite
catalogue: ``prepare_import(valid_only=True)`` (the preview), ``commit_import`` (the valid lines
in one transaction) and ``write_rejects`` (the refused lines handed back beside the file, with
their reason), timed together until the rejects file is closed; the figure is the file's lines
per second, the median round's.
"""

from __future__ import annotations

import csv
import time
from pathlib import Path
from typing import Any

SPOIL_EVERY = 20  # one line in twenty: 5 %
LONG_NAME_TAIL = " Edition longue pour verres progressifs a grand champ de vision" * 2


def spoil(source: Path, target: Path) -> int:
    """``source`` (the app's CSV export) copied to ``target`` with every ``SPOIL_EVERY``-th
    data line made invalid; returns how many. ``target`` sits beside ``source``: the image
    files the export wrote are found by the same relative names."""
    spoiled = 0
    with source.open(encoding="utf-8-sig", newline="") as read, \
            target.open("w", encoding="utf-8-sig", newline="") as written:
        rows = csv.reader(read, delimiter=";")
        out = csv.writer(written, delimiter=";", lineterminator="\r\n")
        header = next(rows)
        out.writerow(header)
        name, index = header.index("Nom"), header.index("Indice")
        for number, row in enumerate(rows, start=1):
            if number % SPOIL_EVERY == 0:
                if spoiled % 2:
                    row[name] = (row[name] + LONG_NAME_TAIL)[:140]
                else:
                    row[index] = "Tbc"
                spoiled += 1
            out.writerow(row)
    return spoiled


def valid_only_once(path: Path, target_path: Path, expected_refused: int) -> dict[str, Any]:
    """One round into a new catalogue at ``target_path`` (removed afterwards)."""
    from bench.writes import open_url
    from data.migrate import upgrade
    from data.transfer import commit_import, prepare_import, write_rejects

    target = open_url("sqlite:///" + target_path.as_posix())
    rejects_file = path.with_name(f"{path.stem}.refus.csv")
    try:
        upgrade(target)
        started = time.perf_counter()
        prepared = prepare_import(target, path, "csv", valid_only=True)
        checked = time.perf_counter()
        report = commit_import(target, prepared, author="banc d'essai")
        committed = time.perf_counter()
        rejects = write_rejects(path, "csv", prepared.rejects, rejects_file)
        seconds = time.perf_counter() - started
        target.wait_for_checkpoint()
    finally:
        target.dispose()
        for stale in (target_path, Path(f"{target_path}-wal"), Path(f"{target_path}-shm"), rejects_file):
            stale.unlink(missing_ok=True)
    if not report.written or report.refused_lines != expected_refused or rejects.lines != expected_refused:
        raise RuntimeError(f"import des lignes valides inattendu : {report.summary()}, "
                           f"{rejects.lines} ligne(s) rendue(s) pour {expected_refused} gâtée(s)")
    return {
        "rows": report.rows,
        "refused_lines": report.refused_lines,
        "written": report.new,
        "seconds": seconds,
        "check_s": checked - started,
        "write_s": committed - checked,
        "rejects_s": seconds - (committed - started),
    }


def valid_only_figures(csv_path: Path, work: Path, runs: int = 3) -> dict[str, Any]:
    """The valid-only figure for the exported ``csv_path``: median of ``runs`` rounds."""
    spoiled_path = csv_path.with_name(f"{csv_path.stem}-5pc-refus.csv")
    refused = spoil(csv_path, spoiled_path)
    try:
        rounds = [valid_only_once(spoiled_path, work / f"import-valides-{n}.db", refused) for n in range(runs)]
    finally:
        spoiled_path.unlink(missing_ok=True)
    middle = sorted(rounds, key=lambda run: run["seconds"])[(len(rounds) - 1) // 2]
    return {
        **middle,
        "import_rows_per_s": middle["rows"] / middle["seconds"],
        "runs_s": [run["seconds"] for run in rounds],
    }
