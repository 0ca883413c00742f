"""The integrity report's one-click merge of near-identical references."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from data import catalogue
from data.catalogue import Changes
from data.maintenance import Finding, IntegrityReport, MergeOffer, ReferenceSide
from data.query import LensQuery
from gui.dialogs.integrity_dialog import IntegrityDialog
from tests.gui.conftest import run_to_end


def add_twin_supplier(window, name="ESSILOR FR", lenses=2):
    """What an old import left: « ESSILOR FR » beside the sample's « Essilor », with its lenses."""
    with window.db.transaction() as s:
        supplier = catalogue.get_or_create_reference(s, "fournisseur", name)
        range_id = catalogue.get_or_create_reference(s, "gamme", "Varilux", supplier)
    for i in range(lenses):
        catalogue.create_lens(window.db, {"nom": f"Verre importé {i}", "fournisseur_id": supplier,
                                          "gamme_id": range_id, "indice": "1,6"})
    return supplier


def supplier_lenses(window, supplier_id):
    return catalogue.lens_ids(window.db, LensQuery(supplier_ids=(supplier_id,)))


def checked_report(window, qtbot):
    run_to_end(qtbot, window.protection.check())
    dialog = window.protection.last_report
    assert dialog is not None
    return dialog


def offer_button(dialog, other_name):
    return next(b for b in dialog.merge_buttons() if other_name in (b.offer.other.name, b.offer.keep.name))


def confirm(window, qtbot, dialog):
    box = window.protection.merges.last_confirmation
    assert box is not None and box.isVisible()
    text = box.text()
    qtbot.mouseClick(box.findChild(QPushButton, "mergeConfirmButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.writing and dialog.status.text() != "", timeout=30_000)
    qtbot.waitUntil(lambda: "…" not in dialog.status.text(), timeout=30_000)
    return text


def test_each_near_duplicate_finding_offers_a_merge_into_the_name_more_lenses_use(window, qtbot):
    add_twin_supplier(window)
    dialog = checked_report(window, qtbot)
    button = offer_button(dialog, "ESSILOR FR")
    assert button.isVisible()
    assert button.text() == "Fusionner dans « Essilor »"
    assert button.menu().actions()[0].text() == "Fusionner plutôt dans « ESSILOR FR »"
    near = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())]
    group = next(g for g in near if g.text(0).startswith("Références presque identiques"))
    assert len(dialog.merge_buttons()) == group.childCount()


def test_merge_moves_the_lenses_and_the_finding_goes(window, qtbot):
    twin = add_twin_supplier(window)
    moved = supplier_lenses(window, twin)
    essilor = next(s for s in catalogue.list_suppliers(window.db) if s.nom == "Essilor")
    assert window.unlock_admin("secret-admin")
    dialog = checked_report(window, qtbot)
    before = dialog.count
    button = offer_button(dialog, "ESSILOR FR")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    question = confirm(window, qtbot, dialog)
    assert "2 verres passeront de « ESSILOR FR » à « Essilor »" in question
    assert "Ses gammes et séries suivent" in question
    assert "ESSILOR FR" not in [b.offer.other.name for b in dialog.merge_buttons()]
    assert dialog.count == before - 1
    assert "2 verres déplacés" in dialog.status.text()
    assert set(supplier_lenses(window, essilor.id)) >= set(moved)
    assert "ESSILOR FR" not in [s.nom for s in catalogue.list_suppliers(window.db)]
    assert catalogue.get_lens(window.db, moved[0]).gamme == "Varilux"
    # The window heard it: the supplier list no longer offers the merged name.
    supplier_list = window.filters.supplier_list
    qtbot.waitUntil(lambda: not any(supplier_list.item(i).text().startswith("ESSILOR FR")
                                    for i in range(supplier_list.count())), timeout=10_000)


def test_the_other_direction_is_offered_and_cancel_changes_nothing(window, qtbot):
    twin = add_twin_supplier(window)
    essilor = next(s for s in catalogue.list_suppliers(window.db) if s.nom == "Essilor")
    assert window.unlock_admin("secret-admin")
    dialog = checked_report(window, qtbot)
    button = offer_button(dialog, "ESSILOR FR")
    button.menu().actions()[0].trigger()
    box = window.protection.merges.last_confirmation
    assert f"{essilor.lens_count} verres passeront de « Essilor » à « ESSILOR FR »" in box.text().replace("\u202f", " ").replace("\xa0", " ")
    box.reject()
    assert len(supplier_lenses(window, twin)) == 2
    assert button in dialog.merge_buttons() and button.isEnabled()


