"""Backup, restore, integrity check and upkeep from the window, in background jobs."""

from __future__ import annotations

import gzip
import sqlite3

from PySide6.QtCore import Qt, QTimer

from data import catalogue
from data.query import LensQuery
from gui.controllers.protection import Protection
from tests.gui.conftest import run_to_end


def wait_job(qtbot, job, timeout=60_000):
    return run_to_end(qtbot, job, timeout)


def test_backup_button_runs_in_background_and_reports_the_file(window, qtbot):
    job = window.protection.backup()
    assert job is not None
    assert window.job_status.isVisibleTo(window)
    result = wait_job(qtbot, job).result
    assert result.path.exists() and result.path.name.startswith("catalogue_")
    box = window.protection.last_message
    assert box is not None and str(result.path) in box.text()
    assert any(b.text() == "Ouvrir le dossier" for b in box.buttons())
    qtbot.waitUntil(lambda: not window.job_status.isVisible(), timeout=5000)
    with gzip.open(result.path) as packed:
        data = packed.read()
    copy = window.db.settings.data_dir / "verif.db"
    copy.write_bytes(data)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM verres").fetchone()[0] == window.model.rowCount()


def test_cancel_button_cancels_and_leaves_no_file(window, qtbot):
    from data import maintenance
    from gui.workers.jobs import Job

    folder = window.db.settings.backup_dir
    before = set(folder.glob("*")) if folder.exists() else set()
    db = window.db
    job = Job("Sauvegarde", lambda p, c: maintenance.backup_database(db, progress=p, cancel=c),
              exclusive="données")
    window.job_status.follow(job, "Sauvegarde en cours…")
    qtbot.mouseClick(window.job_status.cancel_button, Qt.MouseButton.LeftButton)
    assert job.is_cancelled()
    window.jobs.start(job)
    assert "annulée" in wait_job(qtbot, job).error
    after = set(folder.glob("*")) if folder.exists() else set()
    assert after == before


def test_a_cancelled_backup_says_so_in_the_status_bar(window, qtbot):
    folder = window.db.settings.backup_dir
    before = set(folder.glob("*")) if folder.exists() else set()
    window.protection.background.last_message = None
    job = window.protection.backup()
    qtbot.mouseClick(window.job_status.cancel_button, Qt.MouseButton.LeftButton)
    wait_job(qtbot, job)
    assert job.error is not None
    assert window.statusBar().currentMessage().startswith("Sauvegarde annulée")
    assert window.protection.last_message is None  # no « échec » box for what the user asked
    assert (set(folder.glob("*")) if folder.exists() else set()) == before


def test_two_data_jobs_cannot_run_together(window, qtbot):
    first = window.protection.backup()
    second = window.protection.check()
    assert first is not None and second is None
    assert "en cours" in window.protection.last_message.text()
    wait_job(qtbot, first)


def test_integrity_check_finds_planted_problem_and_selects_the_lens(window, qtbot):
    lens_id = catalogue.lens_ids(window.db, LensQuery())[40]
    path = window.db.sqlite_path
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE verres SET hauteur_min = 30, hauteur_max = 12 WHERE id = ?", (lens_id,))
    job = window.protection.check()
    wait_job(qtbot, job)
    dialog = window.protection.last_report
    assert dialog is not None
    items = []
    for i in range(dialog.tree.topLevelItemCount()):
        group = dialog.tree.topLevelItem(i)
        items += [group.child(j) for j in range(group.childCount())]
    target = next(item for item in items if f"n° {lens_id} " in item.text(0))
    dialog.tree.itemClicked.emit(target, 0)
    assert window.current_lens_id() == lens_id


def test_restore_replaces_the_catalogue_and_reloads_the_window(window, qtbot):
    backup = wait_job(qtbot, window.protection.backup()).result.path
    assert window.unlock_admin("secret-admin")
    total = window.model.rowCount()
    window.table.selectRow(0)
    window.editing.delete_lenses(confirm=False)
    assert window.model.rowCount() == total - 1
    job = window.protection.restore(backup)
    assert job is not None and not window.centralWidget().isEnabled()
    wait_job(qtbot, job)
    qtbot.waitUntil(lambda: window.centralWidget().isEnabled(), timeout=5000)
    assert window.model.rowCount() == total
    assert "restauré" in window.protection.last_message.text()


def test_restore_of_a_file_that_is_not_a_backup_changes_nothing(window, qtbot, tmp_path):
    bogus = tmp_path / "catalogue_20240101-000000.db.gz"
    bogus.write_bytes(b"ceci n'est pas une sauvegarde")
    total = window.model.rowCount()
    job = window.protection.restore(bogus)
    wait_job(qtbot, job)
    assert window.protection.last_message.icon() == window.protection.last_message.Icon.Warning
    assert window.model.rowCount() == total
    assert catalogue.count_lenses(window.db, LensQuery()) == total


def test_upkeep_runs_in_background(window, qtbot):
    job = window.protection.vacuum()
    wait_job(qtbot, job)
    assert "Compactage" in window.statusBar().currentMessage()


def test_ui_thread_keeps_ticking_during_a_backup(window, qtbot):
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    job = window.protection.backup()
    wait_job(qtbot, job)
    timer.stop()
    assert ticks, "the event loop never ran while the backup worked"
    assert isinstance(window.protection, Protection)
