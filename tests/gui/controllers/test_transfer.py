"""Import (preview, all or nothing, cancel) and export of the filtered view, from the window."""

from __future__ import annotations

from pathlib import Path

from data import catalogue
from data.query import LensQuery
from tests.gui.conftest import run_to_end

GOOD = (
    "Fournisseur;Gamme;Nom du verre;Indice;Hauteur min;Gravure nasale\n"
    "Essilor;Varilux;Verre importé A;1,6;14;IMPA\n"
    "ESSILOR;Varilux;Verre importé B;1,5 - 1,67;15;IMPB\n"
    "Fabricant Nouveau;Gamme Neuve;Verre importé C;1,74;;IMPC\n"
)
BAD = GOOD + "Essilor;Varilux;Verre importé D;2,5;14;IMPD\n"


def wait(qtbot, job):
    run_to_end(qtbot, job)


def test_import_preview_then_write_everything(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text(GOOD, encoding="cp1252")
    total = window.model.rowCount()
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.counts["new"].text() == "4"
    assert dialog.counts["refused"].text() == "0"
    assert dialog.references.count() >= 2  # the new supplier and its range
    assert dialog.references_label.text() == "Références qui seront créées :"
    assert dialog.problems.isHidden() and dialog.problems_label.isHidden()  # nothing to correct
    assert dialog.import_button.isEnabled()
    assert window.model.rowCount() == total  # nothing written by the preview
    wait(qtbot, dialog.commit())
    assert "Import terminé" in dialog.message.text()
    assert dialog.references_label.text() == "Références créées par l'import :"  # no longer a plan
    assert dialog.references.count() >= 2
    assert window.model.rowCount() == total + 4
    assert catalogue.count_lenses(window.db, LensQuery(text="verre importe")) == 4
    dialog.reject()


def test_import_with_one_bad_line_writes_nothing(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text(BAD, encoding="utf-8-sig")
    total = window.model.rowCount()
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.counts["refused"].text() == "1"
    assert not dialog.import_button.isEnabled()
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 0).text() == "ligne 5"
    assert "hors limites" in dialog.problems.item(0, 2).text()
    assert not dialog.problems.isHidden() and not dialog.problems_label.isHidden()
    assert dialog.commit() is None
    assert catalogue.count_lenses(window.db, LensQuery()) == total
    empty = tmp_path / "vide.csv"
    empty.write_text("", encoding="utf-8")
    wait(qtbot, dialog.set_file(empty))  # cannot be read: no preview, and no old problems shown
    assert dialog.problems.rowCount() == 0 and dialog.problems.isHidden()
    wait(qtbot, dialog.set_file(path))
    assert not dialog.problems.isHidden()
    fixed = tmp_path / "corrigé.csv"
    fixed.write_text(GOOD, encoding="utf-8")
    wait(qtbot, dialog.set_file(fixed))
    assert dialog.problems.isHidden() and dialog.problems_label.isHidden()
    # The window closes with the preview still open: its temporary file does not stay behind.
    spill = dialog.prepared.spill_path
    assert spill is not None and Path(spill).exists()
    window.shutdown()
    assert not Path(spill).exists()


def test_dialog_refuses_to_close_while_a_job_runs(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text(GOOD * 1, encoding="utf-8")
    dialog = window.transfer.import_dialog()
    dialog.show()
    job = dialog.set_file(path)
    dialog.reject()
    assert dialog.isVisible() and "en cours" in dialog.message.text()
    wait(qtbot, job)
    dialog.reject()
    assert not dialog.isVisible()


def test_export_writes_the_filtered_view(window, qtbot, tmp_path):
    window.filters.search_box.setText("ai")
    window.filters.flush_search()
    shown = window.model.rowCount()
    target = tmp_path / "selection.csv"
    wait(qtbot, window.transfer.export(target))
    content = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(content) == shown + 1
    assert ";" in content[0]
    assert (target.stat().st_mode & 0o777) == 0o600


def test_export_says_where_the_engraving_images_went(window, qtbot, tmp_path):
    window.filters.search_box.setText("ai")
    window.filters.flush_search()
    target = tmp_path / "vitrine.csv"
    wait(qtbot, window.transfer.export(target))
    folder = tmp_path / "vitrine_images"
    written = len(list(folder.iterdir()))
    assert written > 0  # the sample's lenses have drawings
    text = window.transfer.last_message.text()
    assert f"image(s) de gravure écrite(s) dans :\n{folder}" in text
    assert text.split("\n\n")[1].startswith(f"{written} image(s)")


def test_import_preview_counts_the_new_engraving_images(window, qtbot, tmp_path):
    from tests.factories import picture

    assert window.unlock_admin("secret-admin")
    (tmp_path / "dessins").mkdir()
    (tmp_path / "dessins" / "neuf.png").write_bytes(picture("orange"))
    path = tmp_path / "tarif.csv"
    path.write_text(
        "Fournisseur;Nom du verre;Indice;Image gravure\n"
        "Essilor;Verre illustré;1,6 - 1,67;dessins/neuf.png\n",
        encoding="utf-8",
    )
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.message.text().startswith("Prêt : 2 nouveaux, 0 mis à jour, 0 doublon, 0 refusé ; 1 nouvelle image de gravure.")
    wait(qtbot, dialog.commit())
    assert dialog.message.text() == (
        "Import terminé : 2 nouveaux, 0 mis à jour, 0 doublon, 0 refusé ; 1 nouvelle image de gravure."
    )
    dialog.reject()


def test_a_guide_goes_in_with_its_valid_lines_and_hands_back_the_others(window, qtbot, tmp_path):
    """Open the file, « Importer les verres valides »: written; the refused lines are beside."""
    from tests.guide_files import write_guide

    assert window.unlock_admin("secret-admin")
    guide = write_guide(tmp_path, 600)
    total = catalogue.count_lenses(window.db, LensQuery())
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(guide.path))
    assert not dialog.import_button.isEnabled()  # all or nothing stays the default
    assert dialog.valid_button.isVisibleTo(dialog) and "verres valides" in dialog.valid_button.text()
    assert dialog.problems.rowCount() == guide.bad_lines - guide.bad_lines // 6  # pairs listed once
    to_write = dialog.prepared.report.to_write
    wait(qtbot, dialog.commit_valid())
    rejects = tmp_path / "guide.refus.csv"
    assert dialog.rejects_written.path == rejects and dialog.rejects_written.lines == guide.bad_lines
    assert str(rejects) in dialog.message.text() and "Import terminé" in dialog.message.text()
    assert catalogue.count_lenses(window.db, LensQuery()) == total + to_write
    dialog.reject()


def test_problems_are_copied_and_saved_whole(window, qtbot, tmp_path):
    from PySide6.QtGui import QGuiApplication

    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text(GOOD + "Essilor;Varilux;Verre D;Tbc;14;IMPD\nEssilor;Varilux;Verre E;1,6è;14;IMPE\n", encoding="utf-8")
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    dialog.problem_list.copy()
    copied = QGuiApplication.clipboard().text().splitlines()
    assert copied[0].startswith("ligne 5, Indice : « Tbc »") and "1,67 tapé sans Maj" in copied[1]
    dialog.problem_list.save(tmp_path / "liste.txt")
    assert (tmp_path / "liste.txt").read_text(encoding="utf-8-sig").splitlines()[0].startswith("ligne 5 : Indice : « Tbc »")
    dialog.reject()


def test_swapped_lines_are_read_back_in_one_click(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text("Fournisseur;Nom;Matériau;Indice\nHoya;Inversé A;1,5;ORG\nHoya;Inversé B;1,6;ORG\n", encoding="utf-8")
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.swap_button.isVisibleTo(dialog) and "2 lignes concernées" in dialog.swap_button.text()
    assert "inversés" in dialog.problems.item(0, 2).text()
    wait(qtbot, dialog.swap_lines())
    assert dialog.counts["refused"].text() == "0" and dialog.import_button.isEnabled()
    dialog.reject()


def test_unknown_columns_are_named_once_and_remembered(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "guide.csv"
    path.write_text("marque;nom_du_verre;glass_index;haut_de_montage\nHoya;Nommé A;1,5;14 à 20mm\n", encoding="utf-8")
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.prepared is None and dialog.tabs.currentWidget() is dialog.columns_panel
    assert "Choisissez le champ" in dialog.message.text()
    combos = dict(dialog.columns_panel.combos)
    assert combos["glass_index"].currentData() == "indice"  # suggested from its header
    wait(qtbot, dialog.apply_columns())
    assert dialog.counts["new"].text() == "1" and dialog.import_button.isEnabled()
    dialog.reject()
    other = tmp_path / "autre.csv"
    other.write_text("marque;nom_du_verre;glass_index;haut_de_montage\nHoya;Nommé B;1,6;16/19\n", encoding="utf-8")
    again = window.transfer.import_dialog()
    wait(qtbot, again.set_file(other))  # the same headers: named already
    assert again.counts["new"].text() == "1" and again.import_button.isEnabled()
    again.reject()


def test_new_references_are_mapped_to_existing_ones_and_remembered(window, qtbot, tmp_path):
    assert window.unlock_admin("secret-admin")
    path = tmp_path / "tarif.csv"
    path.write_text("Fournisseur;Nom;Indice\nESSILOR FR;Proposé A;1,5\nSHAMIR FRANCE;Proposé B;1,6\n", encoding="utf-8")
    dialog = window.transfer.import_dialog()
    wait(qtbot, dialog.set_file(path))
    assert dialog.references.count() == 2 and dialog.ref_panel.accept_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.runner.jobsChanged, timeout=10_000, raising=False):
        dialog.ref_panel.accept_proposals()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.references.count() == 0 and dialog.import_button.isEnabled()
    dialog.reject()
    again = window.transfer.import_dialog()
    wait(qtbot, again.set_file(path))  # remembered for the next file
    assert again.references.count() == 0
    again.reject()
