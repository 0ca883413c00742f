"""The Qt binding trap over a long scripted session of the real window, in a child process.

PySide6 6.12.0 under Python 3.11 drops a reference to ``None`` on every call of a method that
returns nothing, until the interpreter aborts. ``tests/test_qt_binding.py`` checks bare widgets;
this drives the real main window as Claire and Marc would (typing in the search box, hostile text
included, ticking filters, sorting, scrolling, gallery and back, opening and closing the lens
dialog in admin mode) for thousands of void calls, and fails if the child dies or
``sys.getrefcount(None)`` falls by more than half the calls made.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.reliability.helpers import PROJECT, child_env

pytestmark = pytest.mark.slow

ROUNDS = 64

CHILD = textwrap.dedent(
    f"""
    import gc
    import sys
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication, QLineEdit
    from data import catalogue
    from gui.app import open_main_window

    window = open_main_window()
    app = QApplication.instance()
    while window.jobs.running:
        app.processEvents()
    window.resize(1400, 900)
    window.show()
    assert window.unlock_admin("vitrine-42")
    words = ["ai", "AIPZ", "varilux", "é", "c7", "'; DROP TABLE verres; --", "%", "_", "ß", ""]
    search = window.filters.search_box
    indices = window.filters.index_list
    suppliers = window.filters.supplier_list
    table, gallery = window.table, window.gallery
    bar = table.verticalScrollBar()
    ids = catalogue.lens_ids(window.db, catalogue.LensQuery())

    def browse(n):
        calls = 0
        search.setText(words[n % len(words)]); calls += 1
        window.filters.flush_search()
        app.processEvents(); calls += 1
        calls += tick(indices, n)
        window.filters.height_box.setText(str(10 + n % 12)); calls += 1
        app.processEvents(); calls += 1
        window.filters.height_box.clear(); calls += 1
        table.sortByColumn(n % 6, Qt.SortOrder(n % 2)); calls += 1
        app.processEvents(); calls += 1
        bar.setValue(bar.maximum() * (n % 5) // 4); calls += 1
        table.scrollToBottom(); calls += 1
        table.scrollToTop(); calls += 1
        table.selectRow(n % 5); calls += 1
        app.processEvents(); calls += 1
        window.set_view(1)
        gallery.scrollToBottom(); calls += 1
        app.processEvents(); calls += 1
        window.set_view(0)
        app.processEvents(); calls += 1
        window.statusBar().showMessage(f"tour {{n}}"); calls += 1
        return calls

    def tick(lst, n):
        calls = 0
        if lst.count():
            item = lst.item(n % lst.count())
            item.setCheckState(Qt.CheckState.Checked); calls += 1
            app.processEvents(); calls += 1
            item.setCheckState(Qt.CheckState.Unchecked); calls += 1
            app.processEvents(); calls += 1
        return calls

    def refill(n):
        # Ticking a supplier refills the range and series lists.
        return sum(tick(suppliers, n + k) for k in range(3))

    def edit(n):
        calls = 0
        dialog = window.editing.lens_dialog(catalogue.get_lens(window.db, ids[n % len(ids)]))
        for name in ("nom", "variante", "gravure_nasale", "indice", "url_source"):
            field = dialog.findChild(QLineEdit, "field_" + name)
            if field is not None:
                field.setText(words[(n + len(name)) % len(words)] or "1,6"); calls += 1
        dialog.validate()
        app.processEvents(); calls += 1
        dialog.reject(); calls += 1
        dialog.deleteLater(); calls += 1
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete); calls += 1
        return calls

    def direct(n):
        # Void calls straight on the session's widgets, with nothing of the app's own behind them.
        calls = 0
        for _ in range(25):
            search.setCursorPosition(0); calls += 1
            table.clearFocus(); calls += 1
            window.statusBar().clearMessage(); calls += 1
            bar.setValue(0); calls += 1
        return calls

    def measured(step, n):
        gc.collect()
        start = sys.getrefcount(None)
        calls = step(n)
        gc.collect()
        return sys.getrefcount(None) - start, calls

    # Each step runs twice in a row and only the repeat is judged: by then the step's caches
    # (rows, images, statements) are warm, so the app itself adds nothing and the binding trap
    # would show as a fall of about one reference per call.
    made = 0
    totals = {{"browse": [0, 0], "refill": [0, 0], "edit": [0, 0], "direct": [0, 0]}}
    # One phase per kind of step, so that what one kind keeps cannot blur another's count.
    for name, step, rounds in (("browse", browse, {ROUNDS}), ("refill", refill, {ROUNDS} // 4),
                               ("edit", edit, {ROUNDS} // 4), ("direct", direct, 16)):
        for n in range(rounds):
            made += step(n)
            delta, calls = measured(step, n)
            made += calls
            totals[name][0] += delta
            totals[name][1] += calls
    window.shutdown()
    print(made, *totals["browse"], *totals["refill"], *totals["edit"], *totals["direct"])
    """
)


def test_a_long_session_of_the_real_window_does_not_leak_none(tmp_path: Path) -> None:
    home = tmp_path / "home"
    child = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                           env=child_env(home), cwd=str(PROJECT), timeout=280, check=False)
    assert child.returncode == 0, f"the window's process died ({child.returncode}): {child.stderr[-3000:]}"
    made, *figures = (int(x) for x in child.stdout.split()[-9:])
    steps = dict(zip(("navigation", "filtres fournisseur", "dialogue", "appels directs"),
                     zip(figures[0::2], figures[1::2], strict=True), strict=True))
    print(f"\n[Qt] {made} appels en tout ; " + " ; ".join(
        f"{name} : {calls} appels jugés, refcount(None) {delta:+d}"
        for name, (delta, calls) in steps.items()))
    assert made >= 3000, "the session made too few calls to catch the leak"
    # Browsing, ticking a supplier and opening a lens dialog all grow None's count today
    # (references the GUI keeps after use, about 35, 30 and 230 a step: reported to the lead),
    # which would hide a fall there; so each kind of step is judged on its own, and the direct
    # calls on the same live widgets, with nothing of the app behind them, must stay flat.
    for name, (delta, calls) in steps.items():
        assert delta > -(calls // 2), f"{name}: None refcount fell by {-delta} over {calls} calls"
    direct_delta, direct_calls = steps["appels directs"]
    assert abs(direct_delta) < direct_calls // 2, f"direct void calls moved None by {direct_delta}"