def test_merge_needs_admin_mode(window, qtbot, monkeypatch):
    twin = add_twin_supplier(window)
    monkeypatch.setattr(window.admin, "ask", lambda: False)
    dialog = checked_report(window, qtbot)
    qtbot.mouseClick(offer_button(dialog, "ESSILOR FR"), Qt.MouseButton.LeftButton)
    assert window.protection.merges.last_confirmation is None
    assert len(supplier_lenses(window, twin)) == 2


def test_refused_merge_says_why_and_leaves_everything_unchanged(window, qtbot):
    """Two ranges of different suppliers: the data layer's rule refuses, nothing moves."""
    suppliers = {s.nom: s.id for s in catalogue.list_suppliers(window.db)}
    ranges = {(r.nom, r.parent_id): r for r in catalogue.list_ranges(window.db)}
    varilux = ranges[("Varilux", suppliers["Essilor"])]
    hoyalux = next(r for (name, parent), r in ranges.items() if parent == suppliers["Hoya"])
    offer = MergeOffer("gamme", ReferenceSide(varilux.id, varilux.nom, varilux.lens_count),
                       ReferenceSide(hoyalux.id, hoyalux.nom, hoyalux.lens_count))
    report = IntegrityReport([Finding("reference_proche", None, None, "Gammes proches.", offer)])
    assert window.unlock_admin("secret-admin")
    window.protection.show_report(report)
    dialog = window.protection.last_report
    qtbot.mouseClick(dialog.merge_buttons()[0], Qt.MouseButton.LeftButton)
    confirm(window, qtbot, dialog)
    assert "refusée : Deux gammes de fournisseurs différents ne se fusionnent pas." in dialog.status.text()
    assert dialog.merge_buttons()[0].isEnabled() and dialog.count == 1
    after = {(r.nom, r.parent_id): r.lens_count for r in catalogue.list_ranges(window.db)}
    assert after == {key: r.lens_count for key, r in ranges.items()}


def test_a_reference_merged_meanwhile_is_refused_with_the_reason(window, qtbot):
    twin = add_twin_supplier(window)
    essilor = next(s for s in catalogue.list_suppliers(window.db) if s.nom == "Essilor")
    assert window.unlock_admin("secret-admin")
    dialog = checked_report(window, qtbot)
    catalogue.merge_references(window.db, "fournisseur", twin, essilor.id)  # another PC was quicker
    counts = {s.nom: s.lens_count for s in catalogue.list_suppliers(window.db)}
    qtbot.mouseClick(offer_button(dialog, "ESSILOR FR"), Qt.MouseButton.LeftButton)
    confirm(window, qtbot, dialog)
    assert "n'existe plus" in dialog.status.text() and "Relancez la vérification" in dialog.status.text()
    assert {s.nom: s.lens_count for s in catalogue.list_suppliers(window.db)} == counts


def test_findings_naming_the_merged_away_reference_no_longer_offer_it(qtbot):
    first, second, third = (ReferenceSide(1, "Essilor", 10), ReferenceSide(2, "ESSILOR FR", 2),
                            ReferenceSide(3, "Essilor France", 9))
    offers = [MergeOffer.between("fournisseur", first, second), MergeOffer.between("fournisseur", first, third)]
    report = IntegrityReport([Finding("reference_proche", None, None, f"n° {i}", o) for i, o in enumerate(offers)])
    dialog = IntegrityDialog(report)
    qtbot.addWidget(dialog)
    # Kept « ESSILOR FR » this time (the other direction): « Essilor » is gone.
    dialog.merged(offers[0].reversed(), Changes(moved=10))
    [left] = dialog.merge_buttons()
    assert left.stale and not left.isEnabled() and left.text() == "Relancez la vérification"
    # Kept « Essilor »: the other finding now weighs its 12 lenses.
    dialog = IntegrityDialog(report)
    qtbot.addWidget(dialog)
    dialog.merged(offers[0], Changes(moved=2))
    [left] = dialog.merge_buttons()
    assert left.offer.keep == ReferenceSide(1, "Essilor", 12) and left.isEnabled()
    assert dialog.summary.text().startswith("1 problème trouvé")
