"""The history view: who changed what, filters, and restoring a deleted lens."""

from __future__ import annotations

from data import audit, catalogue, formatting
from data.query import LensQuery


def edit_index(window, row: int, value: str) -> int:
    window.table.selectRow(row)
    lens = catalogue.get_lens(window.db, window.detail.lens.id)
    catalogue.update_lens(window.db, lens.id, {**lens.form_values(), "indice": value}, lens.version)
    return lens.id


def test_history_lists_changes_with_old_and_new_values(window):
    lens_id = edit_index(window, 1, "1,9")
    dialog = window.editing.history_dialog()
    assert dialog.objectName() == "historyDialog"
    assert dialog.table.rowCount() >= 1
    assert "Modification" == dialog.table.item(0, 2).text()
    assert str(audit.who(window.db)) == dialog.table.item(0, 1).text()
    dialog.table.selectRow(0)
    rows = {dialog.changes.item(r, 0).text(): (dialog.changes.item(r, 1).text(), dialog.changes.item(r, 2).text())
            for r in range(dialog.changes.rowCount())}
    assert rows["Indice"][1] == "1,90"
    assert not dialog.restore_button.isEnabled()
    lens_dialog = window.editing.history_dialog(lens_only=True)
    assert all(e.target_id == lens_id for e in lens_dialog.entries)


def test_history_filters_by_author_and_action(window):
    edit_index(window, 0, "1,8")
    dialog = window.editing.history_dialog()
    dialog.action.setCurrentIndex(dialog.action.findData(audit.SUPPRESSION))
    assert dialog.table.rowCount() == 0
    dialog.action.setCurrentIndex(dialog.action.findData(audit.MODIFICATION))
    assert dialog.table.rowCount() == 1
    dialog.author.setCurrentIndex(dialog.author.findData(audit.who(window.db)))
    assert dialog.table.rowCount() == 1


def test_deleted_lens_is_restored_from_history(window):
    assert window.unlock_admin("secret-admin")
    total = window.model.rowCount()
    window.table.selectRow(5)
    lens_id = window.detail.lens.id
    window.editing.delete_lenses(confirm=False)
    assert window.model.rowCount() == total - 1
    dialog = window.editing.history_dialog()
    dialog.action.setCurrentIndex(dialog.action.findData(audit.SUPPRESSION))
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    assert dialog.restore_selected() == lens_id
    assert window.model.rowCount() == total
    assert window.current_lens_id() == lens_id
    assert catalogue.count_lenses(window.db, LensQuery()) == total


def test_history_view_offers_no_edit(window):
    edit_index(window, 0, "1,8")
    dialog = window.editing.history_dialog()
    assert dialog.table.editTriggers() == dialog.table.EditTrigger.NoEditTriggers
    assert not dialog.restore_button.isEnabled()  # not in admin mode


def test_detail_says_what_changed_and_the_element_names_the_lens(window, qtbot):
    window.table.selectRow(2)
    lens = catalogue.get_lens(window.db, window.detail.lens.id)
    catalogue.update_lens(window.db, lens.id, {**lens.form_values(), "indice": "1,67", "gravure_nasale": "AIPZ9"},
                          lens.version)
    dialog = window.editing.history_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.horizontalHeaderItem(4).text() == "Détail"
    detail = dialog.table.item(0, 4).text()
    old_index = formatting.lens_index(lens.indice)
    assert detail.startswith(f"Indice {old_index} → 1,67 ; Gravure nasale ")
    assert detail.endswith(" → AIPZ9")
    element = dialog.table.item(0, 3).text()
    assert element.startswith(f"Verre « {lens.nom}")
    assert f"— {lens.fournisseur}, indice 1,67, n° {lens.id}" in element
    assert dialog.table.columnWidth(4) > 150  # the detail is in sight, not squeezed out
