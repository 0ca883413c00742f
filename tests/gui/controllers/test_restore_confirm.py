"""Restoring from the window: the question says what the restore will do, read from the backup
before anything changes; a backup without a password keeps the current one."""

from __future__ import annotations

from data import admin, catalogue
from data.query import LensQuery
from tests.gui.conftest import run_to_end


def test_the_confirmation_tells_date_kind_counts_and_password(window, qtbot):
    backup = run_to_end(qtbot, window.protection.backup()).result
    assert window.unlock_admin("secret-admin")  # the first unlock sets the password
    window.table.selectRow(0)
    window.editing.delete_lenses(confirm=False)
    now = catalogue.count_lenses(window.db, LensQuery())
    run_to_end(qtbot, window.protection.ask_restore(backup.path))
    box = window.protection.last_confirmation
    assert box is not None and box.objectName() == "restoreConfirmation"
    text = box.text()
    assert backup.path.name in text
    assert "Sauvegarde : copie du catalogue SQLite, manuelle, du " in text
    assert f"Verres : {now} verres maintenant → {backup.lens_count} verres après la restauration." in (
        text.replace("\u202f", ""))
    assert "Mot de passe administrateur : l'actuel est conservé (la sauvegarde n'en contient pas)." in text
    assert catalogue.count_lenses(window.db, LensQuery()) == now  # nothing restored yet
    box.restore_button.click()
    qtbot.waitUntil(lambda: window.centralWidget().isEnabled() and "restauré" in (
        window.protection.last_message.text() if window.protection.last_message else ""), timeout=30_000)
    assert catalogue.count_lenses(window.db, LensQuery()) == backup.lens_count
    assert admin.verify_password(window.db, "secret-admin")


def test_cancelling_the_confirmation_changes_nothing(window, qtbot):
    backup = run_to_end(qtbot, window.protection.backup()).result
    window.table.selectRow(0)
    assert window.unlock_admin("secret-admin")
    window.editing.delete_lenses(confirm=False)
    now = catalogue.count_lenses(window.db, LensQuery())
    run_to_end(qtbot, window.protection.ask_restore(backup.path))
    window.protection.last_confirmation.cancel_button.click()
    assert "rien n'a été modifié" in window.statusBar().currentMessage()
    assert catalogue.count_lenses(window.db, LensQuery()) == now
    folder = window.db.sqlite_path.parent
    assert not [p for p in folder.iterdir() if p.name.startswith(".engravedetect-tmp")]
