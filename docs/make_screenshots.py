"""Regenerate the README screenshots: ``QT_QPA_PLATFORM=offscreen .venv/bin/python docs/make_screenshots.py``.

Opens the real window on a throw-away data folder (sample catalogue), walks the optician's and the
admin's journeys and saves each screen to docs/screenshots/.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="engravedetect-shots-"))
    os.environ["ENGRAVEDETECT_HOME"] = str(home)
    from PySide6.QtCore import QEventLoop, QTimer

    from data import catalogue
    from gui.app import application, open_main_window

    app = application()

    def spin(ms: int = 300) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def checked_report():  # type: ignore[no-untyped-def]
        """Runs the integrity check and gives its report once shown."""
        check = window.protection.check()
        while check is not None and not check.finished_event.is_set():
            spin(50)
        spin(300)
        return window.protection.last_report

    def wait_jobs(window) -> None:  # type: ignore[no-untyped-def]
        for _ in range(200):
            if not window.jobs.running:
                return
            spin(50)

    OUT.mkdir(parents=True, exist_ok=True)
    window = open_main_window()
    window.resize(1600, 940)
    window.show()
    wait_jobs(window)
    spin(600)
    window.grab().save(str(OUT / "01-catalogue.png"))

    def search(text: str) -> None:
        window.filters.search_box.setText(text)
        window.filters.flush_search()
        spin(900)

    # Claire reads « 8X5 » on a BBGR lens at 1,5 (the B looks like an 8 under the lamp): the
    # lenses ranked, each with its reason. The picture is of a found lens or of nothing.
    search("bbgr 8x5 1,5")
    if not (window.model.ranked and window.model.rowCount()):
        raise SystemExit("capture 02 : la recherche classée n'a rien trouvé dans le catalogue d'exemple")
    window.table.selectRow(0)
    spin(500)
    window.grab().save(str(OUT / "02-recherche-classee.png"))
    # A misread code at the wrong index: the ways out instead of an empty grey table.
    search("sbr6o 1,67")
    if window.model.rowCount():
        raise SystemExit("capture 02b : la recherche devait ne rien trouver")
    window.grab().save(str(OUT / "02b-aucun-verre.png"))
    # A sign, not a code: the eye picked in the palette, « e5 1,5 » typed.
    window.filters.symbols.palette_widget.set_key_checked("oeil", True)
    search("e5 1,5")
    window.table.selectRow(0)
    spin(500)
    window.grab().save(str(OUT / "02c-symboles.png"))
    window.set_view(1)
    spin(1200)
    window.grab().save(str(OUT / "03-galerie.png"))
    window.set_view(0)
    window.filters.clear()
    spin(200)

    # Marc: admin mode, a wrong index typed, swapped heights.
    window.unlock_admin("demo-admin")
    window.table.selectRow(3)
    spin(200)
    dialog = window.editing.lens_dialog(catalogue.get_lens(window.db, window.detail.lens.id))
    dialog.show()
    dialog.inputs["indice"].setText("2,5")
    dialog.inputs["hauteur_min"].setText("18")
    dialog.inputs["hauteur_max"].setText("14")
    spin(300)
    dialog.grab().save(str(OUT / "04-dialogue-erreurs.png"))
    dialog.inputs["indice"].setText("1,6")
    dialog.inputs["hauteur_max"].setText("22")
    dialog.save()
    spin(200)

    history = window.editing.history_dialog()
    history.show()
    history.table.selectRow(0)
    spin(300)
    history.grab().save(str(OUT / "05-historique.png"))
    history.close()

    csv = home / "tarif-fournisseur.csv"
    csv.write_text(
        "Fournisseur;Gamme;Nom du verre;Indice;Hauteur min;Hauteur max;Gravure nasale\n"
        "Essilor;Varilux;Varilux Comfort Max;1,5 - 1,6 - 1,67;14;40;AICX\n"
        "Hoya;Hoyalux;Hoyalux iD Nouveau;1,6;15;;HN6\n"
        "Hoya;Hoyalux;Hoyalux iD Nouveau;2,5;15;;HN6\n",
        encoding="cp1252",
    )
    importer = window.transfer.import_dialog()
    importer.show()
    job = importer.set_file(csv)
    while job is not None and not job.finished_event.is_set():
        spin(50)
    spin(300)
    importer.grab().save(str(OUT / "06-import-apercu.png"))
    importer.reject()

    # Scenario 3: an old import from another tool left two lenses with min height above max.
    import sqlite3

    with sqlite3.connect(window.db.sqlite_path) as conn:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        conn.execute("UPDATE verres SET hauteur_min = 24, hauteur_max = 18 WHERE id IN (12, 57)")
    report = checked_report()
    if report is not None:
        from gui.dialogs.integrity_dialog import LENS_ROLE

        for i in range(report.tree.topLevelItemCount()):
            group = report.tree.topLevelItem(i)
            lens_items = [group.child(j) for j in range(group.childCount())
                          if group.child(j).data(0, LENS_ROLE) is not None]
            if lens_items:
                report.tree.itemClicked.emit(lens_items[0], 0)
                break
        spin(300)
        report.grab().save(str(OUT / "07-verification.png"))
        window.grab().save(str(OUT / "07b-verification-selection.png"))
        report.close()

    # Scenario 5: an old import left « ESSILOR FR », « SHAMIR FRANCE » and « CR 39 » beside the
    # catalogue's names; the check offers to merge each, the admin merges the first.
    with sqlite3.connect(window.db.sqlite_path) as conn:
        conn.execute("UPDATE verres SET hauteur_min = 14, hauteur_max = 18 WHERE id IN (12, 57)")
    add_twins(window)
    report = checked_report()
    if report is not None:
        report.resize(900, 460)
        spin(200)
        button = next(b for b in report.merge_buttons() if b.offer.other.name == "ESSILOR FR")
        button.click()
        spin(300)
        box = window.protection.merges.last_confirmation
        if box is not None:
            with_child_window(report, box).save(str(OUT / "07c-verification-doublons.png"))
            from PySide6.QtWidgets import QPushButton

            confirm = box.findChild(QPushButton, "mergeConfirmButton")
            if confirm is not None:
                confirm.click()
            for _ in range(200):
                if not report.writing and report.status.text() and "…" not in report.status.text():
                    break
                spin(50)
            spin(300)
            report.grab().save(str(OUT / "07d-verification-fusion.png"))
        report.close()

    backup = window.protection.backup()
    while backup is not None and not backup.finished_event.is_set():
        spin(50)
    spin(400)
    window.grab().save(str(OUT / "08-sauvegarde.png"))
    window.shutdown()
    window.close()
    app.processEvents()
    print(f"captures dans {OUT}")
    return 0


def add_twins(window) -> None:  # type: ignore[no-untyped-def]
    """Names an old import left beside the catalogue's own, each with a few lenses."""
    from data import catalogue

    with window.db.transaction() as s:
        essilor_fr = catalogue.get_or_create_reference(s, "fournisseur", "ESSILOR FR")
        varilux = catalogue.get_or_create_reference(s, "gamme", "Varilux", essilor_fr)
        shamir_fr = catalogue.get_or_create_reference(s, "fournisseur", "SHAMIR FRANCE")
        cr39 = catalogue.get_or_create_reference(s, "materiau", "CR 39")
    for number in range(5):
        catalogue.create_lens(window.db, {"nom": f"Varilux importé {number + 1}", "fournisseur_id": essilor_fr,
                                          "gamme_id": varilux, "indice": "1,6"})
    catalogue.create_lens(window.db, {"nom": "Autograph importé", "fournisseur_id": shamir_fr, "indice": "1,67"})
    for number in range(2):
        catalogue.create_lens(window.db, {"nom": f"Organique importé {number + 1}", "fournisseur_id": shamir_fr,
                                          "materiau_id": cr39, "indice": "1,5"})


def with_child_window(parent, child):  # type: ignore[no-untyped-def]
    """The parent's picture with a separate window (a question box) painted where it stands."""
    from PySide6.QtGui import QPainter

    shot = parent.grab()
    offset = child.mapToGlobal(child.rect().topLeft()) - parent.mapToGlobal(parent.rect().topLeft())
    painter = QPainter(shot)
    painter.drawPixmap(offset, child.grab())
    painter.end()
    return shot


if __name__ == "__main__":
    sys.exit(main())
