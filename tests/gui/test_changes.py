"""What a write changed travels through events.changed; each part refreshes only what it shows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from data import catalogue
from data.catalogue import Changes
from data.query import LensQuery


@pytest.fixture
def admin_window(window):
    assert window.unlock_admin("secret-admin")
    return window


def record_changes(window) -> list[Changes]:
    seen: list[Changes] = []
    window.events.changed.connect(seen.append)
    return seen


def test_a_save_repaints_only_its_row_and_keeps_the_query(admin_window, qtbot):
    window = admin_window
    window.table.selectRow(3)
    lens = window.detail.lens
    resets: list[int] = []
    painted: list[tuple[int, int]] = []
    window.model.modelReset.connect(lambda: resets.append(1))
    window.model.dataChanged.connect(lambda first, last, _roles=(): painted.append((first.row(), last.row())))
    seen = record_changes(window)
    # The row's cells as the view last painted them (worked out once per row, at its first cell).
    assert window.model.data(window.model.index(3, 9)) == lens.gravure_nasale != "REPEINT"
    dialog = window.editing.lens_dialog(lens)
    qtbot.addWidget(dialog)
    dialog.inputs["gravure_nasale"].setText("REPEINT")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert seen == [Changes(lenses=frozenset({lens.id}), version=lens.version + 1)]
    assert not resets and painted == [(3, 3)]
    assert window.model.data(window.model.index(3, 9)) == "REPEINT"
    assert window.detail.fields["gravure_nasale"].text() == "REPEINT"


def test_delete_undo_and_sample_removal_say_what_they_changed(admin_window, qtmodeltester):
    window = admin_window
    seen = record_changes(window)
    window.table.selectRow(1)
    lens_id = window.current_lens_id()
    assert window.editing.delete_lenses(confirm=False) == 1
    assert seen[-1].deleted == {lens_id} and seen[-1].snapshots[0].id == lens_id
    assert window.editing.undo_delete() == 1
    assert seen[-1].created == (lens_id,)
    assert window.current_lens_id() == lens_id  # the restored lens is selected again
    qtmodeltester.check(window.model)
    assert window.editing.remove_sample_now() > 0
    assert seen[-1].everything
    assert window.model.rowCount() == 0 and not window.banner.isVisibleTo(window)


def test_a_reference_renamed_refreshes_the_filter_lists_and_the_rows(admin_window):
    window = admin_window
    seen = record_changes(window)
    tab = window.editing.references_dialog().pages["fournisseur"]
    hoya = next(item for item in tab.items if item.nom == "Hoya")
    assert tab.rename_to(hoya, "Hoya Vision")
    assert seen[-1].references == {"fournisseur"}
    labels = [window.filters.supplier_list.item(i).text() for i in range(window.filters.supplier_list.count())]
    assert any(label.startswith("Hoya Vision") for label in labels)
    shown = {window.model.data(window.model.index(r, 2)) for r in range(window.model.rowCount())}
    assert "Hoya Vision" in shown and "Hoya" not in shown


def test_revealing_a_deep_lens_reads_the_ids_once(window, monkeypatch):
    real = catalogue.lens_ids
    calls: list[LensQuery] = []

    def counted(db, query, *args, **kwargs):
        calls.append(query)
        return real(db, query, *args, **kwargs)

    monkeypatch.setattr(catalogue, "lens_ids", counted)
    ids = real(window.db, window.model.query)
    window.reveal_lens(ids[-1])
    assert window.current_lens_id() == ids[-1]
    window.reveal_lens(ids[-2])
    assert window.current_lens_id() == ids[-2]
    assert len(calls) == 1


def test_revealing_a_lens_the_filters_hide_clears_them(window, qtbot):
    first = window.model.lens_id_at(0)
    window.filters.search_box.setText("zzzz-rien")
    window.filters.flush_search()
    assert window.model.rowCount() == 0
    window.reveal_lens(first)
    assert window.filters.search_box.text() == ""
    assert window.current_lens_id() == first
